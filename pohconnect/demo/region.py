"""The region's structure: practices and list sizes, huisartsen, POHs and their hours.

Contract hours are handed out by water-filling (POHs in turn fill practices in turn), so that
most POHs work in two or three practices, as 66% do in the Trimbos study (domain.md §7).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date
from statistics import NormalDist

from pohconnect.demo import vocab
from pohconnect.demo.calendar import monday_of
from pohconnect.demo.model import Person, Piece, Poh, Practice, unique_code
from pohconnect.demo.targets import (
    DIRECT_SHARE,
    FTF_HIGHEST,
    FTF_LOWEST,
    FTF_SD,
    GGZ_REFERRAL_SHARE,
    GGZ_REFERRAL_SHARE_OUTLIER,
    MEAN_CONTRACT_HOURS,
    NORM_HOURS_PER_WEEK,
    NORM_LISTED,
    TARGET_FTF_PER_DAY,
)


def person_name(rng: random.Random) -> str:
    initials = "".join(f"{rng.choice(vocab.INITIALS)}." for _ in range(rng.choice((1, 1, 2))))
    surname = rng.choice(vocab.SURNAMES)
    if rng.random() < 0.12:
        surname = f"{surname}-{rng.choice(vocab.SURNAMES)}"
    return f"{initials} {surname}"


def practice_name(rng: random.Random, used: set[str]) -> str:
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


def make_practices(
    rng: random.Random, n: int, start: date, end: date, used_codes: set[str]
) -> list[Practice]:
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
        agb = unique_code(rng, "01", used_codes)
        n_ha = min(6, max(1, round(size / 2200 + rng.gauss(0, 0.4))))
        huisartsen = [
            Person(unique_code(rng, "01", used_codes), person_name(rng), "huisarts")
            for _ in range(n_ha)
        ]
        practices.append(
            Practice(
                agb=agb,
                name=practice_name(rng, names),
                listed=listed,
                huisartsen=huisartsen,
                tabel12_style=rng.random() < 0.6,
                old_consult_code=rng.random() < 0.15,
                writes_episode_ids=rng.random() < 0.6,
                ggz_share=min(0.3, max(0.08, rng.gauss(GGZ_REFERRAL_SHARE, 0.035))),
            )
        )
    return practices


def pick_outliers(
    rng: random.Random, practices: list[Practice]
) -> tuple[Practice | None, Practice | None, Practice | None]:
    if len(practices) < 4:
        return None, None, None
    mid = [p for p in practices if 2500 <= p.listed[0][1] <= 6500]
    if len(mid) < 3:
        mid = sorted(practices, key=lambda p: p.listed[0][1])[:-1]
    long_wait, many_ref, low_hours = rng.sample(mid, 3)
    long_wait.long_wait = True
    many_ref.ggz_share = GGZ_REFERRAL_SHARE_OUTLIER
    return long_wait, many_ref, low_hours


def off_weeks(rng: random.Random, years: range) -> frozenset[date]:
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


def split_units(total: int, weights: Sequence[float], minimum: int) -> list[int]:
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


def make_pieces(
    rng: random.Random,
    practices: list[Practice],
    sim_years: range,
    used_codes: set[str],
    low_hours: Practice | None,
    long_wait: Practice | None,
) -> list[Piece]:
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
    demand = split_units(sum(units), weights, minimum=2)
    if sum(demand) > sum(units):  # tiny regions: every practice still gets 4 hours
        units[-1] += sum(demand) - sum(units)

    pohs = [
        Person(unique_code(rng, "93", used_codes), person_name(rng), "poh-ggz")
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
        person = Person(unique_code(rng, "93", used_codes), person_name(rng), "poh-ggz-jeugd")
        pohs.append(person)
        total = min(14, max(6, round(rng.gauss(20, 3) / 2)))
        chosen = by_size[j::n_jeugd][:3] if n >= 3 else by_size[:1]
        for k, u in zip(chosen, split_units(total, [1.0] * len(chosen), 2), strict=True):
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
        Poh(
            person=person,
            jeugd=person.functie == "poh-ggz-jeugd",
            rate=rate * scale,
            direct_share=min(0.9, max(0.76, rng.gauss(DIRECT_SHARE, 0.025))),
            off_weeks=off_weeks(rng, sim_years),
        )
        for person, rate in zip(pohs, rates, strict=True)
    ]
    pieces: list[Piece] = []
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
        pieces.append(Piece(poh_objs[p], practices[k], hours, sorted(weekdays)))
    return pieces
