"""From a user's role and grants (UserScope rows) to what they may see and what is their own.

Framework-free: returns a :class:`Grant`, which ``api.access.get_caller_scope`` turns into the
KPI service's ``CallerScope``. What each grant level opens (docs/security.md):

- ``provider`` (a POH, also ``users.provider_id``): that zorgverlener, visible and own; the
  practices they work in, visible and own (their aggregates unsuppressed); the regions of
  those practices, visible (benchmarks; for the role poh the other practices anonymised,
  ``Grant.anonymise_others``).
- ``practice`` (a huisarts): that practice, visible and own.
- ``team`` (a teamleider): the team, its practices and its POHs (those it lists, else the POHs
  working in its practices), visible and own.
- ``region`` (regio): the region, all its practices and teams, visible, *not* own: the
  small-number rule applies.
- ``all``: the whole installation, key ``visible`` (small-number rule applies) or ``own``.

Which levels a role may be granted is fixed in :data:`ALLOWED_LEVELS`; a beheerder gets no
data at all without a grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Practice, Provider, ProviderPractice, Region, Team, User
from models.enums import POH_GGZ_FUNCTIES, Role, ScopeLevel

ALLOWED_LEVELS: dict[str, frozenset[str]] = {
    Role.POH.value: frozenset({ScopeLevel.PROVIDER.value, ScopeLevel.PRACTICE.value}),
    Role.HUISARTS.value: frozenset({ScopeLevel.PRACTICE.value}),
    Role.TEAMLEIDER.value: frozenset({ScopeLevel.TEAM.value}),
    # a regio user may be granted the whole installation, as "visible" (small-number rule)
    Role.REGIO.value: frozenset({ScopeLevel.REGION.value, ScopeLevel.ALL.value}),
    Role.BEHEERDER.value: frozenset(level.value for level in ScopeLevel),
}
ALL_KEYS = ("visible", "own")


@dataclass(frozen=True)
class Grant:
    visible_all: bool = False
    visible: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    own_all: bool = False
    own_practices: frozenset[str] = field(default_factory=frozenset)
    own_providers: frozenset[str] = field(default_factory=frozenset)
    anonymise_others: bool = False  # a POH sees other practices only as "Praktijk A, B, …"

    def describe(self) -> str:
        """A short text of the scope for the audit log (no counts)."""
        if self.visible_all:
            return "alles (eigen)" if self.own_all else "alles"
        parts = [f"{level}:{key}" for level, key in sorted(self.visible)]
        return ", ".join(parts) or "geen gegevens"


def _practices_of_providers(session: Session, provider_ids: Iterable[int]) -> list[tuple[str, int]]:
    ids = list(provider_ids)
    if not ids:
        return []
    stmt = (
        select(Practice.agb, Practice.region_id)
        .join(ProviderPractice, ProviderPractice.practice_id == Practice.id)
        .where(ProviderPractice.provider_id.in_(ids))
    )
    return [(a, r) for a, r in session.execute(stmt).unique()]


def _region_slugs(session: Session, region_ids: Iterable[int]) -> list[str]:
    ids = list(set(region_ids))
    if not ids:
        return []
    return list(session.scalars(select(Region.slug).where(Region.id.in_(ids))))


def build_grant(session: Session, user: User) -> Grant:
    """What ``user`` may see now (read from the database on every request)."""
    by_level: dict[str, set[str]] = {level.value: set() for level in ScopeLevel}
    for row in user.scopes:
        by_level.setdefault(row.level, set()).add(row.key)
    visible: set[tuple[str, str]] = set()
    own_practices: set[str] = set()
    own_providers: set[str] = set()

    # provider grants (and the POH's own zorgverlener)
    provider_ids: set[int] = set()
    if by_level[ScopeLevel.PROVIDER.value]:
        provider_ids |= set(
            session.scalars(
                select(Provider.id).where(Provider.code.in_(by_level[ScopeLevel.PROVIDER.value]))
            )
        )
    if user.provider_id is not None:
        provider_ids.add(user.provider_id)
    codes = set(by_level[ScopeLevel.PROVIDER.value])
    if provider_ids:
        codes |= set(session.scalars(select(Provider.code).where(Provider.id.in_(provider_ids))))
    own_providers |= codes
    visible |= {("provider", c) for c in codes}
    works_in = _practices_of_providers(session, provider_ids)
    own_practices |= {a for a, _r in works_in}
    visible |= {("practice", a) for a, _r in works_in}
    visible |= {("region", s) for s in _region_slugs(session, (r for _a, r in works_in))}

    # practice grants
    own_practices |= by_level[ScopeLevel.PRACTICE.value]
    visible |= {("practice", a) for a in by_level[ScopeLevel.PRACTICE.value]}

    # team grants
    slugs = by_level[ScopeLevel.TEAM.value]
    if slugs:
        for team in session.scalars(select(Team).where(Team.slug.in_(slugs))):
            team_codes = {p.code for p in team.providers}
            agbs = {p.agb for p in team.practices}
            if not agbs:  # as the KPI service resolves a team without practices
                ids = (p.id for p in team.providers)
                agbs = {a for a, _r in _practices_of_providers(session, ids)}
            if not team_codes and team.practices:  # a team of practices: the POHs working there
                team_codes = set(
                    session.scalars(
                        select(Provider.code)
                        .join(ProviderPractice, ProviderPractice.provider_id == Provider.id)
                        .where(ProviderPractice.practice_id.in_([p.id for p in team.practices]))
                        .where(Provider.functie.in_(POH_GGZ_FUNCTIES))
                    )
                )
            own_providers |= team_codes
            own_practices |= agbs
            visible |= {("provider", c) for c in team_codes}
            visible |= {("practice", a) for a in agbs}
        visible |= {("team", s) for s in slugs}

    # region grants: visible, not own
    regions = by_level[ScopeLevel.REGION.value]
    if regions:
        visible |= {("region", s) for s in regions}
        rows = session.execute(
            select(Practice.agb)
            .join(Region, Region.id == Practice.region_id)
            .where(Region.slug.in_(regions))
        )
        visible |= {("practice", a) for (a,) in rows}
        teams = session.execute(
            select(Team.slug)
            .join(Region, Region.id == Team.region_id)
            .where(Region.slug.in_(regions))
        )
        visible |= {("team", s) for (s,) in teams}

    everything = by_level[ScopeLevel.ALL.value]
    return Grant(
        visible_all=bool(everything),
        visible=frozenset(visible),
        own_all="own" in everything,
        own_practices=frozenset(own_practices),
        own_providers=frozenset(own_providers),
        anonymise_others=user.role == Role.POH.value,
    )
