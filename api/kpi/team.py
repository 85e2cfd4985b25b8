"""The team overview (teamleider): every POH and every practice of a team side by side, with the
key KPIs of one period and the two flags a teamleider acts on — overloaded (face-to-face
consults per 8-hour workday above the norm of 9) and a long wait (median days to intake above
14). The thresholds are the KPIs' own norms in the registry (``norm_high``), not copies.

One engine pass per KPI computes it for all POHs of the team at once (a provider target) and
for all its practices at once (a practice target): the same measures as a POH's or a practice's
own value (``GET /kpis/{slug}?level=provider|practice``), so the figures agree. The raw overview
is cached like any KPI result; the caller's scope and the small-number rule are applied after
the cache (``for_caller``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.kpi import present
from api.kpi.definitions import REGISTRY
from api.kpi.engine import Engine, Target
from api.kpi.periods import Period
from api.kpi.schemas import (
    TeamCell,
    TeamColumn,
    TeamMemberRow,
    TeamOverviewRead,
)
from api.kpi.scope import CallerScope, not_found
from models import Practice, Provider, ProviderPractice, Region, Team
from models.enums import POH_GGZ_FUNCTIES

# The columns of the overview, in display order.
SLUGS: tuple[str, ...] = (
    "ftf_per_workday",
    "wait_days_intake",
    "caseload_active",
    "poh_contacts",
    "poh_new_episodes",
    "wait_within_14d_pct",
    "poh_referral_share",
    "hours_contract_per_week",
    "direct_time_pct",
    "caseload_stale",
    "long_episodes",
)
# A flag is raised when the value lies above the KPI's norm (norm_high of the registry).
FLAGS: dict[str, str] = {"ftf_per_workday": "overloaded", "wait_days_intake": "long_wait"}


def _members(session: Session, team: Team) -> tuple[list[Provider], list[Practice]]:
    """The team's POHs (those it lists, else the POHs working in its practices) and its
    practices (those it lists, else the practices its POHs work in), sorted by name."""
    practices = list(team.practices)
    providers = list(team.providers)
    if not providers and practices:
        providers = list(
            session.scalars(
                select(Provider)
                .join(ProviderPractice, ProviderPractice.provider_id == Provider.id)
                .where(ProviderPractice.practice_id.in_([p.id for p in practices]))
                .where(Provider.functie.in_(POH_GGZ_FUNCTIES))
            ).unique()
        )
    if not practices and providers:
        practices = list(
            session.scalars(
                select(Practice)
                .join(ProviderPractice, ProviderPractice.practice_id == Practice.id)
                .where(ProviderPractice.provider_id.in_([p.id for p in providers]))
            ).unique()
        )
    providers.sort(key=lambda p: ((p.name or p.code).lower(), p.code))
    practices.sort(key=lambda p: (p.name.lower(), p.agb))
    return providers, practices


def _column(slug: str) -> TeamColumn:
    definition = REGISTRY[slug]
    return TeamColumn(
        slug=slug,
        title_nl=definition.title_nl,
        title_en=definition.title_en,
        unit=definition.unit,
        unit_nl=definition.unit_nl,
        polarity=definition.polarity,
        decimals=definition.decimals,
        norm_low=definition.norm_low,
        norm_high=definition.norm_high,
        flag=FLAGS.get(slug),
    )


def build_overview(session: Session, team_slug: str, period: Period) -> TeamOverviewRead:
    """Every POH and practice of the team with the overview's KPIs (no caller rules yet)."""
    team = session.scalar(select(Team).where(Team.slug == team_slug))
    if team is None:
        raise not_found("team", team_slug)
    providers, practices = _members(session, team)
    in_team = {p.id for p in practices}
    practice_agb = {p.id: p.agb for p in practices}
    worked_in: dict[int, list[str]] = {p.id: [] for p in providers}
    for provider_id, practice_id in session.execute(
        select(ProviderPractice.provider_id, ProviderPractice.practice_id).where(
            ProviderPractice.provider_id.in_(list(worked_in) or [-1])
        )
    ):
        if practice_id in in_team:
            worked_in[provider_id].append(practice_agb[practice_id])
    rows = [
        TeamMemberRow(
            kind="provider",
            id=p.code,
            name=p.name or p.code,
            practices=sorted(worked_in[p.id]),
        )
        for p in providers
    ] + [TeamMemberRow(kind="practice", id=p.agb, name=p.name) for p in practices]
    engine = Engine(session)
    groups: Sequence[tuple[str, Target, list[TeamMemberRow]]] = (
        (
            "provider",
            Target(
                "provider",
                provider_ids=tuple(p.id for p in providers),
                referrals_by_provider=True,
            ),
            rows[: len(providers)],
        ),
        ("practice", Target("practice", practice_ids=tuple(in_team)), rows[len(providers) :]),
    )
    ids = {"provider": [p.id for p in providers], "practice": [p.id for p in practices]}
    for slug in SLUGS:
        definition = REGISTRY[slug]
        for level, target, members in groups:
            if not members or level not in definition.levels:
                continue
            results = engine.compute(definition, target, [period])
            for key, row in zip(ids[level], members, strict=True):
                result = results.get((key, 0))
                if result is None:
                    continue
                row.values[slug] = TeamCell(
                    value=result.value,
                    value_display=present.display(definition, result.value),
                    numerator=result.numerator,
                    denominator=result.denominator,
                    status=result.status,
                )
    region = (
        session.scalar(select(Region.slug).where(Region.id == team.region_id))
        if team.region_id
        else None
    )
    return TeamOverviewRead(
        team=team.slug,
        name=team.name,
        region=region,
        period=period.read(),
        columns=[_column(slug) for slug in SLUGS],
        rows=rows,
    )


def for_caller(
    overview: TeamOverviewRead,
    caller: CallerScope,
    forced: Callable[[str, str, str], bool] = lambda kind, key, slug: False,
) -> TeamOverviewRead:
    """The overview as ``caller`` may see it: only the members in their scope; for members
    outside their own scope the small-number rule, complementary within each column and kind
    (the team's own value is another response: team total − the other rows must not give a
    hidden row back) and hiding what ``forced(kind, key, slug)`` says other responses hide
    (api/kpi/disclosure.py), and flags only on values that are shown."""
    overview.rows = [row for row in overview.rows if caller.can_see(row.kind, row.id)]
    for slug in SLUGS:
        definition = REGISTRY[slug]
        for kind in ("provider", "practice"):
            cells = {
                row.id: row.values[slug]
                for row in overview.rows
                if row.kind == kind and slug in row.values
            }
            own = {key for key in cells if caller.is_own(kind, key)}
            rows = [_Keyed(key, cell) for key, cell in cells.items()]
            hidden, _ = present.hidden_rows(definition, rows, own.__contains__)
            for key, cell in cells.items():
                if key in own:
                    continue
                counts = present.has_counts(definition, cell)
                force = key in hidden or (counts and forced(kind, key, slug))
                present.suppress(definition, cell, force=force)
    for row in overview.rows:
        row.flags = [
            FLAGS[slug]
            for slug in FLAGS
            if slug in row.values and _above_norm(slug, row.values[slug].value)
        ]
        for slug in FLAGS:
            if slug in row.values:
                row.values[slug].flagged = FLAGS[slug] in row.flags
    return overview


def _above_norm(slug: str, value: float | None) -> bool:
    norm = REGISTRY[slug].norm_high
    return value is not None and norm is not None and value > norm


class _Keyed:
    """A cell seen by ``present.hidden_rows``, which names rows by ``agb``."""

    def __init__(self, key: str, cell: TeamCell) -> None:
        self.agb = key
        self.value = cell.value
        self.numerator = cell.numerator
        self.denominator = cell.denominator
        self.extra: dict[str, float | None] = {}
