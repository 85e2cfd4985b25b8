"""Internal model of the demo region: people, practices, POH pieces, episodes, output rows.

Everything here lives inside one generate_region() call (a :class:`Context`); there is no
module-level mutable state. Also the small random helpers shared by the other modules.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pohconnect.demo.calendar import public_holidays


@dataclass
class Person:
    code: str
    name: str
    functie: str


@dataclass
class Practice:
    agb: str
    name: str
    listed: list[tuple[date, int]]
    huisartsen: list[Person]
    tabel12_style: bool
    old_consult_code: bool
    writes_episode_ids: bool
    ggz_share: float
    long_wait: bool = False
    patient_numbers: set[int] = field(default_factory=set)


@dataclass
class Patient:
    number: str
    birth_year: int
    sex: str


@dataclass
class Poh:
    person: Person
    jeugd: bool
    rate: float
    direct_share: float
    off_weeks: frozenset[date]


@dataclass
class Piece:
    """One POH's hours in one practice."""

    poh: Poh
    practice: Practice
    hours: float
    weekdays: list[int]
    queue: list[tuple[int, int, Episode]] = field(default_factory=list)
    finished: list[tuple[date, Patient]] = field(default_factory=list)


@dataclass
class Episode:
    seq: int
    piece: Piece
    patient: Patient
    icpc: str
    intake: date
    forms: list[str]
    intervals: list[int]
    referrals: dict[int, str]
    episode_id: str
    done: int = 0
    dates: list[date] = field(default_factory=list)


@dataclass
class Rows:
    """Rows of contacten, verwijzingen and uren; ids and formatting are added when written."""

    contacts: list[tuple] = field(default_factory=list)
    referrals: list[tuple] = field(default_factory=list)
    hours: list[tuple] = field(default_factory=list)


@dataclass
class Context:
    """The state of one generation run: the random stream, the window and the rows so far."""

    rng: random.Random
    start: date
    end: date
    rows: Rows = field(default_factory=Rows)
    holidays: dict[int, frozenset[date]] = field(default_factory=dict)
    used_codes: set[str] = field(default_factory=set)

    def is_workday(self, day: date) -> bool:
        return is_workday(day, self.holidays)


def passes_11_proef(digits: str) -> bool:
    """The BSN 11-proef on ``digits`` left-padded with zeros to nine digits."""
    if not digits.isdigit() or len(digits) > 9:
        return False
    padded = digits.zfill(9)
    total = sum(int(c) * w for c, w in zip(padded[:8], range(9, 1, -1), strict=True))
    total -= int(padded[8])
    return total % 11 == 0


def unique_code(rng: random.Random, prefix: str, used: set[str], length: int = 8) -> str:
    """A numeric code (AGB-like) that is unique and can never be mistaken for a BSN."""
    while True:
        code = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix)))
        if code not in used and not passes_11_proef(code):
            used.add(code)
            return code


def weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def round5(x: float) -> int:
    return int(5 * round(x / 5))


def is_workday(day: date, holidays: dict[int, frozenset[date]]) -> bool:
    if day.weekday() >= 5:
        return False
    if day.year not in holidays:
        holidays[day.year] = public_holidays(day.year)
    return day not in holidays[day.year]


def random_time(
    rng: random.Random, first: int = 8 * 60, last: int = 17 * 60, step: int = 10
) -> str:
    minutes = first + step * rng.randrange((last - first) // step)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
