"""The parts a quarterly report is assembled from: quarters, formatting, trends, funnels,
flows, the data-quality footnote and the POHs of a practice — shared by the practice and the
region report (api/reports/assemble.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import Forbidden, NotFound
from api.kpi import service
from api.kpi.cache import ENGINE_VERSION
from api.kpi.definitions import REGISTRY, KpiDefinition
from api.kpi.present import WITHHELD_DISPLAY
from api.kpi.schemas import BenchmarkRead, KpiSeriesRead, ScorecardItem
from api.kpi.service import CallerScope, ScopeRef
from api.reports.errors import ReportInvalid
from api.reports.model import (
    DataQuality,
    Flow,
    Funnel,
    FunnelPoint,
    ImportInfo,
    MonthQuality,
    Poh,
    ScoreRow,
    Section,
    Trends,
)
from api.reports.text import SECTIONS, Lang, fmt_month, fmt_num, t
from models import Contact, HoursWeek, ImportBatch, Provider
from models.enums import POH_GGZ_FUNCTIES

TREND_QUARTERS = 8
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
# The rates whose funnel plot the report shows (registry order; others are skipped).
FUNNEL_SLUGS = (
    "ftf_per_workday",
    "poh_reach_per_1000",
    "poh_contacts_per_1000_year",
    "wait_within_14d_pct",
    "referrals_ggz_per_1000_year",
    "poh_referral_share",
)
X = TypeVar("X")


# ---- quarters ----------------------------------------------------------------------------


def parse_quarter(label: str) -> tuple[int, int]:
    m = QUARTER_RE.match(label.strip().upper())
    if not m:
        raise ReportInvalid(
            f"Ongeldig kwartaal '{label}': gebruik de vorm 2025Q3",
            errors=[{"loc": ["quarter"], "msg": "jjjjQn, bv. 2025Q3"}],
        )
    return int(m.group(1)), int(m.group(2))


def shift_quarter(label: str, n: int) -> str:
    y, q = parse_quarter(label)
    i = y * 4 + (q - 1) + n
    return f"{i // 4}Q{i % 4 + 1}"


def quarter_bounds(label: str) -> tuple[dt.date, dt.date]:
    y, q = parse_quarter(label)
    start = dt.date(y, 3 * q - 2, 1)
    nxt = dt.date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def trend_quarters(session: Session, quarter: str) -> list[str]:
    """The last eight quarters up to ``quarter``, from the first quarter with data on."""
    qs = [shift_quarter(quarter, -i) for i in range(TREND_QUARTERS - 1, -1, -1)]
    dp = service.data_periods(session)
    if dp.quarters:
        first = dp.quarters[-1]
        kept = [q for q in qs if _qkey(q) >= _qkey(first)]
        qs = kept or [quarter]
    return qs


def _qkey(label: str) -> tuple[int, int]:
    return parse_quarter(label)


def norm_hours(quarter: str) -> float:
    """The funding norm in hours a week per normpraktijk (domain.md §2)."""
    return 16.0 if parse_quarter(quarter)[0] >= 2024 else 12.0


# ---- formatting helpers ------------------------------------------------------------------


def title(d: KpiDefinition, lang: Lang) -> str:
    return d.title_nl if lang == "nl" else d.title_en


def unit(d: KpiDefinition, lang: Lang) -> str:
    return d.unit_nl if lang == "nl" else d.unit


def value_text(
    value: float | None, display: str | None, suppressed: bool, d: KpiDefinition, lang: Lang
) -> str:
    if suppressed and display:
        return hidden_text(display, lang)
    return fmt_num(value, d.decimals, lang)


def hidden_text(display: str, lang: Lang) -> str:
    """What a hidden figure reads: "<10", or "afgeschermd" / "withheld" (present.py)."""
    return t(lang, "withheld") if display == WITHHELD_DISPLAY else display


def position_text(item: ScorecardItem, lang: Lang) -> str:
    parts = []
    if item.ranked and item.percent_rank is not None:
        parts.append(f"P{round(item.percent_rank * 100)}")
    elif item.status == "below_min_denominator":
        parts.append(t(lang, "not_ranked"))
    f = item.funnel
    if f is not None:
        if f.class998 in ("above", "below"):
            parts.append(f"{t(lang, f.class998)} {t(lang, 'limit998')}")
        elif f.class95 in ("above", "below"):
            parts.append(f"{t(lang, f.class95)} {t(lang, 'limit95')}")
        elif f.class95 == "within":
            parts.append(t(lang, "within"))
    return " · ".join(parts) or "–"


def reference(d: KpiDefinition, lang: Lang) -> tuple[str, str]:
    if lang == "nl":
        return d.reference or "", d.reference_source or ""
    return d.reference_en or "", d.reference_source_en or ""


def sections(rows: dict[str, ScoreRow], lang: Lang) -> list[Section]:
    out: list[Section] = []
    used: set[str] = set()
    for key, nl, en, slugs in SECTIONS:
        sec = [rows[s] for s in slugs if s in rows]
        used.update(slugs)
        if key == SECTIONS[-1][0]:
            sec += [r for s, r in rows.items() if s not in used]
        if sec:
            out.append(Section(key, nl if lang == "nl" else en, sec))
    return out


def optional(fn: Callable[[], X]) -> X | None:
    """A part of a report the caller may not see (e.g. the region next to their practice)."""
    try:
        return fn()
    except (Forbidden, NotFound):  # outside the scope is a 404, as if it did not exist
        return None


# ---- shared parts ------------------------------------------------------------------------


def _series(
    session: Session, slug: str, scope: ScopeRef, quarters: list[str], caller: CallerScope
) -> KpiSeriesRead:
    return service.get_series(
        session,
        slug=slug,
        scope=scope,
        start=quarters[0],
        end=quarters[-1],
        grain="quarter",
        caller=caller,
    )


def _short(label: str) -> str:
    """'GB-GGZ (basic mental-health care)' → 'GB-GGZ': chart legends and flow tables have room
    for the name only (the definitions sheet has the rest)."""
    return label.split(" (", 1)[0]


def _by_breakdown(s: KpiSeriesRead, lang: Lang) -> dict[str, list[float | None]]:
    out: dict[str, list[float | None]] = {}
    for i, pt in enumerate(s.points):
        for b in pt.breakdown:
            label = _short(b.label if lang == "nl" else (b.label_en or b.label))
            out.setdefault(label, [None] * len(s.points))[i] = b.value
    return out


def trends(
    session: Session,
    scope: ScopeRef,
    quarters: list[str],
    caller: CallerScope,
    lang: Lang,
    region_scope: ScopeRef | None,
) -> Trends:
    contacts = _series(session, "poh_contacts", scope, quarters, caller)
    referrals = _series(session, "referrals_ggz", scope, quarters, caller)
    wait = _series(session, "wait_days_intake", scope, quarters, caller)
    contract = _series(session, "hours_contract_per_week", scope, quarters, caller)
    norm = _series(session, "hours_norm_per_week", scope, quarters, caller)
    ftf = _series(session, "ftf_per_workday", scope, quarters, caller)
    # hours worked per week: the worked 8-hour days behind ftf_per_workday (uren_gewerkt, or
    # uren_contract where gewerkt is missing) × 8 ÷ the quarter's weeks
    worked = [
        (p.denominator * 8.0 / p.period.weeks) if p.denominator is not None else None
        for p in ftf.points
    ]
    wait_series: dict[str, list[float | None]] = {
        t(lang, "series_practice" if scope.level == "practice" else "series_region"): [
            p.value for p in wait.points
        ],
        t(lang, "series_p90" if scope.level == "practice" else "series_p90_region"): [
            p.extra.get("p90") for p in wait.points
        ],
    }
    if region_scope is not None:
        reg = optional(lambda: _series(session, "wait_days_intake", region_scope, quarters, caller))
        if reg is not None:
            wait_series[t(lang, "series_region")] = [p.value for p in reg.points]
    return Trends(
        quarters=quarters,
        contacts_by_form=_by_breakdown(contacts, lang),
        wait=wait_series,
        referrals_by_destination=_by_breakdown(referrals, lang),
        hours={
            t(lang, "series_contract"): [p.value for p in contract.points],
            t(lang, "series_worked"): worked,
            t(lang, "series_norm"): [p.value for p in norm.points],
        },
        wait_norm=REGISTRY["wait_days_intake"].norm_high
        if "wait_days_intake" in REGISTRY
        else None,
    )


def funnels(bms: dict[str, BenchmarkRead], lang: Lang, agb: str | None) -> list[Funnel]:
    out = []
    for slug in FUNNEL_SLUGS:
        bm = bms.get(slug)
        d = REGISTRY.get(slug)
        if bm is None or d is None or bm.distribution is None:
            continue
        pts, lims = [], []
        target = None
        for r in bm.practices:
            if r.funnel is None or r.denominator is None:
                continue
            target = r.funnel.target
            lims.append(
                (
                    r.denominator,
                    r.funnel.lower95,
                    r.funnel.upper95,
                    r.funnel.lower998,
                    r.funnel.upper998,
                )
            )
            if r.ranked and r.value is not None:
                pts.append(
                    FunnelPoint(
                        r.agb,
                        r.name,
                        r.denominator,
                        r.value,
                        r.agb == agb,
                        r.funnel.class95,
                        r.funnel.class998,
                    )
                )
        if pts:
            lims.sort()
            out.append(Funnel(slug, title(d, lang), unit(d, lang), d.decimals, target, pts, lims))
    return out


def flows(
    session: Session, scope: ScopeRef, quarter: str, caller: CallerScope, lang: Lang
) -> list[Flow]:
    fl = service.get_referral_flows(session, scope=scope, period=quarter, caller=caller)
    names = {n.id: _short(n.label if lang == "nl" else n.label_en or n.label) for n in fl.nodes}
    return [
        Flow(
            names.get(x.source, x.source),
            names.get(x.target, x.target),
            x.value,
            x.unit,
            hidden_text(x.value_display, lang) if x.suppressed and x.value_display else None,
        )
        for x in fl.links
    ]


def week_mondays(start: dt.date, end: dt.date) -> list[dt.date]:
    """Mondays of the ISO weeks whose Thursday lies in [start, end] (domain.md §4)."""
    thursday = start + dt.timedelta(days=(3 - start.weekday()) % 7)
    out = []
    while thursday <= end:
        out.append(thursday - dt.timedelta(days=3))
        thursday += dt.timedelta(days=7)
    return out


def quality(
    session: Session,
    scope: ScopeRef,
    quarter: str,
    caller: CallerScope,
    practice_ids: list[int],
    agbs: set[str],
    window_start: dt.date,
    data_version: str | None,
    lang: Lang,
) -> DataQuality:
    start, end = quarter_bounds(quarter)
    months = [(start.year, start.month + i) for i in range(3)]
    kw = {"scope": scope, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}", "grain": "month"}
    contacts = service.get_series(session, slug="poh_contacts", caller=caller, **kw)  # type: ignore[arg-type]
    icpc = service.get_series(session, slug="icpc_coverage_pct", caller=caller, **kw)  # type: ignore[arg-type]
    rows = session.execute(
        select(HoursWeek.week_start)
        .where(
            HoursWeek.practice_id.in_(practice_ids or [-1]),
            HoursWeek.week_start.between(start - dt.timedelta(days=3), end),
        )
        .distinct()
    ).scalars()
    weeks_with_hours = set(rows)
    out_months = []
    for i, (y, m) in enumerate(months):
        m_start = dt.date(y, m, 1)
        m_end = (dt.date(y + (m == 12), 1 if m == 12 else m + 1, 1)) - dt.timedelta(days=1)
        mondays = week_mondays(m_start, m_end)
        out_months.append(
            MonthQuality(
                y,
                m,
                fmt_month(y, m, lang),
                contacts.points[i].value,
                icpc.points[i].value,
                sum(1 for d in mondays if d in weeks_with_hours),
                len(mondays),
            )
        )
    batches = session.scalars(
        select(ImportBatch)
        .where(ImportBatch.status == "committed")
        .order_by(ImportBatch.started_at, ImportBatch.id)
    ).all()
    imports = []
    for b in batches:
        if b.period_start is not None and b.period_start > end:
            continue
        if b.period_end is not None and b.period_end < window_start:
            continue
        if b.practices is not None and not (set(b.practices) & agbs):
            continue
        imports.append(
            ImportInfo(
                b.id,
                b.kind,
                b.filename,
                b.finished_at or b.started_at,
                b.period_start,
                b.period_end,
                b.rows_read,
                b.rows_rejected,
            )
        )
    qv = optional(
        lambda: service.get_values(
            session, slug="icpc_coverage_pct", scope=scope, period=quarter, caller=caller
        )
    )
    return DataQuality(
        months=out_months,
        icpc_coverage=qv.value if qv else None,
        imports=imports,
        engine_version=ENGINE_VERSION,
        data_version=data_version,
    )


def pohs(session: Session, practice_id: int, quarter: str) -> list[Poh]:
    """The POHs with hours or contacts in the practice this quarter, with their contracted
    hours a week there (summed over the quarter's ISO weeks ÷ its number of weeks)."""
    start, end = quarter_bounds(quarter)
    mondays = week_mondays(start, end)
    hours = dict(
        session.execute(
            select(HoursWeek.provider_id, func.sum(HoursWeek.hours_contract))
            .where(
                HoursWeek.practice_id == practice_id,
                HoursWeek.week_start.in_(mondays),
            )
            .group_by(HoursWeek.provider_id)
        ).all()
    )
    with_contacts = set(
        session.scalars(
            select(Contact.provider_id)
            .where(
                Contact.practice_id == practice_id,
                Contact.functie.in_(POH_GGZ_FUNCTIES),
                Contact.date.between(start, end),
            )
            .distinct()
        )
    )
    ids = set(hours) | with_contacts
    if not ids:
        return []
    provs = session.scalars(select(Provider).where(Provider.id.in_(ids))).all()
    out = [
        Poh(
            p.name or p.code,
            p.code,
            p.functie,
            (hours[p.id] / len(mondays)) if p.id in hours and mondays else None,
        )
        for p in provs
        if p.functie in POH_GGZ_FUNCTIES
    ]
    return sorted(out, key=lambda x: (-(x.hours_per_week or 0.0), x.name))
