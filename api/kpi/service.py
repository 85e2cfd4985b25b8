"""KPI service: the only entry point for routes, exports and reports. Never commits.

Every function takes the session first and keyword-only arguments after it. Results are cached
in the database keyed on the data version (api/kpi/cache.py) *before* the caller's privacy rule
is applied, so that the cache is shared by all callers and worker processes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import Forbidden, Invalid, NotFound
from api.kpi import cache
from api.kpi.benchmark import (
    FUNNEL_METHOD,
    MIN_PRACTICES,
    classify,
    distribution,
    funnel_limits,
    percent_ranks,
)
from api.kpi.definitions import FLOW_NODE_LABELS, REGISTRY, KpiDefinition, label_en
from api.kpi.engine import DESTINATION_LABELS, Engine, Result, Target
from api.kpi.periods import Period, PeriodError, buckets, parse_bound, parse_period, quarter
from api.kpi.schemas import (
    BenchmarkPosition,
    BenchmarkPracticeRow,
    BenchmarkRead,
    BreakdownItem,
    DataPeriodsRead,
    DistributionRead,
    FlowLink,
    FlowNode,
    FunnelRead,
    KpiList,
    KpiPointRead,
    KpiSeriesRead,
    KpiValueRead,
    ReferralFlowsRead,
    ScorecardItem,
    ScorecardRead,
)
from models import Contact, Practice, Provider, ProviderPractice, Referral, Region, Team
from models.enums import POH_GGZ_FUNCTIES, Bestemming

SMALL_NUMBER = 10
LEVELS = ("provider", "practice", "team", "region")
M = TypeVar("M", bound=BaseModel)


# ---- caller scope ------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerScope:
    """What the caller may see and what is their *own* scope (domain.md §6).

    ``visible_all``: may see every scope (until access control exists, everyone may).
    ``own_practices`` / ``own_providers`` / ``own_all``: scopes whose small patient counts are
    shown unmasked; elsewhere a patient count below 10 is shown as "<10".
    """

    visible_all: bool = True
    visible: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    own_all: bool = False
    own_practices: frozenset[str] = field(default_factory=frozenset)  # AGB codes
    own_providers: frozenset[str] = field(default_factory=frozenset)  # zorgverlener codes

    def can_see(self, level: str, key: str) -> bool:
        return self.visible_all or (level, key) in self.visible

    def is_own(self, level: str, key: str) -> bool:
        if self.own_all:
            return True
        if level == "practice":
            return key in self.own_practices
        if level == "provider":
            return key in self.own_providers
        return False


def _check_visible(caller: CallerScope, level: str, key: str) -> None:
    if not caller.can_see(level, key):
        raise Forbidden(f"Geen toegang tot {level} {key}")


# ---- scopes and periods ------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRef:
    """A scope as the API names it: level + AGB, zorgverlener_code or slug."""

    level: str
    id: str


@dataclass(frozen=True)
class ResolvedScope:
    ref: ScopeRef
    target: Target
    name: str | None
    region_slug: str | None = None


def parse_period_or_422(text: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise Invalid(str(exc), errors=[{"loc": ["period"], "msg": str(exc)}]) from exc


def _definition(slug: str) -> KpiDefinition:
    d = REGISTRY.get(slug)
    if d is None:
        raise NotFound(f"Onbekende KPI '{slug}'. Zie GET /api/v1/kpis voor de catalogus.")
    return d


def _region_practices(session: Session, region_id: int) -> list[tuple[int, str, str]]:
    stmt = (
        select(Practice.id, Practice.agb, Practice.name)
        .where(Practice.region_id == region_id)
        .order_by(Practice.agb)
    )
    return [(i, a, n) for i, a, n in session.execute(stmt)]


def resolve_scope(session: Session, *, scope: ScopeRef) -> ResolvedScope:
    level, key = scope.level, scope.id
    if level == "practice":
        row = session.execute(
            select(Practice.id, Practice.name, Region.slug)
            .join(Region, Region.id == Practice.region_id)
            .where(Practice.agb == key)
        ).first()
        if row is None:
            raise NotFound(f"Praktijk met AGB {key} bestaat niet")
        return ResolvedScope(scope, Target("practice", practice_ids=(row[0],)), row[1], row[2])
    if level == "provider":
        prov = session.scalar(select(Provider).where(Provider.code == key))
        if prov is None:
            raise NotFound(f"Zorgverlener {key} bestaat niet")
        target = Target("provider", provider_ids=(prov.id,), referrals_by_provider=True)
        return ResolvedScope(scope, target, prov.name or prov.code)
    if level == "team":
        team = session.scalar(select(Team).where(Team.slug == key))
        if team is None:
            raise NotFound(f"Team {key} bestaat niet")
        provider_ids = tuple(sorted(p.id for p in team.providers)) or None
        practice_ids = tuple(sorted(p.id for p in team.practices))
        if not practice_ids and provider_ids:
            practice_ids = tuple(
                sorted(
                    session.scalars(
                        select(ProviderPractice.practice_id).where(
                            ProviderPractice.provider_id.in_(provider_ids)
                        )
                    ).unique()
                )
            )
        region_slug = (
            session.scalar(select(Region.slug).where(Region.id == team.region_id))
            if team.region_id
            else None
        )
        return ResolvedScope(
            scope,
            Target("all", practice_ids=practice_ids, provider_ids=provider_ids),
            team.name,
            region_slug,
        )
    if level == "region":
        region = session.scalar(select(Region).where(Region.slug == key))
        if region is None:
            raise NotFound(f"Regio {key} bestaat niet")
        ids = tuple(i for i, _a, _n in _region_practices(session, region.id))
        return ResolvedScope(scope, Target("all", practice_ids=ids), region.name, region.slug)
    raise Invalid(
        f"Onbekend niveau '{level}': kies provider, practice, team of region",
        errors=[{"loc": ["level"], "msg": "provider|practice|team|region"}],
    )


# ---- conversion --------------------------------------------------------------------------


def _breakdown_items(res: Result) -> list[BreakdownItem]:
    total = sum((v or 0.0) for *_x, v in res.breakdown)
    return [
        BreakdownItem(
            dimension=dim,
            key=key,
            label=label,
            label_en=label_en(dim, key, label),
            value=v,
            share_pct=(round(100.0 * (v or 0.0) / total, 6) if total else None),
        )
        for dim, key, label, v in res.breakdown
    ]


def _display(d: KpiDefinition, value: float | None) -> str | None:
    if value is None:
        return None
    return f"{value:.{d.decimals}f}"


def _suppress(d: KpiDefinition, obj: Any) -> None:
    """Apply the small-number rule to a value-like model in place."""
    if d.patient_count and obj.value is not None and obj.value < SMALL_NUMBER:
        obj.value = None
        obj.value_display = f"<{SMALL_NUMBER}"
        obj.suppressed = True
        if hasattr(obj, "numerator"):
            obj.numerator = None
        if hasattr(obj, "denominator") and d.special == "case_mix":
            obj.denominator = None
    if d.numerator_is_patients and obj.numerator is not None and obj.numerator < SMALL_NUMBER:
        obj.numerator = None
    for item in getattr(obj, "breakdown", []) or []:
        if d.patient_count and item.value is not None and item.value < SMALL_NUMBER:
            item.value = None
            item.suppressed = True


def _point(d: KpiDefinition, period: Period, res: Result) -> KpiPointRead:
    return KpiPointRead(
        period=period.read(),
        value=res.value,
        value_display=_display(d, res.value),
        numerator=res.numerator,
        denominator=res.denominator,
        status=res.status,  # type: ignore[arg-type]
        breakdown=_breakdown_items(res),
        extra=dict(res.extra),
    )


def _cached(
    session: Session,
    *,
    kind: str,
    params: dict[str, Any],
    model: type[M],
    build: Any,
    version: str | None = None,
) -> M:
    version = version or cache.data_version(session)
    key = cache.cache_key(version, kind, params)
    hit = cache.get(session, key=key)
    if hit is not None:
        return model.model_validate_json(hit)
    obj = build()
    obj.data_version = version
    cache.put(session, key=key, version=version, kind=kind, payload=obj.model_dump_json())
    return obj


# ---- public API --------------------------------------------------------------------------


def list_kpis() -> KpiList:
    items = [d.read() for d in REGISTRY.values()]
    return KpiList(items=items, total=len(items))


def get_values(
    session: Session,
    *,
    slug: str,
    scope: ScopeRef,
    period: Period | str,
    caller: CallerScope | None = None,
) -> KpiValueRead:
    """One KPI for one scope and period, with the benchmark position for a practice."""
    caller = caller or CallerScope()
    d = _definition(slug)
    p = parse_period_or_422(period) if isinstance(period, str) else period
    _check_visible(caller, scope.level, scope.id)

    def build() -> KpiValueRead:
        rs = resolve_scope(session, scope=scope)
        out = KpiValueRead(
            slug=slug,
            level=scope.level,
            id=scope.id,
            name=rs.name,  # type: ignore[arg-type]
            period=p.read(),
            value=None,
        )
        if scope.level not in d.levels:
            out.status = "not_applicable"
            return out
        res = Engine(session).compute(slug, rs.target, [p])[(rs.target.key_values()[0], 0)]
        pt = _point(d, p, res)
        out = out.model_copy(update=pt.model_dump(exclude={"period"}))
        out.breakdown = pt.breakdown
        return out

    if scope.level == "practice" and "practice" in d.levels:
        # a practice's value is its row of the (cached) regional computation, so that it
        # always equals what the benchmark and the scorecard show
        out = _practice_value(session, d, scope.id, p)
    else:
        params = {"slug": slug, "level": scope.level, "id": scope.id, "p": [p.start, p.end]}
        out = _cached(session, kind="value", params=params, model=KpiValueRead, build=build)
    out.period = p.read()
    if not caller.is_own(scope.level, scope.id) and scope.level in ("practice", "provider"):
        _suppress(d, out)
    return out


def _practice_value(session: Session, d: KpiDefinition, agb: str, p: Period) -> KpiValueRead:
    row = session.execute(
        select(Practice.name, Region).join(Region).where(Practice.agb == agb)
    ).first()
    if row is None:
        raise NotFound(f"Praktijk met AGB {agb} bestaat niet")
    name, region = row
    bm = _benchmark_cached(session, Engine(session), d, region, p)
    r = next(x for x in bm.practices if x.agb == agb)
    return KpiValueRead(
        slug=d.slug,
        level="practice",
        id=agb,
        name=name,
        period=p.read(),
        value=r.value,
        value_display=r.value_display,
        numerator=r.numerator,
        denominator=r.denominator,
        status=r.status,
        breakdown=r.breakdown,
        extra=r.extra,
        benchmark=_position(bm, agb) if d.benchmarkable else None,
        data_version=bm.data_version,
    )


def _position(bm: BenchmarkRead, agb: str) -> BenchmarkPosition:
    row = next((r for r in bm.practices if r.agb == agb), None)
    dist = bm.distribution
    return BenchmarkPosition(
        region=bm.region,
        region_value=bm.region_value,
        n=dist.n if dist else 0,
        p25=dist.p25 if dist else None,
        median=dist.median if dist else None,
        p75=dist.p75 if dist else None,
        percent_rank=row.percent_rank if row else None,
        ranked=row.ranked if row else False,
        funnel=row.funnel if row else None,
    )


def get_series(
    session: Session,
    *,
    slug: str,
    scope: ScopeRef,
    start: dt.date | str,
    end: dt.date | str,
    grain: str = "quarter",
    caller: CallerScope | None = None,
) -> KpiSeriesRead:
    """A KPI per month or quarter between two bounds (bounds may be period shorthands)."""
    caller = caller or CallerScope()
    d = _definition(slug)
    try:
        s = parse_bound(start, end=False) if isinstance(start, str) else start
        e = parse_bound(end, end=True) if isinstance(end, str) else end
        periods = buckets(s, e, grain)
    except PeriodError as exc:
        raise Invalid(str(exc), errors=[{"loc": ["from", "to", "grain"], "msg": str(exc)}]) from exc
    _check_visible(caller, scope.level, scope.id)

    def build() -> KpiSeriesRead:
        rs = resolve_scope(session, scope=scope)
        out = KpiSeriesRead(
            slug=slug,
            level=scope.level,
            id=scope.id,
            name=rs.name,  # type: ignore[arg-type]
            grain=grain,
            start=s,
            end=e,
            points=[],
        )  # type: ignore[arg-type]
        if scope.level not in d.levels:
            out.points = [
                KpiPointRead(period=p.read(), value=None, status="not_applicable") for p in periods
            ]
            return out
        results = Engine(session).compute(slug, rs.target, periods)
        k = rs.target.key_values()[0]
        out.points = [_point(d, p, results[(k, i)]) for i, p in enumerate(periods)]
        return out

    params = {"slug": slug, "level": scope.level, "id": scope.id, "s": s, "e": e, "g": grain}
    out = _cached(session, kind="series", params=params, model=KpiSeriesRead, build=build)
    if not caller.is_own(scope.level, scope.id) and scope.level in ("practice", "provider"):
        for pt in out.points:
            _suppress(d, pt)
    return out


def _build_benchmark(
    session: Session, engine: Engine, d: KpiDefinition, region: Region, p: Period
) -> BenchmarkRead:
    practices = _region_practices(session, region.id)
    ids = tuple(i for i, _a, _n in practices)
    per = engine.compute(d.slug, Target("practice", practice_ids=ids), [p]) if ids else {}
    rows: dict[int, BenchmarkPracticeRow] = {}
    for pid, agb, name in practices:
        res = per[(pid, 0)]
        rows[pid] = BenchmarkPracticeRow(
            agb=agb,
            name=name,
            value=res.value,
            value_display=_display(d, res.value),
            numerator=res.numerator,
            denominator=res.denominator,
            status=res.status,  # type: ignore[arg-type]
            breakdown=_breakdown_items(res),
            extra=dict(res.extra),
        )
    out = BenchmarkRead(
        slug=d.slug,
        title_nl=d.title_nl,
        unit=d.unit,
        polarity=d.polarity,
        region=region.slug,
        region_name=region.name,
        period=p.read(),
        funnel_kind=d.funnel,
        funnel_method=FUNNEL_METHOD if d.funnel else None,
        min_denominator=d.min_denominator,
        practices=[rows[i] for i, _a, _n in practices],
    )
    # the regional value is the KPI computed for the region as a whole: pooled numerators
    # over pooled denominators, a median over all episodes, hours per week as a region total
    if ids:
        region_res = engine.compute(d.slug, Target("all", practice_ids=ids), [p])[(0, 0)]
        out.region_value, out.region_numerator, out.region_denominator = (
            region_res.value,
            region_res.numerator,
            region_res.denominator,
        )
    ranked = {pid: r.value for pid, r in rows.items() if r.value is not None and r.status == "ok"}
    if len(ranked) < MIN_PRACTICES:
        out.distribution_note = (
            f"Een regionale verdeling vraagt ten minste {MIN_PRACTICES} praktijken met een "
            f"waarde; er zijn er {len(ranked)}."
        )
        return out
    dist = distribution(list(ranked.values()))
    out.distribution = DistributionRead(
        n=dist.n,
        p10=dist.p10,
        p25=dist.p25,
        median=dist.median,
        p75=dist.p75,
        p90=dist.p90,
        mean=dist.mean,
    )
    for pid, (rank, prank) in percent_ranks(ranked).items():
        rows[pid].ranked, rows[pid].rank, rows[pid].percent_rank = True, rank, prank
    if d.funnel and out.region_denominator:
        theta = (out.region_numerator or 0.0) / out.region_denominator
        for pid, r in rows.items():
            if r.denominator is None or r.denominator <= 0:
                continue
            f = funnel_limits(d.funnel, theta, r.denominator, d.scale)
            if f is None:
                continue
            r.funnel = FunnelRead(
                target=f.target,
                lower95=f.lower95,
                upper95=f.upper95,
                lower998=f.lower998,
                upper998=f.upper998,
            )
            if pid in ranked and r.value is not None:
                r.funnel.class95 = classify(r.value, f.lower95, f.upper95)
                r.funnel.class998 = classify(r.value, f.lower998, f.upper998)
    return out


def _region(session: Session, slug: str) -> Region:
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        raise NotFound(f"Regio {slug} bestaat niet")
    return region


def _benchmark_cached(
    session: Session,
    engine: Engine,
    d: KpiDefinition,
    region: Region,
    p: Period,
    version: str | None = None,
) -> BenchmarkRead:
    params = {"slug": d.slug, "region": region.slug, "p": [p.start, p.end]}
    out = _cached(
        session,
        kind="benchmark",
        params=params,
        model=BenchmarkRead,
        build=lambda: _build_benchmark(session, engine, d, region, p),
        version=version,
    )
    out.period = p.read()
    return out


def _apply_caller(d: KpiDefinition, bm: BenchmarkRead, caller: CallerScope) -> BenchmarkRead:
    for row in bm.practices:
        row.own_scope = caller.is_own("practice", row.agb)
        if not row.own_scope:
            _suppress(d, row)
    return bm


def get_benchmark(
    session: Session,
    *,
    slug: str,
    region: str,
    period: Period | str,
    caller: CallerScope | None = None,
) -> BenchmarkRead:
    """The KPI over every practice of a region: distribution, ranks and funnel classes."""
    caller = caller or CallerScope()
    d = _definition(slug)
    if not d.benchmarkable or "practice" not in d.levels:
        raise Invalid(f"KPI '{slug}' heeft geen regionale benchmark")
    p = parse_period_or_422(period) if isinstance(period, str) else period
    _check_visible(caller, "region", region)
    reg = _region(session, region)
    bm = _benchmark_cached(session, Engine(session), d, reg, p)
    return _apply_caller(d, bm, caller)


def _build_scorecard(
    session: Session,
    engine: Engine,
    *,
    agb: str,
    name: str,
    region: Region,
    p: Period,
    version: str,
    benchmarks: dict[str, BenchmarkRead] | None = None,
) -> ScorecardRead:
    """The scorecard before the caller's privacy rule: every figure from the regional
    computation of each KPI (so that it always agrees with the benchmark)."""
    items: list[ScorecardItem] = []
    for d in REGISTRY.values():
        if "practice" not in d.levels:
            continue
        item = ScorecardItem(
            slug=d.slug,
            title_nl=d.title_nl,
            title_en=d.title_en,
            unit=d.unit,
            polarity=d.polarity,
            decimals=d.decimals,
            value=None,
            reference=d.reference,
            reference_source=d.reference_source,
            reference_en=d.reference_en,
            reference_source_en=d.reference_source_en,
        )
        bm = (benchmarks or {}).get(d.slug) or _benchmark_cached(
            session, engine, d, region, p, version
        )
        r = next(x for x in bm.practices if x.agb == agb)
        item.value, item.numerator, item.denominator = r.value, r.numerator, r.denominator
        item.status, item.breakdown, item.extra = r.status, r.breakdown, r.extra
        item.value_display = r.value_display
        item.region_value = bm.region_value
        dist = bm.distribution
        if d.benchmarkable:
            item.ranked, item.percent_rank, item.funnel = r.ranked, r.percent_rank, r.funnel
            if dist:
                item.region_n, item.region_p25 = dist.n, dist.p25
                item.region_median, item.region_p75 = dist.median, dist.p75
        items.append(item)
    return ScorecardRead(
        agb=agb,
        name=name,
        region=region.slug,
        region_name=region.name,
        period=p.read(),
        items=items,
        data_version=version,
    )


def get_scorecard(
    session: Session, *, agb: str, period: Period | str, caller: CallerScope | None = None
) -> ScorecardRead:
    """Every KPI for one practice against its region."""
    caller = caller or CallerScope()
    p = parse_period_or_422(period) if isinstance(period, str) else period
    _check_visible(caller, "practice", agb)
    version = cache.data_version(session)
    key = cache.cache_key(version, "scorecard", {"agb": agb, "p": [p.start, p.end]})
    hit = cache.get(session, key=key)
    if hit is not None:
        sc = ScorecardRead.model_validate_json(hit)
    else:
        row = session.execute(
            select(Practice.name, Region).join(Region).where(Practice.agb == agb)
        ).first()
        if row is None:
            raise NotFound(f"Praktijk met AGB {agb} bestaat niet")
        name, region = row
        sc = _build_scorecard(
            session, Engine(session), agb=agb, name=name, region=region, p=p, version=version
        )
        cache.put(session, key=key, version=version, kind="scorecard", payload=sc.model_dump_json())
    sc.period = p.read()
    if not caller.is_own("practice", agb):
        for item in sc.items:
            _suppress(REGISTRY[item.slug], item)
    return sc


def get_referral_flows(
    session: Session, *, scope: ScopeRef, period: Period | str, caller: CallerScope | None = None
) -> ReferralFlowsRead:
    """huisarts → POH → destination and huisarts → destination, for a Sankey diagram.

    huisarts → POH: new POH episodes (intakes) in the period. A referral in the period (any
    destination but poh-ggz) goes *via the POH* when the referrer is a POH or the patient had a
    POH contact in the 365 days up to and including the referral date; otherwise *directly*.
    At POH level only the POH's own intakes and the referrals via that POH are shown.
    """
    caller = caller or CallerScope()
    p = parse_period_or_422(period) if isinstance(period, str) else period
    _check_visible(caller, scope.level, scope.id)

    def build() -> ReferralFlowsRead:
        rs = resolve_scope(session, scope=scope)
        t = rs.target
        engine = Engine(session)
        k = t.key_values()[0]
        intakes = int(engine.measure("new_episodes", t, [p]).get((k, 0), 0.0))
        r = Referral
        stmt = select(
            r.practice_id,
            r.patient_id,
            r.date,
            r.destination,
            r.referrer_functie,
            r.referrer_provider_id,
        ).where(r.destination != Bestemming.POH_GGZ.value, r.date.between(p.start, p.end))
        if t.practice_ids is not None:
            stmt = stmt.where(r.practice_id.in_(t.practice_ids))
        else:
            sub = select(Contact.practice_id).where(Contact.provider_id.in_(t.provider_ids or ()))
            stmt = stmt.where(r.practice_id.in_(sub))
        refs = list(session.execute(stmt))
        c = Contact
        cstmt = select(c.practice_id, c.patient_id, c.date).where(
            c.functie.in_(POH_GGZ_FUNCTIES),
            c.date.between(p.start - dt.timedelta(days=365), p.end),
            c.patient_id.in_({x.patient_id for x in refs} or {-1}),
        )
        if t.provider_ids is not None:
            cstmt = cstmt.where(c.provider_id.in_(t.provider_ids))
        seen: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
        for pid, pat, d in session.execute(cstmt):
            seen[(pid, pat)].append(d)
        via: dict[str, int] = defaultdict(int)
        direct: dict[str, int] = defaultdict(int)
        poh_ids = set(t.provider_ids or ())
        for x in refs:
            dates = seen.get((x.practice_id, x.patient_id), [])
            by_poh = x.referrer_functie in POH_GGZ_FUNCTIES and (
                not poh_ids or x.referrer_provider_id in poh_ids
            )
            if by_poh or any(x.date - dt.timedelta(days=365) <= d <= x.date for d in dates):
                via[x.destination] += 1
            elif scope.level != "provider":
                direct[x.destination] += 1
        nodes = [FlowNode(id=k, label=nl, label_en=en) for k, (nl, en) in FLOW_NODE_LABELS.items()]
        links = [FlowLink(source="huisarts", target="poh-ggz", value=intakes, unit="episodes")]
        for dest, label in DESTINATION_LABELS.items():
            if via.get(dest) or direct.get(dest):
                nodes.append(
                    FlowNode(id=dest, label=label, label_en=label_en("destination", dest, label))
                )
            if via.get(dest):
                links.append(FlowLink(source="poh-ggz", target=dest, value=via[dest]))
            if direct.get(dest):
                links.append(FlowLink(source="huisarts", target=dest, value=direct[dest]))
        return ReferralFlowsRead(
            level=scope.level,
            id=scope.id,
            name=rs.name,
            period=p.read(),  # type: ignore[arg-type]
            nodes=nodes,
            links=links,
            note="huisarts → POH-GGZ telt nieuwe trajecten; de andere stromen tellen verwijzingen.",
            note_en="GP → POH-GGZ counts new episodes; the other flows count referrals.",
        )

    params = {"level": scope.level, "id": scope.id, "p": [p.start, p.end]}
    return _cached(session, kind="flows", params=params, model=ReferralFlowsRead, build=build)


def _quarter_label(day: dt.date) -> str:
    return quarter(day.year, (day.month + 2) // 3).label


def latest_quarter(session: Session) -> str | None:
    """The quarter of the latest contact (what the dashboard opens on), or None without data."""
    return data_periods(session).latest_quarter


def data_periods(
    session: Session, *, region: str | None = None, caller: CallerScope | None = None
) -> DataPeriodsRead:
    """Quarters and years from the first to the last contact (any functie) of a region, or of
    all regions, newest first — one min/max query. Not cached: it is as cheap as the cache."""
    caller = caller or CallerScope()
    stmt = select(func.min(Contact.date), func.max(Contact.date))
    if region is not None:
        _check_visible(caller, "region", region)
        reg = _region(session, region)
        stmt = stmt.join(Practice, Practice.id == Contact.practice_id).where(
            Practice.region_id == reg.id
        )
    first, last = session.execute(stmt).one()
    out = DataPeriodsRead(region=region, first_date=first, last_date=last)
    if first is None or last is None:
        return out
    y, q = last.year, (last.month + 2) // 3
    while (y, q) >= (first.year, (first.month + 2) // 3):
        out.quarters.append(f"{y}Q{q}")
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    out.years = [str(year) for year in range(last.year, first.year - 1, -1)]
    out.latest_quarter = _quarter_label(last)
    return out


def warm_cache(session: Session, *, period: Period | str, regions: list[str] | None = None) -> int:
    """Compute and store every regional benchmark and practice scorecard for a period.

    Meant to run right after an import has committed (e.g. for the latest quarter), so that
    the dashboard's first requests are served from the cache. Returns the number of entries.
    """
    p = parse_period_or_422(period) if isinstance(period, str) else period
    slugs = regions or list(session.scalars(select(Region.slug).order_by(Region.slug)))
    version = cache.data_version(session)
    n = 0
    for slug in slugs:
        region = _region(session, slug)
        engine = Engine(session)
        bms = {
            d.slug: _benchmark_cached(session, engine, d, region, p, version)
            for d in REGISTRY.values()
            if "practice" in d.levels
        }
        n += len(bms)
        for _pid, agb, name in _region_practices(session, region.id):
            key = cache.cache_key(version, "scorecard", {"agb": agb, "p": [p.start, p.end]})
            if cache.get(session, key=key) is None:
                sc = _build_scorecard(
                    session,
                    engine,
                    agb=agb,
                    name=name,
                    region=region,
                    p=p,
                    version=version,
                    benchmarks=bms,
                )
                cache.put(
                    session,
                    key=key,
                    version=version,
                    kind="scorecard",
                    payload=sc.model_dump_json(),
                )
            n += 1
    return n
