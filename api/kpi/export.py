"""CSV and XLSX renderings of benchmark and scorecard responses.

Both are written for Dutch spreadsheet users first: Dutch column names, units, statuses and
funnel classes (``binnen``/``boven``/``onder``), and a CSV that Dutch Excel opens as columns —
``;`` between fields, a decimal comma and a UTF-8 byte-order mark (``dialect=nl``, the
default). ``dialect=international`` writes ``,`` and a decimal point for other tools. XLSX cells
hold real numbers, whatever the dialect.

Spreadsheet formula injection is neutralised: a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe, so that no spreadsheet evaluates
it (OWASP "CSV injection"). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from api.kpi.definitions import REGISTRY
from api.kpi.schemas import (
    BenchmarkPracticeRow,
    BenchmarkRead,
    FunnelRead,
    ScorecardItem,
    ScorecardRead,
)

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Dialect = Literal["nl", "international"]
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

STATUS_NL = {
    "ok": "ok",
    "no_data": "geen gegevens",
    "below_min_denominator": "noemer te klein",
    "not_applicable": "niet van toepassing",
    "suppressed": "afgeschermd (< 10)",
}
FUNNEL_NL = {"within": "binnen", "above": "boven", "below": "onder"}

Row = TypeVar("Row")
Column = tuple[str, Callable[[Any], Any]]  # header, value of one row


def safe_cell(value: Any) -> Any:
    """A cell value as a spreadsheet may hold it: no control characters (XLSX cannot store
    them) and no formula (a text starting with = + - @ gets a leading quote)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_DANGEROUS):
            return "'" + value
    return value


def sheet_title(title: str) -> str:
    """A worksheet name: at most 31 characters, none of ``[]:*?/\\`` or control characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", ILLEGAL_CHARACTERS_RE.sub("", title)).strip()
    return cleaned[:31].strip() or "Tabel"


def unit_nl(slug: str, fallback: str) -> str:
    """The Dutch unit of a KPI (the responses carry the English one)."""
    definition = REGISTRY.get(slug)
    return definition.unit_nl if definition is not None else fallback


def _funnel(attribute: str, *, label: bool = False) -> Callable[[Any], Any]:
    def value(row: Any) -> Any:
        funnel: FunnelRead | None = row.funnel
        found = getattr(funnel, attribute) if funnel is not None else None
        return FUNNEL_NL.get(found, found) if label else found

    return value


def _status(row: Any) -> str:
    return STATUS_NL.get(row.status, row.status)


BENCHMARK_COLUMNS: tuple[Column, ...] = (
    ("agb", lambda r: r.agb),
    ("naam", lambda r: r.name),
    ("waarde", lambda r: r.value),
    ("weergave", lambda r: r.value_display),
    ("teller", lambda r: r.numerator),
    ("noemer", lambda r: r.denominator),
    ("status", _status),
    ("gerangschikt", lambda r: r.ranked),
    ("rang", lambda r: r.rank),
    ("percentielrang", lambda r: r.percent_rank),
    ("funnel_95", _funnel("class95", label=True)),
    ("funnel_99_8", _funnel("class998", label=True)),
    ("ondergrens_95", _funnel("lower95")),
    ("bovengrens_95", _funnel("upper95")),
    ("ondergrens_99_8", _funnel("lower998")),
    ("bovengrens_99_8", _funnel("upper998")),
)
SCORECARD_COLUMNS: tuple[Column, ...] = (
    ("kpi", lambda i: i.slug),
    ("titel", lambda i: i.title_nl),
    ("eenheid", lambda i: unit_nl(i.slug, i.unit)),
    ("waarde", lambda i: i.value),
    ("weergave", lambda i: i.value_display),
    ("teller", lambda i: i.numerator),
    ("noemer", lambda i: i.denominator),
    ("status", _status),
    ("regio_waarde", lambda i: i.region_value),
    ("regio_n", lambda i: i.region_n),
    ("regio_p25", lambda i: i.region_p25),
    ("regio_mediaan", lambda i: i.region_median),
    ("regio_p75", lambda i: i.region_p75),
    ("percentielrang", lambda i: i.percent_rank),
    ("funnel_95", _funnel("class95", label=True)),
    ("funnel_99_8", _funnel("class998", label=True)),
    ("referentie", lambda i: i.reference),
)


def _table(columns: Sequence[Column], rows: Sequence[Row]) -> tuple[list[str], list[list[Any]]]:
    return [header for header, _ in columns], [[get(row) for _, get in columns] for row in rows]


def benchmark_rows(bm: BenchmarkRead) -> tuple[list[str], list[list[Any]]]:
    practices: list[BenchmarkPracticeRow] = bm.practices
    return _table(BENCHMARK_COLUMNS, practices)


def scorecard_rows(sc: ScorecardRead) -> tuple[list[str], list[list[Any]]]:
    items: list[ScorecardItem] = sc.items
    return _table(SCORECARD_COLUMNS, items)


def _csv_text(value: Any, dialect: Dialect) -> Any:
    """A cell as CSV text: numbers in the dialect's decimal sign, yes/no in Dutch."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if dialect == "nl":
            return "ja" if value else "nee"
        return "true" if value else "false"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", ",") if dialect == "nl" else text
    return safe_cell(value)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]], dialect: Dialect = "nl") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";" if dialect == "nl" else ",", lineterminator="\r\n")
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow([_csv_text(v, dialect) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str, meta: Sequence[str] = ()
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    for line in meta:
        ws.append([safe_cell(line)])
    ws.append([safe_cell(h) for h in header])
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = ws.cell(row=len(meta) + 2, column=1)
    for column, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(column)].width = max(10, min(40, len(name) + 4))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CASELOAD_COLUMNS: tuple[Column, ...] = (
    ("pseudoniem", lambda p: p.pseudonym),
    ("praktijk_agb", lambda p: p.practice_agb),
    ("laatste_contact", lambda p: p.last_contact.isoformat()),
    ("start_traject", lambda p: p.episode_start.isoformat()),
    ("contacten_traject", lambda p: p.episode_contacts),
    ("wachttijd_intake_dagen", lambda p: p.wait_days_intake),
    ("overbruggingszorg", lambda p: p.bridging),
    ("verwijzing_ggz", lambda p: p.ggz_referral_date.isoformat() if p.ggz_referral_date else None),
    ("geen_contact_8_weken", lambda p: p.no_contact_8_weeks),
    ("traject_langer_dan_1_jaar", lambda p: p.episode_over_1_year),
)


def caseload_rows(cl: Any) -> tuple[list[str], list[list[Any]]]:
    """A POH's caseload (``api.kpi.caseload.CaseloadRead``), one row per pseudonym."""
    return _table(CASELOAD_COLUMNS, cl.items)
