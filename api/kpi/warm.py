"""Warming what the dashboards and the quarterly reports read besides benchmarks and
scorecards (``regional.warm``): a region's own values and KPI series of the region and of each
of its practices, for the quarters an import touched. Referral flows are not warmed: one costs
≈ 60 ms per scope and quarter (flows.py reads episodes per scope), too much for every quarter
of every practice; the report batch computes the 26 it needs in ≈ 1.5 s.

Each entry is stored under exactly the key the service asks for (:func:`value_params`,
:func:`series_params`; ``service.get_values`` / ``get_series`` use them too) and built by the
same schema builders (``present.value_read`` / ``series_read``), so that a warmed entry equals
the one the service would compute. The computation is grouped: one engine call per KPI over
every practice of the region (``Target("practice", …)``, one row per practice, as a benchmark)
and one over the region as a whole, each over the union of the periods asked, sliced into the
entries afterwards (docs/benchmarks.md, "Kwartaalrapportages", says how long).

Idempotent: an entry that is already current costs one primary-key lookup, and a KPI whose
entries are all current is not computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.kpi import cache, present
from api.kpi.definitions import REGISTRY, KpiDefinition
from api.kpi.engine import Engine, Result, Target
from api.kpi.periods import Period, buckets, parse_period
from api.kpi.scope import region_practices
from models import Contact, Region

# The quarter series the quarterly report draws (api/reports/parts.py ``trends``): windows
# from the first quarter with data on; and those the dashboard's practice and POH pages show:
# always the last eight quarters. Per practice and for the region.
REPORT_SERIES = (
    "poh_contacts",
    "referrals_ggz",
    "wait_days_intake",
    "hours_contract_per_week",
    "hours_norm_per_week",
    "ftf_per_workday",
)
# the dashboard's pages show the series of poh_contacts, ftf_per_workday, caseload_active and
# caseload_stale, but any KPI's series over the same eight quarters may be asked (the API and
# the load benchmark's request space): computed ahead for every KPI, grouped per KPI
DASHBOARD_SERIES = tuple(REGISTRY)
# The month series of a quarter in the report's data-quality footnote (parts.py ``quality``).
MONTH_SLUGS = ("poh_contacts", "icpc_coverage_pct")
# A series window: the quarter and the seven before it (the report and the dashboard).
SERIES_QUARTERS = 8
# Region values the report compares with: the quarter, the one before, the same a year ago.
VALUE_OFFSETS = (0, -1, -4)


def value_params(slug: str, level: str, key: str, period: Period) -> dict[str, Any]:
    """The cache parameters of one scope's value (``service.get_values``)."""
    return {"slug": slug, "level": level, "id": key, "p": [period.start, period.end]}


def series_params(
    slug: str, level: str, key: str, first: dt.date, last: dt.date, grain: str
) -> dict[str, Any]:
    """The cache parameters of one scope's series (``service.get_series``)."""
    return {"slug": slug, "level": level, "id": key, "s": first, "e": last, "g": grain}


def _shift(period: Period, n: int) -> Period:
    """The quarter ``n`` quarters from a quarter."""
    index = period.start.year * 4 + (period.start.month - 1) // 3 + n
    return parse_period(f"{index // 4}Q{index % 4 + 1}")


def _first_quarter(session: Session) -> dt.date | None:
    """The start of the first quarter with a contact (any region), or None without data."""
    day = session.scalar(select(func.min(Contact.date)))
    return None if day is None else parse_period(f"{day.year}Q{(day.month + 2) // 3}").start


def _windows(
    quarters: Sequence[Period], first_q: dt.date | None
) -> tuple[list[tuple[dt.date, dt.date]], list[tuple[dt.date, dt.date]]]:
    """The quarter-series windows ending at each quarter: for the report, the last eight
    quarters from the first quarter with data on (api/reports/parts.py ``trend_quarters``);
    for the dashboard, the last eight quarters."""
    report, dashboard = set(), set()
    for q in quarters:
        start = _shift(q, -(SERIES_QUARTERS - 1)).start
        dashboard.add((start, q.end))
        if first_q is None:
            report.add((start, q.end))
        else:
            report.add((max(start, first_q) if first_q <= q.start else q.start, q.end))
    return sorted(report), sorted(dashboard)


class _Store:
    """Entries to store at one data version, written only where not already current."""

    def __init__(self, session: Session, version: str) -> None:
        self.session, self.version, self.entries = session, version, 0

    def missing(self, kind: str, params: dict[str, Any]) -> bool:
        entry = cache.get(self.session, key=cache.cache_key(kind, params))
        if entry is not None and entry[0] == self.version:
            self.entries += 1
            return False
        return True

    def put(self, kind: str, params: dict[str, Any], response: BaseModel) -> None:
        response.data_version = self.version  # type: ignore[attr-defined]
        cache.put(
            self.session,
            key=cache.cache_key(kind, params),
            version=self.version,
            kind=kind,
            payload=response.model_dump_json(),
        )
        self.entries += 1


def _compute(
    engine: Engine, definition: KpiDefinition, target: Target, periods: list[Period]
) -> dict[tuple[int, dt.date, dt.date], Result]:
    """The KPI for every key of the target and period, by (key, start, end)."""
    results = engine.compute(definition, target, periods)
    return {(key, p.start, p.end): results[(key, i)] for (key, i) in results for p in [periods[i]]}


def _series(
    store: _Store,
    engine: Engine,
    definition: KpiDefinition,
    scopes: Sequence[tuple[str, str, str | None, int]],
    target: Target,
    windows: Iterable[tuple[dt.date, dt.date]],
    grain: str,
) -> None:
    """Every scope's series of one KPI over each window (scopes: level, id, name, key)."""
    todo = [
        (scope, first, last)
        for first, last in windows
        for scope in scopes
        if store.missing(
            "series", series_params(definition.slug, scope[0], scope[1], first, last, grain)
        )
    ]
    if not todo:
        return
    first_day = min(first for _s, first, _l in todo)
    last_day = max(last for _s, _f, last in todo)
    results = _compute(engine, definition, target, buckets(first_day, last_day, grain))
    for (level, key, name, cell), first, last in todo:
        periods = buckets(first, last, grain)
        points = [results[(cell, p.start, p.end)] for p in periods]
        store.put(
            "series",
            series_params(definition.slug, level, key, first, last, grain),
            present.series_read(
                definition, level, key, name, (first, last, grain), periods, points
            ),
        )


def warm_views(session: Session, *, region: Region, quarters: Sequence[str], version: str) -> int:
    """Store a region's values and the quarter and month series of the region and its
    practices for the quarters given; returns the number of entries (stored now or already
    current)."""
    store = _Store(session, version)
    asked = sorted({parse_period(q) for q in quarters}, key=lambda p: p.start)
    if not asked:
        return 0
    engine = Engine(session)
    practices = region_practices(session, region.id)
    ids = tuple(p.id for p in practices)
    whole = Target("all", practice_ids=ids)
    by_practice = Target("practice", practice_ids=ids)
    region_scope = ("region", region.slug, region.name, 0)
    practice_scopes = [("practice", p.agb, p.name, p.id) for p in practices]
    first_q = _first_quarter(session)
    report_windows, dashboard_windows = _windows(asked, first_q)
    months = [(q.start, q.end) for q in asked]

    # the region's values: the quarters, the quarters before them and a year before them
    # (not before the first quarter with data: rarely asked, computed on demand)
    shifted = {_shift(q, n) for q in asked for n in VALUE_OFFSETS}
    value_periods = sorted(
        (p for p in shifted if first_q is None or p.start >= first_q), key=lambda p: p.start
    )
    for definition in REGISTRY.values():
        if "region" not in definition.levels:
            continue
        todo = [
            p
            for p in value_periods
            if store.missing("value", value_params(definition.slug, "region", region.slug, p))
        ]
        if not todo:
            continue
        results = _compute(engine, definition, whole, todo)
        for p in todo:
            store.put(
                "value",
                value_params(definition.slug, "region", region.slug, p),
                present.value_read(
                    definition, "region", region.slug, region.name, p, results[(0, p.start, p.end)]
                ),
            )

    spans: dict[tuple[str, str], set[tuple[dt.date, dt.date]]] = {}
    for slugs, grain, windows in (
        (REPORT_SERIES, "quarter", report_windows),
        (DASHBOARD_SERIES, "quarter", dashboard_windows),
        (MONTH_SLUGS, "month", months),
    ):
        for slug in slugs:  # a window both ask for (data from long before) is one entry
            spans.setdefault((slug, grain), set()).update(windows)
    for (slug, grain), windows in spans.items():
        definition = REGISTRY.get(slug)
        if definition is None:
            continue
        if "region" in definition.levels:
            _series(store, engine, definition, [region_scope], whole, sorted(windows), grain)
        if "practice" in definition.levels and ids:
            _series(store, engine, definition, practice_scopes, by_practice, sorted(windows), grain)
    return store.entries
