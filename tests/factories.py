"""Plain typed factories for tests: each adds one row and flushes, never commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Contact,
    HoursWeek,
    Patient,
    Practice,
    PracticeListSize,
    Provider,
    ProviderPractice,
    Referral,
    Region,
)

_seq = itertools.count(1)


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def make_region(session: Session, *, slug: str = "regio-test", name: str = "Regio Test") -> Region:
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        region = Region(slug=slug, name=name)
        session.add(region)
        session.flush()
    return region


def make_practice(
    session: Session,
    *,
    agb: str | None = None,
    name: str | None = None,
    region: Region | None = None,
    listed: int | None = 2350,
    peildatum: dt.date = dt.date(2020, 1, 1),
) -> Practice:
    agb = agb or f"01{next(_seq):06d}"
    practice = Practice(
        agb=agb, name=name or f"Praktijk {agb}", region=region or make_region(session)
    )
    session.add(practice)
    session.flush()
    if listed is not None:
        add_list_size(session, practice=practice, peildatum=peildatum, listed=listed)
    return practice


def add_list_size(
    session: Session, *, practice: Practice, peildatum: dt.date, listed: int
) -> PracticeListSize:
    row = PracticeListSize(practice_id=practice.id, peildatum=peildatum, listed=listed)
    session.add(row)
    session.flush()
    return row


def make_provider(
    session: Session,
    *,
    code: str | None = None,
    functie: str = "poh-ggz",
    name: str | None = None,
    practices: tuple[Practice, ...] = (),
) -> Provider:
    provider = Provider(code=code or f"P{next(_seq):07d}", functie=functie, name=name)
    session.add(provider)
    session.flush()
    for practice in practices:
        session.add(ProviderPractice(provider_id=provider.id, practice_id=practice.id))
    session.flush()
    return provider


def make_patient(
    session: Session,
    *,
    practice: Practice,
    pseudonym: str | None = None,
    birth_year: int | None = 1980,
    sex: str | None = "V",
) -> Patient:
    patient = Patient(
        practice_id=practice.id,
        pseudonym=pseudonym or _digest("patient", next(_seq)),
        birth_year=birth_year,
        sex=sex,
    )
    session.add(patient)
    session.flush()
    return patient


def make_contact(
    session: Session,
    *,
    patient: Patient,
    provider: Provider,
    date: dt.date,
    contactvorm: str = "consult",
    functie: str | None = None,
    icpc: str | None = None,
    duration_min: int | None = None,
    time: dt.time | None = None,
) -> Contact:
    contact = Contact(
        practice_id=patient.practice_id,
        patient_id=patient.id,
        provider_id=provider.id,
        date=date,
        time=time,
        functie=functie or provider.functie,
        contactvorm=contactvorm,
        duration_min=duration_min,
        icpc=icpc,
        natural_key=_digest("contact", next(_seq)),
        row_hash=_digest("row", date, contactvorm),
    )
    session.add(contact)
    session.flush()
    return contact


def make_referral(
    session: Session,
    *,
    patient: Patient,
    date: dt.date,
    destination: str = "gb-ggz",
    destination_code: str | None = None,
    referrer: Provider | None = None,
    echelon: str | None = None,
    icpc: str | None = None,
) -> Referral:
    referral = Referral(
        practice_id=patient.practice_id,
        patient_id=patient.id,
        date=date,
        referrer_provider_id=referrer.id if referrer else None,
        referrer_functie=referrer.functie if referrer else None,
        destination=destination,
        destination_code=destination_code or destination,
        echelon=echelon,
        icpc=icpc,
        natural_key=_digest("referral", next(_seq)),
        row_hash=_digest("row", date, destination),
    )
    session.add(referral)
    session.flush()
    return referral


def make_hours(
    session: Session,
    *,
    provider: Provider,
    practice: Practice,
    week_start: dt.date,
    contract: float,
    worked: float | None = None,
    direct: float | None = None,
    indirect: float | None = None,
) -> HoursWeek:
    assert week_start.isoweekday() == 1, "week_start is the Monday of an ISO week"
    row = HoursWeek(
        provider_id=provider.id,
        practice_id=practice.id,
        week_start=week_start,
        hours_contract=contract,
        hours_worked=worked,
        hours_direct=direct,
        hours_indirect=indirect,
        row_hash=_digest("hours", contract, worked, direct, indirect),
    )
    session.add(row)
    session.flush()
    return row


def make_superuser(session: Session, username: str = "test-beheerder-alles") -> tuple[Any, str]:
    """A user who may do everything (role beheerder, grant ``all:own``) and a token for it.

    No password: the token is issued directly and checked by the real access dependency.
    """
    from api.auth.tokens import issue_token
    from models import User, UserScope

    user = User(username=username, display_name="Test", role="beheerder", is_active=True)
    user.scopes.append(UserScope(level="all", key="own"))
    session.add(user)
    session.flush()
    return user, issue_token(user.id).token
