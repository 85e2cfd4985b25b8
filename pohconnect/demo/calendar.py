"""Calendar helpers for the demo region: Dutch public holidays, ISO weeks, weekdays."""

from __future__ import annotations

from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> frozenset[date]:
    """Days a Dutch general practice is closed (only the weekday ones matter here).

    Nieuwjaarsdag, Tweede Paasdag, Koningsdag (26 April when the 27th is a Sunday),
    Bevrijdingsdag in lustrum years, Hemelvaartsdag, Tweede Pinksterdag and both Christmas days.
    """
    easter = easter_sunday(year)
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:
        koningsdag = date(year, 4, 26)
    days = {
        date(year, 1, 1),
        easter + timedelta(days=1),
        koningsdag,
        easter + timedelta(days=39),
        easter + timedelta(days=50),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year % 5 == 0:
        days.add(date(year, 5, 5))
    return frozenset(days)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week_label(monday: date) -> str:
    """``2025-W14`` for the ISO week that starts on ``monday``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_between(first: date, last: date) -> list[date]:
    """Mondays of the ISO weeks whose Thursday lies in [first, last] (domain.md §4)."""
    monday = monday_of(first)
    if monday + timedelta(days=3) < first:
        monday += timedelta(days=7)
    mondays = []
    while monday + timedelta(days=3) <= last:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


def fmt_date(day: date) -> str:
    """dd-mm-jjjj, as a Dutch HIS writes it."""
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def fmt_decimal(value: float) -> str:
    """Two decimals with a decimal comma (``12,50``)."""
    return f"{value:.2f}".replace(".", ",")
