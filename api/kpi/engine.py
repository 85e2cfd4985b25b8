"""The KPI engine: measures over (scope key, period) and KPI values formed from them.

A *target* says which rows count (practice and POH filters) and how they are grouped: per
practice (a regional benchmark), per POH, or all together (one practice, team or region). Every
measure is built once with the grouping as a parameter — never a copy per level. SQL does the
row-level aggregation (GROUP BY key and period bucket, portable between SQLite and PostgreSQL);
episodes and waiting times are built in Python over compact (patient, date) rows fetched by
SQL, so that both databases give identical results.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Integer, Select, and_, case, distinct, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from api.kpi.benchmark import percentile
from api.kpi.definitions import BREAKDOWN_LABELS, REGISTRY, KpiDefinition
from api.kpi.periods import Period, norm_hours_factor
from models import Contact, HoursWeek, Patient, PracticeListSize, Referral
from models.enums import FACE_TO_FACE, GGZ_DESTINATIONS, POH_GGZ_FUNCTIES, Bestemming

Group = Literal["practice", "provider", "all"]
Key = tuple[int, int]  # (scope key, bucket index)

EPISODE_GAP_DAYS = 182
AANMELDING_WINDOW_DAYS = 90
REFERRAL_AFTER_LAST_DAYS = 30
BRIDGING_DAYS = 182
ACTIVE_DAYS = 56
STALE_DAYS = 182
LONG_EPISODE_DAYS = 365
NORMPRAKTIJK = 2350

# Dutch labels of the breakdown categories (English ones: definitions.BREAKDOWN_LABELS).
CONTACTVORM_LABELS = {k: nl for k, (nl, _en) in BREAKDOWN_LABELS["contactvorm"].items()}
DESTINATION_LABELS = {k: nl for k, (nl, _en) in BREAKDOWN_LABELS["destination"].items()}
AGE_GROUPS = {k: nl for k, (nl, _en) in BREAKDOWN_LABELS["age_group"].items()}
ICPC_GROUPS = {k: nl for k, (nl, _en) in BREAKDOWN_LABELS["icpc_group"].items()}


def age_group(birth_year: int | None, on: dt.date) -> str:
    if birth_year is None:
        return "onbekend"
    age = on.year - birth_year
    if age < 18:
        return "<18"
    if age <= 22:
        return "18-22"
    if age <= 64:
        return "23-64"
    return "65+"


def icpc_group(code: str | None) -> str:
    """ICPC group of the case mix; sub-codes fold to their parent (P76.01 → P76)."""
    if not code or not code.strip():
        return "onbekend"
    s = code.strip().upper().replace(" ", "")
    if "." not in s and len(s) > 3:
        s = f"{s[:3]}.{s[3:]}"
    parent = s[:3]
    if parent in ("P01", "P74"):
        return "angst"
    if parent in ("P03", "P76"):
        return "depressie"
    if parent == "P78" or s.startswith("Z29.01"):
        return "overspanning"
    if parent == "P02":
        return "stress"
    if parent == "P06":
        return "slaap"
    if parent.startswith("Z"):
        return "sociaal"
    return "overig"


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


@dataclass(slots=True)
class Result:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    status: str = "ok"
    breakdown: list[tuple[str, str, str, float | None]] = field(default_factory=list)
    extra: dict[str, float | None] = field(default_factory=dict)


@dataclass(slots=True)
class Episode:
    practice_id: int
    patient_id: int
    intake_provider_id: int
    intake_icpc: str | None
    start: dt.date
    last: dt.date
    n: int
    last_by_end: tuple[dt.date | None, ...]  # last contact on or before each period end


class days_between(FunctionElement[int]):
    """Whole days from ``b`` to ``a`` (a − b) for two DATE expressions, on both databases."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"({compiler.process(a, **kw)} - {compiler.process(b, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(a, **kw)}) - "
        f"julianday({compiler.process(b, **kw)}) AS INTEGER)"
    )


def _num(x: Any) -> float:
    return 0.0 if x is None else float(x)


def _round(x: float | None, nd: int = 6) -> float | None:
    if x is None or math.isnan(x):
        return None
    return round(x, nd)


def bucket_case(col: Any, periods: Sequence[Period], shift_days: int = 0) -> Any:
    """CASE expression mapping a date column to the index of the period containing it."""
    sh = dt.timedelta(days=shift_days)
    if len(periods) == 1:
        return literal_column("0")
    return case(
        *[(col.between(p.start - sh, p.end - sh), i) for i, p in enumerate(periods)],
        else_=-1,
    )


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


class Engine:
    """One engine per request: memoises fetched rows so that a scorecard shares its work."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo: dict[tuple[Any, ...], Any] = {}

    # ---- filters ---------------------------------------------------------------------------

    def _key(self, target: Target, practice_col: Any, provider_col: Any) -> Any:
        if target.group == "practice":
            return practice_col
        if target.group == "provider":
            return provider_col
        return literal_column("0")

    @staticmethod
    def _filters(target: Target, practice_col: Any, provider_col: Any | None) -> list[Any]:
        out = []
        if target.practice_ids is not None:
            out.append(practice_col.in_(target.practice_ids))
        if target.provider_ids is not None and provider_col is not None:
            out.append(provider_col.in_(target.provider_ids))
        return out

    def _rows(self, stmt: Select[Any]) -> list[Any]:
        # Core execution on the session's connection: no ORM row processing needed here
        return list(self.session.connection().execute(stmt).all())

    # ---- SQL measures ----------------------------------------------------------------------

    def contact_counts(
        self,
        target: Target,
        periods: Sequence[Period],
        *,
        only: str | None = None,
        by_contactvorm: bool = False,
    ) -> dict[tuple[int, int, str], float]:
        """POH contacts per (key, bucket[, contactvorm]); only='ftf'|'icpc' narrows."""
        memo = ("contacts", target, tuple(periods), only, by_contactvorm)
        if memo in self._memo:
            return self._memo[memo]
        c = Contact
        key = self._key(target, c.practice_id, c.provider_id).label("k")
        b = bucket_case(c.date, periods).label("b")
        cols = [key, b]
        if by_contactvorm:
            cols.append(c.contactvorm.label("cv"))
        where = [
            c.functie.in_(POH_GGZ_FUNCTIES),
            c.date.between(periods[0].start, periods[-1].end),
            *self._filters(target, c.practice_id, c.provider_id),
        ]
        if only == "ftf":
            where.append(c.contactvorm.in_(FACE_TO_FACE))
        elif only == "icpc":
            where.append(and_(c.icpc.is_not(None), func.trim(c.icpc) != ""))
        sq = select(*cols).where(*where).subquery()
        g = [sq.c[x.name] for x in cols]
        stmt = select(*g, func.count().label("n")).group_by(*g)
        out: dict[tuple[int, int, str], float] = {}
        for row in self._rows(stmt):
            cv = row.cv if by_contactvorm else ""
            out[(int(row.k), int(row.b), cv)] = float(row.n)
        self._memo[memo] = out
        return out

    def patient_counts(
        self, target: Target, periods: Sequence[Period]
    ) -> dict[tuple[int, int], dict[str, float]]:
        """Distinct POH patients per (key, bucket), by age group at the bucket's end."""
        memo = ("patients", target, tuple(periods))
        if memo in self._memo:
            return self._memo[memo]
        c = Contact
        key = self._key(target, c.practice_id, c.provider_id).label("k")
        b = bucket_case(c.date, periods).label("b")
        sq = (
            select(key, b, Patient.birth_year.label("by"), c.patient_id.label("pat"))
            .join(Patient, Patient.id == c.patient_id)
            .where(
                c.functie.in_(POH_GGZ_FUNCTIES),
                c.date.between(periods[0].start, periods[-1].end),
                *self._filters(target, c.practice_id, c.provider_id),
            )
            .subquery()
        )
        g = [sq.c.k, sq.c.b, sq.c.by]
        stmt = select(*g, func.count(distinct(sq.c.pat)).label("n")).group_by(*g)
        out: dict[tuple[int, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for row in self._rows(stmt):
            bi = int(row.b)
            out[(int(row.k), bi)][age_group(row.by, periods[bi].end)] += float(row.n)
        self._memo[memo] = out
        return out

    def hours(self, target: Target, periods: Sequence[Period]) -> dict[tuple[int, int], dict]:
        """Hours per (key, bucket): contract, worked (gewerkt else contract), direct, both."""
        memo = ("hours", target, tuple(periods))
        if memo in self._memo:
            return self._memo[memo]
        h = HoursWeek
        key = self._key(target, h.practice_id, h.provider_id).label("k")
        b = bucket_case(h.week_start, periods, shift_days=3).label("b")
        both = and_(h.hours_direct.is_not(None), h.hours_indirect.is_not(None))
        sq = (
            select(
                key,
                b,
                h.hours_contract.label("contract"),
                func.coalesce(h.hours_worked, h.hours_contract).label("worked"),
                case((both, h.hours_direct), else_=0.0).label("direct"),
                case((both, h.hours_direct + h.hours_indirect), else_=0.0).label("di"),
            )
            .where(
                h.week_start.between(
                    periods[0].start - dt.timedelta(days=3), periods[-1].end - dt.timedelta(days=3)
                ),
                *self._filters(target, h.practice_id, h.provider_id),
            )
            .subquery()
        )
        stmt = select(
            sq.c.k,
            sq.c.b,
            func.sum(sq.c.contract).label("contract"),
            func.sum(sq.c.worked).label("worked"),
            func.sum(sq.c.direct).label("direct"),
            func.sum(sq.c.di).label("direct_indirect"),
        ).group_by(sq.c.k, sq.c.b)
        out: dict[tuple[int, int], dict] = {}
        for row in self._rows(stmt):
            out[(int(row.k), int(row.b))] = {
                "contract": round(_num(row.contract), 6),
                "worked": round(_num(row.worked), 6),
                "direct": round(_num(row.direct), 6),
                "direct_indirect": round(_num(row.direct_indirect), 6),
            }
        self._memo[memo] = out
        return out

    def referral_counts(
        self, target: Target, periods: Sequence[Period]
    ) -> dict[tuple[int, int, str], float]:
        """Referrals (all destinations but poh-ggz) per (key, bucket, destination)."""
        memo = ("referrals", target, tuple(periods))
        if memo in self._memo:
            return self._memo[memo]
        r = Referral
        key = self._key(target, r.practice_id, r.referrer_provider_id).label("k")
        b = bucket_case(r.date, periods).label("b")
        prov_col = r.referrer_provider_id if target.referrals_by_provider else None
        sq = (
            select(key, b, r.destination.label("destination"))
            .where(
                r.destination != Bestemming.POH_GGZ.value,
                r.date.between(periods[0].start, periods[-1].end),
                *self._filters(target, r.practice_id, prov_col),
            )
            .subquery()
        )
        g = [sq.c.k, sq.c.b, sq.c.destination]
        stmt = select(*g, func.count().label("n")).group_by(*g)
        out = {(int(x.k), int(x.b), x.destination): float(x.n) for x in self._rows(stmt)}
        self._memo[memo] = out
        return out

    def listed(self, target: Target, periods: Sequence[Period]) -> dict[tuple[int, int], float]:
        """Listed patients at each bucket's end, summed per key (practice filter required)."""
        memo = ("listed", target, tuple(periods))
        if memo in self._memo:
            return self._memo[memo]
        out: dict[tuple[int, int], float] = defaultdict(float)
        if target.practice_ids is None or target.group == "provider":
            self._memo[memo] = out
            return out
        ls = PracticeListSize
        stmt = (
            select(ls.practice_id, ls.peildatum, ls.listed)
            .where(ls.practice_id.in_(target.practice_ids))
            .order_by(ls.practice_id, ls.peildatum)
        )
        per_practice: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        for pid, peil, n in self._rows(stmt):
            per_practice[pid].append((peil, n))
        for pid, rows in per_practice.items():
            dates = [d for d, _ in rows]
            k = pid if target.group == "practice" else 0
            for bi, p in enumerate(periods):
                i = bisect.bisect_right(dates, p.end) - 1
                out[(k, bi)] += float(rows[max(i, 0)][1])
        self._memo[memo] = out
        return out

    def caseload(self, target: Target, periods: Sequence[Period]) -> dict[tuple[int, int], dict]:
        """Active and stale caseload at each bucket's end E."""
        memo = ("caseload", target, tuple(periods))
        if memo in self._memo:
            return self._memo[memo]
        c = Contact
        out: dict[tuple[int, int], dict] = {}
        for bi, p in enumerate(periods):
            e = p.end
            key = self._key(target, c.practice_id, c.provider_id).label("k")
            rows = (
                select(key, c.patient_id.label("pat"), c.date.label("d"))
                .where(
                    c.functie.in_(POH_GGZ_FUNCTIES),
                    c.date > e - dt.timedelta(days=STALE_DAYS),
                    c.date <= e,
                    *self._filters(target, c.practice_id, c.provider_id),
                )
                .subquery()
            )
            last = (
                select(rows.c.k, rows.c.pat, func.max(rows.c.d).label("last"))
                .group_by(rows.c.k, rows.c.pat)
                .subquery()
            )
            active_from = e - dt.timedelta(days=ACTIVE_DAYS)
            stmt = select(
                last.c.k,
                func.sum(case((last.c.last > active_from, 1), else_=0)).label("active"),
                func.sum(case((last.c.last <= active_from, 1), else_=0)).label("stale"),
            ).group_by(last.c.k)
            for row in self._rows(stmt):
                out[(int(row.k), bi)] = {"active": _num(row.active), "stale": _num(row.stale)}
        self._memo[memo] = out
        return out

    # ---- episodes (the escape hatch) -------------------------------------------------------

    def _practice_scope(self, target: Target) -> Any:
        """Practices whose episodes matter: the filter, or those where the POHs worked."""
        if target.practice_ids is not None:
            return Contact.practice_id.in_(target.practice_ids)
        assert target.provider_ids is not None
        sub = (
            select(Contact.practice_id)
            .where(Contact.provider_id.in_(target.provider_ids))
            .distinct()
            .scalar_subquery()
        )
        return Contact.practice_id.in_(sub)

    def episodes(
        self, target: Target, since: dt.date | None, ends: tuple[dt.date, ...]
    ) -> list[Episode]:
        """POH episodes of the practices in scope, built in SQL from the POH contacts from
        ``since`` (window functions: a contact starts an episode when the previous POH contact
        of the patient lies more than 182 days before it).

        History before ``since`` is not needed when ``since`` lies at least 183 days before the
        first period (episode starts) and 549 days before its end (long episodes): see
        :meth:`episode_facts`. Episodes beginning in the first 183 days of the window may be
        truncated and are only used for the long-episode stock, where that is exact.
        """
        memo = ("episodes", target.practice_ids, target.provider_ids, since, ends)
        if memo in self._memo:
            return self._memo[memo]
        c = Contact
        tnull = case((c.time.is_(None), 1), else_=0)
        order = (c.date, tnull, c.time, c.id)
        where = [c.functie.in_(POH_GGZ_FUNCTIES), self._practice_scope(target)]
        if since is not None:
            where.append(c.date >= since)
        lagged = (
            select(
                c.practice_id,
                c.patient_id,
                c.date,
                c.provider_id,
                c.icpc,
                tnull.label("tnull"),
                c.time,
                c.id,
                func.lag(c.date).over(partition_by=c.patient_id, order_by=order).label("prev"),
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
        n = numbered.c
        stmt = select(
            func.min(n.practice_id),
            n.patient_id,
            func.min(n.date),
            func.max(n.date),
            func.count(),
            func.max(case((n.is_start == 1, n.provider_id))),
            func.max(case((n.is_start == 1, n.icpc))),
            *[func.max(case((n.date <= e, n.date))) for e in ends],
        ).group_by(n.patient_id, n.epno)
        out = [
            Episode(pid, pat, prov, icpc, start, last, int(cnt), tuple(les))
            for pid, pat, start, last, cnt, prov, icpc, *les in self._rows(stmt)
        ]
        self._memo[memo] = out
        return out

    def _episode_key(self, target: Target, ep: Episode) -> int | None:
        if target.provider_ids is not None and ep.intake_provider_id not in target.provider_ids:
            return None
        if target.practice_ids is not None and ep.practice_id not in target.practice_ids:
            return None
        if target.group == "practice":
            return ep.practice_id
        if target.group == "provider":
            return ep.intake_provider_id
        return 0

    def _practice_where(self, target: Target, col: Any) -> Any:
        if target.practice_ids is not None:
            return col.in_(target.practice_ids)
        sub = (
            select(Contact.practice_id)
            .where(Contact.provider_id.in_(target.provider_ids or ()))
            .distinct()
            .scalar_subquery()
        )
        return col.in_(sub)

    def _patient_dates(
        self, target: Target, kind: str, since: dt.date | None = None
    ) -> dict[tuple[int, int], list[dt.date]]:
        """Sorted dates per (practice, patient) from ``since``: poh-ggz referrals, GGZ referrals
        or P/Z GP contacts, for the practices in scope."""
        memo = ("pdates", kind, target.practice_ids, target.provider_ids, since)
        if memo in self._memo:
            return self._memo[memo]
        if kind == "gp_pz":
            c = Contact
            stmt = select(c.practice_id, c.patient_id, c.date).where(
                c.functie == "huisarts",
                func.upper(func.substr(c.icpc, 1, 1)).in_(("P", "Z")),
                self._practice_where(target, c.practice_id),
            )
        else:
            r = Referral
            dests = (Bestemming.POH_GGZ.value,) if kind == "poh_referral" else GGZ_DESTINATIONS
            stmt = select(r.practice_id, r.patient_id, r.date).where(
                r.destination.in_(dests), self._practice_where(target, r.practice_id)
            )
        if since is not None:
            date_col = Contact.date if kind == "gp_pz" else Referral.date
            stmt = stmt.where(date_col >= since)
        out: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
        for pid, pat, d in self._rows(stmt):
            out[(pid, pat)].append(d)
        for v in out.values():
            v.sort()
        self._memo[memo] = out
        return out

    @staticmethod
    def _latest_in_window(dates: list[dt.date] | None, lo: dt.date, hi: dt.date) -> dt.date | None:
        if not dates:
            return None
        i = bisect.bisect_right(dates, hi) - 1
        if i >= 0 and dates[i] >= lo:
            return dates[i]
        return None

    def wait_days(self, target: Target, ep: Episode, since: dt.date | None = None) -> int | None:
        """Days from aanmelding to intake (domain.md §4), or None without an aanmelding."""
        lo = ep.start - dt.timedelta(days=AANMELDING_WINDOW_DAYS)
        k = (ep.practice_id, ep.patient_id)
        refs = self._patient_dates(target, "poh_referral", since).get(k)
        ref = self._latest_in_window(refs, lo, ep.start)
        if ref is None:
            gp = self._patient_dates(target, "gp_pz", since).get(k)
            ref = self._latest_in_window(gp, lo, ep.start)
        return None if ref is None else (ep.start - ref).days

    def episode_facts(
        self, target: Target, periods: Sequence[Period]
    ) -> dict[tuple[int, int], dict[str, Any]]:
        """Per (key, bucket): new episodes, their contacts, waits, referred, case mix, long."""
        memo = ("epfacts", target, tuple(periods))
        if memo in self._memo:
            return self._memo[memo]
        starts = [p.start for p in periods]
        out: dict[tuple[int, int], dict[str, Any]] = defaultdict(
            lambda: {
                "new": 0,
                "contacts": 0,
                "sizes": [],
                "waits": [],
                "referred": 0,
                "mix": defaultdict(int),
                "long": 0,
            }
        )
        ggz = None
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
        since_refs = periods[0].start - dt.timedelta(days=EPISODE_GAP_DAYS + 1)
        for ep in self.episodes(target, since, tuple(p.end for p in periods)):
            k = self._episode_key(target, ep)
            if k is None:
                continue
            # episodes starting in a bucket
            i = bisect.bisect_right(starts, ep.start) - 1
            if i >= 0 and periods[i].contains(ep.start):
                f = out[(k, i)]
                f["new"] += 1
                f["contacts"] += ep.n
                f["sizes"].append(ep.n)
                w = self.wait_days(target, ep, since_refs)
                if w is not None:
                    f["waits"].append(w)
                if ggz is None:
                    ggz = self._patient_dates(target, "ggz_referral", since_refs)
                refs = ggz.get((ep.practice_id, ep.patient_id))
                hi = ep.last + dt.timedelta(days=REFERRAL_AFTER_LAST_DAYS)
                if self._latest_in_window(refs, ep.start, hi) is not None:
                    f["referred"] += 1
                f["mix"][icpc_group(ep.intake_icpc)] += 1
            # long episodes open at each bucket's end
            for bi, p in enumerate(periods):
                e = p.end
                if (e - ep.start).days <= LONG_EPISODE_DAYS:
                    continue
                le = ep.last_by_end[bi]
                if le is not None and (e - le).days <= EPISODE_GAP_DAYS:
                    out[(k, bi)]["long"] += 1
        self._memo[memo] = out
        return out

    def bridging(self, target: Target, periods: Sequence[Period]) -> dict[tuple[int, int], dict]:
        """Patients (and contacts) with a POH contact 1–182 days after a GGZ referral."""
        memo = ("bridging", target, tuple(periods))
        if memo in self._memo:
            return self._memo[memo]
        c, r = Contact, Referral
        key = self._key(target, c.practice_id, c.provider_id).label("k")
        b = bucket_case(c.date, periods).label("b")
        lo, hi = periods[0].start, periods[-1].end
        has_ref = (
            select(r.id)
            .where(
                r.patient_id == c.patient_id,
                r.practice_id == c.practice_id,
                r.destination.in_(GGZ_DESTINATIONS),
                r.date >= lo - dt.timedelta(days=BRIDGING_DAYS),
                r.date <= hi,
            )
            .exists()
        )
        stmt = select(key, b, c.practice_id, c.patient_id, c.date).where(
            c.functie.in_(POH_GGZ_FUNCTIES),
            c.date.between(lo, hi),
            has_ref,
            *self._filters(target, c.practice_id, c.provider_id),
        )
        rows = self._rows(stmt)
        refs = self._patient_dates(
            target, "ggz_referral", lo - dt.timedelta(days=BRIDGING_DAYS + 1)
        )
        patients: dict[tuple[int, int], set[int]] = defaultdict(set)
        contacts: dict[tuple[int, int], int] = defaultdict(int)
        for k, bi, pid, pat, d in rows:
            dates = refs.get((pid, pat))
            ref = self._latest_in_window(
                dates, d - dt.timedelta(days=BRIDGING_DAYS), d - dt.timedelta(days=1)
            )
            if ref is not None:
                patients[(int(k), int(bi))].add(pat)
                contacts[(int(k), int(bi))] += 1
        out = {
            kb: {"patients": float(len(patients[kb])), "contacts": float(contacts[kb])}
            for kb in patients
        }
        self._memo[memo] = out
        return out

    # ---- measures by name ------------------------------------------------------------------

    def measure(
        self, name: str, target: Target, periods: Sequence[Period]
    ) -> dict[tuple[int, int], float]:
        """A measure of definitions.MEASURES as {(key, bucket): number}; missing means 0."""
        out: dict[tuple[int, int], float] = defaultdict(float)
        if name in ("poh_contacts", "ftf_contacts", "icpc_contacts"):
            only = {"poh_contacts": None, "ftf_contacts": "ftf", "icpc_contacts": "icpc"}[name]
            for (k, bi, _cv), n in self.contact_counts(target, periods, only=only).items():
                out[(k, bi)] += n
        elif name == "poh_patients":
            for kb, groups in self.patient_counts(target, periods).items():
                out[kb] = sum(groups.values())
        elif name in ("worked_days", "hours_contract", "hours_direct", "hours_direct_indirect"):
            col = {
                "worked_days": "worked",
                "hours_contract": "contract",
                "hours_direct": "direct",
                "hours_direct_indirect": "direct_indirect",
            }[name]
            for kb, h in self.hours(target, periods).items():
                out[kb] = h[col] / 8.0 if name == "worked_days" else h[col]
        elif name == "weeks":
            for k in target.key_values():
                for bi, p in enumerate(periods):
                    out[(k, bi)] = float(p.weeks)
        elif name == "hours_contract_pw":
            for (k, bi), h in self.hours(target, periods).items():
                w = periods[bi].weeks
                out[(k, bi)] = h["contract"] / w if w else 0.0
        elif name == "hours_norm_pw":
            for (k, bi), n in self.listed(target, periods).items():
                out[(k, bi)] = norm_hours_factor(periods[bi]) * n / NORMPRAKTIJK
        elif name == "listed":
            out.update(self.listed(target, periods))
        elif name == "listed_years":
            for (k, bi), n in self.listed(target, periods).items():
                out[(k, bi)] = n * periods[bi].days / 365.25
        elif name == "ggz_referrals":
            for (k, bi, dest), n in self.referral_counts(target, periods).items():
                if dest in GGZ_DESTINATIONS:
                    out[(k, bi)] += n
        elif name in (
            "new_episodes",
            "new_episode_contacts",
            "waits",
            "waits_within_14d",
            "referred_episodes",
            "long_episodes",
            "case_mix",
        ):
            for kb, f in self.episode_facts(target, periods).items():
                if name in ("new_episodes", "case_mix"):
                    out[kb] = float(f["new"])
                elif name == "new_episode_contacts":
                    out[kb] = float(f["contacts"])
                elif name == "waits":
                    out[kb] = float(len(f["waits"]))
                elif name == "waits_within_14d":
                    out[kb] = float(sum(1 for w in f["waits"] if w <= 14))
                elif name == "referred_episodes":
                    out[kb] = float(f["referred"])
                else:
                    out[kb] = float(f["long"])
        elif name in ("caseload_active", "caseload_stale"):
            col = "active" if name == "caseload_active" else "stale"
            for kb, v in self.caseload(target, periods).items():
                out[kb] = v[col]
        elif name == "bridging_patients":
            for kb, v in self.bridging(target, periods).items():
                out[kb] = v["patients"]
        else:  # pragma: no cover - the registry is validated against MEASURES
            raise KeyError(name)
        return out

    # ---- KPI values ------------------------------------------------------------------------

    def _breakdown(
        self, d: KpiDefinition, target: Target, periods: Sequence[Period], kb: tuple[int, int]
    ) -> list[tuple[str, str, str, float | None]]:
        if "contactvorm" in d.breakdowns:
            counts = self.contact_counts(target, periods, by_contactvorm=True)
            return [
                ("contactvorm", cv, label, counts.get((kb[0], kb[1], cv), 0.0))
                for cv, label in CONTACTVORM_LABELS.items()
            ]
        if "destination" in d.breakdowns:
            counts = self.referral_counts(target, periods)
            return [
                ("destination", dest, label, counts.get((kb[0], kb[1], dest), 0.0))
                for dest, label in DESTINATION_LABELS.items()
            ]
        if "age_group" in d.breakdowns:
            groups = self.patient_counts(target, periods).get(kb, {})
            return [("age_group", g, label, groups.get(g, 0.0)) for g, label in AGE_GROUPS.items()]
        if "icpc_group" in d.breakdowns:
            mix = self.episode_facts(target, periods).get(kb, {}).get("mix", {})
            return [
                ("icpc_group", g, label, float(mix.get(g, 0))) for g, label in ICPC_GROUPS.items()
            ]
        return []

    def compute(
        self, slug: str, target: Target, periods: Sequence[Period]
    ) -> dict[tuple[int, int], Result]:
        """The KPI for every key of the target and every period."""
        d = REGISTRY[slug]
        num = self.measure(d.numerator, target, periods)
        den = self.measure(d.denominator, target, periods) if d.denominator else None
        facts = self.episode_facts(target, periods) if d.special or d.extra == ("median",) else None
        results: dict[tuple[int, int], Result] = {}
        for k in target.key_values():
            for bi, p in enumerate(periods):
                kb = (k, bi)
                n = num.get(kb, 0.0)
                res = Result(value=None, numerator=_round(n))
                if d.special == "median_wait":
                    waits = sorted(facts.get(kb, {}).get("waits", [])) if facts else []
                    res.denominator = float(len(waits))
                    res.numerator = None
                    res.value = median(waits)
                    res.extra = {
                        "p90": percentile(waits, 0.9),
                        "mean": _round(sum(waits) / len(waits)) if waits else None,
                        "within_14d": float(sum(1 for w in waits if w <= 14)),
                    }
                    if not waits:
                        res.status = "no_data"
                elif d.special == "case_mix":
                    res.value = n
                    res.denominator = n
                elif den is not None:
                    dn = den.get(kb, 0.0)
                    res.denominator = _round(dn)
                    if dn > 0:
                        res.value = _round(d.scale * n / dn)
                    else:
                        res.status = "no_data"
                else:
                    res.value = n
                if d.extra == ("median",) and facts is not None:
                    res.extra = {"median": median(sorted(facts.get(kb, {}).get("sizes", [])))}
                if d.slug == "bridging_patients":
                    res.extra = {
                        "contacts": self.bridging(target, periods).get(kb, {}).get("contacts", 0.0)
                    }
                if d.slug == "hours_norm_per_week":
                    res.extra = {"norm_hours_per_normpraktijk": norm_hours_factor(p)}
                if (
                    res.status == "ok"
                    and d.min_denominator is not None
                    and res.denominator is not None
                    and res.denominator < d.min_denominator
                ):
                    res.status = "below_min_denominator"
                res.breakdown = self._breakdown(d, target, periods, kb)
                results[kb] = res
        return results


def compute_many(
    session: Session, *, slugs: Iterable[str], target: Target, periods: Sequence[Period]
) -> dict[str, dict[tuple[int, int], Result]]:
    engine = Engine(session)
    return {s: engine.compute(s, target, periods) for s in slugs}
