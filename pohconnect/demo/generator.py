"""The synthetic demo region: a fictional huisartsenorganisatie written as HIS-style exports.

The region is simulated, not sampled cell by cell, so that the KPIs of domain.md §5 come out at
the published reference figures when the files are read back with the definitions of §4:

* Face-to-face POH consults per 8-hour worked day: region mean 9.2, POHs spread about 4–15,
  a few overloaded (≥ 10); 2.0 intakes per 8-hour day; intake 50 and follow-up 37 minutes;
  direct vs indirect patient time 83/17; mean contract 24.6 h/week per POH, 66% of POHs in two
  or more practices — all from the Trimbos study of the POH-GGZ (domain.md §7).
* Waiting time from aanmelding to intake: < 7 days 9%, 7–14 days 53%, 15–21 days 24%,
  ≥ 22 days 14% (Trimbos, domain.md §7 and §5 wait_days_intake).
* Episodes of typically 5–7 contacts (regional project, domain.md §5 contacts_per_episode);
  case mix dominated by anxiety, depression and burnout (Trimbos); 89% adults (Trimbos).
* Funding norm 16 h/week per 2,350 listed patients from 2024 (domain.md §2, normpraktijk).

How: every POH works fixed weekdays in each of their practices. Each worked day has a number of
face-to-face slots drawn from Poisson(rate × hours that day ÷ 8), the rate being the POH's own
consults per 8-hour day. Follow-ups that are due fill the slots first; free slots become
intakes of new episodes. The ratio of face-to-face contacts to worked hours is therefore the
POH's rate by construction, holidays and sick weeks lower contacts and worked hours together,
and the intake rate settles at slots ÷ face-to-face contacts per episode. The simulation starts
``WARMUP_DAYS`` before ``start`` so that the caseload is in steady state when the export window
opens; contacts before ``start`` are not written (like any export, the first weeks therefore
show episodes that in truth began earlier). The aanmelding of each episode is placed afterwards,
at a waiting time drawn from the Trimbos distribution.

Only the standard library is used for randomness (``random.Random``), so a seed gives
byte-identical files on every platform and numpy version.
"""

from __future__ import annotations

import csv
import heapq
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from statistics import NormalDist
from types import MappingProxyType

from pohconnect.demo import vocab
from pohconnect.demo.calendar import (
    fmt_date,
    fmt_decimal,
    iso_week_label,
    monday_of,
    public_holidays,
    weeks_between,
)

DEFAULT_SEED = 2025
REGION_NAME = "Huisartsenorganisatie Demoland"

#: Trimbos (domain.md §7): face-to-face consults per 8-hour day, mean and SD over POHs.
TARGET_FTF_PER_DAY = 9.2
FTF_SD = 1.9
#: The spread the Trimbos study reports (4–15); the demo's extreme POHs sit just inside it.
FTF_LOWEST, FTF_HIGHEST = 4.6, 14.2
#: Trimbos: intake 49.9 and follow-up 36.6 minutes.
INTAKE_MINUTES = 50.0
FOLLOWUP_MINUTES = 37.0
#: Trimbos: 83% of patient-related time is direct.
DIRECT_SHARE = 0.83
#: Trimbos: 24.6 h/week per POH (SD 8.3); the demo keeps every POH within 8–36 h.
MEAN_CONTRACT_HOURS = 24.6
#: Trimbos wait to intake: < 7 days, 7–14, 15–21, ≥ 22 days.
WAIT_BUCKETS: tuple[float, float, float, float] = (0.09, 0.53, 0.24, 0.14)
WAIT_BUCKET_DAYS: tuple[tuple[int, int], ...] = ((1, 6), (7, 14), (15, 21), (22, 85))
#: The long-wait practice (median > 21 days).
LONG_WAIT_BUCKETS: tuple[float, float, float, float] = (0.02, 0.10, 0.20, 0.68)
#: Funding norm from 2024: 16 h/week per normpraktijk of 2,350 listed patients.
NORM_HOURS_PER_WEEK = 16.0
NORM_LISTED = 2350
#: Share of POH episodes with a GGZ referral (gb-ggz / s-ggz); the outlier practice refers more.
GGZ_REFERRAL_SHARE = 0.21
GGZ_REFERRAL_SHARE_OUTLIER = 0.45
#: Days simulated before ``start`` so the caseload is in steady state at the export's start.
WARMUP_DAYS = 150

FTF_FORMS = frozenset({"consult", "visite", "groep"})
FOLLOW_UP_FORMS: tuple[tuple[str, float], ...] = (
    ("consult", 74.0),
    ("telefonisch", 9.0),
    ("video", 6.0),
    ("e-consult", 3.0),
    ("groep", 4.0),
    ("visite", 4.0),
)
KINDS: tuple[str, ...] = ("praktijken", "contacten", "verwijzingen", "uren")

HEADERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "praktijken": (
            "praktijk_agb",
            "praktijk_naam",
            "regio",
            "peildatum",
            "ingeschreven_patienten",
        ),
        "contacten": (
            "contact_id",
            "praktijk_agb",
            "patientnummer",
            "geboortejaar",
            "geslacht",
            "datum",
            "tijd",
            "zorgverlener_code",
            "zorgverlener_naam",
            "functie",
            "contactvorm",
            "verrichtingcode",
            "duur_minuten",
            "icpc",
            "episode_id",
        ),
        "verwijzingen": (
            "verwijzing_id",
            "praktijk_agb",
            "patientnummer",
            "datum",
            "verwijzer_code",
            "verwijzer_functie",
            "bestemming",
            "echelon",
            "instelling",
            "icpc",
        ),
        "uren": (
            "zorgverlener_code",
            "praktijk_agb",
            "week",
            "uren_contract",
            "uren_gewerkt",
            "uren_direct",
            "uren_indirect",
        ),
    }
)


@dataclass(frozen=True)
class DemoRegion:
    """What :func:`generate_region` wrote, with a few counts and the deliberate outliers."""

    name: str
    seed: int
    start: date
    end: date
    praktijken: Path
    contacten: Path
    verwijzingen: Path
    uren: Path
    n_practices: int
    n_pohs: int
    n_huisartsen: int
    n_contacts: int
    n_poh_contacts: int
    n_episodes: int
    n_referrals: int
    n_hours_rows: int
    #: AGB of the practice whose median wait to intake is above 21 days.
    long_wait_practice: str | None = None
    #: AGB of the practice that refers a large share of its POH episodes to the GGZ.
    many_referrals_practice: str | None = None
    #: AGB of the practice whose contracted POH hours are far below the funding norm.
    low_hours_practice: str | None = None
    #: Codes of the POHs with a target of at least 10 face-to-face consults per 8-hour day.
    overloaded_pohs: tuple[str, ...] = ()

    @property
    def paths(self) -> dict[str, Path]:
        """The written files by kind (praktijken, contacten, verwijzingen, uren)."""
        return {kind: getattr(self, kind) for kind in KINDS}


# ---------------------------------------------------------------------------------------------
# Internal model. Everything lives inside one generate_region() call: no module-level state.


@dataclass
class _Person:
    code: str
    name: str
    functie: str


@dataclass
class _Practice:
    agb: str
    name: str
    listed: list[tuple[date, int]]
    huisartsen: list[_Person]
    tabel12_style: bool
    old_consult_code: bool
    writes_episode_ids: bool
    ggz_share: float
    long_wait: bool = False
    patient_numbers: set[int] = field(default_factory=set)


@dataclass
class _Patient:
    number: str
    birth_year: int
    sex: str


@dataclass
class _Poh:
    person: _Person
    jeugd: bool
    rate: float
    direct_share: float
    off_weeks: frozenset[date]


@dataclass
class _Piece:
    """One POH's hours in one practice."""

    poh: _Poh
    practice: _Practice
    hours: float
    weekdays: list[int]
    queue: list[tuple[int, int, _Episode]] = field(default_factory=list)
    finished: list[tuple[date, _Patient]] = field(default_factory=list)


@dataclass
class _Episode:
    seq: int
    piece: _Piece
    patient: _Patient
    icpc: str
    intake: date
    forms: list[str]
    intervals: list[int]
    referrals: dict[int, str]
    episode_id: str
    done: int = 0
    dates: list[date] = field(default_factory=list)


class _Writer:
    """Collects rows of the four files; contact and referral ids are assigned when written."""

    def __init__(self) -> None:
        self.contacts: list[tuple] = []
        self.referrals: list[tuple] = []
        self.hours: list[tuple] = []
        self.practices: list[tuple] = []


# ---------------------------------------------------------------------------------------------
# Small helpers


def _passes_11_proef(digits: str) -> bool:
    """The BSN 11-proef on ``digits`` left-padded with zeros to nine digits."""
    if not digits.isdigit() or len(digits) > 9:
        return False
    padded = digits.zfill(9)
    total = sum(int(c) * w for c, w in zip(padded[:8], range(9, 1, -1), strict=True))
    total -= int(padded[8])
    return total % 11 == 0


def _unique_code(rng: random.Random, prefix: str, used: set[str], length: int = 8) -> str:
    """A numeric code (AGB-like) that is unique and can never be mistaken for a BSN."""
    while True:
        code = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix)))
        if code not in used and not _passes_11_proef(code):
            used.add(code)
            return code


def _weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x < 0:
            return value
    return options[-1][0]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _round5(x: float) -> int:
    return int(5 * round(x / 5))


def _person_name(rng: random.Random) -> str:
    initials = "".join(f"{rng.choice(vocab.INITIALS)}." for _ in range(rng.choice((1, 1, 2))))
    surname = rng.choice(vocab.SURNAMES)
    if rng.random() < 0.12:
        surname = f"{surname}-{rng.choice(vocab.SURNAMES)}"
    return f"{initials} {surname}"


def _practice_name(rng: random.Random, used: set[str]) -> str:
    while True:
        style = rng.random()
        if style < 0.35:
            name = f"Huisartsenpraktijk {rng.choice(vocab.STREETS)}"
        elif style < 0.55:
            name = f"Gezondheidscentrum {rng.choice(vocab.PLACES)}"
        elif style < 0.8:
            a, b = rng.sample(vocab.SURNAMES, 2)
            name = f"Huisartsen {a[0].upper() + a[1:]} & {b[0].upper() + b[1:]}"
        elif style < 0.9:
            name = f"Medisch Centrum {rng.choice(vocab.PLACES)}"
        else:
            surname = rng.choice(vocab.SURNAMES)
            name = f"Huisartsenpraktijk {surname[0].upper() + surname[1:]}"
        if name not in used:
            used.add(name)
            return name


def _is_workday(day: date, holidays: dict[int, frozenset[date]]) -> bool:
    if day.weekday() >= 5:
        return False
    if day.year not in holidays:
        holidays[day.year] = public_holidays(day.year)
    return day not in holidays[day.year]


def _random_time(
    rng: random.Random, first: int = 8 * 60, last: int = 17 * 60, step: int = 10
) -> str:
    minutes = first + step * rng.randrange((last - first) // step)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# ---------------------------------------------------------------------------------------------
# Building the region


def _make_practices(
    rng: random.Random, n: int, start: date, end: date, used_codes: set[str]
) -> list[_Practice]:
    sizes = []
    while len(sizes) < n:  # log-normal around 3,400 listed, truncated to 1,500–12,000
        size = round(rng.lognormvariate(math.log(3400), 0.45))
        if 1500 <= size <= 12000:
            sizes.append(size)
    if n >= 10:
        big = max(range(n), key=sizes.__getitem__)
        sizes[big] = max(sizes[big], 9000 + rng.randrange(2500))
        small = min(range(n), key=sizes.__getitem__)
        sizes[small] = min(sizes[small], 1600 + rng.randrange(300))
    peildata = [
        date(year, month, 1)
        for year in range(start.year, end.year + 1)
        for month in (1, 7)
        if start <= date(year, month, 1) <= end
    ] or [start]
    growing = rng.randrange(n)
    names: set[str] = set()
    practices = []
    for i, size in enumerate(sizes):
        listed, value = [], float(size)
        for peildatum in peildata:
            listed.append((peildatum, min(12000, max(1500, round(value)))))
            value *= 1 + rng.gauss(0.004, 0.008) + (0.03 if i == growing else 0.0)
        agb = _unique_code(rng, "01", used_codes)
        n_ha = min(6, max(1, round(size / 2200 + rng.gauss(0, 0.4))))
        huisartsen = [
            _Person(_unique_code(rng, "01", used_codes), _person_name(rng), "huisarts")
            for _ in range(n_ha)
        ]
        practices.append(
            _Practice(
                agb=agb,
                name=_practice_name(rng, names),
                listed=listed,
                huisartsen=huisartsen,
                tabel12_style=rng.random() < 0.6,
                old_consult_code=rng.random() < 0.15,
                writes_episode_ids=rng.random() < 0.6,
                ggz_share=min(0.3, max(0.08, rng.gauss(GGZ_REFERRAL_SHARE, 0.035))),
            )
        )
    return practices


def _off_weeks(rng: random.Random, years: range) -> frozenset[date]:
    """About six weeks off a year: summer, Christmas, a spring and an autumn week."""
    weeks: set[date] = set()
    for year in years:
        summer = rng.randint(28, 32)
        weeks.update(date.fromisocalendar(year, w, 1) for w in range(summer, summer + 3))
        if rng.random() < 0.85:
            weeks.add(monday_of(date(year, 12, 25)))
        if rng.random() < 0.5:
            weeks.add(monday_of(date(year, 12, 31)))
        weeks.add(date.fromisocalendar(year, rng.choice((8, 9, 17, 18)), 1))
        weeks.add(date.fromisocalendar(year, rng.choice((42, 43)), 1))
    return frozenset(weeks)


def _split_units(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Largest-remainder split of ``total`` units, each share at least ``minimum``."""
    n = len(weights)
    base = [minimum] * n
    rest = total - minimum * n
    if rest <= 0:
        return base
    wsum = sum(weights)
    exact = [rest * w / wsum for w in weights]
    floors = [int(x) for x in exact]
    left = rest - sum(floors)
    order = sorted(range(n), key=lambda i: (floors[i] - exact[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [b + f for b, f in zip(base, floors, strict=True)]


def _make_pohs(
    rng: random.Random,
    practices: list[_Practice],
    sim_years: range,
    used_codes: set[str],
    low_hours: _Practice | None,
    long_wait: _Practice | None,
) -> list[_Piece]:
    n = len(practices)
    n_jeugd = 1 if n < 20 else 2
    n_regular = max(1, round(n * 0.72))
    # Contract hours in units of 2 hours, 8–36 h per POH in total: quantiles of
    # N(24.6, 7) (Trimbos mean) in random order, so the mean does not depend on the seed.
    hours_dist = NormalDist(MEAN_CONTRACT_HOURS, 7.0)
    units = [
        min(18, max(4, round(hours_dist.inv_cdf((i + 0.5) / n_regular) / 2)))
        for i in range(n_regular)
    ]
    rng.shuffle(units)
    weights = []
    for p in practices:
        norm = NORM_HOURS_PER_WEEK * p.listed[0][1] / NORM_LISTED
        use = 0.2 if p is low_hours else rng.uniform(0.7, 1.05)
        weights.append(norm * use)
    demand = _split_units(sum(units), weights, minimum=2)
    if sum(demand) > sum(units):  # tiny regions: every practice still gets 4 hours
        units[-1] += sum(demand) - sum(units)

    pohs = [
        _Person(_unique_code(rng, "93", used_codes), _person_name(rng), "poh-ggz")
        for _ in range(n_regular)
    ]
    # Water-filling: POHs in turn fill practices in turn, so most POHs end up in 2+ practices.
    prac_order = list(range(n))
    rng.shuffle(prac_order)
    pieces_units: dict[tuple[int, int], int] = {}
    pi, ki = 0, 0
    left_p, left_k = units[0], demand[prac_order[0]]
    while pi < n_regular and ki < n:
        take = min(left_p, left_k)
        key = (pi, prac_order[ki])
        pieces_units[key] = pieces_units.get(key, 0) + take
        left_p -= take
        left_k -= take
        if left_p == 0:
            pi += 1
            left_p = units[pi] if pi < n_regular else 0
        if left_k == 0:
            ki += 1
            left_k = demand[prac_order[ki]] if ki < n else 0
    # A POH does not work 2 hours a week somewhere: fold such crumbs into their larger piece.
    for p, k in sorted(pieces_units):
        u = pieces_units[(p, k)]
        others = [(u2, k2) for (p2, k2), u2 in pieces_units.items() if p2 == p and k2 != k]
        covered = any(k2 == k and p2 != p for p2, k2 in pieces_units)
        if u == 1 and others and covered:
            _, k_big = max(others)
            pieces_units[(p, k_big)] += 1
            del pieces_units[(p, k)]

    # Jeugd POHs: extra hours (often funded by the municipality) in a few larger practices.
    by_size = sorted(
        (k for k in range(n) if practices[k] is not low_hours or n < 3),
        key=lambda k: (-practices[k].listed[0][1], k),
    )
    jeugd_pieces: list[tuple[int, int, int]] = []
    for j in range(n_jeugd):
        person = _Person(_unique_code(rng, "93", used_codes), _person_name(rng), "poh-ggz-jeugd")
        pohs.append(person)
        total = min(14, max(6, round(rng.gauss(20, 3) / 2)))
        chosen = by_size[j::n_jeugd][:3] if n >= 3 else by_size[:1]
        for k, u in zip(chosen, _split_units(total, [1.0] * len(chosen), 2), strict=True):
            jeugd_pieces.append((n_regular + j, k, u))
    all_units = sorted(pieces_units.items()) + [((p, k), u) for p, k, u in jeugd_pieces]

    # Rates: quantiles of N(9.2, 1.9), extremes at 4.6 and 14.2, then scaled so the
    # hours-weighted mean is exactly the Trimbos 9.2.
    n_pohs = len(pohs)
    dist = NormalDist(TARGET_FTF_PER_DAY, FTF_SD)
    rates = [dist.inv_cdf((i + 0.5) / n_pohs) for i in range(n_pohs)]
    if n_pohs >= 5:
        rates[0], rates[-1] = FTF_LOWEST, FTF_HIGHEST
    rng.shuffle(rates)
    hours_per_poh = [0] * n_pohs
    for (p, _), u in all_units:
        hours_per_poh[p] += u
    if long_wait is not None:
        # The practice with long waits is served mainly by the busiest POH.
        k_long = practices.index(long_wait)
        main = max((u, p) for (p, k), u in all_units if k == k_long and p < n_regular)[1]
        top = max(range(n_pohs), key=rates.__getitem__)
        rates[main], rates[top] = rates[top], rates[main]
    scale = (
        TARGET_FTF_PER_DAY
        * sum(hours_per_poh)
        / sum(r * h for r, h in zip(rates, hours_per_poh, strict=True))
    )
    poh_objs = [
        _Poh(
            person=person,
            jeugd=person.functie == "poh-ggz-jeugd",
            rate=rate * scale,
            direct_share=min(0.9, max(0.76, rng.gauss(DIRECT_SHARE, 0.025))),
            off_weeks=_off_weeks(rng, sim_years),
        )
        for person, rate in zip(pohs, rates, strict=True)
    ]
    pieces: list[_Piece] = []
    days_by_poh = {}
    for p in range(n_pohs):
        days = list(range(5))
        rng.shuffle(days)
        days_by_poh[p] = days
    used_days: dict[int, int] = {}
    for (p, k), u in sorted(all_units, key=lambda item: (item[0][0], -item[1], item[0][1])):
        hours = 2.0 * u
        n_days = min(5, max(1, math.ceil(hours / 8.5)))
        start_at = used_days.get(p, 0)
        weekdays = [days_by_poh[p][(start_at + i) % 5] for i in range(n_days)]
        used_days[p] = start_at + n_days
        pieces.append(_Piece(poh_objs[p], practices[k], hours, sorted(weekdays)))
    return pieces


def _pick_outliers(
    rng: random.Random, practices: list[_Practice]
) -> tuple[_Practice | None, _Practice | None, _Practice | None]:
    if len(practices) < 4:
        return None, None, None
    mid = [p for p in practices if 2500 <= p.listed[0][1] <= 6500]
    if len(mid) < 3:
        mid = sorted(practices, key=lambda p: p.listed[0][1])[:-1]
    long_wait, many_ref, low_hours = rng.sample(mid, 3)
    long_wait.long_wait = True
    many_ref.ggz_share = GGZ_REFERRAL_SHARE_OUTLIER
    return long_wait, many_ref, low_hours


# ---------------------------------------------------------------------------------------------
# Patients and episodes


def _new_patient(rng: random.Random, practice: _Practice, year: int, youth: bool) -> _Patient:
    while True:
        number = 100000 + rng.randrange(8_900_000)
        digits = str(number)
        if number not in practice.patient_numbers and not _passes_11_proef(digits):
            practice.patient_numbers.add(number)
            break
    if youth:
        age = rng.choice((6, 8, 10, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 17))
        sex = "V" if rng.random() < 0.5 else "M"
    else:
        age = min(88, max(18, round(rng.gauss(41, 14))))
        x = rng.random()
        sex = "V" if x < 0.62 else "M" if x < 0.98 else "X" if x < 0.99 else "O"
    return _Patient(digits, year - age, sex)


def _plan_episode(
    rng: random.Random, piece: _Piece, patient: _Patient, intake: date, seq: int
) -> _Episode:
    practice = piece.practice
    youth = intake.year - patient.birth_year < 18
    icpc = _weighted(rng, vocab.ICPC_YOUTH if youth else vocab.ICPC_ADULT)
    kind = rng.random()
    if kind < 0.025:  # stable chronic patient, seen every 3–6 weeks for well over a year
        n_total = rng.randint(14, 24)
        intervals = [rng.randint(21, 42) for _ in range(n_total - 1)]
    elif kind < 0.085:  # advice only
        n_total = 1
        intervals = []
    else:
        n_total = 2 + min(14, _poisson(rng, 3.6))
        intervals = [rng.randint(7, 14)] + [rng.randint(10, 24) for _ in range(n_total - 2)]
    referrals: dict[int, str] = {}
    ggz_share = practice.ggz_share * (0.3 if kind < 0.025 else 1.0)
    if rng.random() < ggz_share:
        at = min(n_total - 1, rng.randint(1, 3)) if n_total > 1 else 0
        echelon = "s-ggz" if rng.random() < (0.45 if youth else 0.35) else "gb-ggz"
        referrals[at] = echelon
        if rng.random() < 0.5:  # overbruggingszorg while waiting for the GGZ
            bridge = rng.randint(1, 4)
            intervals = intervals[:at] + [rng.randint(21, 35) for _ in range(bridge)]
        else:
            intervals = intervals[:at]
        n_total = len(intervals) + 1
    if rng.random() < 0.07:
        referrals.setdefault(rng.randrange(n_total), "sociaal-domein")
    if rng.random() < 0.06:
        referrals.setdefault(min(1, n_total - 1), "ehealth")
    forms = ["visite" if rng.random() < 0.02 else "consult"]
    forms += [_weighted(rng, FOLLOW_UP_FORMS) for _ in range(n_total - 1)]
    episode_id = f"EP{seq:07d}" if practice.writes_episode_ids else ""
    return _Episode(seq, piece, patient, icpc, intake, forms, intervals, referrals, episode_id)


def _duration(rng: random.Random, form: str, intake: bool) -> int:
    if form in ("consult", "visite"):
        if intake:
            return min(80, max(30, _round5(rng.gauss(INTAKE_MINUTES, 9))))
        return min(60, max(20, _round5(rng.gauss(FOLLOWUP_MINUTES, 7))))
    if form == "telefonisch":
        return rng.choice((10, 10, 15, 15, 20))
    if form == "video":
        return min(45, max(20, _round5(rng.gauss(32, 6))))
    if form == "e-consult":
        return rng.choice((5, 10, 10, 15))
    return 90  # groep


# ---------------------------------------------------------------------------------------------
# Referral rows


def _referral_row(
    rng: random.Random,
    practice: _Practice,
    patient: _Patient,
    day: date,
    destination: str,
    referrer: _Person,
    icpc: str,
) -> tuple:
    youth = day.year - patient.birth_year < 18
    echelon = ""
    if destination in ("gb-ggz", "s-ggz"):
        if practice.tabel12_style:
            if destination == "gb-ggz":
                code = _weighted(rng, (("PTH", 4), ("ELP", 2.5), ("GGZ", 2), ("PSY", 1.5)))
                ambiguous = code in ("GGZ", "PSY")
            else:
                code = _weighted(rng, (("GGZ", 6), ("PSY", 2.5), ("VER", 1.5)))
                ambiguous = False
            if rng.random() < (0.85 if ambiguous else 0.35):
                echelon = "GB-GGZ" if destination == "gb-ggz" else "S-GGZ"
            bestemming = code
        else:
            bestemming = destination
            if rng.random() < 0.2:
                echelon = "GB-GGZ" if destination == "gb-ggz" else "S-GGZ"
        pool = vocab.INSTELLINGEN_GB if destination == "gb-ggz" else vocab.INSTELLINGEN_S
    elif destination == "sociaal-domein":
        if practice.tabel12_style:
            bestemming = "JGZ" if youth else rng.choice(("AMW", "AMW", "SOD"))
        else:
            bestemming = destination
        pool = vocab.INSTELLINGEN_SOCIAAL
    elif destination == "ehealth":
        bestemming = "ehealth"
        pool = vocab.INSTELLINGEN_EHEALTH
    else:
        bestemming = destination
        pool = ()
    instelling = rng.choice(pool) if pool and rng.random() < 0.85 else ""
    return (
        practice.agb,
        patient.number,
        day,
        referrer.code,
        referrer.functie,
        bestemming,
        echelon,
        instelling,
        icpc if rng.random() < 0.8 else "",
    )


def _huisarts_contact(
    rng: random.Random,
    practice: _Practice,
    patient: _Patient,
    day: date,
    icpc: str,
    huisarts: _Person | None = None,
) -> tuple:
    doctor = huisarts or rng.choice(practice.huisartsen)
    x = rng.random()
    if x < 0.7:
        form = "consult"
        minutes = rng.choice((10, 10, 10, 15, 15, 20, 25))
        short_code = "12000" if practice.old_consult_code else "12011"
        code = "12001" if minutes >= 20 else short_code
        time = _random_time(rng, 8 * 60, 17 * 60, 10)
    elif x < 0.95:
        form = "telefonisch"
        minutes = rng.choice((5, 5, 10))
        code = "12010" if minutes < 5 or rng.random() < 0.3 else "12011"
        time = _random_time(rng, 8 * 60, 10 * 60 + 30, 5)
    else:
        form = "visite"
        minutes = rng.choice((20, 25, 30))
        code = "12003"
        time = _random_time(rng, 12 * 60, 14 * 60, 10)
    return (
        practice.agb,
        patient.number,
        patient.birth_year,
        patient.sex,
        day,
        time,
        doctor.code,
        doctor.name,
        doctor.functie,
        form,
        code,
        minutes,
        icpc,
        "",
    )


def _workday_before(
    rng: random.Random,
    intake: date,
    lo: int,
    hi: int,
    holidays: dict[int, frozenset[date]],
    tail_mean: float | None,
) -> date | None:
    """A weekday with intake - day in [lo, hi]; exponential above ``lo`` when tail_mean given."""
    for _ in range(20):
        if tail_mean:
            wait = lo + min(hi - lo, int(rng.expovariate(1 / tail_mean)))
        else:
            wait = rng.randint(lo, hi)
        day = intake - timedelta(days=wait)
        if _is_workday(day, holidays):
            return day
    for wait in range(lo, hi + 1):
        day = intake - timedelta(days=wait)
        if _is_workday(day, holidays):
            return day
    return None


# ---------------------------------------------------------------------------------------------
# The generator


def generate_region(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    n_practices: int = 25,
    start: date = date(2024, 1, 1),
    end: date = date(2025, 12, 31),
) -> DemoRegion:
    """Write a synthetic region as the four generic export files into ``out_dir``.

    Files: praktijken.csv, contacten.csv, verwijzingen.csv and uren.csv in the generic
    POH-Connect export format (domain.md §3): ``;``-separated, UTF-8, dates dd-mm-jjjj,
    decimal comma. The same seed and arguments give byte-identical files.

    Calibration targets (Trimbos, domain.md §7; see the module docstring): 9.2 face-to-face
    POH consults and 2.0 intakes per 8-hour worked day, POHs spread over about 4–15; intake 50
    and follow-up 37 minutes; waits to intake 9/53/24/14% in < 7, 7–14, 15–21, ≥ 22 days;
    83% direct time. Deliberate outliers (for the benchmark): a few overloaded POHs, one
    practice with a median wait above 21 days, one that refers many episodes to the GGZ and one
    with far fewer POH hours than the 16 h per 2,350 listed norm — see :class:`DemoRegion`.
    """
    if n_practices < 1:
        raise ValueError("n_practices must be at least 1")
    if end < start:
        raise ValueError("end lies before start")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    holidays: dict[int, frozenset[date]] = {}
    used_codes: set[str] = set()

    sim_start = monday_of(start - timedelta(days=WARMUP_DAYS))
    report_weeks = weeks_between(start, end)
    last_monday = report_weeks[-1] if report_weeks else monday_of(end)
    sim_weeks = []
    monday = sim_start
    while monday <= last_monday:
        sim_weeks.append(monday)
        monday += timedelta(days=7)
    report_week_set = frozenset(report_weeks)

    practices = _make_practices(rng, n_practices, start, end, used_codes)
    long_wait, many_ref, low_hours = _pick_outliers(rng, practices)
    pieces = _make_pohs(
        rng,
        practices,
        range(sim_start.year, end.year + 2),
        used_codes,
        low_hours,
        long_wait,
    )
    out = _Writer()
    episodes: list[_Episode] = []
    seq = 0
    poh_contacts = 0

    def record_poh_contact(ep: _Episode, day: date, time: str, form: str) -> None:
        nonlocal poh_contacts
        index = ep.done
        ep.done += 1
        ep.dates.append(day)
        person = ep.piece.poh.person
        if day >= start:
            poh_contacts += 1
            out.contacts.append(
                (
                    ep.piece.practice.agb,
                    ep.patient.number,
                    ep.patient.birth_year,
                    ep.patient.sex,
                    day,
                    time,
                    person.code,
                    person.name,
                    person.functie,
                    form,
                    "",
                    _duration(rng, form, index == 0),
                    ep.icpc if rng.random() > 0.03 else "",
                    ep.episode_id,
                )
            )
        destination = ep.referrals.get(index)
        if destination is not None and day >= start:
            practice = ep.piece.practice
            if destination in ("gb-ggz", "s-ggz") and rng.random() < 0.6:
                referrer = rng.choice(practice.huisartsen)
            else:
                referrer = person
            out.referrals.append(
                _referral_row(rng, practice, ep.patient, day, destination, referrer, ep.icpc)
            )
        if ep.done < len(ep.forms):
            due = day + timedelta(days=ep.intervals[ep.done - 1])
            heapq.heappush(ep.piece.queue, (due.toordinal(), ep.seq, ep))
        else:
            ep.piece.finished.append((day, ep.patient))

    # --- the POH agendas, week by week --------------------------------------------------------
    for monday in sim_weeks:
        todays: dict[int, list[tuple[_Piece, float]]] = {}
        sick: dict[str, bool] = {}
        for piece in pieces:
            poh = piece.poh
            if poh.person.code not in sick:
                sick[poh.person.code] = rng.random() < 0.012
            scheduled = [
                wd
                for wd in piece.weekdays
                if _is_workday(monday + timedelta(days=wd), holidays)
                and monday + timedelta(days=wd) <= end
            ]
            off = monday in poh.off_weeks or sick[poh.person.code]
            worked_days = [] if off else scheduled
            if worked_days:
                factor = len(worked_days) / len(piece.weekdays)
                noise = min(1.2, max(0.85, rng.gauss(1.0, 0.05)))
                worked = round(4 * piece.hours * factor * noise) / 4
            else:
                worked = 0.0
            if monday in report_week_set:
                direct = round(4 * worked * poh.direct_share) / 4
                out.hours.append(
                    (
                        poh.person.code,
                        piece.practice.agb,
                        iso_week_label(monday),
                        piece.hours,
                        worked,
                        direct,
                        worked - direct,
                    )
                )
            for wd in worked_days:
                todays.setdefault(wd, []).append((piece, worked / len(worked_days)))
        for wd in sorted(todays):
            day = monday + timedelta(days=wd)
            for piece, day_hours in todays[wd]:
                capacity = _poisson(rng, piece.poh.rate * day_hours / 8)
                due: list[_Episode] = []
                while piece.queue and piece.queue[0][0] <= day.toordinal():
                    due.append(heapq.heappop(piece.queue)[2])
                served: list[tuple[_Episode, str]] = []
                for ep in due:
                    form = ep.forms[ep.done]
                    if form not in FTF_FORMS:
                        served.append((ep, form))
                    elif capacity > 0:
                        capacity -= 1
                        served.append((ep, form))
                    else:  # no slot left today: first in line next time
                        heapq.heappush(piece.queue, (day.toordinal(), ep.seq, ep))
                for _ in range(capacity):
                    patient = None
                    if piece.finished and rng.random() < 0.08:
                        limit = day - timedelta(days=200)
                        eligible = [i for i, (last, _) in enumerate(piece.finished) if last < limit]
                        if eligible:
                            patient = piece.finished.pop(rng.choice(eligible))[1]
                    if patient is None:
                        youth = piece.poh.jeugd or rng.random() < 0.06
                        patient = _new_patient(rng, piece.practice, day.year, youth)
                    seq += 1
                    ep = _plan_episode(rng, piece, patient, day, seq)
                    episodes.append(ep)
                    served.append((ep, ep.forms[0]))
                # Agenda times: face-to-face in a row from the morning (or afternoon) start,
                # telephone and e-mail work around the start of the day.
                ftf = [(ep, f) for ep, f in served if f in FTF_FORMS]
                other = [(ep, f) for ep, f in served if f not in FTF_FORMS]
                first = 13 * 60 if day_hours <= 4.5 and rng.random() < 0.5 else 8 * 60 + 30
                step = min(60, max(30, _round5(day_hours * 60 * 0.8 / max(1, len(ftf)))))
                for i, (ep, form) in enumerate(ftf):
                    minutes = min(20 * 60, first + i * step)
                    record_poh_contact(ep, day, f"{minutes // 60:02d}:{minutes % 60:02d}", form)
                for ep, form in other:
                    record_poh_contact(ep, day, _random_time(rng, first - 30, first, 5), form)

    # --- aanmelding, huisarts contacts around the episodes -------------------------------------
    visible = [ep for ep in episodes if ep.intake >= start]
    n_long = sum(1 for ep in visible if ep.piece.practice.long_wait)
    share_long = n_long / len(visible) if visible else 0.0
    base = [
        max(0.0, (t - share_long * lw) / (1 - share_long))
        for t, lw in zip(WAIT_BUCKETS, LONG_WAIT_BUCKETS, strict=True)
    ]
    base = [b / sum(base) for b in base]
    buckets = tuple(zip(("0", "1", "2", "3"), base, strict=True))
    long_buckets = tuple(zip(("0", "1", "2", "3"), LONG_WAIT_BUCKETS, strict=True))
    for ep in visible:
        practice = ep.piece.practice
        if rng.random() < 0.05:  # self-referral or walk-in: no aanmelding recorded
            continue
        bucket = int(_weighted(rng, long_buckets if practice.long_wait else buckets))
        lo, hi = WAIT_BUCKET_DAYS[bucket]
        tail = (16.0 if practice.long_wait else 9.0) if bucket == 3 else None
        day = _workday_before(rng, ep.intake, lo, hi, holidays, tail)
        if day is None or day < start:
            continue
        huisarts = rng.choice(practice.huisartsen)
        icpc = ep.icpc if rng.random() < 0.8 else rng.choice(vocab.ICPC_AANMELDING_ALTERNATIVES)
        if rng.random() < 0.55:
            out.referrals.append(
                _referral_row(rng, practice, ep.patient, day, "poh-ggz", huisarts, icpc)
            )
            if rng.random() < 0.7:
                out.contacts.append(
                    _huisarts_contact(rng, practice, ep.patient, day, icpc, huisarts)
                )
        else:
            out.contacts.append(_huisarts_contact(rng, practice, ep.patient, day, icpc, huisarts))
    for ep in visible:
        # The huisarts sees some POH patients during the episode (medication, sick leave).
        if rng.random() < 0.3 and len(ep.dates) > 1:
            span = (ep.dates[-1] - ep.intake).days
            for _ in range(rng.randint(1, 2)):
                day = ep.intake + timedelta(days=rng.randint(1, span))
                if _is_workday(day, holidays) and day <= end:
                    out.contacts.append(
                        _huisarts_contact(rng, ep.piece.practice, ep.patient, day, ep.icpc)
                    )

    # --- patients the POH never sees ------------------------------------------------------------
    workdays = [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if _is_workday(start + timedelta(days=i), holidays)
    ]
    years = ((end - start).days + 1) / 365.25
    for practice in practices:
        listed = practice.listed[0][1]
        # Straight from the huisarts to the GGZ (about 6 per 1,000 listed a year).
        for _ in range(_poisson(rng, 6 / 1000 * listed * years)):
            patient = _new_patient(rng, practice, start.year, youth=rng.random() < 0.08)
            day = rng.choice(workdays)
            icpc = _weighted(rng, vocab.ICPC_ADULT)
            huisarts = rng.choice(practice.huisartsen)
            if rng.random() < 0.4:
                earlier = day - timedelta(days=rng.randint(14, 42))
                if earlier >= start and _is_workday(earlier, holidays):
                    out.contacts.append(
                        _huisarts_contact(rng, practice, patient, earlier, icpc, huisarts)
                    )
            out.contacts.append(_huisarts_contact(rng, practice, patient, day, icpc, huisarts))
            destination = "s-ggz" if rng.random() < 0.3 else "gb-ggz"
            out.referrals.append(
                _referral_row(rng, practice, patient, day, destination, huisarts, icpc)
            )
        # Psychological problems the huisarts handles alone (about 20 contacts per 1,000 a year).
        for _ in range(_poisson(rng, 12 / 1000 * listed * years)):
            patient = _new_patient(rng, practice, start.year, youth=rng.random() < 0.1)
            icpc = _weighted(rng, vocab.ICPC_HUISARTS_ONLY)
            day = rng.choice(workdays)
            for _ in range(rng.choice((1, 1, 2, 3))):
                if day <= end:
                    out.contacts.append(_huisarts_contact(rng, practice, patient, day, icpc))
                day += timedelta(days=7 * rng.randint(2, 8))
                while not _is_workday(day, holidays):
                    day += timedelta(days=1)
        # Referred to the POH but never came (about 3% of referrals).
        for _ in range(_poisson(rng, 0.6 / 1000 * listed * years)):
            patient = _new_patient(rng, practice, start.year, youth=False)
            day = rng.choice(workdays)
            icpc = _weighted(rng, vocab.ICPC_ADULT)
            out.referrals.append(
                _referral_row(
                    rng, practice, patient, day, "poh-ggz", rng.choice(practice.huisartsen), icpc
                )
            )

    # --- write ----------------------------------------------------------------------------------
    paths = {kind: out_dir / f"{kind}.csv" for kind in KINDS}
    practice_rows = [
        (p.agb, p.name, REGION_NAME, fmt_date(d), str(n)) for p in practices for d, n in p.listed
    ]
    _write(paths["praktijken"], "praktijken", sorted(practice_rows, key=lambda r: r[0]))

    contacts = sorted(out.contacts, key=lambda r: (r[0], r[4], r[5], r[6], r[1]))
    contact_rows = []
    for i, r in enumerate(contacts):
        contact_rows.append(
            (
                str(3_100_000_000 + 7 * i),
                r[0],
                r[1],
                str(r[2]),
                r[3],
                fmt_date(r[4]),
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                str(r[11]),
                r[12],
                r[13],
            )
        )
    _write(paths["contacten"], "contacten", contact_rows)

    referrals = sorted(out.referrals, key=lambda r: (r[0], r[2], r[1], r[5]))
    referral_rows = [
        (str(7_300_000_000 + 3 * i), r[0], r[1], fmt_date(r[2]), *r[3:])
        for i, r in enumerate(referrals)
    ]
    _write(paths["verwijzingen"], "verwijzingen", referral_rows)

    hours_rows = [
        (code, agb, week, fmt_decimal(c), fmt_decimal(g), fmt_decimal(d), fmt_decimal(ind))
        for code, agb, week, c, g, d, ind in sorted(out.hours, key=lambda r: (r[2], r[0], r[1]))
    ]
    _write(paths["uren"], "uren", hours_rows)

    poh_people = {piece.poh.person.code: piece.poh for piece in pieces}
    return DemoRegion(
        name=REGION_NAME,
        seed=seed,
        start=start,
        end=end,
        praktijken=paths["praktijken"],
        contacten=paths["contacten"],
        verwijzingen=paths["verwijzingen"],
        uren=paths["uren"],
        n_practices=len(practices),
        n_pohs=len(poh_people),
        n_huisartsen=sum(len(p.huisartsen) for p in practices),
        n_contacts=len(contact_rows),
        n_poh_contacts=poh_contacts,
        n_episodes=len(visible),
        n_referrals=len(referral_rows),
        n_hours_rows=len(hours_rows),
        long_wait_practice=long_wait.agb if long_wait else None,
        many_referrals_practice=many_ref.agb if many_ref else None,
        low_hours_practice=low_hours.agb if low_hours else None,
        overloaded_pohs=tuple(sorted(c for c, poh in poh_people.items() if poh.rate >= 10)),
    )


def _write(path: Path, kind: str, rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS[kind])
        writer.writerows(rows)
