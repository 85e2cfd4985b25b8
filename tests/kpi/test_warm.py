"""Warming what the dashboards and the quarterly report read besides benchmarks and scorecards
(api/kpi/warm.py): every warmed entry equals what the service computes cold for the same
request, and after warming the caller's view of a scorecard computes no KPI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.kpi import cache, service
from api.kpi import warm as warming
from api.kpi.definitions import REGISTRY
from api.kpi.engine import Engine
from api.kpi.periods import parse_period
from models import KpiCacheEntry, Practice, Region
from tests.kpi.test_oracle import seed

QUARTER = "2025Q1"


@contextmanager
def counted() -> Iterator[list[str]]:
    """The slugs of every ``Engine.compute`` call made inside the block."""
    calls: list[str] = []
    original = Engine.compute

    def compute(self, definition, target, periods):  # type: ignore[no-untyped-def]
        calls.append(definition.slug)
        return original(self, definition, target, periods)

    Engine.compute = compute  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        Engine.compute = original  # type: ignore[method-assign]


def _requests(session: Session, region: str, agbs: list[str]) -> list[tuple[str, dict]]:
    """What the report and the dashboard ask for the quarter, as service calls."""
    q = parse_period(QUARTER)
    out: list[tuple[str, dict]] = []
    first_q = warming._first_quarter(session)
    for slug, d in REGISTRY.items():
        if "region" in d.levels:
            for n in warming.VALUE_OFFSETS:
                if warming._shift(q, n).start < first_q:  # before the data: not warmed
                    continue
                period = warming._shift(q, n).label
                scope = service.ScopeRef("region", region)
                out.append(("value", {"slug": slug, "scope": scope, "period": period}))
    report, dashboard = warming._windows([q], first_q)
    series = [(s, "quarter", report) for s in warming.REPORT_SERIES]
    series += [(s, "quarter", dashboard) for s in warming.DASHBOARD_SERIES]
    series += [(s, "month", [(q.start, q.end)]) for s in warming.MONTH_SLUGS]
    for slug, grain, windows in series:
        levels = REGISTRY[slug].levels
        scopes = [("region", region)] if "region" in levels else []
        scopes += [("practice", agb) for agb in agbs] if "practice" in levels else []
        for level, key in scopes:
            for first, last in windows:
                out.append(
                    (
                        "series",
                        {
                            "slug": slug,
                            "scope": service.ScopeRef(level, key),
                            "start": first,
                            "end": last,
                            "grain": grain,
                            # as the practice or the region itself asks: a masked caller's
                            # quarter points come from the (separately warmed) benchmarks
                            "caller": service.CallerScope(own_all=True),
                        },
                    )
                )
    return out


def _payloads(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(KpiCacheEntry.key, KpiCacheEntry.payload).where(
            KpiCacheEntry.kind.in_(["value", "series"])
        )
    )
    return dict(rows.all())


def _without_version(payload: str) -> dict:
    import json

    out = json.loads(payload)
    out.pop("data_version", None)
    return out


def test_warmed_values_and_series_equal_the_cold_ones(session: Session) -> None:
    seed(session)
    region = session.scalar(select(Region).order_by(Region.slug))
    assert region is not None
    agbs = list(
        session.scalars(
            select(Practice.agb).where(Practice.region_id == region.id).order_by(Practice.agb)
        )
    )
    stored = service.warm_views(session, quarters=[QUARTER])
    warmed = _payloads(session)
    assert stored == len(warmed) > 0

    # every request of the report and the dashboard is now served without computing
    requests = _requests(session, region.slug, agbs)
    with counted() as calls:
        for kind, kw in requests:
            (service.get_values if kind == "value" else service.get_series)(session, **kw)
    assert calls == []

    # … and equals what the service computes cold (one engine call per request)
    cache.invalidate(session)
    with counted() as calls:
        for kind, kw in requests:
            (service.get_values if kind == "value" else service.get_series)(session, **kw)
    cold = _payloads(session)
    assert len(calls) == len(cold)  # one per distinct request (the windows may coincide)
    assert cold.keys() == warmed.keys()
    for key, payload in warmed.items():
        assert _without_version(payload) == _without_version(cold[key]), key


def test_warming_again_computes_nothing(session: Session) -> None:
    seed(session)
    first = service.warm_cache(session, period=QUARTER)
    with counted() as calls:
        assert service.warm_cache(session, period=QUARTER) == first
    assert calls == []


def test_own_view_scorecard_after_warming_computes_nothing(session: Session) -> None:
    """The practice's own view (its small counts unmasked), another practice's view and the
    default one are presentation steps over the one cached scorecard and benchmarks."""
    seed(session)
    agbs = list(session.scalars(select(Practice.agb).order_by(Practice.agb)))
    service.warm_cache(session, period=QUARTER)
    callers = [
        service.CallerScope(own_practices=frozenset({agbs[0]})),
        service.CallerScope(own_practices=frozenset({agbs[1]})),
        service.CallerScope(),
        service.CallerScope(own_all=True),
    ]
    with counted() as calls:
        cards = [
            service.get_scorecard(session, agb=agbs[0], period=QUARTER, caller=c) for c in callers
        ]
    assert calls == []
    own, _other, default, everything = cards
    # the figures are the caller's: the practice sees its own figures as the one who sees all
    for mine, full in zip(own.items, everything.items, strict=True):
        assert (mine.value, mine.numerator, mine.denominator) == (
            full.value,
            full.numerator,
            full.denominator,
        )
        assert not mine.suppressed
    # the seed has small counts: without the practice as its own scope they are hidden
    assert any(i.suppressed for i in default.items)
    assert any(i.suppressed for i in _other.items)
