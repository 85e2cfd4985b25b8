"""Engine results as response schemas, and the small-number rule (domain.md §6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Sequence
from typing import Any

from api.kpi.benchmark import MIN_PRACTICES, distribution
from api.kpi.declaration import KpiDefinition
from api.kpi.engine import Result
from api.kpi.labels import label_en
from api.kpi.periods import Period
from api.kpi.schemas import (
    BenchmarkPracticeRow,
    BenchmarkRead,
    BreakdownItem,
    DistributionRead,
    KpiPointRead,
    KpiSeriesRead,
    KpiValueRead,
)

SMALL_NUMBER = 10


def breakdown_items(result: Result) -> list[BreakdownItem]:
    total = sum((item.value or 0.0) for item in result.breakdown)
    return [
        BreakdownItem(
            dimension=item.dimension,
            key=item.key,
            label=item.label,
            label_en=label_en(item.dimension, item.key, item.label),
            value=item.value,
            share_pct=(round(100.0 * (item.value or 0.0) / total, 6) if total else None),
        )
        for item in result.breakdown
    ]


def display(definition: KpiDefinition, value: float | None) -> str | None:
    """The value as text with the KPI's decimals."""
    if value is None:
        return None
    return f"{value:.{definition.decimals}f}"


def _figures(definition: KpiDefinition, result: Result) -> dict[str, Any]:
    """The fields every value-like schema shares."""
    return {
        "value": result.value,
        "value_display": display(definition, result.value),
        "numerator": result.numerator,
        "denominator": result.denominator,
        "status": result.status,
        "breakdown": breakdown_items(result),
        "extra": dict(result.extra),
    }


def point(definition: KpiDefinition, period: Period, result: Result) -> KpiPointRead:
    return KpiPointRead(period=period.read(), **_figures(definition, result))


def value_read(
    definition: KpiDefinition,
    level: str,
    key: str,
    name: str | None,
    period: Period,
    result: Result | None,
) -> KpiValueRead:
    """One scope's value for a period (``result`` None: the KPI has no such level)."""
    out = KpiValueRead(
        slug=definition.slug, level=level, id=key, name=name, period=period.read(), value=None
    )  # type: ignore[arg-type]
    if result is None:
        out.status = "not_applicable"
        return out
    return out.model_copy(update=_figures(definition, result))


def series_read(
    definition: KpiDefinition,
    level: str,
    key: str,
    name: str | None,
    window: tuple[dt.date, dt.date, str],
    periods: Sequence[Period],
    results: Sequence[Result] | None,
) -> KpiSeriesRead:
    """One scope's series over ``periods`` (``results`` None: the KPI has no such level)."""
    first, last, grain = window
    if results is None:
        points = [
            KpiPointRead(period=p.read(), value=None, status="not_applicable") for p in periods
        ]
    else:
        points = [point(definition, p, r) for p, r in zip(periods, results, strict=True)]
    return KpiSeriesRead(
        slug=definition.slug,
        level=level,
        id=key,
        name=name,
        grain=grain,
        start=first,
        end=last,
        points=points,
    )  # type: ignore[arg-type]


def practice_row(
    definition: KpiDefinition, agb: str, name: str, result: Result
) -> BenchmarkPracticeRow:
    return BenchmarkPracticeRow(agb=agb, name=name, **_figures(definition, result))


# --- the small-number rule, complementary (docs/security.md "Kleine aantallen") ------------
#
# A patient count below 10 of a practice or POH outside the caller's own scope is shown as
# "<10" (domain.md §6) — and so is everything it could be derived from: which measures are
# patient counts is read from the registry (``patient_count`` / ``numerator_is_patients``),
# never from a list of slugs, so every KPI that uses such a measure as numerator, denominator
# or extra is covered, and a new one is covered by declaring it.


def _patient_measures() -> frozenset[str]:
    from api.kpi.definitions import REGISTRY

    return frozenset(
        d.numerator for d in REGISTRY.values() if d.patient_count or d.numerator_is_patients
    )


PATIENT_MEASURES: frozenset[str] = _patient_measures()


# What a hidden figure reads: "<10" when it is a count below 10 (domain.md §6); a figure of 10 or
# more hidden only so that a small one elsewhere cannot be derived from it (a complement, or a
# period or level the caller gets no counts of: api/kpi/disclosure.py) reads "afgeschermd"
# (the dashboard and the reports translate it), never a false "<10".
SMALL_DISPLAY = f"<{SMALL_NUMBER}"
WITHHELD_DISPLAY = "afgeschermd"


def is_small(value: float | None) -> bool:
    return value is not None and value < SMALL_NUMBER


def patient_figures(definition: KpiDefinition, shown: Any) -> dict[str, float | None]:
    """The patient-count measures a value-like model carries, by measure: its numerator,
    denominator and measure extras that are patient counts (for a patient-count KPI without
    a numerator field, its value)."""
    out: dict[str, float | None] = {}
    if definition.numerator in PATIENT_MEASURES:
        numerator = getattr(shown, "numerator", None)
        out[definition.numerator] = numerator if numerator is not None else shown.value
    if definition.denominator in PATIENT_MEASURES:
        out[definition.denominator] = getattr(shown, "denominator", None)
    for extra in definition.extras:
        if extra.measure in PATIENT_MEASURES:
            out[extra.measure] = (getattr(shown, "extra", None) or {}).get(extra.key)
    return out


def has_counts(definition: KpiDefinition, shown: Any) -> bool:
    """Whether a value-like model carries a patient count above 0: one without (no data, or
    none) hides by the rule of its own figures and needs no benchmark (api/kpi/disclosure.py)."""
    return any(patient_figures(definition, shown).values())


def hide(shown: Any, display: str = SMALL_DISPLAY) -> None:
    """Hide every figure of a value-like model: value, numerator, denominator, extras,
    breakdown items and their shares, and funnel limits (they are a function of the
    denominator); ``display`` is what it reads instead."""
    shown.value = None
    shown.value_display = display
    shown.suppressed = True
    for name in ("numerator", "denominator", "funnel"):
        if hasattr(shown, name):
            setattr(shown, name, None)
    if getattr(shown, "extra", None):
        shown.extra = dict.fromkeys(shown.extra)
    for item in getattr(shown, "breakdown", None) or []:
        item.value = None
        item.share_pct = None
        item.suppressed = True


def _hide_items(definition: KpiDefinition, shown: Any) -> None:
    """A breakdown of patient counts: an item below 10 is hidden with its share, and when
    exactly one is, the smallest other item too (else total − others gives it back)."""
    if not definition.patient_count:
        return
    items = [item for item in getattr(shown, "breakdown", None) or [] if item.value is not None]
    small = [item for item in items if is_small(item.value)]
    # hidden zeros do not protect a hidden 6: "total − others" is then 6 in all likelihood
    if len([item for item in small if item.value]) == 1:
        others = sorted(
            (i for i in items if i.value and i not in small), key=lambda i: (i.value, i.key)
        )
        small += others[:1]
    for item in small:
        item.value = None
        item.share_pct = None
        item.suppressed = True


def suppress(definition: KpiDefinition, shown: Any, *, force: bool = False) -> None:
    """Apply the small-number rule to a value-like model in place: when any patient count it
    carries is below 10, hide every figure of it ("<10"); else with ``force`` (a complementary
    suppression) hide every figure too ("afgeschermd"); else hide the small items of its
    breakdown, complementarily."""
    if any(is_small(v) for v in patient_figures(definition, shown).values()):
        hide(shown)
    elif force:
        hide(shown, WITHHELD_DISPLAY)
    else:
        _hide_items(definition, shown)


def hidden_rows(
    definition: KpiDefinition, rows: Sequence[Any], own: Callable[[str], bool]
) -> tuple[set[str], bool]:
    """Which practices of a benchmark to hide for a caller, and whether the regional totals
    must go too. Per patient-count measure: the practices outside the caller's own scope
    with a count below 10; if exactly one, also the one with the smallest count of the others
    outside the own scope (region total − the others would give it back); if there is no such
    other practice, the regional totals. The choice depends only on the measure's values, so
    it is the same in every KPI that uses the measure."""
    hidden: set[str] = set()
    hide_region = False
    figures = {row.agb: patient_figures(definition, row) for row in rows}
    measures = {m for f in figures.values() for m in f}
    for measure in sorted(measures):
        values = {
            agb: f.get(measure) for agb, f in figures.items() if not own(agb) and f.get(measure)
        }
        # a missing count (no data) is neither small nor a complement
        small = {agb for agb, f in figures.items() if not own(agb) and is_small(f.get(measure))}
        if len([agb for agb in small if values.get(agb)]) == 1:  # hidden zeros do not protect
            others = sorted((v, agb) for agb, v in values.items() if agb not in small)
            if others:
                small.add(others[0][1])
            else:
                hide_region = True
        hidden |= small
    return hidden, hide_region


def _hide_item(row: Any, key: str) -> None:
    for item in row.breakdown or []:
        if item.key == key:
            item.value = None
            item.share_pct = None
            item.suppressed = True


def _hide_items_across(rows: Sequence[Any], true_items: dict[tuple[str, str], Any]) -> None:
    """Breakdowns over the practices: the region's item (its value response) minus the shown
    items of the practices would give a hidden item back when it is hidden in exactly one
    practice outside the own scope. Per item key, then, when exactly one such practice hides a
    non-zero item, the smallest shown item of another such practice is hidden too (within that
    practice the rule of :func:`_hide_items` again: never one non-zero item hidden alone).
    Repeated until nothing moves; depends only on the data, so every response agrees."""
    others = [row for row in rows if not row.own_scope and row.breakdown]
    keys = sorted({key for _agb, key in true_items})

    def shown(row: Any, key: str) -> bool:
        return any(i.key == key and i.value is not None for i in row.breakdown)

    def true(row: Any, key: str) -> float:
        return true_items.get((row.agb, key)) or 0

    changed = True
    while changed:
        changed = False
        for key in keys:
            hidden = [r for r in others if not shown(r, key) and true(r, key)]
            if len(hidden) != 1:
                continue
            candidates = sorted(
                (r for r in others if shown(r, key)),
                key=lambda r: (not true(r, key), true(r, key), r.agb),
            )
            if not candidates:
                continue
            row = candidates[0]
            _hide_item(row, key)
            changed = True
            in_row = [i.key for i in row.breakdown if i.value is None and true(row, i.key)]
            if len(in_row) == 1 and row.value is not None:
                rest = sorted(
                    (i for i in row.breakdown if i.value is not None and true(row, i.key)),
                    key=lambda i: (true(row, i.key), i.key),
                )
                if rest:
                    _hide_item(row, rest[0].key)


def protect_benchmark(
    definition: KpiDefinition,
    bm: BenchmarkRead,
    own: Callable[[str], bool],
    *,
    whole_quarter: bool = True,
) -> set[str]:
    """Apply the caller's small-number rule to a benchmark in place (rows, regional totals,
    distribution); returns the AGBs whose rows were hidden. Outside a whole quarter every
    row outside the own scope that carries a patient count is hidden (the months of a
    quarter, the quarters of a year would give the quarter's hidden rows back:
    api/kpi/disclosure.py)."""
    hidden, hide_region = hidden_rows(definition, bm.practices, own)
    if not whole_quarter:
        hidden |= {
            row.agb for row in bm.practices if not own(row.agb) and patient_figures(definition, row)
        }
    true_items = {
        (row.agb, item.key): item.value for row in bm.practices for item in row.breakdown or []
    }
    for row in bm.practices:
        row.own_scope = own(row.agb)
        if not row.own_scope:
            suppress(definition, row, force=row.agb in hidden)
    if definition.patient_count:
        _hide_items_across(bm.practices, true_items)
    if hide_region:
        bm.region_value = bm.region_numerator = bm.region_denominator = None
    if any(row.suppressed for row in bm.practices) and bm.distribution is not None:
        # percentiles interpolate between practices' values: over the shown ones only
        values = [r.value for r in bm.practices if r.ranked and r.value is not None]
        if len(values) < MIN_PRACTICES:
            bm.distribution = None
            bm.distribution_note = (
                f"Een regionale verdeling vraagt ten minste {MIN_PRACTICES} praktijken met een "
                f"getoonde waarde; er zijn er {len(values)}."
            )
        else:
            spread = distribution(values)
            bm.distribution = DistributionRead(
                n=spread.n,
                p10=spread.p10,
                p25=spread.p25,
                median=spread.median,
                p75=spread.p75,
                p90=spread.p90,
                mean=spread.mean,
            )
            bm.distribution_note = "Verdeling over de praktijken waarvan de waarde getoond wordt."
    return {row.agb for row in bm.practices if row.suppressed}


# --- anonymised benchmark rows (a POH sees the other practices as "Praktijk A, B, …") -------


def _letters(index: int) -> str:
    """A, B, …, Z, AA, AB, …"""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def anonymous_labels(region: str, agbs: Sequence[str], key: bytes) -> dict[str, str]:
    """Stable labels for a region's practices: ordered by a keyed hash of region and AGB (not
    by AGB, which would leak; the key is secret, so the order cannot be recomputed)."""

    def digest(agb: str) -> str:
        return hmac.new(key, f"{region}|{agb}".encode(), hashlib.sha256).hexdigest()

    return {agb: f"Praktijk {_letters(i)}" for i, agb in enumerate(sorted(agbs, key=digest))}


def anonymise_rows(
    rows: Sequence[Any], region: str, own: Callable[[str], bool], key: bytes
) -> None:
    """Replace name and AGB of every practice outside the caller's own scope by its label."""
    region_agbs = [row.agb for row in rows if row.agb]
    labels = anonymous_labels(region, region_agbs, key)
    for row in rows:
        if row.agb and not own(row.agb):
            row.name = labels[row.agb]
            row.agb = None
