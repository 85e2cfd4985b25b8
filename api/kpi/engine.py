"""The KPI engine: a KPI's value per (scope key, period) cell, formed as its definition says.

``Engine.compute`` reads the definition only — numerator, denominator, sample, extras,
breakdowns and minimum denominator — and looks every name up in the measure table
(``measures.py``); it never asks which KPI it computes. The facts underneath are read once per
request (``facts.py``, and ``episodes.py`` for episodes, waiting times and bridging care).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from api.kpi.declaration import KpiDefinition
from api.kpi.facts import Cell, Facts, Target
from api.kpi.labels import BREAKDOWN_LABELS
from api.kpi.measures import BREAKDOWNS, MEASURES, SAMPLES, STATISTICS, Values, median
from api.kpi.periods import Period

__all__ = ["BreakdownValue", "Cell", "Engine", "Result", "Target"]

Status = Literal["ok", "no_data", "below_min_denominator"]


@dataclass(frozen=True, slots=True)
class BreakdownValue:
    dimension: str
    key: str
    label: str  # Dutch; the English one is in labels.BREAKDOWN_LABELS
    value: float | None


@dataclass(slots=True)
class Result:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    status: Status = "ok"
    breakdown: list[BreakdownValue] = field(default_factory=list)
    extra: dict[str, float | None] = field(default_factory=dict)


def _rounded(number: float | None, digits: int = 6) -> float | None:
    if number is None or math.isnan(number):
        return None
    return round(number, digits)


class Engine:
    """One engine per request: its facts are shared by every KPI it computes."""

    def __init__(self, session: Session) -> None:
        self.facts = Facts(session)

    def measure(self, name: str, target: Target, periods: Sequence[Period]) -> Values:
        """A measure of the measure table as {cell: number}; a missing cell means 0."""
        return MEASURES[name].build(self.facts, target, periods)

    def compute(
        self, definition: KpiDefinition, target: Target, periods: Sequence[Period]
    ) -> dict[Cell, Result]:
        """The KPI for every key of the target and every period."""
        numerator = (
            {} if definition.is_median else self.measure(definition.numerator, target, periods)
        )
        denominator = (
            self.measure(definition.denominator, target, periods)
            if definition.denominator
            else None
        )
        sample = (
            SAMPLES[definition.sample].build(self.facts, target, periods)
            if definition.sample
            else {}
        )
        extra_measures = {
            extra.measure: self.measure(extra.measure, target, periods)
            for extra in definition.extras
            if extra.measure is not None
        }
        results: dict[Cell, Result] = {}
        for key in target.key_values():
            for index in range(len(periods)):
                cell = Cell(key, index)
                values = sample.get(cell, [])
                result = self._value(
                    definition, numerator.get(cell, 0.0), denominator, cell, values
                )
                for extra in definition.extras:
                    if extra.statistic is not None:
                        result.extra[extra.key] = STATISTICS[extra.statistic](values)
                    elif extra.measure is not None:
                        result.extra[extra.key] = extra_measures[extra.measure].get(cell, 0.0)
                if (
                    result.status == "ok"
                    and definition.min_denominator is not None
                    and result.denominator is not None
                    and result.denominator < definition.min_denominator
                ):
                    result.status = "below_min_denominator"
                result.breakdown = self._breakdown(definition, target, periods, cell)
                results[cell] = result
        return results

    @staticmethod
    def _value(
        definition: KpiDefinition,
        numerator: float,
        denominator: Mapping[Cell, float] | None,
        cell: Cell,
        sample: Sequence[float],
    ) -> Result:
        if definition.is_median:
            return Result(
                value=median(sample),
                denominator=float(len(sample)),
                status="ok" if sample else "no_data",
            )
        result = Result(value=None, numerator=_rounded(numerator))
        if definition.is_distribution:
            result.value = result.denominator = numerator
        elif denominator is not None:
            below = denominator.get(cell, 0.0)
            result.denominator = _rounded(below)
            if below > 0:
                result.value = _rounded(definition.scale * numerator / below)
            else:
                result.status = "no_data"
        else:
            result.value = numerator
        return result

    def _breakdown(
        self, definition: KpiDefinition, target: Target, periods: Sequence[Period], cell: Cell
    ) -> list[BreakdownValue]:
        out = []
        for dimension in definition.breakdowns:
            counts = BREAKDOWNS[dimension].build(self.facts, target, periods, cell)
            out += [
                BreakdownValue(dimension, category, dutch, counts[category])
                for category, (dutch, _english) in BREAKDOWN_LABELS[dimension].items()
            ]
        return out
