"""CSV and XLSX renderings of benchmark and scorecard responses.

Spreadsheet formula injection is neutralised: a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe, so that no spreadsheet evaluates
it (OWASP "CSV injection"). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from api.kpi.schemas import BenchmarkRead, ScorecardRead

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def benchmark_rows(bm: BenchmarkRead) -> tuple[list[str], list[list[Any]]]:
    header = [
        "agb",
        "naam",
        "waarde",
        "weergave",
        "teller",
        "noemer",
        "status",
        "gerangschikt",
        "rang",
        "percentielrang",
        "funnel_95",
        "funnel_99_8",
        "ondergrens_95",
        "bovengrens_95",
        "ondergrens_99_8",
        "bovengrens_99_8",
    ]
    rows = []
    for r in bm.practices:
        f = r.funnel
        rows.append(
            [
                r.agb,
                r.name,
                r.value,
                r.value_display,
                r.numerator,
                r.denominator,
                r.status,
                r.ranked,
                r.rank,
                r.percent_rank,
                f.class95 if f else None,
                f.class998 if f else None,
                f.lower95 if f else None,
                f.upper95 if f else None,
                f.lower998 if f else None,
                f.upper998 if f else None,
            ]
        )
    return header, rows


def scorecard_rows(sc: ScorecardRead) -> tuple[list[str], list[list[Any]]]:
    header = [
        "kpi",
        "titel",
        "eenheid",
        "waarde",
        "weergave",
        "teller",
        "noemer",
        "status",
        "regio_waarde",
        "regio_n",
        "regio_p25",
        "regio_mediaan",
        "regio_p75",
        "percentielrang",
        "funnel_95",
        "funnel_99_8",
        "referentie",
    ]
    rows = []
    for i in sc.items:
        f = i.funnel
        rows.append(
            [
                i.slug,
                i.title_nl,
                i.unit,
                i.value,
                i.value_display,
                i.numerator,
                i.denominator,
                i.status,
                i.region_value,
                i.region_n,
                i.region_p25,
                i.region_median,
                i.region_p75,
                i.percent_rank,
                f.class95 if f else None,
                f.class998 if f else None,
                i.reference,
            ]
        )
    return header, rows


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str, meta: Sequence[str] = ()
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for line in meta:
        ws.append([safe_cell(line)])
    ws.append([safe_cell(h) for h in header])
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
