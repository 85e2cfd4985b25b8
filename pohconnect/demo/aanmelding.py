"""What happens around the POH: aanmelding, huisarts contacts and patients the POH never sees.

The aanmelding of an episode (domain.md §4) is placed before its intake at a waiting time drawn
from the Trimbos distribution (< 7 days 9%, 7–14 days 53%, 15–21 days 24%, ≥ 22 days 14%,
domain.md §7). The practice with long waits draws from ``LONG_WAIT_BUCKETS``; the other
practices from a distribution adjusted for its share of the episodes, so that the region as a
whole stays on the Trimbos figures.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from pohconnect.demo import vocab
from pohconnect.demo.agenda import new_patient
from pohconnect.demo.model import Context, Episode, Practice, is_workday, poisson, weighted
from pohconnect.demo.rows import huisarts_contact, referral_row
from pohconnect.demo.targets import LONG_WAIT_BUCKETS, WAIT_BUCKET_DAYS, WAIT_BUCKETS


def workday_before(
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
        if is_workday(day, holidays):
            return day
    for wait in range(lo, hi + 1):
        day = intake - timedelta(days=wait)
        if is_workday(day, holidays):
            return day
    return None


def add_aanmeldingen(ctx: Context, visible: list[Episode]) -> None:
    """A poh-ggz referral and/or a huisarts P/Z contact before each intake (5%: none)."""
    rng, start, out, holidays = ctx.rng, ctx.start, ctx.rows, ctx.holidays
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
        bucket = int(weighted(rng, long_buckets if practice.long_wait else buckets))
        lo, hi = WAIT_BUCKET_DAYS[bucket]
        tail = (16.0 if practice.long_wait else 9.0) if bucket == 3 else None
        day = workday_before(rng, ep.intake, lo, hi, holidays, tail)
        if day is None or day < start:
            continue
        huisarts = rng.choice(practice.huisartsen)
        icpc = ep.icpc if rng.random() < 0.8 else rng.choice(vocab.ICPC_AANMELDING_ALTERNATIVES)
        if rng.random() < 0.55:
            out.referrals.append(
                referral_row(rng, practice, ep.patient, day, "poh-ggz", huisarts, icpc)
            )
            if rng.random() < 0.7:
                out.contacts.append(
                    huisarts_contact(rng, practice, ep.patient, day, icpc, huisarts)
                )
        else:
            out.contacts.append(huisarts_contact(rng, practice, ep.patient, day, icpc, huisarts))


def add_huisarts_contacts_during(ctx: Context, visible: list[Episode]) -> None:
    """The huisarts sees some POH patients during the episode (medication, sick leave)."""
    rng, end, out, holidays = ctx.rng, ctx.end, ctx.rows, ctx.holidays
    for ep in visible:
        if rng.random() < 0.3 and len(ep.dates) > 1:
            span = (ep.dates[-1] - ep.intake).days
            for _ in range(rng.randint(1, 2)):
                day = ep.intake + timedelta(days=rng.randint(1, span))
                if is_workday(day, holidays) and day <= end:
                    out.contacts.append(
                        huisarts_contact(rng, ep.piece.practice, ep.patient, day, ep.icpc)
                    )


def add_patients_without_poh(ctx: Context, practices: list[Practice]) -> None:
    """Huisarts-direct GGZ referrals, P/Z problems the huisarts handles alone, no-shows."""
    rng, start, end, out, holidays = ctx.rng, ctx.start, ctx.end, ctx.rows, ctx.holidays
    workdays = [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if is_workday(start + timedelta(days=i), holidays)
    ]
    years = ((end - start).days + 1) / 365.25
    for practice in practices:
        listed = practice.listed[0][1]
        # Straight from the huisarts to the GGZ (about 6 per 1,000 listed a year).
        for _ in range(poisson(rng, 6 / 1000 * listed * years)):
            patient = new_patient(rng, practice, start.year, youth=rng.random() < 0.08)
            day = rng.choice(workdays)
            icpc = weighted(rng, vocab.ICPC_ADULT)
            huisarts = rng.choice(practice.huisartsen)
            if rng.random() < 0.4:
                earlier = day - timedelta(days=rng.randint(14, 42))
                if earlier >= start and is_workday(earlier, holidays):
                    out.contacts.append(
                        huisarts_contact(rng, practice, patient, earlier, icpc, huisarts)
                    )
            out.contacts.append(huisarts_contact(rng, practice, patient, day, icpc, huisarts))
            destination = "s-ggz" if rng.random() < 0.3 else "gb-ggz"
            out.referrals.append(
                referral_row(rng, practice, patient, day, destination, huisarts, icpc)
            )
        # Psychological problems the huisarts handles alone (about 20 contacts per 1,000 a year).
        for _ in range(poisson(rng, 12 / 1000 * listed * years)):
            patient = new_patient(rng, practice, start.year, youth=rng.random() < 0.1)
            icpc = weighted(rng, vocab.ICPC_HUISARTS_ONLY)
            day = rng.choice(workdays)
            for _ in range(rng.choice((1, 1, 2, 3))):
                if day <= end:
                    out.contacts.append(huisarts_contact(rng, practice, patient, day, icpc))
                day += timedelta(days=7 * rng.randint(2, 8))
                while not is_workday(day, holidays):
                    day += timedelta(days=1)
        # Referred to the POH but never came (about 3% of referrals).
        for _ in range(poisson(rng, 0.6 / 1000 * listed * years)):
            patient = new_patient(rng, practice, start.year, youth=False)
            day = rng.choice(workdays)
            icpc = weighted(rng, vocab.ICPC_ADULT)
            out.referrals.append(
                referral_row(
                    rng, practice, patient, day, "poh-ggz", rng.choice(practice.huisartsen), icpc
                )
            )
