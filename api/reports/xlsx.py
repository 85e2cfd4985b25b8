"""The report as XLSX: one sheet per section, real numbers with Dutch number formats.

Values are the unrounded numbers of the KPI service; the number format only rounds what is
shown (Excel shows ``#.##0,0`` in a Dutch locale). Text that a spreadsheet could take for a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
apostrophe. Every sheet has a bold, frozen header row and set column widths.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.kpi.definitions import REGISTRY
from api.reports.model import Report, ScoreRow
from api.reports.text import Lang, t

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FMT = "dd-mm-yyyy"
DATETIME_FMT = "dd-mm-yyyy hh:mm"


def safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def number_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def _sheet(
    wb: Workbook,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    formats: dict[int, str] | None = None,
    row_formats: Sequence[dict[int, str]] | None = None,
    preamble: Sequence[Sequence[Any]] = (),
) -> Worksheet:
    ws = wb.create_sheet(title=title[:31])
    for line in preamble:
        ws.append([safe(v) for v in line])
    if preamble:
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        ws.append([])
    hdr_row = ws.max_row + 1 if preamble else 1
    for c, h in enumerate(header, start=1):
        cell = ws.cell(row=hdr_row, column=c, value=safe(h))
        cell.font = BOLD
        cell.alignment = WRAP
    for r, values in enumerate(rows, start=hdr_row + 1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=safe(v))
            fmt = None
            if row_formats is not None:
                fmt = row_formats[r - hdr_row - 1].get(c)
            if fmt is None and formats:
                fmt = formats.get(c)
            if fmt and (isinstance(v, int | float) or (fmt in (DATE_FMT, DATETIME_FMT) and v)):
                cell.number_format = fmt
    ws.freeze_panes = ws.cell(row=hdr_row + 1, column=1)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    return ws


def _num(v: float | None, text: str) -> Any:
    """The number itself, or the display text when the value is suppressed or missing."""
    if v is not None:
        return v
    return text if text not in ("–", "") else None


def _score_sheet(wb: Workbook, report: Report, lang: Lang) -> None:
    practice = report.kind == "practice"
    header = [
        "slug",
        t(lang, "kpi"),
        "unit" if lang == "en" else "eenheid",
        t(lang, "this_q"),
        t(lang, "prev_q"),
        t(lang, "last_year"),
        t(lang, "region_value"),
        "n",
        "P10",
        "P25",
        t(lang, "region_median"),
        "P75",
        "P90",
    ]
    if practice:
        header += [
            "percentielrang" if lang == "nl" else "percent rank",
            f"funnel {t(lang, 'limit95')}",
            f"funnel {t(lang, 'limit998')}",
            t(lang, "position"),
        ]
    header += ["status", t(lang, "reference"), "bron" if lang == "nl" else "source"]
    rows, fmts = [], []
    for sec in report.sections:
        for r in sec.rows:
            rows.append(_score_values(r, practice))
            f = number_format(r.decimals)
            fmts.append({c: f for c in (4, 5, 6, 7, 9, 10, 11, 12, 13)} | {14: "0.00"})
    widths = [26, 40, 16, 12, 12, 12, 12, 6, 10, 10, 12, 10, 10]
    widths += [12, 12, 12, 22] if practice else []
    widths += [20, 50, 40]
    _sheet(wb, t(lang, "scorecard"), header, rows, widths, row_formats=fmts)


def _score_values(r: ScoreRow, practice: bool) -> list[Any]:
    out: list[Any] = [
        r.slug,
        r.title,
        r.unit,
        _num(r.value, r.value_text),
        _num(r.prev, r.prev_text),
        _num(r.last_year, r.last_year_text),
        r.region_value,
        r.n or None,
        r.p10,
        r.p25,
        r.median,
        r.p75,
        r.p90,
    ]
    if practice:
        out += [r.percent_rank, r.funnel95, r.funnel998, r.position_text]
    out += [r.status, r.reference or None, r.reference_source or None]
    return out


def _summary_sheet(wb: Workbook, report: Report, lang: Lang) -> None:
    ws = wb.active
    ws.title = t(lang, "summary")
    kind = "practice_report" if report.kind == "practice" else "region_report"
    lines: list[list[Any]] = [[f"{t(lang, kind)} {report.quarter}"], [report.title]]
    ws.append([safe(v) for v in lines[0]])
    ws.append([safe(v) for v in lines[1]])
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"].font = Font(bold=True, size=12)
    ws.append([])
    facts: list[tuple[str, Any, str | None]] = []
    if report.kind == "practice":
        facts += [(t(lang, "agb"), report.agb, None)]
    facts += [
        (t(lang, "region"), report.region_name, None),
        (t(lang, "period"), report.start, DATE_FMT),
        ("", report.end, DATE_FMT),
        (
            t(lang, "listed") if report.kind == "practice" else t(lang, "listed_region"),
            report.listed,
            "#,##0",
        ),
    ]
    if report.kind == "region":
        facts.append((t(lang, "practices"), report.n_practices, "#,##0"))
    for label, value, fmt in facts:
        ws.append([safe(label), safe(value)])
        if fmt:
            ws.cell(row=ws.max_row, column=2).number_format = fmt
        ws.cell(row=ws.max_row, column=1).font = BOLD
    ws.append([])
    ws.append([t(lang, "pohs") if report.kind == "practice" else t(lang, "pohs_region")])
    ws.cell(row=ws.max_row, column=1).font = BOLD
    ws.append([t(lang, "poh"), "code", t(lang, "hours_pw")])
    for p in report.pohs:
        ws.append([safe(p.name), safe(p.code), p.hours_per_week])
        ws.cell(row=ws.max_row, column=3).number_format = "#,##0.0"
    ws.append([])
    ws.append([t(lang, "findings")])
    ws.cell(row=ws.max_row, column=1).font = BOLD
    for f in report.findings:
        ws.append([t(lang, f"tag_{f.tone}"), safe(f.text)])
    if not report.findings:
        ws.append([t(lang, "findings_none")])
    ws.append([])
    ws.append([safe(t(lang, "findings_rule"))])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 110
    ws.column_dimensions["C"].width = 22


def _trend_sheet(wb: Workbook, report: Report, lang: Lang) -> None:
    tr = report.trends
    header = ["grafiek" if lang == "nl" else "chart", "reeks" if lang == "nl" else "series"]
    header += tr.quarters
    rows: list[list[Any]] = []
    fmts: list[dict[int, str]] = []
    for chart_key, data, dec in (
        ("chart_contacts", tr.contacts_by_form, 0),
        ("chart_wait", tr.wait, 1),
        ("chart_referrals", tr.referrals_by_destination, 0),
        ("chart_hours", tr.hours, 1),
    ):
        for name, values in data.items():
            rows.append([t(lang, chart_key), name, *values])
            fmts.append({c: number_format(dec) for c in range(3, 3 + len(values))})
    widths = [44, 24] + [11] * len(tr.quarters)
    _sheet(wb, t(lang, "trends_sheet"), header, rows, widths, row_formats=fmts)


def _funnel_sheet(wb: Workbook, report: Report, lang: Lang) -> None:
    header = [
        "slug",
        t(lang, "kpi"),
        t(lang, "agb"),
        t(lang, "practice"),
        t(lang, "denominator"),
        t(lang, "value"),
        t(lang, "region_value"),
        "95% onder" if lang == "nl" else "95% lower",
        "95% boven" if lang == "nl" else "95% upper",
        "99,8% onder" if lang == "nl" else "99.8% lower",
        "99,8% boven" if lang == "nl" else "99.8% upper",
        f"{t(lang, 'class')} 95%",
        f"{t(lang, 'class')} 99,8%" if lang == "nl" else f"{t(lang, 'class')} 99.8%",
    ]
    if report.kind == "practice":
        header.append(t(lang, "funnel_practice"))
    rows, fmts = [], []
    for f in report.funnels:
        lims = {lim[0]: lim for lim in f.limits}
        for p in f.points:
            lim = lims.get(p.denominator, (p.denominator, None, None, None, None))
            row: list[Any] = [
                f.slug,
                f.title,
                p.agb,
                p.name,
                p.denominator,
                p.value,
                f.target,
                *lim[1:],
                p.class95,
                p.class998,
            ]
            if report.kind == "practice":
                row.append(("ja" if lang == "nl" else "yes") if p.is_self else None)
            rows.append(row)
            nf = number_format(f.decimals)
            fmts.append({5: "#,##0.0", 6: nf, 7: nf, 8: nf, 9: nf, 10: nf, 11: nf})
    widths = [26, 40, 11, 34, 12, 11, 11, 11, 11, 11, 11, 10, 10, 14]
    _sheet(wb, t(lang, "funnel")[:31], header, rows, widths, row_formats=fmts)


def _flows_sheet(wb: Workbook, report: Report, lang: Lang) -> None:
    rows = [
        [f.source, f.target, f.display if f.value is None else f.value, f.unit]
        for f in report.flows
    ]
    header = [t(lang, "flow_from"), t(lang, "flow_to"), t(lang, "flow_count"), "eenheid"]
    _sheet(wb, t(lang, "flows"), header, rows, [22, 22, 10, 14], formats={3: "#,##0"})


def _quality_sheet(wb: Workbook, report: Report, lang: Lang) -> None:
    q = report.quality
    header = [
        t(lang, "dq_month"),
        t(lang, "dq_contacts"),
        f"{t(lang, 'dq_icpc')} (%)",
        t(lang, "dq_hours_weeks"),
        "weken" if lang == "nl" else "weeks",
        t(lang, "dq_complete"),
    ]
    rows: list[list[Any]] = [
        [
            m.label,
            m.contacts,
            m.icpc_pct,
            m.hours_weeks,
            m.weeks,
            t(lang, "yes") if m.complete else t(lang, "no"),
        ]
        for m in q.months
    ]
    ws = _sheet(
        wb,
        t(lang, "dq")[:31],
        header,
        rows,
        [22, 34, 16, 16, 12, 12],
        formats={2: "#,##0", 3: "#,##0.0", 4: "0", 5: "0"},
    )
    ws.append([])
    ws.append([t(lang, "dq_imports")])
    ws.cell(row=ws.max_row, column=1).font = BOLD
    ws.append(
        [
            t(lang, "dq_file"),
            t(lang, "dq_kind"),
            t(lang, "dq_loaded"),
            t(lang, "dq_covers"),
            "",
            t(lang, "dq_rows"),
            t(lang, "dq_rejected"),
        ]
    )
    for c in range(1, 8):
        ws.cell(row=ws.max_row, column=c).font = BOLD
    for b in q.imports:
        loaded = b.loaded.replace(tzinfo=None) if b.loaded else None
        ws.append(
            [
                safe(b.filename),
                safe(b.kind),
                loaded,
                b.period_start,
                b.period_end,
                b.rows_read,
                b.rows_rejected,
            ]
        )
        r = ws.max_row
        ws.cell(row=r, column=3).number_format = DATETIME_FMT
        ws.cell(row=r, column=4).number_format = DATE_FMT
        ws.cell(row=r, column=5).number_format = DATE_FMT
        ws.cell(row=r, column=6).number_format = "#,##0"
        ws.cell(row=r, column=7).number_format = "#,##0"
    ws.append([])
    ws.append(["ENGINE_VERSION", safe(q.engine_version)])
    ws.append(["data_version", safe(q.data_version)])
    ws.column_dimensions["G"].width = 12


def _region_sheets(wb: Workbook, report: Report, lang: Lang) -> None:
    header = [
        "slug",
        t(lang, "kpi"),
        "eenheid" if lang == "nl" else "unit",
        "n",
        "P10",
        "P25",
        t(lang, "region_median"),
        "P75",
        "P90",
        t(lang, "region_value"),
    ]
    rows, fmts = [], []
    for d in report.distributions:
        rows.append(
            [
                d.slug,
                d.title,
                d.unit,
                len(d.values),
                d.p10,
                d.p25,
                d.median,
                d.p75,
                d.p90,
                d.region_value,
            ]
        )
        nf = number_format(d.decimals)
        fmts.append({c: nf for c in range(5, 11)} | {4: "0"})
    _sheet(
        wb, t(lang, "distribution")[:31], header, rows, [26, 40, 16, 6] + [11] * 6, row_formats=fmts
    )
    header = [
        "slug",
        t(lang, "kpi"),
        t(lang, "agb"),
        t(lang, "practice"),
        t(lang, "value"),
        t(lang, "denominator"),
        t(lang, "class"),
        "grens" if lang == "nl" else "limit",
    ]
    rows, fmts = [], []
    for o in report.outliers:
        rows.append(
            [
                o.slug,
                o.title,
                o.agb,
                o.name,
                _num(o.value, o.value_text),
                o.denominator,
                t(lang, o.side),
                f"{o.limit}%",
            ]
        )
        fmts.append(
            {5: number_format(REGISTRY[o.slug].decimals if o.slug in REGISTRY else 1), 6: "#,##0.0"}
        )
    _sheet(
        wb,
        t(lang, "outliers")[:31],
        header,
        rows,
        [26, 40, 11, 34, 11, 12, 10, 8],
        row_formats=fmts,
    )


def _definitions_sheet(wb: Workbook, lang: Lang) -> None:
    header = [
        "slug",
        t(lang, "kpi"),
        "omschrijving" if lang == "nl" else "description",
        "waarom" if lang == "nl" else "why it matters",
        "eenheid" if lang == "nl" else "unit",
        "polariteit" if lang == "nl" else "polarity",
        "minimale noemer" if lang == "nl" else "minimum denominator",
        "funnel",
        t(lang, "reference"),
        "bron" if lang == "nl" else "source",
    ]
    rows = []
    for d in REGISTRY.values():
        rows.append(
            [
                d.slug,
                d.title_nl if lang == "nl" else d.title_en,
                d.description,
                d.why_it_matters,
                d.unit_nl if lang == "nl" else d.unit,
                d.polarity,
                d.min_denominator,
                d.funnel,
                (d.reference if lang == "nl" else d.reference_en) or None,
                (d.reference_source if lang == "nl" else d.reference_source_en) or None,
            ]
        )
    ws = _sheet(
        wb,
        t(lang, "definitions"),
        header,
        rows,
        [26, 40, 70, 50, 18, 14, 12, 11, 50, 40],
        formats={7: "#,##0"},
    )
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.alignment = WRAP


def render_xlsx(report: Report) -> bytes:
    lang = report.lang
    wb = Workbook()
    _summary_sheet(wb, report, lang)
    _score_sheet(wb, report, lang)
    if report.kind == "region":
        _region_sheets(wb, report, lang)
    _trend_sheet(wb, report, lang)
    _funnel_sheet(wb, report, lang)
    _flows_sheet(wb, report, lang)
    _quality_sheet(wb, report, lang)
    _definitions_sheet(wb, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
