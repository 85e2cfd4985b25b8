"""Periods (domain.md §4): inclusive date ranges with shorthands, and series buckets.

Accepted: ``2025Q3``, ``2025-07``, ``2025``, ``2025-07-01..2025-09-30`` (also ``/`` or ``_``
as separator) and a single date ``2025-07-01``. An ISO week belongs to the period that contains
its Thursday.

Every period lies within the years ``MIN_YEAR``..``MAX_YEAR`` (2000..2100): the POH-GGZ exists
since 2008, so no data lies before 2000, and the window keeps every date computation (ISO
weeks, funding norms, a year's end plus a day) far from ``date.min``/``date.max``. A period
outside it is a :class:`PeriodError` (422 at the API) with a Dutch message, never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from api.kpi.schemas import PeriodRead

NORM_CHANGE = dt.date(2024, 1, 1)
MIN_YEAR = 2000
MAX_YEAR = 2100


class PeriodError(ValueError):
    """A period string that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        _check_year(self.start.year, self.label)
        _check_year(self.end.year, self.label)
        if self.end < self.start:
            raise PeriodError(f"Periode eindigt vóór het begin: {self.label}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def week_starts(self) -> list[dt.date]:
        """Mondays of the ISO weeks whose Thursday lies in the period."""
        first_thursday = self.start + dt.timedelta(days=(3 - self.start.weekday()) % 7)
        out = []
        t = first_thursday
        while t <= self.end:
            out.append(t - dt.timedelta(days=3))
            t += dt.timedelta(days=7)
        return out

    @property
    def weeks(self) -> int:
        return len(self.week_starts())

    def contains(self, d: dt.date) -> bool:
        return self.start <= d <= self.end

    def read(self) -> PeriodRead:
        return PeriodRead(
            label=self.label, start=self.start, end=self.end, days=self.days, weeks=self.weeks
        )


def _check_year(y: int, text: str) -> None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise PeriodError(
            f"Periode '{text}' ligt buiten het toegestane bereik: jaren {MIN_YEAR} t/m {MAX_YEAR}."
        )


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def quarter(year: int, q: int) -> Period:
    start = dt.date(year, 3 * q - 2, 1)
    return Period(start, _month_end(year, 3 * q), f"{year}Q{q}")


def is_quarter(period: Period) -> bool:
    """Whether the period is one whole calendar quarter."""
    whole = quarter(period.start.year, (period.start.month - 1) // 3 + 1)
    return (period.start, period.end) == (whole.start, whole.end)


def month(year: int, m: int) -> Period:
    return Period(dt.date(year, m, 1), _month_end(year, m), f"{year}-{m:02d}")


def year(y: int) -> Period:
    return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}")


_Q = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
_M = re.compile(r"^(\d{4})-(\d{1,2})$")
_Y = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|_|,)\s*(\d{4}-\d{2}-\d{2})$")


def _date(text: str) -> dt.date:
    try:
        d = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError(f"Ongeldige datum: {text}") from exc
    _check_year(d.year, text)
    return d


def parse_period(text: str) -> Period:
    """Parse a period shorthand or date range."""
    s = (text or "").strip()
    if (m := re.match(r"^(\d{4})", s)) and (_Q.match(s) or _M.match(s) or _Y.match(s)):
        _check_year(int(m[1]), s)  # before any date is built: year 0 or 9999+1 cannot be
    if m := _Q.match(s):
        return quarter(int(m[1]), int(m[2]))
    if m := _M.match(s):
        mm = int(m[2])
        if not 1 <= mm <= 12:
            raise PeriodError(f"Ongeldige maand: {s}")
        return month(int(m[1]), mm)
    if m := _Y.match(s):
        return year(int(m[1]))
    if m := _RANGE.match(s):
        start, end = _date(m[1]), _date(m[2])
        return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")
    if re.match(r"^\d{4}-\d{2}-\d{2}$", s):
        d = _date(s)
        return Period(d, d, d.isoformat())
    raise PeriodError(
        f"Onbekende periode '{text}': gebruik bv. 2025Q3, 2025-07, 2025 of 2025-07-01..2025-09-30"
    )


def parse_bound(text: str, *, end: bool) -> dt.date:
    """A series bound: a date, or a period whose start (from) or end (to) is taken."""
    p = parse_period(text)
    return p.end if end else p.start


def buckets(start: dt.date, end: dt.date, grain: str) -> list[Period]:
    """Consecutive month or quarter periods covering [start, end], clipped to it."""
    if end < start:
        raise PeriodError("'to' ligt vóór 'from'")
    out: list[Period] = []
    y, m = start.year, start.month
    if grain == "quarter":
        m = 3 * ((m - 1) // 3) + 1
    elif grain != "month":
        raise PeriodError(f"Onbekende granulariteit: {grain}")
    while True:
        full = quarter(y, (m + 2) // 3) if grain == "quarter" else month(y, m)
        if full.start > end:
            break
        s, e = max(full.start, start), min(full.end, end)
        label = full.label if (s, e) == (full.start, full.end) else f"{s}..{e}"
        out.append(Period(s, e, label))
        m += 3 if grain == "quarter" else 1
        if m > 12:
            y, m = y + 1, m - 12
        if len(out) > 600:
            raise PeriodError("Reeks te lang (meer dan 600 punten)")
    return out


def norm_hours_factor(period: Period) -> float:
    """Funding norm in h/week per normpraktijk, averaged over the period's ISO weeks.

    12 h for weeks whose Thursday lies before 2024-01-01, 16 h from then on. A period without
    a whole ISO week takes the norm at its end date.
    """
    weeks = period.week_starts()
    if not weeks:
        return 16.0 if period.end >= NORM_CHANGE else 12.0
    norms = [16.0 if w + dt.timedelta(days=3) >= NORM_CHANGE else 12.0 for w in weeks]
    return sum(norms) / len(norms)
