"""The POH agendas, simulated day by day, and the episodes they produce.

Each worked day of a POH in a practice has Poisson(rate × hours that day ÷ 8) face-to-face
slots, the rate being the POH's consults per 8-hour day (Trimbos: mean 9.2, spread 4–15).
Follow-ups that are due fill the slots first; free slots become intakes of new episodes, so the
intake rate settles at slots ÷ face-to-face contacts per episode (Trimbos: 2.0 a day).
Telephone, video and e-mail contacts take no slot.
"""

from __future__ import annotations

import heapq
import random
from datetime import date, timedelta

from pohconnect.demo import vocab
from pohconnect.demo.calendar import iso_week_label
from pohconnect.demo.model import (
    Context,
    Episode,
    Patient,
    Piece,
    Practice,
    is_workday,
    passes_11_proef,
    poisson,
    random_time,
    round5,
    weighted,
)
from pohconnect.demo.rows import referral_row
from pohconnect.demo.targets import (
    FOLLOW_UP_FORMS,
    FOLLOWUP_MINUTES,
    FTF_FORMS,
    INTAKE_MINUTES,
)


def new_patient(rng: random.Random, practice: Practice, year: int, youth: bool) -> Patient:
    while True:
        number = 100000 + rng.randrange(8_900_000)
        digits = str(number)
        if number not in practice.patient_numbers and not passes_11_proef(digits):
            practice.patient_numbers.add(number)
            break
    if youth:
        age = rng.choice((6, 8, 10, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 17))
        sex = "V" if rng.random() < 0.5 else "M"
    else:
        age = min(88, max(18, round(rng.gauss(41, 14))))
        x = rng.random()
        sex = "V" if x < 0.62 else "M" if x < 0.98 else "X" if x < 0.99 else "O"
    return Patient(digits, year - age, sex)


def plan_episode(
    rng: random.Random, piece: Piece, patient: Patient, intake: date, seq: int
) -> Episode:
    practice = piece.practice
    youth = intake.year - patient.birth_year < 18
    icpc = weighted(rng, vocab.ICPC_YOUTH if youth else vocab.ICPC_ADULT)
    kind = rng.random()
    if kind < 0.025:  # stable chronic patient, seen every 3–6 weeks for well over a year
        n_total = rng.randint(14, 24)
        intervals = [rng.randint(21, 42) for _ in range(n_total - 1)]
    elif kind < 0.085:  # advice only
        n_total = 1
        intervals = []
    else:
        n_total = 2 + min(14, poisson(rng, 3.6))
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
    forms += [weighted(rng, FOLLOW_UP_FORMS) for _ in range(n_total - 1)]
    episode_id = f"EP{seq:07d}" if practice.writes_episode_ids else ""
    return Episode(seq, piece, patient, icpc, intake, forms, intervals, referrals, episode_id)


def duration(rng: random.Random, form: str, intake: bool) -> int:
    if form in ("consult", "visite"):
        if intake:
            return min(80, max(30, round5(rng.gauss(INTAKE_MINUTES, 9))))
        return min(60, max(20, round5(rng.gauss(FOLLOWUP_MINUTES, 7))))
    if form == "telefonisch":
        return rng.choice((10, 10, 15, 15, 20))
    if form == "video":
        return min(45, max(20, round5(rng.gauss(32, 6))))
    if form == "e-consult":
        return rng.choice((5, 10, 10, 15))
    return 90  # groep


def simulate_agendas(
    ctx: Context, pieces: list[Piece], sim_weeks: list[date], report_weeks: frozenset[date]
) -> tuple[list[Episode], int]:
    """Run every POH's agenda over ``sim_weeks``; return the episodes and the POH contacts written.

    Contacts and referrals dated before ``ctx.start`` (the warm-up) are not written; hours rows
    are written for ``report_weeks`` only.
    """
    rng, start, end, out, holidays = ctx.rng, ctx.start, ctx.end, ctx.rows, ctx.holidays
    episodes: list[Episode] = []
    seq = 0
    poh_contacts = 0

    def record_poh_contact(ep: Episode, day: date, time: str, form: str) -> None:
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
                    duration(rng, form, index == 0),
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
                referral_row(rng, practice, ep.patient, day, destination, referrer, ep.icpc)
            )
        if ep.done < len(ep.forms):
            due = day + timedelta(days=ep.intervals[ep.done - 1])
            heapq.heappush(ep.piece.queue, (due.toordinal(), ep.seq, ep))
        else:
            ep.piece.finished.append((day, ep.patient))

    for monday in sim_weeks:
        todays: dict[int, list[tuple[Piece, float]]] = {}
        sick: dict[str, bool] = {}
        for piece in pieces:
            poh = piece.poh
            if poh.person.code not in sick:
                sick[poh.person.code] = rng.random() < 0.012
            scheduled = [
                wd
                for wd in piece.weekdays
                if is_workday(monday + timedelta(days=wd), holidays)
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
            if monday in report_weeks:
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
                capacity = poisson(rng, piece.poh.rate * day_hours / 8)
                due: list[Episode] = []
                while piece.queue and piece.queue[0][0] <= day.toordinal():
                    due.append(heapq.heappop(piece.queue)[2])
                served: list[tuple[Episode, str]] = []
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
                        patient = new_patient(rng, piece.practice, day.year, youth)
                    seq += 1
                    ep = plan_episode(rng, piece, patient, day, seq)
                    episodes.append(ep)
                    served.append((ep, ep.forms[0]))
                # Agenda times: face-to-face in a row from the morning (or afternoon) start,
                # telephone and e-mail work around the start of the day.
                ftf = [(ep, f) for ep, f in served if f in FTF_FORMS]
                other = [(ep, f) for ep, f in served if f not in FTF_FORMS]
                first = 13 * 60 if day_hours <= 4.5 and rng.random() < 0.5 else 8 * 60 + 30
                step = min(60, max(30, round5(day_hours * 60 * 0.8 / max(1, len(ftf)))))
                for i, (ep, form) in enumerate(ftf):
                    minutes = min(20 * 60, first + i * step)
                    record_poh_contact(ep, day, f"{minutes // 60:02d}:{minutes % 60:02d}", form)
                for ep, form in other:
                    record_poh_contact(ep, day, random_time(rng, first - 30, first, 5), form)
    return episodes, poh_contacts
