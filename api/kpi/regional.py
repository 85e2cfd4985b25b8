"""Regional assembly: a KPI's benchmark over every practice of a region, and a practice's
scorecard and value taken from those benchmarks, so that all three always agree. Each is
cached once (``cache.cached``), before any caller's privacy rule."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.kpi import answers, cache, present
from api.kpi.benchmark import (
    FUNNEL_METHOD,
    MIN_PRACTICES,
    classify,
    distribution,
    funnel_limits,
    percent_ranks,
)
from api.kpi.definitions import REGISTRY, KpiDefinition
from api.kpi.engine import Engine, Target
from api.kpi.periods import Period, is_quarter
from api.kpi.schemas import (
    BenchmarkPosition,
    BenchmarkPracticeRow,
    BenchmarkRead,
    DistributionRead,
    FunnelRead,
    KpiValueRead,
    ScorecardItem,
    ScorecardRead,
)
from api.kpi.scope import OwnPractices, practice_and_region, region_practices
from models import KpiCacheEntry, Region


def practice_kpis() -> list[KpiDefinition]:
    """The KPIs a practice has: those of its scorecard and its region's benchmarks."""
    return [definition for definition in REGISTRY.values() if "practice" in definition.levels]


def benchmark_params(definition: KpiDefinition, region: Region, period: Period) -> dict[str, Any]:
    """The cache parameters of a region's benchmark of one KPI."""
    return {"slug": definition.slug, "region": region.slug, "p": [period.start, period.end]}


def prefetch_scorecard(session: Session, region: Region, period: Period) -> None:
    """Read the benchmarks a caller's scorecard items are taken from in one query, for
    ``cache.get`` later in this transaction (one round trip instead of 20-odd)."""
    keys = [
        cache.cache_key("benchmark", benchmark_params(definition, region, period))
        for definition in practice_kpis()
        if uses_patient_counts(definition)
    ]
    rows = session.execute(
        select(KpiCacheEntry.key, KpiCacheEntry.data_version, KpiCacheEntry.payload).where(
            KpiCacheEntry.key.in_(keys)
        )
    )
    found = {key: (version, payload) for key, version, payload in rows}
    session.info[cache.PREFETCHED] = (session.get_transaction(), found)


def benchmark(
    session: Session,
    engine: Engine,
    definition: KpiDefinition,
    region: Region,
    period: Period,
    version: str | None = None,
    agb: str | None = None,
) -> BenchmarkRead:
    """The benchmark of one KPI over a region, from the cache or computed and stored (an older
    entry only if it has the practice ``agb``, when given)."""
    params = benchmark_params(definition, region, period)
    out = cache.cached(
        session,
        kind="benchmark",
        params=params,
        model=BenchmarkRead,
        build=lambda: _build_benchmark(session, engine, definition, region, period),
        version=version,
        usable=None if agb is None else (lambda bm: any(x.agb == agb for x in bm.practices)),
    )
    out.period = period.read()
    return out


def _build_benchmark(
    session: Session, engine: Engine, definition: KpiDefinition, region: Region, period: Period
) -> BenchmarkRead:
    practices = region_practices(session, region.id)
    ids = tuple(practice.id for practice in practices)
    per_practice = (
        engine.compute(definition, Target("practice", practice_ids=ids), [period]) if ids else {}
    )
    rows: dict[int, BenchmarkPracticeRow] = {
        practice.id: present.practice_row(
            definition, practice.agb, practice.name, per_practice[(practice.id, 0)]
        )
        for practice in practices
    }
    out = BenchmarkRead(
        slug=definition.slug,
        title_nl=definition.title_nl,
        unit=definition.unit,
        polarity=definition.polarity,
        region=region.slug,
        region_name=region.name,
        period=period.read(),
        funnel_kind=definition.funnel,
        funnel_method=FUNNEL_METHOD if definition.funnel else None,
        min_denominator=definition.min_denominator,
        practices=[rows[practice.id] for practice in practices],
    )
    # the regional value is the KPI computed for the region as a whole: pooled numerators
    # over pooled denominators, a median over all episodes, hours per week as a region total
    if ids:
        whole = engine.compute(definition, Target("all", practice_ids=ids), [period])[(0, 0)]
        out.region_value = whole.value
        out.region_numerator = whole.numerator
        out.region_denominator = whole.denominator
    ranked = {
        practice_id: row.value
        for practice_id, row in rows.items()
        if row.value is not None and row.status == "ok"
    }
    if len(ranked) < MIN_PRACTICES:
        out.distribution_note = (
            f"Een regionale verdeling vraagt ten minste {MIN_PRACTICES} praktijken met een "
            f"waarde; er zijn er {len(ranked)}."
        )
        return out
    spread = distribution(list(ranked.values()))
    out.distribution = DistributionRead(
        n=spread.n,
        p10=spread.p10,
        p25=spread.p25,
        median=spread.median,
        p75=spread.p75,
        p90=spread.p90,
        mean=spread.mean,
    )
    for practice_id, (rank, percent_rank) in percent_ranks(ranked).items():
        row = rows[practice_id]
        row.ranked, row.rank, row.percent_rank = True, rank, percent_rank
    if definition.funnel and out.region_denominator:
        _add_funnels(definition, out, rows, ranked)
    return out


def _add_funnels(
    definition: KpiDefinition,
    out: BenchmarkRead,
    rows: Mapping[int, BenchmarkPracticeRow],
    ranked: Mapping[int, float],
) -> None:
    """Funnel limits around the pooled regional value at each practice's denominator."""
    assert definition.funnel is not None and out.region_denominator
    theta = (out.region_numerator or 0.0) / out.region_denominator
    for practice_id, row in rows.items():
        if row.denominator is None or row.denominator <= 0:
            continue
        limits = funnel_limits(definition.funnel, theta, row.denominator, definition.scale)
        if limits is None:
            continue
        row.funnel = FunnelRead(
            target=limits.target,
            lower95=limits.lower95,
            upper95=limits.upper95,
            lower998=limits.lower998,
            upper998=limits.upper998,
        )
        if practice_id in ranked and row.value is not None:
            row.funnel.class95 = classify(row.value, limits.lower95, limits.upper95)
            row.funnel.class998 = classify(row.value, limits.lower998, limits.upper998)


def position(bm: BenchmarkRead, agb: str) -> BenchmarkPosition:
    """A practice's place in its region's benchmark."""
    row = next((r for r in bm.practices if r.agb == agb), None)
    spread = bm.distribution
    return BenchmarkPosition(
        region=bm.region,
        region_value=bm.region_value,
        n=spread.n if spread else 0,
        p25=spread.p25 if spread else None,
        median=spread.median if spread else None,
        p75=spread.p75 if spread else None,
        percent_rank=row.percent_rank if row else None,
        ranked=row.ranked if row else False,
        funnel=row.funnel if row else None,
    )


def figures_of(row: BenchmarkPracticeRow) -> dict[str, Any]:
    """The figures of a practice's benchmark row that its value and scorecard item repeat."""
    return {
        "value": row.value,
        "value_display": row.value_display,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "status": row.status,
        "breakdown": row.breakdown,
        "extra": row.extra,
    }


def practice_value(
    session: Session, definition: KpiDefinition, agb: str, period: Period
) -> KpiValueRead:
    """A practice's value: its row of the (cached) regional computation."""
    name, region = practice_and_region(session, agb)
    bm = benchmark(session, Engine(session), definition, region, period, agb=agb)
    row = next(x for x in bm.practices if x.agb == agb)
    return KpiValueRead(
        slug=definition.slug,
        level="practice",
        id=agb,
        name=name,
        period=period.read(),
        **figures_of(row),
        benchmark=position(bm, agb) if definition.benchmarkable else None,
        data_version=bm.data_version,
    )


def scorecard(
    session: Session,
    engine: Engine,
    *,
    agb: str,
    period: Period,
    version: str | None = None,
    benchmarks: Mapping[str, BenchmarkRead] | None = None,
    practice: tuple[str, Region] | None = None,
) -> ScorecardRead:
    """Every KPI of one practice against its region, before the caller's privacy rule, from
    the cache or assembled from the region's benchmarks (``benchmarks`` if given; the
    practice's name and region are looked up unless given)."""
    version = version or cache.data_version(session)
    out = cache.cached(
        session,
        kind="scorecard",
        params={"agb": agb, "p": [period.start, period.end]},
        model=ScorecardRead,
        build=lambda: _build_scorecard(
            session,
            engine,
            agb,
            period,
            version,
            benchmarks or {},
            practice or practice_and_region(session, agb),
        ),
        version=version,
    )
    out.period = period.read()
    return out


def _build_scorecard(
    session: Session,
    engine: Engine,
    agb: str,
    period: Period,
    version: str,
    benchmarks: Mapping[str, BenchmarkRead],
    practice: tuple[str, Region],
) -> ScorecardRead:
    name, region = practice
    items: list[ScorecardItem] = []
    for definition in practice_kpis():
        bm = benchmarks.get(definition.slug)
        if bm is None or not any(x.agb == agb for x in bm.practices):
            bm = benchmark(session, engine, definition, region, period, version, agb=agb)
        if bm.data_version not in (None, version):
            # an older benchmark, served while another worker computes the current one: the
            # scorecard says so and is not stored as current (cache.cached)
            version = bm.data_version
        items.append(_scorecard_item(definition, bm, agb))
    return ScorecardRead(
        agb=agb,
        name=name,
        region=region.slug,
        region_name=region.name,
        period=period.read(),
        items=items,
        data_version=version,
    )


def _scorecard_item(definition: KpiDefinition, bm: BenchmarkRead, agb: str) -> ScorecardItem:
    row = next(x for x in bm.practices if x.agb == agb)
    item = ScorecardItem(
        slug=definition.slug,
        title_nl=definition.title_nl,
        title_en=definition.title_en,
        unit=definition.unit,
        unit_nl=definition.unit_nl,
        polarity=definition.polarity,
        norm_low=definition.norm_low,
        norm_high=definition.norm_high,
        decimals=definition.decimals,
        **figures_of(row),
        region_value=bm.region_value,
        reference=definition.reference,
        reference_source=definition.reference_source,
        reference_en=definition.reference_en,
        reference_source_en=definition.reference_source_en,
    )
    spread = bm.distribution
    if definition.benchmarkable:
        item.ranked, item.percent_rank, item.funnel = row.ranked, row.percent_rank, row.funnel
        if spread:
            item.region_n, item.region_p25 = spread.n, spread.p25
            item.region_median, item.region_p75 = spread.median, spread.p75
            item.region_p10, item.region_p90 = spread.p10, spread.p90
    return item


def warm(session: Session, *, region: Region, period: Period, version: str) -> int:
    """Compute and store every benchmark of a region and every scorecard of its practices
    for one period; returns the number of cache entries."""
    engine = Engine(session)
    benchmarks = {
        definition.slug: benchmark(session, engine, definition, region, period, version)
        for definition in practice_kpis()
    }
    practices = region_practices(session, region.id)
    for practice in practices:
        scorecard(
            session,
            engine,
            agb=practice.agb,
            period=period,
            version=version,
            benchmarks=benchmarks,
            practice=(practice.name, region),
        )
    return len(benchmarks) + len(practices)


# --- the caller's view: the small-number rule over a region (present.protect_benchmark) -----


def uses_patient_counts(definition: KpiDefinition) -> bool:
    """Whether the KPI carries a patient count (numerator, denominator or extra), so that its
    regional figures depend on the caller's small-number rule."""
    measures = {definition.numerator, definition.denominator}
    measures |= {extra.measure for extra in definition.extras}
    return bool(measures & present.PATIENT_MEASURES)


def caller_benchmark(
    session: Session,
    definition: KpiDefinition,
    region: Region,
    period: Period,
    own: Callable[[str], bool],
    version: str | None = None,
) -> BenchmarkRead:
    """The (cached) benchmark with the caller's small-number rule applied, complementarily.

    Applied in place on the object :func:`benchmark` returns (new on every call, parsed from
    the cache entry or just built); for an ``own`` of :class:`OwnPractices` the view is
    remembered per caller and data version (api/kpi/answers.py) and must not be changed."""

    def view() -> BenchmarkRead:
        bm = benchmark(session, Engine(session), definition, region, period, version)
        present.protect_benchmark(definition, bm, own, whole_quarter=is_quarter(period))
        return bm

    if not isinstance(own, OwnPractices):
        return view()
    # one view per caller scope and data version, shared by the values and scorecard items
    # of every practice of the region (read only: callers build their answers from it)
    question = ("caller-benchmark", definition.slug, region.slug, period)
    return answers.shared(session, question, own.caller, view)


def caller_practice_value(
    session: Session,
    definition: KpiDefinition,
    agb: str,
    period: Period,
    own: Callable[[str], bool],
) -> KpiValueRead:
    """A practice's value and benchmark position as the caller may see them."""
    name, region = practice_and_region(session, agb)
    bm = caller_benchmark(session, definition, region, period, own)
    row = next(x for x in bm.practices if x.agb == agb)
    return KpiValueRead(
        slug=definition.slug,
        level="practice",
        id=agb,
        name=name,
        period=period.read(),
        **figures_of(row),
        suppressed=row.suppressed,
        benchmark=position(bm, agb) if definition.benchmarkable else None,
        data_version=bm.data_version,
    )


def caller_scorecard_item(
    session: Session,
    item: ScorecardItem,
    agb: str,
    region: Region,
    period: Period,
    own: Callable[[str], bool],
    version: str | None = None,
) -> ScorecardItem:
    """A scorecard item as the caller may see it: the practice's figures and the region's
    context taken from the caller's view of the (cached) benchmark at data ``version``."""
    definition = REGISTRY[item.slug]
    if not uses_patient_counts(definition):
        if not own(agb):
            present.suppress(definition, item)
        return item
    bm = caller_benchmark(session, definition, region, period, own, version)
    shown = _scorecard_item(definition, bm, agb)
    shown.suppressed = next(x for x in bm.practices if x.agb == agb).suppressed
    return shown
