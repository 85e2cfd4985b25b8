"""Quarter labels (``2025Q3``) for the period pickers: pure date arithmetic, no data."""

from __future__ import annotations

import datetime as dt
import re

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_of(day: dt.date) -> str:
    """The quarter containing ``day``: ``2025-08-14`` → ``2025Q3``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter(label: str) -> tuple[int, int]:
    m = _QUARTER.match(label)
    if not m:
        raise ValueError(f"Geen kwartaal: {label!r} (verwacht bijv. 2025Q3)")
    return int(m[1]), int(m[2])


def is_quarter(label: object) -> bool:
    return isinstance(label, str) and bool(_QUARTER.match(label))


def shift_quarter(label: str, n: int) -> str:
    """``shift_quarter('2025Q1', -1)`` → ``2024Q4``."""
    year, q = parse_quarter(label)
    index = year * 4 + (q - 1) + n
    return f"{index // 4}Q{index % 4 + 1}"


def quarter_end(label: str) -> dt.date:
    year, q = parse_quarter(label)
    if q == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * q + 1, 1) - dt.timedelta(days=1)


def quarters_back(last: str, count: int) -> list[str]:
    """``count`` quarters ending with ``last``, oldest first."""
    return [shift_quarter(last, -i) for i in range(count - 1, -1, -1)]
