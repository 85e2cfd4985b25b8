"""The escape hatch of the KPI engine: episodes, waiting times and bridging care.

These facts do not fit one GROUP BY: episodes are built in SQL with window functions over the
POH contacts, then waiting times, referral share and bridging care are matched in Python
against the sorted referral / GP-contact dates of each patient (domain.md §4), so that both
databases give identical results. Every function reads through a :class:`Facts`, which
memoises per request.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import case, func, select

from api.kpi.facts import Cell, Facts, Target, bucket_case, days_between
from api.kpi.labels import icpc_group
from api.kpi.periods import Period
from models import Contact, Referral
from models.enums import GGZ_DESTINATIONS, POH_GGZ_FUNCTIES, Bestemming

EPISODE_GAP_DAYS = 182
AANMELDING_WINDOW_DAYS = 90
REFERRAL_AFTER_LAST_DAYS = 30
BRIDGING_DAYS = 182
LONG_EPISODE_DAYS = 365

DateKind = Literal["poh_referral", "ggz_referral", "gp_pz"]
PatientDates = dict[tuple[int, int], list[dt.date]]  # (practice id, patient id) → sorted dates


@dataclass(slots=True)
class Episode:
    practice_id: int
    patient_id: int
    intake_provider_id: int
    intake_icpc: str | None
    start: dt.date
    last: dt.date
    contacts: int
    last_by_end: tuple[dt.date | None, ...]  # last contact on or before each period end


@dataclass(slots=True)
class EpisodeFacts:
    """What the episodes of one cell add up to."""

    new: int = 0  # episodes starting in the period
    contacts: int = 0  # all contacts of those episodes
    sizes: list[int] = field(default_factory=list)  # contacts per new episode
    waits: list[int] = field(default_factory=list)  # waiting days of the new episodes
    referred: int = 0  # new episodes with a GGZ referral
    mix: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by ICPC group
    long: int = 0  # long-running episodes open at the period's end


@dataclass(frozen=True, slots=True)
class BridgingCounts:
    patients: float
    contacts: float


def _practice_scope(target: Target) -> Any:
    """Practices whose episodes matter: the filter, or those where the POHs worked."""
    if target.practice_ids is not None:
        return Contact.practice_id.in_(target.practice_ids)
    assert target.provider_ids is not None
    worked_in = (
        select(Contact.practice_id)
        .where(Contact.provider_id.in_(target.provider_ids))
        .distinct()
        .scalar_subquery()
    )
    return Contact.practice_id.in_(worked_in)


def episodes(
    facts: Facts, target: Target, since: dt.date | None, ends: tuple[dt.date, ...]
) -> list[Episode]:
    """POH episodes of the practices in scope, built in SQL from the POH contacts from
    ``since`` (window functions: a contact starts an episode when the previous POH contact
    of the patient lies more than 182 days before it).

    History before ``since`` is not needed when ``since`` lies at least 183 days before the
    first period (episode starts) and 549 days before its end (long episodes): see
    :func:`episode_facts`. Episodes beginning in the first 183 days of the window may be
    truncated and are only used for the long-episode stock, where that is exact.
    """
    memo = ("episodes", target.practice_ids, target.provider_ids, since, ends)
    return facts.remember(memo, lambda: _episodes(facts, target, since, ends))


def _episodes(
    facts: Facts, target: Target, since: dt.date | None, ends: tuple[dt.date, ...]
) -> list[Episode]:
    time_is_null = case((Contact.time.is_(None), 1), else_=0)
    order = (Contact.date, time_is_null, Contact.time, Contact.id)
    where = [Contact.functie.in_(POH_GGZ_FUNCTIES), _practice_scope(target)]
    if since is not None:
        where.append(Contact.date >= since)
    lagged = (
        select(
            Contact.practice_id,
            Contact.patient_id,
            Contact.date,
            Contact.provider_id,
            Contact.icpc,
            time_is_null.label("tnull"),
            Contact.time,
            Contact.id,
            func.lag(Contact.date)
            .over(partition_by=Contact.patient_id, order_by=order)
            .label("prev"),
        )
        .where(*where)
        .subquery()
    )
    is_start = case(
        (lagged.c.prev.is_(None), 1),
        (days_between(lagged.c.date, lagged.c.prev) > EPISODE_GAP_DAYS, 1),
        else_=0,
    )
    numbered = select(
        lagged,
        is_start.label("is_start"),
        func.sum(is_start)
        .over(
            partition_by=lagged.c.patient_id,
            order_by=(lagged.c.date, lagged.c.tnull, lagged.c.time, lagged.c.id),
        )
        .label("epno"),
    ).subquery()
    stmt = select(
        func.min(numbered.c.practice_id),
        numbered.c.patient_id,
        func.min(numbered.c.date),
        func.max(numbered.c.date),
        func.count(),
        func.max(case((numbered.c.is_start == 1, numbered.c.provider_id))),
        func.max(case((numbered.c.is_start == 1, numbered.c.icpc))),
        *[func.max(case((numbered.c.date <= end, numbered.c.date))) for end in ends],
    ).group_by(numbered.c.patient_id, numbered.c.epno)
    return [
        Episode(practice, patient, provider, icpc, start, last, int(count), tuple(last_by_end))
        for practice, patient, start, last, count, provider, icpc, *last_by_end in facts.rows(stmt)
    ]


def _episode_key(target: Target, episode: Episode) -> int | None:
    """The scope key an episode counts under, or None when it is outside the target."""
    if target.provider_ids is not None and episode.intake_provider_id not in target.provider_ids:
        return None
    if target.practice_ids is not None and episode.practice_id not in target.practice_ids:
        return None
    if target.group == "practice":
        return episode.practice_id
    if target.group == "provider":
        return episode.intake_provider_id
    return 0


def _practice_where(target: Target, column: Any) -> Any:
    if target.practice_ids is not None:
        return column.in_(target.practice_ids)
    worked_in = (
        select(Contact.practice_id)
        .where(Contact.provider_id.in_(target.provider_ids or ()))
        .distinct()
        .scalar_subquery()
    )
    return column.in_(worked_in)


def patient_dates(
    facts: Facts, target: Target, kind: DateKind, since: dt.date | None = None
) -> PatientDates:
    """Sorted dates per (practice, patient) from ``since``: poh-ggz referrals, GGZ referrals
    or P/Z GP contacts, for the practices in scope."""
    memo = ("pdates", kind, target.practice_ids, target.provider_ids, since)
    return facts.remember(memo, lambda: _patient_dates(facts, target, kind, since))


def _patient_dates(
    facts: Facts, target: Target, kind: DateKind, since: dt.date | None
) -> PatientDates:
    if kind == "gp_pz":
        stmt = select(Contact.practice_id, Contact.patient_id, Contact.date).where(
            Contact.functie == "huisarts",
            func.upper(func.substr(Contact.icpc, 1, 1)).in_(("P", "Z")),
            _practice_where(target, Contact.practice_id),
        )
    else:
        destinations = (Bestemming.POH_GGZ.value,) if kind == "poh_referral" else GGZ_DESTINATIONS
        stmt = select(Referral.practice_id, Referral.patient_id, Referral.date).where(
            Referral.destination.in_(destinations), _practice_where(target, Referral.practice_id)
        )
    if since is not None:
        date_column = Contact.date if kind == "gp_pz" else Referral.date
        stmt = stmt.where(date_column >= since)
    out: PatientDates = defaultdict(list)
    for practice_id, patient_id, day in facts.rows(stmt):
        out[(practice_id, patient_id)].append(day)
    for dates in out.values():
        dates.sort()
    return out


def latest_in_window(dates: list[dt.date] | None, low: dt.date, high: dt.date) -> dt.date | None:
    """The latest of the sorted ``dates`` in [low, high], or None."""
    if not dates:
        return None
    index = bisect.bisect_right(dates, high) - 1
    if index >= 0 and dates[index] >= low:
        return dates[index]
    return None


def wait_days(
    facts: Facts, target: Target, episode: Episode, since: dt.date | None = None
) -> int | None:
    """Days from aanmelding to intake (domain.md §4), or None without an aanmelding."""
    low = episode.start - dt.timedelta(days=AANMELDING_WINDOW_DAYS)
    patient = (episode.practice_id, episode.patient_id)
    referrals = patient_dates(facts, target, "poh_referral", since).get(patient)
    aanmelding = latest_in_window(referrals, low, episode.start)
    if aanmelding is None:
        gp_contacts = patient_dates(facts, target, "gp_pz", since).get(patient)
        aanmelding = latest_in_window(gp_contacts, low, episode.start)
    return None if aanmelding is None else (episode.start - aanmelding).days


def episode_facts(
    facts: Facts, target: Target, periods: Sequence[Period]
) -> dict[Cell, EpisodeFacts]:
    """Per cell: new episodes, their contacts, waits, referred, case mix, long episodes."""
    return facts.remember(
        ("epfacts", target, tuple(periods)), lambda: _episode_facts(facts, target, periods)
    )


def _episode_facts(
    facts: Facts, target: Target, periods: Sequence[Period]
) -> dict[Cell, EpisodeFacts]:
    starts = [period.start for period in periods]
    out: dict[Cell, EpisodeFacts] = defaultdict(EpisodeFacts)
    ggz_referrals: PatientDates | None = None
    # history needed: 183 days before the first period for episode starts, 549 days
    # before a period end for long episodes (an episode open at E that started more than
    # 365 days before E has a contact in [E − 548, E − 366]); referrals and GP contacts
    # from 183 days before the first period (aanmelding window 90, bridging 182 days).
    # (With a POH filter the whole history is read: a long episode belongs to the POH of
    # its true intake, which may lie before any window.)
    since = (
        periods[0].start - dt.timedelta(days=LONG_EPISODE_DAYS + EPISODE_GAP_DAYS + 3)
        if target.provider_ids is None
        else None
    )
    since_referrals = periods[0].start - dt.timedelta(days=EPISODE_GAP_DAYS + 1)
    for episode in episodes(facts, target, since, tuple(period.end for period in periods)):
        key = _episode_key(target, episode)
        if key is None:
            continue
        # episodes starting in a period
        index = bisect.bisect_right(starts, episode.start) - 1
        if index >= 0 and periods[index].contains(episode.start):
            cell = out[Cell(key, index)]
            cell.new += 1
            cell.contacts += episode.contacts
            cell.sizes.append(episode.contacts)
            wait = wait_days(facts, target, episode, since_referrals)
            if wait is not None:
                cell.waits.append(wait)
            if ggz_referrals is None:
                ggz_referrals = patient_dates(facts, target, "ggz_referral", since_referrals)
            referrals = ggz_referrals.get((episode.practice_id, episode.patient_id))
            until = episode.last + dt.timedelta(days=REFERRAL_AFTER_LAST_DAYS)
            if latest_in_window(referrals, episode.start, until) is not None:
                cell.referred += 1
            cell.mix[icpc_group(episode.intake_icpc)] += 1
        # long episodes open at each period's end
        for period_index, period in enumerate(periods):
            end = period.end
            if (end - episode.start).days <= LONG_EPISODE_DAYS:
                continue
            last_contact = episode.last_by_end[period_index]
            if last_contact is not None and (end - last_contact).days <= EPISODE_GAP_DAYS:
                out[Cell(key, period_index)].long += 1
    return out


def bridging_referral(referrals: list[dt.date] | None, day: dt.date) -> dt.date | None:
    """The GGZ referral (of the sorted ``referrals``) that makes a POH contact on ``day``
    overbruggingszorg: the latest one 1–182 days before it, or None."""
    return latest_in_window(
        referrals, day - dt.timedelta(days=BRIDGING_DAYS), day - dt.timedelta(days=1)
    )


def bridging(facts: Facts, target: Target, periods: Sequence[Period]) -> dict[Cell, BridgingCounts]:
    """Patients (and contacts) with a POH contact 1–182 days after a GGZ referral."""
    return facts.remember(
        ("bridging", target, tuple(periods)), lambda: _bridging(facts, target, periods)
    )


def _bridging(
    facts: Facts, target: Target, periods: Sequence[Period]
) -> dict[Cell, BridgingCounts]:
    first, last = periods[0].start, periods[-1].end
    has_referral = (
        select(Referral.id)
        .where(
            Referral.patient_id == Contact.patient_id,
            Referral.practice_id == Contact.practice_id,
            Referral.destination.in_(GGZ_DESTINATIONS),
            Referral.date >= first - dt.timedelta(days=BRIDGING_DAYS),
            Referral.date <= last,
        )
        .exists()
    )
    stmt = select(
        facts.scope_key(target, Contact.practice_id, Contact.provider_id).label("k"),
        bucket_case(Contact.date, periods).label("b"),
        Contact.practice_id,
        Contact.patient_id,
        Contact.date,
    ).where(
        Contact.functie.in_(POH_GGZ_FUNCTIES),
        Contact.date.between(first, last),
        has_referral,
        *facts.filters(target, Contact.practice_id, Contact.provider_id),
    )
    rows = facts.rows(stmt)
    referrals = patient_dates(
        facts, target, "ggz_referral", first - dt.timedelta(days=BRIDGING_DAYS + 1)
    )
    patients: dict[Cell, set[int]] = defaultdict(set)
    contacts: dict[Cell, int] = defaultdict(int)
    for key, period, practice_id, patient_id, day in rows:
        if bridging_referral(referrals.get((practice_id, patient_id)), day) is not None:
            cell = Cell(int(key), int(period))
            patients[cell].add(patient_id)
            contacts[cell] += 1
    return {
        cell: BridgingCounts(patients=float(len(patients[cell])), contacts=float(contacts[cell]))
        for cell in patients
    }
