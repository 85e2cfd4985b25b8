"""Assemble a quarterly report from the KPI service: every figure comes from the same public
service calls as the API's (scorecard, benchmark, series, referral flows), with the caller's
scope and small-number rule applied by the service. Import metadata for the data-quality
footnote and the POHs of a practice come from the ORM models.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.kpi import service
from api.kpi.definitions import REGISTRY
from api.kpi.schemas import BenchmarkRead
from api.kpi.service import CallerScope, ScopeRef
from api.reports.errors import ReportNotFound
from api.reports.findings import KpiFacts, RegionKpiFacts, practice_findings, region_findings
from api.reports.model import (
    Distribution,
    Outlier,
    Poh,
    Report,
    ScoreRow,
)
from api.reports.parts import (
    flows,
    funnels,
    norm_hours,
    optional,
    parse_quarter,
    pohs,
    position_text,
    quality,
    quarter_bounds,
    reference,
    sections,
    shift_quarter,
    title,
    trend_quarters,
    trends,
    unit,
    value_text,
    week_mondays,
)
from api.reports.text import Lang
from models import HoursWeek, Practice, Provider, Region

# ---- the practice report -----------------------------------------------------------------


def build_practice_report(
    session: Session,
    *,
    agb: str,
    quarter: str,
    caller: CallerScope | None = None,
    lang: Lang = "nl",
    now: dt.datetime | None = None,
) -> Report:
    caller = caller or CallerScope()
    quarter = quarter.strip().upper()
    parse_quarter(quarter)
    prev_q, last_q = shift_quarter(quarter, -1), shift_quarter(quarter, -4)
    sc = service.get_scorecard(session, agb=agb, period=quarter, caller=caller)
    prev = service.get_scorecard(session, agb=agb, period=prev_q, caller=caller)
    last = service.get_scorecard(session, agb=agb, period=last_q, caller=caller)
    prev_items = {i.slug: i for i in prev.items}
    last_items = {i.slug: i for i in last.items}
    bms: dict[str, BenchmarkRead] = {}
    for item in sc.items:
        d = REGISTRY[item.slug]
        if d.benchmarkable:
            bm = optional(
                lambda s=item.slug: service.get_benchmark(
                    session, slug=s, region=sc.region, period=quarter, caller=caller
                )
            )
            if bm is not None:
                bms[item.slug] = bm

    rows: dict[str, ScoreRow] = {}
    facts = []
    for item in sc.items:
        d = REGISTRY[item.slug]
        ref, src = reference(d, lang)
        p, ly = prev_items.get(item.slug), last_items.get(item.slug)
        bm = bms.get(item.slug)
        dist = bm.distribution if bm else None
        rows[item.slug] = ScoreRow(
            slug=item.slug,
            title=title(d, lang),
            unit=unit(d, lang),
            decimals=d.decimals,
            polarity=d.polarity,
            value=item.value,
            value_text=value_text(item.value, item.value_display, item.suppressed, d, lang),
            status=item.status,
            prev=p.value if p else None,
            prev_text=value_text(p.value, p.value_display, p.suppressed, d, lang) if p else "–",
            last_year=ly.value if ly else None,
            last_year_text=(
                value_text(ly.value, ly.value_display, ly.suppressed, d, lang) if ly else "–"
            ),
            region_value=item.region_value,
            n=item.region_n,
            p10=dist.p10 if dist else None,
            p25=item.region_p25,
            median=item.region_median,
            p75=item.region_p75,
            p90=dist.p90 if dist else None,
            percent_rank=item.percent_rank,
            funnel95=item.funnel.class95 if item.funnel else None,
            funnel998=item.funnel.class998 if item.funnel else None,
            position_text=position_text(item, lang),
            reference=ref,
            reference_source=src,
        )
        peers = (
            [r.value for r in bm.practices if r.ranked and r.value is not None and r.agb != agb]
            if bm
            else []
        )
        facts.append(
            KpiFacts(
                slug=item.slug,
                value=item.value,
                status=item.status,
                ranked=item.ranked,
                peers=peers,
                class95=item.funnel.class95 if item.funnel else None,
                class998=item.funnel.class998 if item.funnel else None,
            )
        )

    practice_id, region_id = session.execute(
        select(Practice.id, Practice.region_id).where(Practice.agb == agb)
    ).one()
    quarters = trend_quarters(session, quarter)
    scope = ScopeRef("practice", agb)
    region_scope = ScopeRef("region", sc.region)
    start, end = quarter_bounds(quarter)
    window_start = quarter_bounds(quarters[0])[0]
    reach = next((i for i in sc.items if i.slug == "poh_reach_per_1000"), None)
    return Report(
        kind="practice",
        lang=lang,
        quarter=quarter,
        start=start,
        end=end,
        generated_at=now or dt.datetime.now().replace(microsecond=0),
        region_slug=sc.region,
        region_name=sc.region_name or sc.region,
        agb=agb,
        name=sc.name,
        listed=reach.denominator if reach else None,
        pohs=pohs(session, practice_id, quarter),
        sections=sections(rows, lang),
        findings=practice_findings(facts, lang=lang, norm_hours=norm_hours(quarter)),
        trends=trends(session, scope, quarters, caller, lang, region_scope),
        funnels=funnels(bms, lang, agb),
        flows=flows(session, scope, quarter, caller, lang),
        quality=quality(
            session,
            scope,
            quarter,
            caller,
            [practice_id],
            {agb},
            window_start,
            sc.data_version,
            lang,
        ),
        n_practices=session.scalar(
            select(func.count(Practice.id)).where(Practice.region_id == region_id)
        )
        or 0,
    )


# ---- the region report -------------------------------------------------------------------


def build_region_report(
    session: Session,
    *,
    region: str,
    quarter: str,
    caller: CallerScope | None = None,
    lang: Lang = "nl",
    now: dt.datetime | None = None,
) -> Report:
    caller = caller or CallerScope()
    quarter = quarter.strip().upper()
    parse_quarter(quarter)
    reg = session.scalar(select(Region).where(Region.slug == region))
    if reg is None or not caller.can_see("region", region):  # outside the scope: as missing
        raise ReportNotFound(f"Regio {region} bestaat niet")
    scope = ScopeRef("region", region)
    prev_q, last_q = shift_quarter(quarter, -1), shift_quarter(quarter, -4)
    practices = session.execute(
        select(Practice.id, Practice.agb).where(Practice.region_id == reg.id)
    ).all()

    def value(slug: str, q: str) -> tuple[float | None, str | None, bool, str]:
        v = service.get_values(session, slug=slug, scope=scope, period=q, caller=caller)
        return v.value, v.value_display, v.suppressed, v.status

    rows: dict[str, ScoreRow] = {}
    bms: dict[str, BenchmarkRead] = {}
    rfacts: list[RegionKpiFacts] = []
    distributions: list[Distribution] = []
    outliers: list[Outlier] = []
    data_version = None
    for d in REGISTRY.values():
        if "region" not in d.levels:
            continue
        cur, prv, lst = value(d.slug, quarter), value(d.slug, prev_q), value(d.slug, last_q)
        ref, src = reference(d, lang)
        row = ScoreRow(
            slug=d.slug,
            title=title(d, lang),
            unit=unit(d, lang),
            decimals=d.decimals,
            polarity=d.polarity,
            value=cur[0],
            value_text=value_text(cur[0], cur[1], cur[2], d, lang),
            status=cur[3],
            prev=prv[0],
            prev_text=value_text(prv[0], prv[1], prv[2], d, lang),
            last_year=lst[0],
            last_year_text=value_text(lst[0], lst[1], lst[2], d, lang),
            region_value=cur[0],
            reference=ref,
            reference_source=src,
        )
        if d.benchmarkable and "practice" in d.levels:
            bm = service.get_benchmark(
                session, slug=d.slug, region=region, period=quarter, caller=caller
            )
            bms[d.slug] = bm
            data_version = bm.data_version
            dist = bm.distribution
            if dist is not None:
                row.n, row.p10, row.p25, row.median = dist.n, dist.p10, dist.p25, dist.median
                row.p75, row.p90 = dist.p75, dist.p90
                distributions.append(
                    Distribution(
                        d.slug,
                        title(d, lang),
                        unit(d, lang),
                        d.decimals,
                        [r.value for r in bm.practices if r.ranked and r.value is not None],
                        dist.p10,
                        dist.p25,
                        dist.median,
                        dist.p75,
                        dist.p90,
                        bm.region_value,
                    )
                )
            counts = {"above998": 0, "below998": 0, "above95": 0, "below95": 0}
            for r in bm.practices:
                f = r.funnel
                if f is None or not r.ranked:
                    continue
                for lim, cls in (("998", f.class998), ("95", f.class95)):
                    if cls in ("above", "below"):
                        counts[f"{cls}{lim}"] += 1
                cls998 = f.class998 if f.class998 in ("above", "below") else None
                cls95 = f.class95 if f.class95 in ("above", "below") else None
                if cls998 or cls95:
                    outliers.append(
                        Outlier(
                            d.slug,
                            title(d, lang),
                            r.agb,
                            r.name,
                            r.value,
                            value_text(r.value, r.value_display, r.suppressed, d, lang),
                            r.denominator,
                            "99.8" if cls998 else "95",
                            (cls998 or cls95) or "",
                        )
                    )
            rfacts.append(
                RegionKpiFacts(
                    d.slug,
                    cur[0],
                    cur[3],
                    n_ranked=dist.n if dist else 0,
                    **counts,
                )
            )
        else:
            rfacts.append(RegionKpiFacts(d.slug, cur[0], cur[3]))
        rows[d.slug] = row

    quarters = trend_quarters(session, quarter)
    start, end = quarter_bounds(quarter)
    window_start = quarter_bounds(quarters[0])[0]
    reach = rows.get("poh_reach_per_1000")
    listed = None
    if reach is not None:
        lv = service.get_values(
            session, slug="poh_reach_per_1000", scope=scope, period=quarter, caller=caller
        )
        listed = lv.denominator
    return Report(
        kind="region",
        lang=lang,
        quarter=quarter,
        start=start,
        end=end,
        generated_at=now or dt.datetime.now().replace(microsecond=0),
        region_slug=region,
        region_name=reg.name,
        listed=listed,
        sections=sections(rows, lang),
        findings=region_findings(rfacts, lang=lang, norm_hours=norm_hours(quarter)),
        trends=trends(session, scope, quarters, caller, lang, None),
        funnels=funnels(bms, lang, None),
        flows=flows(session, scope, quarter, caller, lang),
        quality=quality(
            session,
            scope,
            quarter,
            caller,
            [i for i, _a in practices],
            {a for _i, a in practices},
            window_start,
            data_version,
            lang,
        ),
        n_practices=len(practices),
        distributions=distributions,
        outliers=outliers,
        pohs=_region_pohs(session, [i for i, _a in practices], quarter),
    )


def _region_pohs(session: Session, practice_ids: list[int], quarter: str) -> list[Poh]:
    start, end = quarter_bounds(quarter)
    mondays = week_mondays(start, end)
    rows = session.execute(
        select(Provider.code, Provider.name, Provider.functie, func.sum(HoursWeek.hours_contract))
        .join(HoursWeek, HoursWeek.provider_id == Provider.id)
        .where(HoursWeek.practice_id.in_(practice_ids or [-1]), HoursWeek.week_start.in_(mondays))
        .group_by(Provider.code, Provider.name, Provider.functie)
    ).all()
    return [
        Poh(name or code, code, functie, total / len(mondays) if mondays else None)
        for code, name, functie, total in rows
    ]
