"""Row-level facts of the KPI engine: SQL aggregations per (scope key, period) cell.

A *target* says which rows count (practice and POH filters) and how they are grouped: per
practice (a regional benchmark), per POH, or all together (one practice, team or region). Every
fact is built once with the grouping as a parameter — never a copy per level. SQL does the
row-level aggregation (GROUP BY key and period bucket, portable between SQLite and PostgreSQL).
One :class:`Facts` per request memoises what it fetched, so that a scorecard shares its work.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

from sqlalchemy import Integer, Select, and_, case, distinct, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from api.kpi.labels import age_group
from api.kpi.periods import Period
from models import Contact, HoursWeek, Patient, PracticeListSize, Referral
from models.enums import FACE_TO_FACE, POH_GGZ_FUNCTIES, Bestemming

Group = Literal["practice", "provider", "all"]
T = TypeVar("T")

ACTIVE_DAYS = 56
STALE_DAYS = 182


class Cell(NamedTuple):
    """Where a number belongs: a scope key (practice id, provider id, or 0 for all together)
    and the index of its period in the request. Equal to the plain tuple ``(key, period)``."""

    key: int
    period: int


@dataclass(frozen=True, slots=True)
class Target:
    """Which rows count and how they are grouped.

    ``practice_ids`` filters every table on practice; ``provider_ids`` filters POH contacts,
    hours and episodes (by intake POH) on the POH; ``referrals_by_provider`` filters referrals
    on the referrer (POH level) instead of counting all referrals of the practices.
    """

    group: Group
    practice_ids: tuple[int, ...] | None = None
    provider_ids: tuple[int, ...] | None = None
    referrals_by_provider: bool = False

    def key_values(self) -> tuple[int, ...]:
        if self.group == "practice":
            return self.practice_ids or ()
        if self.group == "provider":
            return self.provider_ids or ()
        return (0,)


@dataclass(frozen=True, slots=True)
class HoursTotals:
    """Hours of a cell: contract, worked (gewerkt, else contract), direct, direct + indirect
    (the last two only over weeks where both are given)."""

    contract: float
    worked: float
    direct: float
    direct_indirect: float


@dataclass(frozen=True, slots=True)
class CaseloadCounts:
    active: float
    stale: float


class days_between(FunctionElement[int]):
    """Whole days from ``b`` to ``a`` (a − b) for two DATE expressions, on both databases."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


def as_number(value: Any) -> float:
    return 0.0 if value is None else float(value)


def bucket_case(column: Any, periods: Sequence[Period], shift_days: int = 0) -> Any:
    """CASE expression mapping a date column to the index of the period containing it."""
    shift = dt.timedelta(days=shift_days)
    if len(periods) == 1:
        return literal_column("0")
    return case(
        *[
            (column.between(period.start - shift, period.end - shift), index)
            for index, period in enumerate(periods)
        ],
        else_=-1,
    )


class Facts:
    """Reads the facts of one request from its session, each at most once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo: dict[Hashable, Any] = {}

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for the life of this object."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def rows(self, stmt: Select[Any]) -> list[Any]:
        # Core execution on the session's connection: no ORM row processing needed here
        return list(self.session.connection().execute(stmt).all())

    @staticmethod
    def scope_key(target: Target, practice_column: Any, provider_column: Any) -> Any:
        """The column a target groups on (a constant when everything is one scope)."""
        if target.group == "practice":
            return practice_column
        if target.group == "provider":
            return provider_column
        return literal_column("0")

    @staticmethod
    def filters(target: Target, practice_column: Any, provider_column: Any | None) -> list[Any]:
        out = []
        if target.practice_ids is not None:
            out.append(practice_column.in_(target.practice_ids))
        if target.provider_ids is not None and provider_column is not None:
            out.append(provider_column.in_(target.provider_ids))
        return out

    def contact_counts(
        self,
        target: Target,
        periods: Sequence[Period],
        *,
        only: Literal["ftf", "icpc"] | None = None,
        by_contactvorm: bool = False,
    ) -> dict[tuple[int, int, str], float]:
        """POH contacts per (key, period[, contactvorm]); ``only`` narrows to face-to-face
        contacts or contacts with an ICPC code."""
        memo = ("contacts", target, tuple(periods), only, by_contactvorm)
        return self.remember(
            memo, lambda: self._contact_counts(target, periods, only, by_contactvorm)
        )

    def _contact_counts(
        self, target: Target, periods: Sequence[Period], only: str | None, by_contactvorm: bool
    ) -> dict[tuple[int, int, str], float]:
        columns = [
            self.scope_key(target, Contact.practice_id, Contact.provider_id).label("k"),
            bucket_case(Contact.date, periods).label("b"),
        ]
        if by_contactvorm:
            columns.append(Contact.contactvorm.label("cv"))
        where = [
            Contact.functie.in_(POH_GGZ_FUNCTIES),
            Contact.date.between(periods[0].start, periods[-1].end),
            *self.filters(target, Contact.practice_id, Contact.provider_id),
        ]
        if only == "ftf":
            where.append(Contact.contactvorm.in_(FACE_TO_FACE))
        elif only == "icpc":
            where.append(and_(Contact.icpc.is_not(None), func.trim(Contact.icpc) != ""))
        sub = select(*columns).where(*where).subquery()
        grouping = [sub.c[column.name] for column in columns]
        stmt = select(*grouping, func.count().label("n")).group_by(*grouping)
        out: dict[tuple[int, int, str], float] = {}
        for row in self.rows(stmt):
            contactvorm = row.cv if by_contactvorm else ""
            out[(int(row.k), int(row.b), contactvorm)] = float(row.n)
        return out

    def patient_counts(
        self, target: Target, periods: Sequence[Period]
    ) -> dict[Cell, dict[str, float]]:
        """Distinct POH patients per cell, by age group at the period's end."""
        return self.remember(
            ("patients", target, tuple(periods)), lambda: self._patient_counts(target, periods)
        )

    def _patient_counts(
        self, target: Target, periods: Sequence[Period]
    ) -> dict[Cell, dict[str, float]]:
        sub = (
            select(
                self.scope_key(target, Contact.practice_id, Contact.provider_id).label("k"),
                bucket_case(Contact.date, periods).label("b"),
                Patient.birth_year.label("by"),
                Contact.patient_id.label("pat"),
            )
            .join(Patient, Patient.id == Contact.patient_id)
            .where(
                Contact.functie.in_(POH_GGZ_FUNCTIES),
                Contact.date.between(periods[0].start, periods[-1].end),
                *self.filters(target, Contact.practice_id, Contact.provider_id),
            )
            .subquery()
        )
        grouping = [sub.c.k, sub.c.b, sub.c.by]
        stmt = select(*grouping, func.count(distinct(sub.c.pat)).label("n")).group_by(*grouping)
        out: dict[Cell, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for row in self.rows(stmt):
            period = int(row.b)
            out[Cell(int(row.k), period)][age_group(row.by, periods[period].end)] += float(row.n)
        return out

    def hours(self, target: Target, periods: Sequence[Period]) -> dict[Cell, HoursTotals]:
        """Hours per cell; an ISO week counts in the period that holds its Thursday."""
        return self.remember(
            ("hours", target, tuple(periods)), lambda: self._hours(target, periods)
        )

    def _hours(self, target: Target, periods: Sequence[Period]) -> dict[Cell, HoursTotals]:
        both = and_(HoursWeek.hours_direct.is_not(None), HoursWeek.hours_indirect.is_not(None))
        sub = (
            select(
                self.scope_key(target, HoursWeek.practice_id, HoursWeek.provider_id).label("k"),
                bucket_case(HoursWeek.week_start, periods, shift_days=3).label("b"),
                HoursWeek.hours_contract.label("contract"),
                func.coalesce(HoursWeek.hours_worked, HoursWeek.hours_contract).label("worked"),
                case((both, HoursWeek.hours_direct), else_=0.0).label("direct"),
                case((both, HoursWeek.hours_direct + HoursWeek.hours_indirect), else_=0.0).label(
                    "di"
                ),
            )
            .where(
                HoursWeek.week_start.between(
                    periods[0].start - dt.timedelta(days=3), periods[-1].end - dt.timedelta(days=3)
                ),
                *self.filters(target, HoursWeek.practice_id, HoursWeek.provider_id),
            )
            .subquery()
        )
        stmt = select(
            sub.c.k,
            sub.c.b,
            func.sum(sub.c.contract).label("contract"),
            func.sum(sub.c.worked).label("worked"),
            func.sum(sub.c.direct).label("direct"),
            func.sum(sub.c.di).label("direct_indirect"),
        ).group_by(sub.c.k, sub.c.b)
        return {
            Cell(int(row.k), int(row.b)): HoursTotals(
                contract=round(as_number(row.contract), 6),
                worked=round(as_number(row.worked), 6),
                direct=round(as_number(row.direct), 6),
                direct_indirect=round(as_number(row.direct_indirect), 6),
            )
            for row in self.rows(stmt)
        }

    def referral_counts(
        self, target: Target, periods: Sequence[Period]
    ) -> dict[tuple[int, int, str], float]:
        """Referrals (all destinations but poh-ggz) per (key, period, destination)."""
        return self.remember(
            ("referrals", target, tuple(periods)), lambda: self._referral_counts(target, periods)
        )

    def _referral_counts(
        self, target: Target, periods: Sequence[Period]
    ) -> dict[tuple[int, int, str], float]:
        provider_column = Referral.referrer_provider_id if target.referrals_by_provider else None
        sub = (
            select(
                self.scope_key(target, Referral.practice_id, Referral.referrer_provider_id).label(
                    "k"
                ),
                bucket_case(Referral.date, periods).label("b"),
                Referral.destination.label("destination"),
            )
            .where(
                Referral.destination != Bestemming.POH_GGZ.value,
                Referral.date.between(periods[0].start, periods[-1].end),
                *self.filters(target, Referral.practice_id, provider_column),
            )
            .subquery()
        )
        grouping = [sub.c.k, sub.c.b, sub.c.destination]
        stmt = select(*grouping, func.count().label("n")).group_by(*grouping)
        return {(int(row.k), int(row.b), row.destination): float(row.n) for row in self.rows(stmt)}

    def listed(self, target: Target, periods: Sequence[Period]) -> dict[Cell, float]:
        """Listed patients at each period's end, summed per key (practice filter required):
        the latest peildatum on or before the end, else the earliest."""
        return self.remember(
            ("listed", target, tuple(periods)), lambda: self._listed(target, periods)
        )

    def _listed(self, target: Target, periods: Sequence[Period]) -> dict[Cell, float]:
        out: dict[Cell, float] = defaultdict(float)
        if target.practice_ids is None or target.group == "provider":
            return out
        sizes = PracticeListSize
        stmt = (
            select(sizes.practice_id, sizes.peildatum, sizes.listed)
            .where(sizes.practice_id.in_(target.practice_ids))
            .order_by(sizes.practice_id, sizes.peildatum)
        )
        per_practice: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        for practice_id, peildatum, listed in self.rows(stmt):
            per_practice[practice_id].append((peildatum, listed))
        for practice_id, counts in per_practice.items():
            dates = [peildatum for peildatum, _listed in counts]
            key = practice_id if target.group == "practice" else 0
            for index, period in enumerate(periods):
                latest = bisect.bisect_right(dates, period.end) - 1
                out[Cell(key, index)] += float(counts[max(latest, 0)][1])
        return out

    def caseload(self, target: Target, periods: Sequence[Period]) -> dict[Cell, CaseloadCounts]:
        """Active and stale caseload at each period's end E (last POH contact in (E − 56, E],
        respectively in (E − 182, E − 56])."""
        return self.remember(
            ("caseload", target, tuple(periods)), lambda: self._caseload(target, periods)
        )

    def _caseload(self, target: Target, periods: Sequence[Period]) -> dict[Cell, CaseloadCounts]:
        out: dict[Cell, CaseloadCounts] = {}
        for index, period in enumerate(periods):
            end = period.end
            contacts = (
                select(
                    self.scope_key(target, Contact.practice_id, Contact.provider_id).label("k"),
                    Contact.patient_id.label("pat"),
                    Contact.date.label("d"),
                )
                .where(
                    Contact.functie.in_(POH_GGZ_FUNCTIES),
                    Contact.date > end - dt.timedelta(days=STALE_DAYS),
                    Contact.date <= end,
                    *self.filters(target, Contact.practice_id, Contact.provider_id),
                )
                .subquery()
            )
            last = (
                select(contacts.c.k, contacts.c.pat, func.max(contacts.c.d).label("last"))
                .group_by(contacts.c.k, contacts.c.pat)
                .subquery()
            )
            active_from = end - dt.timedelta(days=ACTIVE_DAYS)
            stmt = select(
                last.c.k,
                func.sum(case((last.c.last > active_from, 1), else_=0)).label("active"),
                func.sum(case((last.c.last <= active_from, 1), else_=0)).label("stale"),
            ).group_by(last.c.k)
            for row in self.rows(stmt):
                out[Cell(int(row.k), index)] = CaseloadCounts(
                    active=as_number(row.active), stale=as_number(row.stale)
                )
        return out
