"""A POH's caseload by patient pseudonym (patient-level data): who is in care at a period's end.

The caseload of POH *P* at the end *E* of a period is the set of patients with a POH contact of
*P* in (E − 182, E] — exactly the patients counted by the KPIs ``caseload_active`` and
``caseload_stale`` at the POH level (api/kpi/facts.py). Per patient, using the definitions of
domain.md §4 as api/kpi/episodes.py implements them (no second definition of an episode):

- ``last_contact``: the last POH contact of *P* on or before E;
- the *current episode*: the patient's episode (:func:`episodes.episodes`) that is open at E
  (it contains that contact); ``episode_start`` is its intake date, ``episode_contacts`` its
  POH contacts (of every POH of the practice) up to and including E;
- ``wait_days_intake``: :func:`episodes.wait_days` of that episode (None without aanmelding);
- ``bridging``: a POH contact of *P* in the period is overbruggingszorg
  (:func:`episodes.bridging_referral`, as ``bridging_patients``); ``ggz_referral_date`` is the
  latest GGZ referral on or before E;
- flags ``no_contact_8_weeks``: the last contact lies 56 days or more before E (as
  ``caseload_stale``), and ``episode_over_1_year``: the episode started more than 365 days
  before E (as ``long_episodes``).

Patients are named only by their stored pseudonym (``patients.pseudonym``), never a name, BSN
or patient number. Who may ask, and the audit event every answer writes, are the API's job
(api/access.py, api/routes/caseload.py); nothing here is cached.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import Invalid
from api.kpi.episodes import (
    EPISODE_GAP_DAYS,
    LONG_EPISODE_DAYS,
    Episode,
    bridging_referral,
    episodes,
    patient_dates,
    wait_days,
)
from api.kpi.facts import ACTIVE_DAYS, STALE_DAYS, Facts, Target
from api.kpi.periods import Period, PeriodError, parse_period
from api.kpi.schemas import PeriodRead
from api.kpi.scope import not_found
from models import Contact, Patient, Practice, Provider, ProviderPractice
from models.enums import POH_GGZ_FUNCTIES


class CaseloadPatient(BaseModel):
    pseudonym: str = Field(description="Gepseudonimiseerde patiëntsleutel (nooit naam of BSN)")
    practice_agb: str
    last_contact: dt.date = Field(
        description="Laatste contact met deze POH tot en met de peildatum"
    )
    episode_start: dt.date = Field(description="Intakedatum van het lopende traject")
    episode_contacts: int = Field(
        description="POH-contacten in het lopende traject tot de peildatum"
    )
    wait_days_intake: int | None = Field(
        description="Dagen van aanmelding tot intake; leeg zonder aanmelding"
    )
    bridging: bool = Field(
        description="Overbruggingszorg: een contact in de periode na GGZ-verwijzing"
    )
    ggz_referral_date: dt.date | None = Field(
        description="Laatste GGZ-verwijzing tot en met de peildatum"
    )
    no_contact_8_weeks: bool = Field(description="Geen contact in 8 weken (56 dagen of meer)")
    episode_over_1_year: bool = Field(description="Traject loopt langer dan een jaar (> 365 dagen)")


class CaseloadRead(BaseModel):
    provider: str = Field(description="Zorgverlenercode van de POH")
    period: PeriodRead
    reference_date: dt.date = Field(description="Peildatum: het einde van de periode")
    practices: list[str] = Field(description="AGB-codes waartoe de lijst beperkt is")
    total: int
    no_contact_8_weeks: int
    episode_over_1_year: int
    bridging: int
    items: list[CaseloadPatient]


def _provider(session: Session, code: str) -> Provider:
    provider = session.scalar(select(Provider).where(Provider.code == code))
    if provider is None:
        raise not_found("provider", code)
    return provider


def _limit(session: Session, provider: Provider, practices: frozenset[str] | None) -> list[int]:
    """Practice ids the list is limited to (empty: none of them; a 404 for the caller)."""
    stmt = (
        select(Practice.id)
        .join(ProviderPractice, ProviderPractice.practice_id == Practice.id)
        .where(ProviderPractice.provider_id == provider.id)
    )
    if practices is not None:
        stmt = stmt.where(Practice.agb.in_(sorted(practices)))
    return sorted(session.scalars(stmt))


def _current_episode(candidates: list[Episode], end: dt.date) -> Episode | None:
    for episode in candidates:
        last = episode.last_by_end[0]
        if episode.start <= end and last is not None and (end - last).days <= EPISODE_GAP_DAYS:
            return episode
    return None


def get_caseload(
    session: Session,
    *,
    provider_code: str,
    period: Period | str,
    practices: frozenset[str] | None = None,
) -> CaseloadRead:
    """The caseload of one POH at the end of ``period``; ``practices`` (AGB codes) limits it
    to the patients of those practices (a huisarts: their own). A provider that does not exist,
    or works in none of ``practices``, is a 404 worded the same."""
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except PeriodError as exc:
            raise Invalid(str(exc), errors=[{"loc": ["period"], "msg": str(exc)}]) from exc
    provider = _provider(session, provider_code)
    practice_ids = _limit(session, provider, practices)
    if practices is not None and not practice_ids:
        raise not_found("provider", provider_code)
    end = period.end
    window_from = min(period.start, end - dt.timedelta(days=STALE_DAYS - 1))
    where = [
        Contact.functie.in_(POH_GGZ_FUNCTIES),
        Contact.provider_id == provider.id,
        Contact.date >= window_from,
        Contact.date <= end,
    ]
    if practices is not None:
        where.append(Contact.practice_id.in_(practice_ids))
    facts = Facts(session)
    rows = facts.rows(select(Contact.practice_id, Contact.patient_id, Contact.date).where(*where))
    stale_from = end - dt.timedelta(days=STALE_DAYS)
    last: dict[tuple[int, int], dt.date] = {}
    in_period: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for practice_id, patient_id, day in rows:
        key = (practice_id, patient_id)
        if day > stale_from and (key not in last or day > last[key]):
            last[key] = day
        if period.contains(day):
            in_period[key].append(day)

    ids = sorted(set(practice_ids) | {practice for practice, _patient in last})
    agbs = dict(facts.rows(select(Practice.id, Practice.agb).where(Practice.id.in_(ids))))
    items: list[CaseloadPatient] = []
    if last:
        items = _items(facts, provider, period, last, in_period, agbs)
    items.sort(key=lambda i: (i.last_contact, i.practice_agb, i.pseudonym))
    return CaseloadRead(
        provider=provider.code,
        period=period.read(),
        reference_date=end,
        practices=sorted(agbs[i] for i in practice_ids),
        total=len(items),
        no_contact_8_weeks=sum(i.no_contact_8_weeks for i in items),
        episode_over_1_year=sum(i.episode_over_1_year for i in items),
        bridging=sum(i.bridging for i in items),
        items=items,
    )


def _items(
    facts: Facts,
    provider: Provider,
    period: Period,
    last: dict[tuple[int, int], dt.date],
    in_period: dict[tuple[int, int], list[dt.date]],
    agbs: dict[int, str],
) -> list[CaseloadPatient]:
    end = period.end
    # the practices where this POH worked: the same target as the POH-level KPIs
    target = Target("provider", provider_ids=(provider.id,), referrals_by_provider=True)
    by_patient: dict[tuple[int, int], list[Episode]] = defaultdict(list)
    for episode in episodes(facts, target, None, (end,)):
        key = (episode.practice_id, episode.patient_id)
        if key in last:
            by_patient[key].append(episode)
    current = {key: _current_episode(by_patient.get(key, []), end) for key in last}
    patient_ids = sorted({patient for _practice, patient in last})
    pseudonyms = dict(
        facts.rows(select(Patient.id, Patient.pseudonym).where(Patient.id.in_(patient_ids)))
    )
    first_start = min((e.start for e in current.values() if e is not None), default=end)
    poh_dates: dict[int, list[dt.date]] = defaultdict(list)
    for patient_id, day in facts.rows(
        select(Contact.patient_id, Contact.date).where(
            Contact.functie.in_(POH_GGZ_FUNCTIES),
            Contact.patient_id.in_(patient_ids),
            Contact.date >= first_start,
            Contact.date <= end,
        )
    ):
        poh_dates[patient_id].append(day)
    referrals = patient_dates(facts, target, "ggz_referral")
    items = []
    for key, last_contact in last.items():
        episode = current[key]
        if episode is None:  # cannot happen: the contact itself lies in an open episode
            continue
        patient_referrals = referrals.get(key)
        bridging = any(
            bridging_referral(patient_referrals, day) is not None for day in in_period.get(key, ())
        )
        earlier = [d for d in patient_referrals or () if d <= end]
        items.append(
            CaseloadPatient(
                pseudonym=pseudonyms[key[1]],
                practice_agb=agbs.get(key[0], ""),
                last_contact=last_contact,
                episode_start=episode.start,
                episode_contacts=sum(1 for d in poh_dates[key[1]] if d >= episode.start),
                wait_days_intake=wait_days(facts, target, episode),
                bridging=bridging,
                ggz_referral_date=earlier[-1] if earlier else None,
                no_contact_8_weeks=(end - last_contact).days >= ACTIVE_DAYS,
                episode_over_1_year=(end - episode.start).days > LONG_EPISODE_DAYS,
            )
        )
    return items
