"""Calendar and identifier helpers of the demo generator."""

from __future__ import annotations

from datetime import date

from pohconnect.demo.calendar import (
    easter_sunday,
    fmt_date,
    fmt_decimal,
    iso_week_label,
    public_holidays,
    weeks_between,
)
from pohconnect.demo.model import passes_11_proef


def test_easter_and_dutch_public_holidays() -> None:
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    holidays_2025 = public_holidays(2025)
    assert date(2025, 4, 21) in holidays_2025  # Tweede Paasdag
    assert date(2025, 4, 26) in holidays_2025  # Koningsdag on Saturday: 27 April is a Sunday
    assert date(2025, 5, 5) in holidays_2025  # Bevrijdingsdag, lustrum year
    assert date(2025, 5, 29) in holidays_2025  # Hemelvaartsdag
    assert date(2025, 6, 9) in holidays_2025  # Tweede Pinksterdag
    assert date(2024, 5, 5) not in public_holidays(2024)


def test_weeks_belong_to_the_period_of_their_thursday() -> None:
    weeks = weeks_between(date(2024, 1, 1), date(2025, 12, 31))
    assert iso_week_label(weeks[0]) == "2024-W01"
    assert iso_week_label(weeks[-1]) == "2025-W52"  # 2026-W01 has its Thursday in 2026
    assert len(weeks) == 104
    assert iso_week_label(weeks_between(date(2021, 1, 1), date(2021, 1, 31))[0]) == "2021-W01"


def test_dutch_formats() -> None:
    assert fmt_date(date(2025, 3, 7)) == "07-03-2025"
    assert fmt_decimal(12.5) == "12,50"


def test_11_proef() -> None:
    assert passes_11_proef("111222333")
    assert not passes_11_proef("123456789")
    assert passes_11_proef("11222333") == passes_11_proef("011222333")  # zero-padded to nine
