"""KPI service: the only entry point for routes, exports and reports. Never commits.

Every public function takes the session first and keyword-only arguments after it, checks what
is asked (KPI, period, the caller's right to see the scope), takes the response from the cache
or has it computed, and applies the caller's small-number rule last — results are cached
*before* it, so that the cache is shared by all callers and worker processes. The work itself
lives elsewhere: scope resolution (``scope.py``), engine results to schemas (``present.py``),
benchmarks and scorecards (``regional.py``), referral flows (``flows.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import Invalid, NotFound
from api.kpi import answers, cache, disclosure, present, regional
from api.kpi import warm as warming
from api.kpi.definitions import REGISTRY, KpiDefinition
from api.kpi.engine import Engine
from api.kpi.flows import build_flows, protect_flows
from api.kpi.periods import (
    Period,
    PeriodError,
    buckets,
    is_quarter,
    parse_bound,
    parse_period,
    quarter,
)
from api.kpi.schemas import (
    BenchmarkRead,
    DataPeriodsRead,
    KpiList,
    KpiSeriesRead,
    KpiValueRead,
    KpiValuesRead,
    KpiWithValue,
    ReferralFlowsRead,
    ScorecardRead,
    TeamOverviewRead,
)
from api.kpi.scope import (
    CallerScope,
    OwnPractices,
    ScopeRef,
    canonical,
    region_by_slug,
    region_key,
    resolve_scope,
)
from api.kpi.team import build_overview, for_caller
from models import Contact, Practice, Region

QUARTER = re.compile(r"\d{4}Q[1-4]")

__all__ = [
    "CallerScope",
    "ScopeRef",
    "data_periods",
    "get_benchmark",
    "get_many_values",
    "get_referral_flows",
    "get_scorecard",
    "get_series",
    "get_team_overview",
    "get_values",
    "latest_quarter",
    "list_kpis",
    "warm_cache",
    "warm_views",
]


def _definition(slug: str) -> KpiDefinition:
    definition = REGISTRY.get(slug)
    if definition is None:
        raise NotFound(f"Onbekende KPI '{slug}'. Zie GET /api/v1/kpis voor de catalogus.")
    return definition


def _period(period: Period | str) -> Period:
    if not isinstance(period, str):
        return period
    try:
        return parse_period(period)
    except PeriodError as exc:
        raise Invalid(str(exc), errors=[{"loc": ["period"], "msg": str(exc)}]) from exc


def _own(caller: CallerScope) -> Callable[[str], bool]:
    """Whether a practice (AGB) lies in the caller's own scope (hashable by the caller, so
    that a caller's view of a benchmark can be remembered: ``regional.caller_benchmark``)."""
    return OwnPractices(caller)


def list_kpis() -> KpiList:
    items = [definition.read() for definition in REGISTRY.values()]
    return KpiList(items=items, total=len(items))


def _values(
    session: Session,
    *,
    slug: str,
    scope: ScopeRef,
    period: Period | str,
    caller: CallerScope,
) -> KpiValueRead:
    definition = _definition(slug)
    asked = _period(period)
    scope = canonical(session, scope)
    caller.check_visible(scope.level, scope.id)

    def build() -> KpiValueRead:
        resolved = resolve_scope(session, scope=scope)
        if scope.level not in definition.levels:
            result = None
        else:
            target = resolved.target
            result = Engine(session).compute(definition, target, [asked])[
                (target.key_values()[0], 0)
            ]
        return present.value_read(definition, scope.level, scope.id, resolved.name, asked, result)

    if scope.level == "practice" and "practice" in definition.levels:
        # a practice's value is its row of the (cached) regional computation, so that it
        # always equals what the benchmark and the scorecard show
        if regional.uses_patient_counts(definition):
            # the small-number rule over the region, complementarily (present.protect_benchmark)
            own = _own(caller)
            out = regional.caller_practice_value(session, definition, scope.id, asked, own)
        else:
            out = regional.practice_value(session, definition, scope.id, asked)
    else:
        params = warming.value_params(slug, scope.level, scope.id, asked)
        out = cache.cached(session, kind="value", params=params, model=KpiValueRead, build=build)
    out.period = asked.read()
    by_region = scope.level == "practice" and "practice" in definition.levels
    if not by_region and disclosure.masked(session, scope, caller):
        # (a practice's rule was applied above, over the region, a month or year included)
        force = disclosure.forced(session, definition, scope, asked, _own(caller))
        present.suppress(definition, out, force=force)
    return out


def get_values(session: Session, **question: Any) -> KpiValueRead:
    """One KPI for one scope and period, with the benchmark position for a practice (the
    arguments of :func:`ask_values`)."""
    return answers.answer(session, ask_values(session, **question))


def ask_values(
    session: Session,
    *,
    slug: str,
    scope: ScopeRef,
    period: Period | str,
    caller: CallerScope | None = None,
) -> answers.Asked[KpiValueRead]:
    """The question of :func:`get_values`; the routes answer it as JSON
    (:func:`answers.encoded`)."""
    caller = caller or CallerScope()
    return answers.Asked(
        ("value", slug, scope, period),
        caller,
        lambda: _values(session, slug=slug, scope=scope, period=period, caller=caller),
    )


def get_many_values(
    session: Session,
    *,
    slugs: list[str],
    scope: ScopeRef,
    period: Period | str,
    caller: CallerScope | None = None,
) -> KpiValuesRead:
    """Several KPIs for one scope and period, each with its definition (one answer for a
    page's first chart). Each value is :func:`get_values` (cached, the caller's rules)."""
    if not slugs:
        raise Invalid("Geef ten minste één KPI (slug=…)", errors=[{"loc": ["slug"], "msg": "leeg"}])
    if len(slugs) > len(REGISTRY):
        raise Invalid(f"Ten hoogste {len(REGISTRY)} KPI's per vraag")
    asked = _period(period)
    items = [
        KpiWithValue(
            definition=_definition(slug).read(),
            value=get_values(session, slug=slug, scope=scope, period=asked, caller=caller),
        )
        for slug in dict.fromkeys(slugs)  # each slug once, in the order asked
    ]
    first = items[0].value
    return KpiValuesRead(level=first.level, id=first.id, period=first.period, items=items)


def get_series(session: Session, **question: Any) -> KpiSeriesRead:
    """A KPI per month or quarter between two bounds (bounds may be period shorthands; the
    arguments of :func:`ask_series`)."""
    return answers.answer(session, ask_series(session, **question))


def ask_series(
    session: Session,
    *,
    slug: str,
    scope: ScopeRef,
    start: dt.date | str,
    end: dt.date | str,
    grain: str = "quarter",
    caller: CallerScope | None = None,
) -> answers.Asked[KpiSeriesRead]:
    """The question of :func:`get_series`."""
    caller = caller or CallerScope()
    return answers.Asked(
        ("series", slug, scope, start, end, grain),
        caller,
        lambda: _series(
            session, slug=slug, scope=scope, start=start, end=end, grain=grain, caller=caller
        ),
    )


def _series(
    session: Session,
    *,
    slug: str,
    scope: ScopeRef,
    start: dt.date | str,
    end: dt.date | str,
    grain: str,
    caller: CallerScope,
) -> KpiSeriesRead:
    definition = _definition(slug)
    try:
        first = parse_bound(start, end=False) if isinstance(start, str) else start
        last = parse_bound(end, end=True) if isinstance(end, str) else end
        periods = buckets(first, last, grain)
    except PeriodError as exc:
        raise Invalid(str(exc), errors=[{"loc": ["from", "to", "grain"], "msg": str(exc)}]) from exc
    scope = canonical(session, scope)
    caller.check_visible(scope.level, scope.id)

    def build() -> KpiSeriesRead:
        resolved = resolve_scope(session, scope=scope)
        window = (first, last, grain)
        if scope.level not in definition.levels:
            return present.series_read(
                definition, scope.level, scope.id, resolved.name, window, periods, None
            )
        results = Engine(session).compute(definition, resolved.target, periods)
        key = resolved.target.key_values()[0]
        points = [results[(key, index)] for index in range(len(periods))]
        return present.series_read(
            definition, scope.level, scope.id, resolved.name, window, periods, points
        )

    params = warming.series_params(slug, scope.level, scope.id, first, last, grain)
    out = cache.cached(session, kind="series", params=params, model=KpiSeriesRead, build=build)
    if disclosure.masked(session, scope, caller):
        own = _own(caller)
        for index, bucket in enumerate(periods):
            point = out.points[index]
            if not present.has_counts(definition, point):
                present.suppress(definition, point)
            elif disclosure.as_benchmarked(definition, scope, bucket):
                # the quarter as the caller's view of the region's benchmark shows it
                figures = disclosure.practice_figures(session, definition, scope.id, bucket, own)
                out.points[index] = point.model_copy(update=figures)
            else:
                force = disclosure.forced(session, definition, scope, bucket, own)
                present.suppress(definition, point, force=force)
    return out


def get_benchmark(session: Session, **question: Any) -> BenchmarkRead:
    """The KPI over every practice of a region: distribution, ranks and funnel classes (the
    arguments of :func:`ask_benchmark`)."""
    return answers.answer(session, ask_benchmark(session, **question))


def ask_benchmark(
    session: Session,
    *,
    slug: str,
    region: str,
    period: Period | str,
    caller: CallerScope | None = None,
) -> answers.Asked[BenchmarkRead]:
    """The question of :func:`get_benchmark`."""
    caller = caller or CallerScope()
    return answers.Asked(
        ("benchmark", slug, region, period),
        caller,
        lambda: _benchmark(session, slug=slug, region=region, period=period, caller=caller),
    )


def _benchmark(
    session: Session, *, slug: str, region: str, period: Period | str, caller: CallerScope
) -> BenchmarkRead:
    definition = _definition(slug)
    if not definition.benchmarkable or "practice" not in definition.levels:
        raise Invalid(f"KPI '{slug}' heeft geen regionale benchmark")
    asked = _period(period)
    region = region_key(session, region)
    caller.check_visible("region", region)
    bm = regional.benchmark(
        session, Engine(session), definition, region_by_slug(session, region), asked
    )
    present.protect_benchmark(definition, bm, _own(caller), whole_quarter=is_quarter(asked))
    if caller.anonymise_others:
        present.anonymise_rows(bm.practices, region, _own(caller), caller.anonymise_key)
    return bm


def get_scorecard(session: Session, **question: Any) -> ScorecardRead:
    """Every KPI for one practice against its region (the arguments of
    :func:`ask_scorecard`)."""
    return answers.answer(session, ask_scorecard(session, **question))


def ask_scorecard(
    session: Session, *, agb: str, period: Period | str, caller: CallerScope | None = None
) -> answers.Asked[ScorecardRead]:
    """The question of :func:`get_scorecard`."""
    caller = caller or CallerScope()
    return answers.Asked(
        ("scorecard", agb, period),
        caller,
        lambda: _scorecard(session, agb=agb, period=period, caller=caller),
    )


def _scorecard(
    session: Session, *, agb: str, period: Period | str, caller: CallerScope
) -> ScorecardRead:
    asked = _period(period)
    caller.check_visible("practice", agb)
    # one data version for the scorecard and the benchmarks its items are shown from: the
    # caller's view is a presentation step over the cached results, no KPI is computed again
    version = cache.data_version(session)
    card = regional.scorecard(session, Engine(session), agb=agb, period=asked, version=version)
    region = region_by_slug(session, card.region)
    own = _own(caller)
    regional.prefetch_scorecard(session, region, asked)
    card.items = [
        regional.caller_scorecard_item(session, item, agb, region, asked, own, version)
        for item in card.items
    ]
    return card


def get_referral_flows(
    session: Session, *, scope: ScopeRef, period: Period | str, caller: CallerScope | None = None
) -> ReferralFlowsRead:
    """huisarts → POH → destination and huisarts → destination, for a Sankey diagram
    (flows.py says how a referral is counted)."""
    caller = caller or CallerScope()
    asked = _period(period)
    scope = canonical(session, scope)
    caller.check_visible(scope.level, scope.id)
    params = {"level": scope.level, "id": scope.id, "p": [asked.start, asked.end]}
    out = cache.cached(
        session,
        kind="flows",
        params=params,
        model=ReferralFlowsRead,
        build=lambda: build_flows(session, resolve_scope(session, scope=scope), asked),
    )
    if disclosure.masked(session, scope, caller):
        # the POH node's inflow is the scope's new episodes (poh_new_episodes)
        new_episodes = REGISTRY["poh_new_episodes"]
        protect_flows(
            out, force=disclosure.forced(session, new_episodes, scope, asked, _own(caller))
        )
    return out


def get_team_overview(
    session: Session, *, team: str, period: Period | str, caller: CallerScope | None = None
) -> TeamOverviewRead:
    """Every POH and practice of a team with the key KPIs and the overload/wait flags."""
    caller = caller or CallerScope()
    asked = _period(period)
    caller.check_visible("team", team)
    out = cache.cached(
        session,
        kind="team_overview",
        params={"team": team, "p": [asked.start, asked.end]},
        model=TeamOverviewRead,
        build=lambda: build_overview(session, team, asked),
    )
    own = _own(caller)

    def forced(kind: str, key: str, slug: str) -> bool:
        return disclosure.forced(session, REGISTRY[slug], ScopeRef(kind, key), asked, own)

    return for_caller(out, caller, forced)


def latest_quarter(session: Session) -> str | None:
    """The quarter of the latest contact (what the dashboard opens on), or None without data."""
    return data_periods(session).latest_quarter


def data_periods(
    session: Session, *, region: str | None = None, caller: CallerScope | None = None
) -> DataPeriodsRead:
    """Quarters and years from the first to the last contact (any functie) of a region, or of
    all regions, newest first — one min/max query. Not cached: it is as cheap as the cache."""
    caller = caller or CallerScope()
    stmt = select(func.min(Contact.date), func.max(Contact.date))
    if region is not None:
        region = region_key(session, region)
        caller.check_visible("region", region)
        region_id = region_by_slug(session, region).id
        stmt = stmt.join(Practice, Practice.id == Contact.practice_id).where(
            Practice.region_id == region_id
        )
    first, last = session.execute(stmt).one()
    out = DataPeriodsRead(region=region, first_date=first, last_date=last)
    if first is None or last is None:
        return out
    year, number = last.year, (last.month + 2) // 3
    while (year, number) >= (first.year, (first.month + 2) // 3):
        out.quarters.append(f"{year}Q{number}")
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
    out.years = [str(y) for y in range(last.year, first.year - 1, -1)]
    out.latest_quarter = quarter(last.year, (last.month + 2) // 3).label
    return out


def warm_cache(
    session: Session,
    *,
    period: Period | str,
    regions: list[str] | None = None,
    views: bool = True,
) -> int:
    """Compute and store every regional benchmark and practice scorecard for a period and,
    with ``views`` and a quarter, what the dashboards and the quarterly report read besides
    (the region's values, the series of the region and its practices: :func:`warm_views`).

    Meant to run right after an import has committed (e.g. for the latest quarter), so that
    the dashboard's first requests are served from the cache. Returns the number of entries.
    """
    asked = _period(period)
    slugs = regions or list(session.scalars(select(Region.slug).order_by(Region.slug)))
    version = cache.data_version(session)
    total = sum(
        regional.warm(session, region=region_by_slug(session, slug), period=asked, version=version)
        for slug in slugs
    )
    if views and QUARTER.fullmatch(asked.label):
        total += warm_views(session, quarters=[asked.label], regions=slugs, version=version)
    return total


def warm_views(
    session: Session,
    *,
    quarters: list[str],
    regions: list[str] | None = None,
    version: str | None = None,
) -> int:
    """Store the regions' values and the quarter and month series of each region and its
    practices for these quarters (api/kpi/warm.py); returns the number of entries (those
    already current are not recomputed)."""
    slugs = regions or list(session.scalars(select(Region.slug).order_by(Region.slug)))
    version = version or cache.data_version(session)
    return sum(
        warming.warm_views(
            session, region=region_by_slug(session, slug), quarters=quarters, version=version
        )
        for slug in slugs
    )
