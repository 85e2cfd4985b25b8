"""Engine results as response schemas, and the small-number rule (domain.md §6)."""

from __future__ import annotations

from typing import Any

from api.kpi.declaration import KpiDefinition
from api.kpi.engine import Result
from api.kpi.labels import label_en
from api.kpi.periods import Period
from api.kpi.schemas import BenchmarkPracticeRow, BreakdownItem, KpiPointRead

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


def practice_row(
    definition: KpiDefinition, agb: str, name: str, result: Result
) -> BenchmarkPracticeRow:
    return BenchmarkPracticeRow(agb=agb, name=name, **_figures(definition, result))


def suppress(definition: KpiDefinition, shown: Any) -> None:
    """Apply the small-number rule to a value-like model in place."""
    if definition.patient_count and shown.value is not None and shown.value < SMALL_NUMBER:
        shown.value = None
        shown.value_display = f"<{SMALL_NUMBER}"
        shown.suppressed = True
        if hasattr(shown, "numerator"):
            shown.numerator = None
        if hasattr(shown, "denominator") and definition.is_distribution:
            shown.denominator = None
    if (
        definition.numerator_is_patients
        and shown.numerator is not None
        and shown.numerator < SMALL_NUMBER
    ):
        shown.numerator = None
    for item in getattr(shown, "breakdown", []) or []:
        if definition.patient_count and item.value is not None and item.value < SMALL_NUMBER:
            item.value = None
            item.suppressed = True
