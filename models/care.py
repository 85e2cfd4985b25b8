"""Pseudonymised patients and what happened to them: contacts, referrals; POH hours.

No direct identifiers live here: the patient number is replaced on ingest by a keyed hash
(``pseudonym``); BSN, names and addresses are never stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin
from models.enums import Bestemming, Contactvorm, Functie, sql_one_of


class Patient(IdMixin, Base):
    __tablename__ = "patients"
    __table_args__ = (
        UniqueConstraint("practice_id", "pseudonym"),
        CheckConstraint(sql_one_of("sex", ("M", "V", "X", "O")), name="sex"),
    )

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    pseudonym: Mapped[str] = mapped_column(String(64))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    sex: Mapped[str | None] = mapped_column(String(1))


class Contact(IdMixin, Base):
    """A contact of a huisarts or POH with a patient (domain.md §3 contacten)."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("practice_id", "natural_key"),
        CheckConstraint(sql_one_of("functie", Functie), name="functie"),
        CheckConstraint(sql_one_of("contactvorm", Contactvorm), name="contactvorm"),
        CheckConstraint("duration_min IS NULL OR duration_min >= 0", name="duration"),
        Index("ix_contacts_practice_functie_date", "practice_id", "functie", "date"),
        Index("ix_contacts_provider_date", "provider_id", "date"),
        Index("ix_contacts_patient_date", "patient_id", "date"),
    )

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    time: Mapped[dt.time | None] = mapped_column(Time)
    functie: Mapped[str] = mapped_column(String(16))
    contactvorm: Mapped[str] = mapped_column(String(16))
    verrichtingcode: Mapped[str | None] = mapped_column(String(8))
    duration_min: Mapped[int | None] = mapped_column(Integer)
    icpc: Mapped[str | None] = mapped_column(String(8))
    source_episode_id: Mapped[str | None] = mapped_column(String(64))
    source_id: Mapped[str | None] = mapped_column(String(64))
    # contact_id when present, else a digest of (patient pseudonym, datum, tijd,
    # zorgverlener_code, contactvorm): unique per practice, makes re-imports idempotent.
    natural_key: Mapped[str] = mapped_column(String(80))
    row_hash: Mapped[str] = mapped_column(String(32))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class Referral(IdMixin, Base):
    """A verwijzing (domain.md §3 verwijzingen); destination is the mapped category."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("practice_id", "natural_key"),
        CheckConstraint(sql_one_of("destination", Bestemming), name="destination"),
        Index("ix_referrals_practice_date", "practice_id", "date"),
        Index("ix_referrals_patient_date", "patient_id", "date"),
    )

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    referrer_provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    referrer_functie: Mapped[str | None] = mapped_column(String(16))
    destination: Mapped[str] = mapped_column(String(16))
    destination_code: Mapped[str] = mapped_column(String(32))
    echelon: Mapped[str | None] = mapped_column(String(8))
    institution: Mapped[str | None] = mapped_column(String(200))
    icpc: Mapped[str | None] = mapped_column(String(8))
    source_id: Mapped[str | None] = mapped_column(String(64))
    natural_key: Mapped[str] = mapped_column(String(80))
    row_hash: Mapped[str] = mapped_column(String(32))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class HoursWeek(IdMixin, Base):
    """Hours of one provider in one practice in one ISO week (week_start is its Monday)."""

    __tablename__ = "hours_weeks"
    __table_args__ = (
        UniqueConstraint("provider_id", "practice_id", "week_start"),
        CheckConstraint("hours_contract >= 0", name="hours_contract"),
        Index("ix_hours_weeks_practice_week", "practice_id", "week_start"),
    )

    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    week_start: Mapped[dt.date] = mapped_column(Date)
    hours_contract: Mapped[float] = mapped_column(Float)
    hours_worked: Mapped[float | None] = mapped_column(Float)
    hours_direct: Mapped[float | None] = mapped_column(Float)
    hours_indirect: Mapped[float | None] = mapped_column(Float)
    row_hash: Mapped[str] = mapped_column(String(32))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
