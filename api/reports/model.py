"""The assembled content of a quarterly report: plain data, rendered to PDF and XLSX alike.

Raw numbers (for the spreadsheet and the charts) travel next to their display text (for the
PDF), and both come from the same KPI service responses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from api.reports.findings import Finding
from api.reports.text import Lang


@dataclass
class ScoreRow:
    slug: str
    title: str
    unit: str
    decimals: int
    polarity: str
    value: float | None
    value_text: str
    status: str
    prev: float | None = None
    prev_text: str = "–"
    last_year: float | None = None
    last_year_text: str = "–"
    region_value: float | None = None
    n: int = 0
    p10: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    p90: float | None = None
    percent_rank: float | None = None
    funnel95: str | None = None
    funnel998: str | None = None
    position_text: str = "–"
    reference: str = ""
    reference_source: str = ""


@dataclass
class Section:
    key: str
    title: str
    rows: list[ScoreRow]


@dataclass
class Trends:
    """Quarter labels and, per chart, named series of the same length (None = no value)."""

    quarters: list[str]
    contacts_by_form: dict[str, list[float | None]]
    wait: dict[str, list[float | None]]
    referrals_by_destination: dict[str, list[float | None]]
    hours: dict[str, list[float | None]]
    wait_norm: float | None = None


@dataclass
class FunnelPoint:
    agb: str
    name: str
    denominator: float
    value: float
    is_self: bool = False
    class95: str | None = None
    class998: str | None = None


@dataclass
class Funnel:
    slug: str
    title: str
    unit: str
    decimals: int
    target: float | None
    points: list[FunnelPoint]
    limits: list[tuple[float, float, float, float, float]]  # denominator, lo95, hi95, lo998, hi998


@dataclass
class Flow:
    source: str
    target: str
    value: int | None  # None: hidden by the small-number rule for this reader
    unit: str
    display: str | None = None  # "<10" when hidden


@dataclass
class MonthQuality:
    year: int
    month: int
    label: str
    contacts: float | None
    icpc_pct: float | None
    hours_weeks: int
    weeks: int

    @property
    def complete(self) -> bool:
        return bool(self.contacts) and self.hours_weeks >= self.weeks


@dataclass
class ImportInfo:
    id: int
    kind: str
    filename: str
    loaded: dt.datetime | None
    period_start: dt.date | None
    period_end: dt.date | None
    rows_read: int
    rows_rejected: int


@dataclass
class DataQuality:
    months: list[MonthQuality]
    icpc_coverage: float | None
    imports: list[ImportInfo]
    engine_version: str
    data_version: str | None


@dataclass
class Poh:
    name: str
    code: str
    functie: str
    hours_per_week: float | None


@dataclass
class Outlier:
    slug: str
    title: str
    agb: str
    name: str
    value: float | None
    value_text: str
    denominator: float | None
    limit: str  # "99.8" or "95"
    side: str  # "above" or "below"


@dataclass
class Distribution:
    slug: str
    title: str
    unit: str
    decimals: int
    values: list[float]
    p10: float | None
    p25: float | None
    median: float | None
    p75: float | None
    p90: float | None
    region_value: float | None


@dataclass
class Report:
    kind: Literal["practice", "region"]
    lang: Lang
    quarter: str
    start: dt.date
    end: dt.date
    generated_at: dt.datetime
    region_slug: str
    region_name: str
    sections: list[Section]
    findings: list[Finding]
    trends: Trends
    funnels: list[Funnel]
    flows: list[Flow]
    quality: DataQuality
    # practice report
    agb: str | None = None
    name: str | None = None
    listed: float | None = None
    pohs: list[Poh] = field(default_factory=list)
    # region report
    n_practices: int = 0
    distributions: list[Distribution] = field(default_factory=list)
    outliers: list[Outlier] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name if self.kind == "practice" and self.name else self.region_name

    @property
    def file_stem(self) -> str:
        key = self.agb if self.kind == "practice" else self.region_slug
        return f"kwartaalrapportage_{self.kind}_{key}_{self.quarter}"
