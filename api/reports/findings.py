"""Generated findings: what stands out, in plain words, and only when the numbers carry it.

A finding is stated for a KPI only when
- the KPI is size-independent (a ratio with a denominator, or a median): counts mostly reflect
  the size of a practice and say nothing by themselves;
- the value has status ``ok`` (so its minimum denominator is met) and, for a benchmark
  finding, the practice is ranked in a regional distribution of at least five practices;
- and either the funnel plot classes it outside a control limit (99.8% or 95%), or it is
  higher (lower) than the value of at least 90% of the other ranked practices, or it lies
  outside the KPI's numeric norm.
The wording follows the KPI's polarity: "langer"/"korter" for a waiting time, and a tag that
says whether the deviation needs attention, is favourable, or is for information (neutral).
Everything here is pure: inputs are plain values, so the rules are tested on hand-made cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from api.kpi.definitions import REGISTRY, KpiDefinition
from api.reports.text import Lang, fmt_num

Tone = Literal["worse", "better", "neutral"]
MAX_FINDINGS = 6
EXTREME_SHARE = 0.9  # "higher than in 90% of the practices"
HOURS_TOLERANCE = 10.0  # percentage points around 100% of the funding norm

# Strength of the evidence, to order the findings (strongest first).
S_FUNNEL998, S_EXTREME, S_NORM, S_FUNNEL95 = 4, 3, 2, 1


@dataclass(frozen=True)
class Phrase:
    subject_nl: str
    subject_en: str
    value_nl: str  # "{v}" is the formatted value
    value_en: str
    higher_nl: str = "hoger"
    lower_nl: str = "lager"
    higher_en: str = "higher"
    lower_en: str = "lower"


PHRASES: dict[str, Phrase] = {
    "ftf_per_workday": Phrase(
        "Het aantal face-to-face consulten per werkdag",
        "The number of face-to-face consults per workday",
        "{v} per dag",
        "{v} a day",
    ),
    "poh_reach_per_1000": Phrase(
        "Het bereik van de POH-GGZ",
        "The reach of the POH-GGZ",
        "{v} per 1.000 ingeschrevenen",
        "{v} per 1,000 listed patients",
    ),
    "poh_contacts_per_1000_year": Phrase(
        "Het aantal POH-contacten per 1.000 ingeschrevenen",
        "The number of POH contacts per 1,000 listed patients",
        "{v} per jaar",
        "{v} a year",
    ),
    "contacts_per_episode": Phrase(
        "Het aantal contacten per traject",
        "The number of contacts per episode",
        "gemiddeld {v}",
        "mean {v}",
    ),
    "wait_days_intake": Phrase(
        "De wachttijd tot intake",
        "The waiting time to intake",
        "mediaan {v} dagen",
        "median {v} days",
        "langer",
        "korter",
        "longer",
        "shorter",
    ),
    "wait_within_14d_pct": Phrase(
        "Het aandeel intakes binnen 14 dagen",
        "The share of intakes within 14 days",
        "{v}%",
        "{v}%",
    ),
    "referrals_ggz_per_1000_year": Phrase(
        "Het aantal GGZ-verwijzingen per 1.000 ingeschrevenen",
        "The number of GGZ referrals per 1,000 listed patients",
        "{v} per jaar",
        "{v} a year",
    ),
    "poh_referral_share": Phrase(
        "Het aandeel trajecten met een GGZ-verwijzing",
        "The share of episodes referred to mental-health care",
        "{v}%",
        "{v}%",
    ),
    "hours_vs_norm_pct": Phrase(
        "De POH-uren ten opzichte van de norm",
        "The POH hours against the norm",
        "{v}%",
        "{v}%",
    ),
    "direct_time_pct": Phrase(
        "Het aandeel directe patiënttijd",
        "The share of direct patient time",
        "{v}%",
        "{v}%",
    ),
    "icpc_coverage_pct": Phrase(
        "Het aandeel POH-contacten met een ICPC-code",
        "The share of POH contacts with an ICPC code",
        "{v}%",
        "{v}%",
    ),
}


@dataclass(frozen=True)
class Finding:
    slug: str
    tone: Tone
    strength: int
    text: str


@dataclass(frozen=True)
class KpiFacts:
    """What the findings need to know about one KPI of one practice (or of the region)."""

    slug: str
    value: float | None
    status: str = "ok"
    ranked: bool = False
    peers: Sequence[float] = field(default_factory=tuple)  # the other ranked practices' values
    class95: str | None = None
    class998: str | None = None


def findable(d: KpiDefinition) -> bool:
    """Size-independent KPIs: ratios (with a denominator) and medians."""
    return d.aggregation in ("ratio", "median")


def _phrase(d: KpiDefinition) -> Phrase:
    p = PHRASES.get(d.slug)
    if p is not None:
        return p
    unit_nl = "" if d.unit_nl == "%" else f" {d.unit_nl}"
    unit_en = "" if d.unit == "%" else f" {d.unit}"
    pct = "%" if d.unit == "%" else ""
    return Phrase(
        f"Het kerncijfer ‘{d.title_nl}’",
        f"The key figure ‘{d.title_en}’",
        "{v}" + pct + unit_nl,
        "{v}" + pct + unit_en,
    )


def _tone(d: KpiDefinition, direction: str) -> Tone:
    if d.polarity == "neutral":
        return "neutral"
    good = "above" if d.polarity == "higher_better" else "below"
    return "better" if direction == good else "worse"


def _value_text(d: KpiDefinition, value: float, lang: Lang) -> str:
    p = _phrase(d)
    return (p.value_nl if lang == "nl" else p.value_en).format(v=fmt_num(value, d.decimals, lang))


def _comparative(d: KpiDefinition, direction: str, lang: Lang) -> str:
    p = _phrase(d)
    if lang == "nl":
        return p.higher_nl if direction == "above" else p.lower_nl
    return p.higher_en if direction == "above" else p.lower_en


def _subject(d: KpiDefinition, lang: Lang) -> str:
    p = _phrase(d)
    return p.subject_nl if lang == "nl" else p.subject_en


def share_lower_higher(value: float, peers: Iterable[float]) -> tuple[float, float]:
    """Shares of the other ranked practices with a strictly lower and a strictly higher value."""
    ps = list(peers)
    if not ps:
        return 0.0, 0.0
    lower = sum(1 for x in ps if x < value) / len(ps)
    higher = sum(1 for x in ps if x > value) / len(ps)
    return lower, higher


def _benchmark_finding(
    d: KpiDefinition, f: KpiFacts, lang: Lang, *, where_nl: str, where_en: str
) -> Finding | None:
    if not f.ranked or f.value is None or f.status != "ok":
        return None
    subj, vt = _subject(d, lang), _value_text(d, f.value, lang)
    for cls, strength, limit_nl, limit_en in (
        (f.class998, S_FUNNEL998, "99,8%", "99.8%"),
        (None, S_EXTREME, "", ""),
        (f.class95, S_FUNNEL95, "95%", "95%"),
    ):
        if strength == S_EXTREME:
            lower, higher = share_lower_higher(f.value, f.peers)
            direction = (
                "above" if lower >= EXTREME_SHARE else "below" if higher >= EXTREME_SHARE else ""
            )
            if not direction:
                continue
            comp = _comparative(d, direction, lang)
            text = (
                f"{subj} ({vt}) is {comp} dan bij 90% van de praktijken {where_nl}."
                if lang == "nl"
                else f"{subj} ({vt}) is {comp} than in 90% of the practices {where_en}."
            )
            return Finding(d.slug, _tone(d, direction), strength, text)
        if cls in ("above", "below"):
            comp = _comparative(d, cls, lang)
            if lang == "nl":
                side = "boven" if cls == "above" else "onder"
                text = (
                    f"{subj} ({vt}) ligt {side} de {limit_nl}-controlegrens van de funnelplot: "
                    f"{comp} dan op grond van toeval te verwachten is."
                )
            else:
                text = (
                    f"{subj} ({vt}) lies {cls} the funnel plot's {limit_en} control limit: "
                    f"{comp} than chance would explain."
                )
            return Finding(d.slug, _tone(d, cls), strength, text)
    return None


def _norm_finding(
    d: KpiDefinition, f: KpiFacts, lang: Lang, *, norm_hours: float | None
) -> Finding | None:
    """A deviation from the KPI's numeric norm (hours against the funding norm, consults per
    workday above 9, a median wait above two weeks)."""
    if f.value is None or f.status != "ok" or d.norm_high is None or d.norm_low is None:
        return None
    v = f.value
    if d.slug == "hours_vs_norm_pct":
        # 0% means no hours were registered at all: missing data, not a finding
        if v <= 0 or abs(v - 100.0) <= HOURS_TOLERANCE:
            return None
        hours = fmt_num(norm_hours, 0, lang) if norm_hours is not None else "16"
        vt = fmt_num(v, 0, lang)
        text = (
            f"De POH-uren liggen op {vt}% van de financieringsnorm "
            f"({hours} uur per 2.350 ingeschrevenen)."
            if lang == "nl"
            else f"The POH hours are at {vt}% of the funding norm "
            f"({hours} hours per 2,350 listed patients)."
        )
        return Finding(d.slug, _tone(d, "above" if v > 100 else "below"), S_NORM, text)
    if v <= d.norm_high:
        return None  # only exceeding the norm is a finding (below it is not a problem as such)
    subj, vt = _subject(d, lang), _value_text(d, v, lang)
    lo, hi = fmt_num(d.norm_low, 0, lang), fmt_num(d.norm_high, 0, lang)
    band = hi if lo == hi else f"{lo}–{hi}"
    if d.slug == "wait_days_intake":
        text = (
            f"{subj} ({vt}) is langer dan de norm van twee weken."
            if lang == "nl"
            else f"{subj} ({vt}) is longer than the norm of two weeks."
        )
        tone: Tone = "worse"
    else:
        text = (
            f"{subj} ({vt}) ligt boven de norm van {band}."
            if lang == "nl"
            else f"{subj} ({vt}) is above the norm of {band}."
        )
        tone = "worse" if d.slug == "ftf_per_workday" else _tone(d, "above")
    return Finding(d.slug, tone, S_NORM, text)


def _pick(candidates: list[Finding]) -> list[Finding]:
    order = {slug: i for i, slug in enumerate(REGISTRY)}
    candidates.sort(key=lambda f: (-f.strength, order.get(f.slug, 999)))
    return candidates[:MAX_FINDINGS]


def practice_findings(
    facts: Iterable[KpiFacts], *, lang: Lang = "nl", norm_hours: float | None = None
) -> list[Finding]:
    """At most six findings for a practice, strongest first, one per KPI."""
    out: list[Finding] = []
    for f in facts:
        d = REGISTRY.get(f.slug)
        if d is None or not findable(d):
            continue
        bm = (
            _benchmark_finding(d, f, lang, where_nl="in de regio", where_en="in the region")
            if d.benchmarkable
            else None
        )
        norm = _norm_finding(d, f, lang, norm_hours=norm_hours)
        best = max((x for x in (bm, norm) if x), key=lambda x: x.strength, default=None)
        if best is not None:
            out.append(best)
    return _pick(out)


@dataclass(frozen=True)
class RegionKpiFacts:
    """A KPI of a region: its pooled value and the funnel classes of its practices."""

    slug: str
    value: float | None
    status: str = "ok"
    n_ranked: int = 0
    above998: int = 0
    below998: int = 0
    above95: int = 0
    below95: int = 0


def region_findings(
    facts: Iterable[RegionKpiFacts], *, lang: Lang = "nl", norm_hours: float | None = None
) -> list[Finding]:
    """Findings for a region: the region's value against the norm, and the number of practices
    outside the funnel plot's control limits (99.8% first, else 95%)."""
    out: list[Finding] = []
    for f in facts:
        d = REGISTRY.get(f.slug)
        if d is None or not findable(d):
            continue
        cands: list[Finding] = []
        norm = _norm_finding(d, KpiFacts(f.slug, f.value, f.status), lang, norm_hours=norm_hours)
        if norm is not None:
            cands.append(
                Finding(norm.slug, norm.tone, norm.strength, _regionalise(norm.text, lang))
            )
        for above, below, strength, limit_nl, limit_en in (
            (f.above998, f.below998, S_FUNNEL998, "99,8%", "99.8%"),
            (f.above95, f.below95, S_FUNNEL95, "95%", "95%"),
        ):
            if not (above or below) or f.n_ranked < 5:
                continue
            subj = _subject(d, lang)
            subj = subj[0].lower() + subj[1:]
            if lang == "nl":
                parts = []
                if above:
                    parts.append(f"{above} boven")
                if below:
                    parts.append(f"{below} onder")
                text = (
                    f"Bij {above + below} van de {f.n_ranked} praktijken ligt {subj} buiten de "
                    f"{limit_nl}-controlegrenzen van de funnelplot ({' en '.join(parts)})."
                )
            else:
                parts = []
                if above:
                    parts.append(f"{above} above")
                if below:
                    parts.append(f"{below} below")
                text = (
                    f"In {above + below} of the {f.n_ranked} practices {subj} lies outside the "
                    f"funnel plot's {limit_en} control limits ({' and '.join(parts)})."
                )
            cands.append(Finding(d.slug, "neutral", strength, text))
            break
        if cands:
            out.append(max(cands, key=lambda x: x.strength))
    return _pick(out)


def _regionalise(text: str, lang: Lang) -> str:
    if lang == "nl":
        return text.replace("De POH-uren liggen", "De POH-uren in de regio liggen", 1)
    return text.replace("The POH hours are", "The region's POH hours are", 1)
