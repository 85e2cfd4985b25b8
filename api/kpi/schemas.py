"""Response and request models of the KPI engine and its API.

These are the contract with the dashboard, the exports and the quarterly reports: fields are
only ever added, never renamed. Every number shown anywhere comes from one of these models.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Level = Literal["provider", "practice", "team", "region"]
Grain = Literal["month", "quarter"]
Polarity = Literal["higher_better", "lower_better", "neutral"]
Aggregation = Literal["flow", "stock", "ratio", "median", "distribution"]
FunnelKind = Literal["proportion", "rate"]
FunnelClass = Literal["within", "above", "below"]
Status = Literal["ok", "no_data", "below_min_denominator", "not_applicable", "suppressed"]


class PeriodRead(BaseModel):
    """An inclusive date range; ``label`` is the shorthand it was given as (2025Q3, 2025-07 …)."""

    label: str = Field(examples=["2025Q3"])
    start: dt.date = Field(examples=["2025-07-01"])
    end: dt.date = Field(examples=["2025-09-30"])
    days: int = Field(examples=[92])
    weeks: int = Field(description="ISO weeks whose Thursday lies in the period", examples=[13])


class DataPeriodsRead(BaseModel):
    """The periods for which contacts exist: every quarter and year from the first to the last
    contact date (of a region, or of all regions), newest first."""

    region: str | None = Field(None, examples=["regio-west"])
    first_date: dt.date | None = Field(None, examples=["2024-01-02"])
    last_date: dt.date | None = Field(None, examples=["2025-09-30"])
    latest_quarter: str | None = Field(
        None, description="The quarter of the last contact: the default period", examples=["2025Q3"]
    )
    quarters: list[str] = Field(default_factory=list, examples=[["2025Q3", "2025Q2"]])
    years: list[str] = Field(default_factory=list, examples=[["2025", "2024"]])


class KpiDefinitionRead(BaseModel):
    """One KPI of the catalogue (domain.md §5) with everything needed to show and explain it."""

    slug: str = Field(examples=["ftf_per_workday"])
    title_nl: str = Field(examples=["Face-to-face consulten per werkdag"])
    title_en: str = Field(examples=["Face-to-face consults per workday"])
    description: str
    why_it_matters: str
    unit: str = Field(examples=["consults per 8-h day"])
    unit_nl: str = Field(examples=["consulten per werkdag van 8 uur"])
    polarity: Polarity
    aggregation: Aggregation
    funnel: FunnelKind | None = Field(
        None, description="Funnel-plot model for proportions (binomial) and rates (Poisson)"
    )
    min_denominator: float | None = Field(
        None, description="Below this denominator a practice is shown but not ranked"
    )
    reference: str | None = None
    reference_source: str | None = None
    reference_en: str | None = Field(None, description="The reference/norm text in English")
    reference_source_en: str | None = None
    levels: list[Level]
    breakdowns: list[str] = Field(default_factory=list, examples=[["contactvorm"]])
    patient_count: bool = Field(
        False, description="The value is a number of patients (small-number rule applies)"
    )
    benchmarkable: bool = True
    decimals: int = 0
    norm_low: float | None = Field(
        None, description="Lower end of the numeric norm band, in the KPI's unit", examples=[8.0]
    )
    norm_high: float | None = Field(
        None, description="Upper end of the numeric norm band (equal to norm_low for a line)"
    )


class KpiList(BaseModel):
    items: list[KpiDefinitionRead]
    total: int


class BreakdownItem(BaseModel):
    """One category of a breakdown (contactvorm, destination, ICPC group, age group)."""

    dimension: str = Field(examples=["contactvorm"])
    key: str = Field(examples=["consult"])
    label: str = Field(examples=["Consult"])
    label_en: str | None = Field(None, examples=["Consultation"])
    value: float | None = Field(examples=[412])
    share_pct: float | None = Field(None, examples=[78.3])
    suppressed: bool = False


class FunnelRead(BaseModel):
    """Control limits around the regional value at this practice's denominator."""

    target: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float
    class95: FunnelClass | None = None
    class998: FunnelClass | None = None


class BenchmarkPosition(BaseModel):
    """Where a practice stands in its region for the same KPI and period."""

    region: str
    region_value: float | None
    n: int
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    percent_rank: float | None = None
    ranked: bool = False
    funnel: FunnelRead | None = None


class KpiValueRead(BaseModel):
    """A KPI for one scope (POH, practice, team, region) and one period."""

    slug: str = Field(examples=["poh_contacts"])
    level: Level = Field(examples=["practice"])
    id: str = Field(examples=["01234567"])
    name: str | None = Field(None, examples=["Huisartsenpraktijk De Linde"])
    period: PeriodRead
    value: float | None = Field(examples=[523])
    value_display: str | None = Field(None, description="'<10' when suppressed", examples=["523"])
    numerator: float | None = Field(None, examples=[523])
    denominator: float | None = Field(None, examples=[None])
    status: Status = "ok"
    suppressed: bool = False
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(
        default_factory=dict,
        description="Secondary figures, e.g. median and p90 of a mean, or a contact count",
    )
    benchmark: BenchmarkPosition | None = None
    data_version: str | None = None


class KpiPointRead(BaseModel):
    period: PeriodRead
    value: float | None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: Status = "ok"
    suppressed: bool = False
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(default_factory=dict)


class KpiSeriesRead(BaseModel):
    slug: str
    level: Level
    id: str
    name: str | None = None
    grain: Grain
    start: dt.date
    end: dt.date
    points: list[KpiPointRead]
    data_version: str | None = None


class DistributionRead(BaseModel):
    """Distribution over the ranked practices of a region (linear interpolation)."""

    n: int
    p10: float | None
    p25: float | None
    median: float | None
    p75: float | None
    p90: float | None
    mean: float | None


class BenchmarkPracticeRow(BaseModel):
    agb: str | None  # None: anonymised (a POH sees other practices as "Praktijk A")
    name: str
    value: float | None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: Status = "ok"
    suppressed: bool = False
    ranked: bool = False
    rank: int | None = Field(None, description="1 + number of ranked practices strictly lower")
    percent_rank: float | None = Field(None, description="(rank − 1) ÷ (n − 1)")
    funnel: FunnelRead | None = None
    own_scope: bool = Field(False, description="The practice lies in the caller's own scope")
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(default_factory=dict)


class BenchmarkRead(BaseModel):
    """A KPI over every practice of a region for one period (domain.md §6)."""

    slug: str
    title_nl: str
    unit: str
    polarity: Polarity
    region: str
    region_name: str | None = None
    period: PeriodRead
    region_value: float | None = Field(None, description="Pooled: numerators over denominators")
    region_numerator: float | None = None
    region_denominator: float | None = None
    distribution: DistributionRead | None = Field(
        None, description="Absent when fewer than 5 practices have a rankable value"
    )
    distribution_note: str | None = None
    funnel_kind: FunnelKind | None = None
    funnel_method: str | None = None
    min_denominator: float | None = None
    practices: list[BenchmarkPracticeRow]
    data_version: str | None = None


class ScorecardItem(BaseModel):
    slug: str
    title_nl: str
    title_en: str
    unit: str
    unit_nl: str | None = Field(None, description="The unit in Dutch")
    polarity: Polarity
    norm_low: float | None = Field(
        None, description="Lower end of the KPI's numeric norm band (as in the catalogue)"
    )
    norm_high: float | None = Field(None, description="Upper end of the numeric norm band")
    decimals: int = 0
    value: float | None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: Status = "ok"
    suppressed: bool = False
    region_value: float | None = None
    region_n: int = 0
    region_p10: float | None = Field(None, description="Regional distribution: 10th percentile")
    region_p25: float | None = None
    region_median: float | None = None
    region_p75: float | None = None
    region_p90: float | None = Field(None, description="Regional distribution: 90th percentile")
    percent_rank: float | None = None
    ranked: bool = False
    funnel: FunnelRead | None = None
    reference: str | None = None
    reference_source: str | None = None
    reference_en: str | None = None
    reference_source_en: str | None = None
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(default_factory=dict)


class ScorecardRead(BaseModel):
    """Every KPI for one practice against its region."""

    agb: str
    name: str
    region: str
    region_name: str | None = None
    period: PeriodRead
    items: list[ScorecardItem]
    data_version: str | None = None


class FlowNode(BaseModel):
    id: str = Field(examples=["poh-ggz"])
    label: str = Field(examples=["POH-GGZ"])
    label_en: str | None = Field(None, examples=["POH-GGZ"])


class FlowLink(BaseModel):
    source: str = Field(examples=["huisarts"])
    target: str = Field(examples=["poh-ggz"])
    value: int | None = Field(examples=[120], description="null when hidden (small numbers)")
    unit: str = Field("referrals", examples=["referrals"])
    value_display: str | None = Field(None, description="'<10' when suppressed")
    share_pct: float | None = Field(
        None, description="Share of everything leaving the source node (null when hidden)"
    )
    suppressed: bool = False


class ReferralFlowsRead(BaseModel):
    """huisarts → POH → destination and huisarts → destination, ready for a Sankey diagram."""

    level: Level
    id: str
    name: str | None = None
    period: PeriodRead
    nodes: list[FlowNode]
    links: list[FlowLink]
    note: str | None = None
    note_en: str | None = None
    data_version: str | None = None


class TeamColumn(BaseModel):
    """A KPI column of the team overview, with what a page needs to show it."""

    slug: str
    title_nl: str
    title_en: str
    unit: str
    unit_nl: str
    polarity: Polarity
    decimals: int = 0
    norm_low: float | None = None
    norm_high: float | None = None
    flag: str | None = Field(
        None, description="The flag raised above norm_high: overloaded or long_wait"
    )


class TeamCell(BaseModel):
    value: float | None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: Status = "ok"
    suppressed: bool = False
    flagged: bool = False


class TeamMemberRow(BaseModel):
    kind: Literal["provider", "practice"]
    id: str = Field(description="zorgverlener_code of a POH, AGB of a practice")
    name: str
    practices: list[str] = Field(
        default_factory=list, description="A POH's practices within the team (AGBs)"
    )
    values: dict[str, TeamCell] = Field(default_factory=dict)
    flags: list[str] = Field(
        default_factory=list, description="overloaded (ftf_per_workday > 9), long_wait (> 14 d)"
    )


class TeamOverviewRead(BaseModel):
    """Every POH and practice of a team side by side with the key KPIs of one period."""

    team: str
    name: str
    region: str | None = None
    period: PeriodRead
    columns: list[TeamColumn]
    rows: list[TeamMemberRow]
    data_version: str | None = None


class KpiWithValue(BaseModel):
    """A KPI's definition (title, unit, polarity, norm, reference) with its value."""

    definition: KpiDefinitionRead
    value: KpiValueRead


class KpiValuesRead(BaseModel):
    """Several KPIs for one scope and period in one answer, each with its metadata (what a
    dashboard page needs for its first chart, without a second call for the catalogue)."""

    level: Level
    id: str
    period: PeriodRead
    items: list[KpiWithValue]
