"""What a KPI declaration is: :class:`KpiDefinition` and its :class:`Extra`, and the checks
that hold it to the measure table (``measures.py``).

How a definition forms its value:

* ``value = scale × numerator ÷ denominator`` when it has a denominator (a ratio);
* the numerator itself for counts and stocks without one;
* ``aggregation="median"``: the median of its ``sample`` (the denominator is the number of
  values, there is no numerator);
* ``aggregation="distribution"``: the numerator is the total that the shares of its breakdown
  are taken of (value and denominator are that total);
* ``extras``: figures added under ``extra`` — a statistic of its sample or another measure.

The engine is driven by nothing else. The definitions themselves are in ``definitions.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from api.kpi.measures import BREAKDOWNS, MEASURES, SAMPLES, STATISTICS
from api.kpi.schemas import KpiDefinitionRead

Level = Literal["provider", "practice", "team", "region"]
ALL_LEVELS: tuple[Level, ...] = ("provider", "practice", "team", "region")
NO_PROVIDER: tuple[Level, ...] = ("practice", "team", "region")


@dataclass(frozen=True, slots=True)
class Extra:
    """One figure added to every result of a KPI as ``extra[key]``: a ``statistic`` of the
    KPI's sample (measures.STATISTICS) or a ``measure`` for the same scope and period."""

    key: str
    statistic: str | None = None
    measure: str | None = None


def statistic(name: str) -> Extra:
    """The extra ``name``: that statistic of the KPI's sample."""
    return Extra(name, statistic=name)


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    slug: str
    title_nl: str
    title_en: str
    description: str
    why_it_matters: str
    unit: str
    unit_nl: str
    polarity: Literal["higher_better", "lower_better", "neutral"]
    aggregation: Literal["flow", "stock", "ratio", "median", "distribution"]
    numerator: str  # a measure
    denominator: str | None = None  # a measure; the value is scale × numerator ÷ denominator
    scale: float = 1.0
    sample: str | None = None  # a sample: the values of a median and of statistic extras
    extras: tuple[Extra, ...] = ()
    funnel: Literal["proportion", "rate"] | None = None
    min_denominator: float | None = None
    reference: str | None = None
    reference_source: str | None = None
    reference_en: str | None = None
    reference_source_en: str | None = None
    levels: tuple[Level, ...] = ALL_LEVELS
    breakdowns: tuple[str, ...] = ()
    patient_count: bool = False  # the value is a number of patients (small-number rule)
    numerator_is_patients: bool = False  # the numerator is one (small-number rule on it alone)
    benchmarkable: bool = True
    decimals: int = 0
    # The numeric norm as a band (low == high for a single line), in the KPI's own unit.
    norm_low: float | None = None
    norm_high: float | None = None

    @property
    def is_median(self) -> bool:
        return self.aggregation == "median"

    @property
    def is_distribution(self) -> bool:
        """The value is the total that the breakdown's shares are taken of."""
        return self.aggregation == "distribution"

    def read(self) -> KpiDefinitionRead:
        return KpiDefinitionRead.model_validate(self, from_attributes=True)


def _problems(definition: KpiDefinition) -> list[str]:
    """What is wrong with one definition, checked against the measure table."""
    problems = []
    if definition.numerator not in MEASURES:
        problems.append(f"unknown numerator {definition.numerator}")
    if definition.denominator is not None and definition.denominator not in MEASURES:
        problems.append(f"unknown denominator {definition.denominator}")
    if definition.sample is not None and definition.sample not in SAMPLES:
        problems.append(f"unknown sample {definition.sample}")
    if definition.is_median and (definition.sample is None or definition.denominator is not None):
        problems.append("a median needs a sample and no denominator")
    if definition.is_distribution and (
        not definition.breakdowns or definition.denominator is not None
    ):
        problems.append("a distribution needs a breakdown and no denominator")
    for extra in definition.extras:
        if (extra.statistic is None) == (extra.measure is None):
            problems.append(f"extra {extra.key}: give a statistic or a measure")
        if extra.statistic is not None and (
            definition.sample is None or extra.statistic not in STATISTICS
        ):
            problems.append(f"extra {extra.key}: unknown statistic, or no sample")
        if extra.measure is not None and extra.measure not in MEASURES:
            problems.append(f"extra {extra.key}: unknown measure {extra.measure}")
    if definition.aggregation == "ratio" and definition.denominator is None:
        problems.append("a ratio needs a denominator")
    if definition.funnel is not None and definition.denominator is None:
        problems.append("a funnel needs a denominator")
    if not definition.levels or any(level not in ALL_LEVELS for level in definition.levels):
        problems.append("bad levels")
    if not (
        definition.title_nl and definition.title_en and definition.description and definition.unit
    ):
        problems.append("missing text")
    if bool(definition.reference) != bool(definition.reference_en) or bool(
        definition.reference_source
    ) != bool(definition.reference_source_en):
        problems.append("a reference needs its English text (reference_en, …_source_en)")
    if any(name not in BREAKDOWNS for name in definition.breakdowns):
        problems.append("unknown breakdown")
    if (definition.norm_low is None) != (definition.norm_high is None) or (
        definition.norm_low is not None
        and definition.norm_high is not None
        and definition.norm_low > definition.norm_high
    ):
        problems.append("a norm needs norm_low <= norm_high")
    return problems


def validate(definitions: tuple[KpiDefinition, ...]) -> Mapping[str, KpiDefinition]:
    """The registry keyed by slug; raises ValueError on the first faulty definition."""
    registry: dict[str, KpiDefinition] = {}
    for definition in definitions:
        problems = _problems(definition)
        if definition.slug in registry:
            problems.insert(0, "duplicate slug")
        if problems:
            raise ValueError(f"KPI registry: {definition.slug}: {', '.join(problems)}")
        registry[definition.slug] = definition
    return MappingProxyType(registry)
