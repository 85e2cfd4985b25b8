"""Data quality of a region (the beheerder's "Datakwaliteit"): per practice and month whether
the exports carried contacts, hours and referrals, which months are far from the practice's
own history, and the last import that carried the practice.

Counts here are *row* counts per practice-month (contacts, hour weeks, referrals), not patient
counts: the small-number rule (domain.md §6) is about patients and does not apply.

Outlier rule (stated on the page, :data:`OUTLIER_RULE`): a practice-month whose number of
contacts is below 50 % or above 200 % of the median of the practice's previous 6 calendar
months (months without contacts count as 0, months before the practice's first contact do not
count). The rule only judges a month when at least 3 of those months had contacts (a practice
that has just started is not an outlier).

One grouped query per table, all in SQL; months are bucketed with ``EXTRACT`` (SQLite and
PostgreSQL alike). Never commits.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from api.errors import Invalid
from api.kpi.scope import CallerScope, not_found, region_by_slug, region_key
from models import Contact, HoursWeek, ImportBatch, Practice, Referral

HISTORY_MONTHS = 6
LOW_PCT = 50.0
HIGH_PCT = 200.0
MIN_HISTORY_MONTHS_WITH_DATA = 3
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

Outlier = Literal["low", "high"]


class OutlierRuleRead(BaseModel):
    history_months: int = Field(HISTORY_MONTHS, examples=[6])
    low_pct: float = Field(LOW_PCT, examples=[50.0])
    high_pct: float = Field(HIGH_PCT, examples=[200.0])
    min_months_with_data: int = Field(MIN_HISTORY_MONTHS_WITH_DATA, examples=[3])


class QualityCellRead(BaseModel):
    """One practice-month: row counts of the three tables and the outlier judgement."""

    month: str = Field(examples=["2025-07"])
    contacts: int = Field(description="contact rows (any functie)", examples=[42])
    hours_weeks: int = Field(description="hour rows (weeks starting in the month)", examples=[4])
    referrals: int = Field(description="referral rows", examples=[5])
    baseline: float | None = Field(
        None, description="median contacts of the previous 6 months, when judged", examples=[40.0]
    )
    outlier: Outlier | None = None


class LastImportRead(BaseModel):
    id: int
    kind: str
    filename: str
    finished_at: dt.datetime | None
    status: str


class PracticeQualityRead(BaseModel):
    agb: str = Field(examples=["01234567"])
    name: str
    cells: list[QualityCellRead]  # one per month of ``months``, in order
    months_without_contacts: int
    outliers: int
    last_import: LastImportRead | None = None


class QualityRead(BaseModel):
    region: str = Field(examples=["regio-west"])
    region_name: str
    months: list[str] = Field(examples=[["2025-06", "2025-07"]])
    rule: OutlierRuleRead = Field(default_factory=OutlierRuleRead)
    practices: list[PracticeQualityRead]


def parse_month(value: str, name: str) -> tuple[int, int]:
    match = _MONTH.match(value.strip())
    if match is None:
        raise Invalid(
            f"Ongeldige maand '{value}' voor {name}; gebruik JJJJ-MM, bijvoorbeeld 2025-07.",
            errors=[{"loc": ["query", name], "msg": "JJJJ-MM"}],
        )
    return int(match.group(1)), int(match.group(2))


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_range(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    current = first
    while current <= last:
        out.append(current)
        current = _shift(*current, 1)
    return out


def judge(count: int, history: list[int]) -> tuple[float | None, Outlier | None]:
    """The median of ``history`` (the previous months' contact counts) and whether ``count``
    is an outlier against it; (None, None) when the history is too thin to judge."""
    if sum(1 for n in history if n > 0) < MIN_HISTORY_MONTHS_WITH_DATA:
        return None, None
    median = float(statistics.median(history))
    if count < median * LOW_PCT / 100:
        return median, "low"
    if count > median * HIGH_PCT / 100:
        return median, "high"
    return median, None


def _counts(
    session: Session, model: type, date_col: object, practice_ids: list[int], start: dt.date
) -> dict[tuple[int, int, int], int]:
    """Rows per (practice id, year, month) from ``start`` on."""
    year = extract("year", date_col)
    month = extract("month", date_col)
    stmt = (
        select(model.practice_id, year, month, func.count())  # type: ignore[attr-defined]
        .where(model.practice_id.in_(practice_ids), date_col >= start)  # type: ignore[attr-defined]
        .group_by(model.practice_id, year, month)  # type: ignore[attr-defined]
    )
    return {(int(p), int(y), int(m)): int(n) for p, y, m, n in session.execute(stmt)}


def _first_months(session: Session, practice_ids: list[int]) -> dict[int, tuple[int, int]]:
    """The month of each practice's first contact (its history starts there)."""
    stmt = (
        select(Contact.practice_id, func.min(Contact.date))
        .where(Contact.practice_id.in_(practice_ids))
        .group_by(Contact.practice_id)
    )
    return {int(p): (d.year, d.month) for p, d in session.execute(stmt) if d is not None}


def _last_imports(session: Session, agbs: set[str]) -> dict[str, LastImportRead]:
    """The newest committed import that carried each practice (``ImportBatch.practices``)."""
    found: dict[str, LastImportRead] = {}
    stmt = (
        select(
            ImportBatch.id,
            ImportBatch.kind,
            ImportBatch.filename,
            ImportBatch.finished_at,
            ImportBatch.status,
            ImportBatch.practices,
        )
        .where(ImportBatch.status == "committed")
        .order_by(ImportBatch.id.desc())
        .execution_options(yield_per=500)
    )
    for id_, kind, filename, finished, status, practices in session.execute(stmt):
        for agb in set(practices or ()) & (agbs - found.keys()):
            found[agb] = LastImportRead(
                id=id_, kind=kind, filename=filename, finished_at=finished, status=status
            )
        if len(found) == len(agbs):
            break
    return found


def data_quality(
    session: Session,
    *,
    region: str,
    first: str | None = None,
    last: str | None = None,
    caller: CallerScope | None = None,
) -> QualityRead:
    """Completeness, outliers and last import of every practice of ``region`` the caller may
    see, for the months ``first``..``last`` (JJJJ-MM; default the 12 months up to the region's
    last contact)."""
    caller = caller or CallerScope()
    slug = region_key(session, region)
    region_row = region_by_slug(session, slug)
    rows = session.execute(
        select(Practice.id, Practice.agb, Practice.name)
        .where(Practice.region_id == region_row.id)
        .order_by(Practice.name, Practice.agb)
    ).all()
    # only the practices the caller may see by name: all of a regio user's region, a POH's or
    # teamleider's own (a POH sees other practices only anonymised, so not here)
    whole = caller.can_see("region", slug)
    practices = [r for r in rows if caller.can_see("practice", r.agb)]
    if not whole and not practices:
        raise not_found("region", slug)

    ids = [r.id for r in practices] or [-1]
    if last is None:
        newest = session.scalar(select(func.max(Contact.date)).where(Contact.practice_id.in_(ids)))
        newest = newest or dt.date.today()
        end = (newest.year, newest.month)
    else:
        end = parse_month(last, "to")
    start = parse_month(first, "from") if first else _shift(*end, -(DEFAULT_MONTHS - 1))
    months = month_range(start, end)
    if not months:
        raise Invalid("De beginmaand ligt na de eindmaand.", errors=[{"loc": ["query", "from"]}])
    if len(months) > MAX_MONTHS:
        raise Invalid(f"Kies hoogstens {MAX_MONTHS} maanden.", errors=[{"loc": ["query", "from"]}])

    history_start = dt.date(*_shift(*start, -HISTORY_MONTHS), 1)
    contacts = _counts(session, Contact, Contact.date, ids, history_start)
    firsts = _first_months(session, ids)
    hours = _counts(session, HoursWeek, HoursWeek.week_start, ids, history_start)
    referrals = _counts(session, Referral, Referral.date, ids, history_start)
    imports = _last_imports(session, {r.agb for r in practices})

    out: list[PracticeQualityRead] = []
    for row in practices:
        cells: list[QualityCellRead] = []
        for year, month in months:
            key = (row.id, year, month)
            count = contacts.get(key, 0)
            history = [
                contacts.get((row.id, *earlier), 0)
                for earlier in (_shift(year, month, -k) for k in range(1, HISTORY_MONTHS + 1))
                if row.id in firsts and earlier >= firsts[row.id]  # not before its first contact
            ]
            baseline, outlier = judge(count, history)
            cells.append(
                QualityCellRead(
                    month=month_label(year, month),
                    contacts=count,
                    hours_weeks=hours.get(key, 0),
                    referrals=referrals.get(key, 0),
                    baseline=baseline,
                    outlier=outlier,
                )
            )
        out.append(
            PracticeQualityRead(
                agb=row.agb,
                name=row.name,
                cells=cells,
                months_without_contacts=sum(1 for c in cells if c.contacts == 0),
                outliers=sum(1 for c in cells if c.outlier is not None),
                last_import=imports.get(row.agb),
            )
        )
    return QualityRead(
        region=slug,
        region_name=region_row.name,
        months=[month_label(*m) for m in months],
        practices=out,
    )
