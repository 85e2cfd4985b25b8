"""The API's response shapes as the dashboard reads them.

These mirror api/schemas.py and api/kpi/schemas.py field for field, but the dashboard keeps its
own copy: it talks to the API over HTTP only and must not import the service's packages.
Unknown fields are ignored (the API only ever adds fields), so a newer API never breaks an
older dashboard.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

# The levels a KPI is computed at (the one definition of the dashboard's level vocabulary).
Level = Literal["provider", "practice", "team", "region"]
LEVELS: tuple[Level, ...] = get_args(Level)
Grain = Literal["month", "quarter"]
Polarity = Literal["higher_better", "lower_better", "neutral"]
FunnelClass = Literal["within", "above", "below"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Health(_Model):
    status: str
    database: str
    version: str


class Practice(_Model):
    agb: str
    name: str
    region: str
    region_name: str
    listed: int | None = None
    listed_peildatum: dt.date | None = None


class Provider(_Model):
    code: str
    name: str | None = None
    functie: str = "poh-ggz"
    practices: list[str] = Field(default_factory=list)


class DataPeriods(_Model):
    region: str | None = None
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    latest_quarter: str | None = None
    quarters: list[str] = Field(default_factory=list)
    years: list[str] = Field(default_factory=list)


class Period(_Model):
    label: str
    start: dt.date
    end: dt.date
    days: int | None = None
    weeks: int | None = None


class KpiDefinition(_Model):
    slug: str
    title_nl: str
    title_en: str
    description: str = ""
    why_it_matters: str = ""
    unit: str = ""
    unit_nl: str = ""
    polarity: Polarity = "neutral"
    aggregation: str = "flow"
    funnel: Literal["proportion", "rate"] | None = None
    min_denominator: float | None = None
    reference: str | None = None
    reference_source: str | None = None
    reference_en: str | None = None
    reference_source_en: str | None = None
    levels: list[Level] = Field(default_factory=list)
    breakdowns: list[str] = Field(default_factory=list)
    patient_count: bool = False
    benchmarkable: bool = True
    decimals: int = 0
    norm_low: float | None = None
    norm_high: float | None = None


class BreakdownItem(_Model):
    dimension: str
    key: str
    label: str
    label_en: str | None = None
    value: float | None = None
    share_pct: float | None = None
    suppressed: bool = False


class Funnel(_Model):
    target: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float
    class95: FunnelClass | None = None
    class998: FunnelClass | None = None


class BenchmarkPosition(_Model):
    region: str
    region_value: float | None = None
    n: int = 0
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    percent_rank: float | None = None
    ranked: bool = False
    funnel: Funnel | None = None


class KpiValue(_Model):
    slug: str
    level: Level
    id: str
    name: str | None = None
    period: Period
    value: float | None = None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str = "ok"
    suppressed: bool = False
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(default_factory=dict)
    benchmark: BenchmarkPosition | None = None


class KpiPoint(_Model):
    period: Period
    value: float | None = None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str = "ok"
    suppressed: bool = False
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(default_factory=dict)


class KpiSeries(_Model):
    slug: str
    level: Level
    id: str
    name: str | None = None
    grain: Grain
    start: dt.date
    end: dt.date
    points: list[KpiPoint]


class Distribution(_Model):
    n: int
    p10: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    p90: float | None = None
    mean: float | None = None


class BenchmarkPracticeRow(_Model):
    agb: str | None  # None: anonymised (a POH sees other practices as "Praktijk A")
    name: str
    value: float | None = None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str = "ok"
    suppressed: bool = False
    ranked: bool = False
    rank: int | None = None
    percent_rank: float | None = None
    funnel: Funnel | None = None
    own_scope: bool = False
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(default_factory=dict)


class Benchmark(_Model):
    slug: str
    title_nl: str
    unit: str
    polarity: Polarity = "neutral"
    region: str
    region_name: str | None = None
    period: Period
    region_value: float | None = None
    region_numerator: float | None = None
    region_denominator: float | None = None
    distribution: Distribution | None = None
    distribution_note: str | None = None
    funnel_kind: Literal["proportion", "rate"] | None = None
    funnel_method: str | None = None
    min_denominator: float | None = None
    practices: list[BenchmarkPracticeRow] = Field(default_factory=list)


class ScorecardItem(_Model):
    slug: str
    title_nl: str
    title_en: str
    unit: str = ""
    unit_nl: str | None = None
    polarity: Polarity = "neutral"
    norm_low: float | None = None  # the KPI's norm (as in the catalogue): verdicts need no
    norm_high: float | None = None  # second call for the catalogue
    decimals: int = 0
    value: float | None = None
    value_display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str = "ok"
    suppressed: bool = False
    region_value: float | None = None
    region_n: int = 0
    region_p10: float | None = None
    region_p25: float | None = None
    region_median: float | None = None
    region_p75: float | None = None
    region_p90: float | None = None
    percent_rank: float | None = None
    ranked: bool = False
    funnel: Funnel | None = None
    reference: str | None = None
    reference_source: str | None = None
    reference_en: str | None = None
    reference_source_en: str | None = None
    breakdown: list[BreakdownItem] = Field(default_factory=list)
    extra: dict[str, float | None] = Field(default_factory=dict)


class Scorecard(_Model):
    agb: str
    name: str
    region: str
    region_name: str | None = None
    period: Period
    items: list[ScorecardItem]


class FlowNode(_Model):
    id: str
    label: str
    label_en: str | None = None


class FlowLink(_Model):
    source: str
    target: str
    value: int | None
    unit: str = "referrals"
    value_display: str | None = None
    share_pct: float | None = None
    suppressed: bool = False


class ReferralFlows(_Model):
    level: Level
    id: str
    name: str | None = None
    period: Period
    nodes: list[FlowNode] = Field(default_factory=list)
    links: list[FlowLink] = Field(default_factory=list)
    note: str | None = None
    note_en: str | None = None


class Team(_Model):
    slug: str
    name: str
    region: str | None = None
    practices: list[str] = Field(default_factory=list)
    providers: list[str] = Field(default_factory=list)


class TeamColumn(_Model):
    slug: str
    title_nl: str
    title_en: str
    unit: str
    unit_nl: str
    polarity: Polarity
    decimals: int = 0
    norm_low: float | None = None
    norm_high: float | None = None
    flag: str | None = None


class TeamCell(_Model):
    value: float | None
    value_display: str | None = None
    status: str = "ok"
    suppressed: bool = False
    flagged: bool = False


class TeamMemberRow(_Model):
    kind: Literal["provider", "practice"]
    id: str
    name: str
    practices: list[str] = Field(default_factory=list)
    values: dict[str, TeamCell] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)


class TeamOverview(_Model):
    team: str
    name: str
    region: str | None = None
    period: Period
    columns: list[TeamColumn]
    rows: list[TeamMemberRow]


class CaseloadPatient(_Model):
    pseudonym: str
    practice_agb: str
    last_contact: dt.date
    episode_start: dt.date
    episode_contacts: int
    wait_days_intake: int | None = None
    bridging: bool = False
    ggz_referral_date: dt.date | None = None
    no_contact_8_weeks: bool = False
    episode_over_1_year: bool = False


class Caseload(_Model):
    provider: str
    period: Period
    reference_date: dt.date
    practices: list[str] = Field(default_factory=list)
    total: int
    no_contact_8_weeks: int
    episode_over_1_year: int
    bridging: int
    items: list[CaseloadPatient]


class Region(_Model):
    slug: str
    name: str


# -- Import (beheerder) and Datakwaliteit ---------------------------------------------------


class ImportReject(_Model):
    line: int
    column: str | None = None
    value: str | None = None  # patient values come masked ("•••") from the API
    reason: str


class ImportSummary(_Model):
    id: int
    kind: str
    source_format: str
    filename: str
    status: str
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    rows_read: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    practices: list[str] | None = None
    unknown_columns: list[str] | None = None
    message: str | None = None


class ImportReport(ImportSummary):
    rejects: list[ImportReject] = Field(default_factory=list)
    rejects_total: int = 0


class ImportList(_Model):
    items: list[ImportSummary]
    total: int


class OutlierRule(_Model):
    history_months: int = 6
    low_pct: float = 50.0
    high_pct: float = 200.0
    min_months_with_data: int = 3


class QualityCell(_Model):
    month: str
    contacts: int
    hours_weeks: int
    referrals: int
    baseline: float | None = None
    outlier: Literal["low", "high"] | None = None


class LastImport(_Model):
    id: int
    kind: str
    filename: str
    finished_at: dt.datetime | None = None
    status: str


class PracticeQuality(_Model):
    agb: str
    name: str
    cells: list[QualityCell]
    months_without_contacts: int = 0
    outliers: int = 0
    last_import: LastImport | None = None


class Quality(_Model):
    region: str
    region_name: str
    months: list[str]
    rule: OutlierRule = Field(default_factory=OutlierRule)
    practices: list[PracticeQuality]
