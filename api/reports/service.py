"""Entry point for the API and the command line: assemble a report, render it as PDF or XLSX.

Never commits; the KPI service may add results to its cache on the session, which the caller
commits (the API's session dependency, the CLI's session scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from api.kpi.service import CallerScope
from api.reports.assemble import build_practice_report, build_region_report
from api.reports.errors import ReportInvalid
from api.reports.model import Report
from api.reports.text import LANGS, Lang

Format = Literal["pdf", "xlsx"]
FORMATS: tuple[Format, ...] = ("pdf", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    filename: str
    media_type: str


def _check(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise ReportInvalid(
            f"Onbekend formaat '{fmt}': kies pdf of xlsx",
            errors=[{"loc": ["format"], "msg": "pdf|xlsx"}],
        )
    if lang not in LANGS:
        raise ReportInvalid(
            f"Onbekende taal '{lang}': kies nl of en", errors=[{"loc": ["lang"], "msg": "nl|en"}]
        )


def render(report: Report, fmt: Format) -> RenderedReport:
    """Render an assembled report (pure: no database; safe to run in a worker process)."""
    if fmt == "pdf":
        from api.reports.pdf import render_pdf

        body = render_pdf(report)
    else:
        from api.reports.xlsx import render_xlsx

        body = render_xlsx(report)
    return RenderedReport(body, f"{report.file_stem}.{fmt}", MEDIA_TYPES[fmt])


def practice_report(
    session: Session,
    *,
    agb: str,
    quarter: str,
    fmt: Format = "pdf",
    caller: CallerScope | None = None,
    lang: Lang = "nl",
) -> RenderedReport:
    _check(fmt, lang)
    report = build_practice_report(session, agb=agb, quarter=quarter, caller=caller, lang=lang)
    return render(report, fmt)


def region_report(
    session: Session,
    *,
    region: str,
    quarter: str,
    fmt: Format = "pdf",
    caller: CallerScope | None = None,
    lang: Lang = "nl",
) -> RenderedReport:
    _check(fmt, lang)
    report = build_region_report(session, region=region, quarter=quarter, caller=caller, lang=lang)
    return render(report, fmt)
