"""Regions, practices with their list sizes, care providers, teams."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, IdMixin
from models.enums import Functie, sql_one_of


class Region(IdMixin, Base):
    """A region / huisartsenorganisatie / zorggroep."""

    __tablename__ = "regions"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    practices: Mapped[list[Practice]] = relationship(back_populates="region")


class Practice(IdMixin, Base):
    __tablename__ = "practices"
    __table_args__ = (CheckConstraint("length(agb) = 8", name="agb_8_digits"),)

    agb: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="practices")
    list_sizes: Mapped[list[PracticeListSize]] = relationship(
        back_populates="practice", order_by="PracticeListSize.peildatum"
    )


class PracticeListSize(IdMixin, Base):
    """ingeschreven_patienten of a practice on a peildatum."""

    __tablename__ = "practice_list_sizes"
    __table_args__ = (
        UniqueConstraint("practice_id", "peildatum"),
        CheckConstraint("listed >= 0", name="listed_non_negative"),
    )

    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    peildatum: Mapped[dt.date] = mapped_column(Date)
    listed: Mapped[int] = mapped_column(Integer)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    practice: Mapped[Practice] = relationship(back_populates="list_sizes")


class Provider(IdMixin, Base):
    """A zorgverlener (huisarts, POH-GGZ …) known by AGB or HIS user code."""

    __tablename__ = "providers"
    __table_args__ = (CheckConstraint(sql_one_of("functie", Functie), name="functie"),)

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    functie: Mapped[str] = mapped_column(String(16))

    practices: Mapped[list[Practice]] = relationship(secondary="provider_practices")


class ProviderPractice(Base):
    """Which practices a provider works in (seen in contacts or hours)."""

    __tablename__ = "provider_practices"

    provider_id: Mapped[int] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True
    )
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True, index=True
    )


team_practices = Table(
    "team_practices",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
)

team_providers = Table(
    "team_providers",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("provider_id", ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True),
)


class Team(IdMixin, Base):
    """A teamleider's set of practices and POHs; kept by the beheerder (no export carries it)."""

    __tablename__ = "teams"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    practices: Mapped[list[Practice]] = relationship(secondary=team_practices)
    providers: Mapped[list[Provider]] = relationship(secondary=team_providers)
