"""Report wording and number formatting, Dutch first (English with ``lang="en"``)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
DASH = "–"

MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

T: dict[str, dict[str, str]] = {
    "nl": {
        "practice_report": "Kwartaalrapportage POH-GGZ",
        "region_report": "Regionale kwartaalrapportage POH-GGZ",
        "quarter": "Kwartaal",
        "period": "Periode",
        "region": "Regio",
        "practice": "Praktijk",
        "practices": "Praktijken",
        "agb": "AGB",
        "listed": "Ingeschreven patiënten",
        "pohs": "POH-GGZ in deze praktijk",
        "poh": "POH-GGZ",
        "hours_pw": "Contracturen per week",
        "hours_total": "Totaal",
        "no_pohs": "Geen uren of contacten van een POH-GGZ in dit kwartaal.",
        "findings": "Wat valt op",
        "findings_none": "Geen van de kerncijfers wijkt duidelijk af van de regio of de norm.",
        "findings_rule": (
            "Bevindingen worden alleen genoemd als de cijfers ze dragen: een positie buiten de "
            "controlegrenzen van de funnelplot, hoger of lager dan bij ten minste 90% van de "
            "praktijken, of een afwijking van de norm — en steeds alleen bij voldoende "
            "waarnemingen (minimale noemer). Aantallen zonder noemer (die vooral de "
            "praktijkgrootte weerspiegelen) leveren geen bevindingen op."
        ),
        "tag_worse": "Aandachtspunt",
        "tag_better": "Gunstig",
        "tag_neutral": "Ter informatie",
        "scorecard": "Scorecard",
        "scorecard_intro": (
            "Alle kerncijfers van dit kwartaal naast het vorige kwartaal en hetzelfde kwartaal "
            "vorig jaar, met de verdeling over de praktijken van de regio. Positie: percentiel "
            "in de regio (P0 = laagste, P100 = hoogste) en de plaats in de funnelplot."
        ),
        "region_scorecard_intro": (
            "De kerncijfers van de regio als geheel (tellers en noemers van alle praktijken "
            "opgeteld) en hun verdeling over de praktijken."
        ),
        "kpi": "Kerncijfer",
        "this_q": "Dit kwartaal",
        "prev_q": "Vorig kwartaal",
        "last_year": "Vorig jaar",
        "region_median": "Mediaan regio",
        "p25_p75": "P25–P75",
        "position": "Positie",
        "reference": "Norm / referentie",
        "region_value": "Regio",
        "n_practices": "n",
        "trends": "Trends over de laatste acht kwartalen",
        "trends_region": "Trends van de regio over de laatste acht kwartalen",
        "chart_contacts": "POH-contacten naar contactvorm",
        "chart_wait": "Wachttijd tot intake (dagen)",
        "chart_referrals": "Verwijzingen naar bestemming",
        "chart_hours": "Uren per week tegenover de financieringsnorm",
        "funnel": "Positie in de funnelplot",
        "funnel_intro": (
            "Elke stip is een praktijk; de lijnen zijn de 95%- en 99,8%-controlegrenzen rond "
            "de regionale waarde bij de noemer van de praktijk. Een praktijk buiten de "
            "grenzen wijkt meer af dan op grond van toeval te verwachten is."
        ),
        "funnel_practice": "Deze praktijk",
        "funnel_others": "Andere praktijken",
        "funnel_none": "Te weinig praktijken met een waarde voor een funnelplot.",
        "flows": "Verwijsstromen",
        "flows_intro": "Huisarts → POH-GGZ telt nieuwe trajecten; de andere stromen tellen "
        "verwijzingen in het kwartaal. 'Afgerond of lopend bij POH': de nieuwe trajecten min "
        "de verwijzingen via de POH.",
        "flow_from": "Van",
        "flow_to": "Naar",
        "flow_count": "Aantal",
        "via_poh": "Via de POH-GGZ",
        "direct": "Direct door de huisarts",
        "dq": "Datakwaliteit en verantwoording",
        "dq_month": "Maand",
        "dq_contacts": "POH-contacten",
        "dq_icpc": "Met ICPC-code",
        "dq_hours_weeks": "Weken met uren",
        "dq_complete": "Volledig",
        "yes": "ja",
        "no": "nee",
        "dq_imports": "Imports waarop dit rapport rust",
        "dq_file": "Bestand",
        "dq_kind": "Soort",
        "dq_loaded": "Geïmporteerd",
        "dq_covers": "Periode",
        "dq_rows": "Regels",
        "dq_rejected": "Afgekeurd",
        "dq_no_imports": "Geen importverslagen gevonden voor deze periode.",
        "dq_versions": (
            "KPI-definities: engineversie {engine}; dataversie {data}. Gegenereerd op {when}."
        ),
        "dq_complete_rule": (
            "Een maand is volledig als er POH-contacten zijn en voor elke week uren zijn "
            "geregistreerd."
        ),
        "dq_icpc_quarter": "POH-contacten met een ICPC-code in het kwartaal: {pct}.",
        "distribution": "Verdeling over de praktijken",
        "distribution_intro": (
            "Per kerncijfer de verdeling over de praktijken met voldoende waarnemingen: "
            "P10, P25, mediaan, P75 en P90."
        ),
        "outliers": "Praktijken buiten de controlegrenzen",
        "outliers_intro": (
            "Praktijken waarvan de waarde buiten de 95%- of 99,8%-grens van de funnelplot valt."
        ),
        "outliers_none": "Geen praktijk valt buiten de controlegrenzen.",
        "value": "Waarde",
        "denominator": "Noemer",
        "class": "Plaats",
        "above": "boven",
        "below": "onder",
        "within": "binnen",
        "limit95": "95%-grens",
        "limit998": "99,8%-grens",
        "not_ranked": "niet gerangschikt",
        "withheld": "afgeschermd",
        "page": "pagina",
        "of": "van",
        "norm": "norm",
        "series_practice": "Praktijk",
        "series_region": "Regio (mediaan)",
        "series_p90": "P90 praktijk",
        "series_p90_region": "P90 regio",
        "series_contract": "Contracturen",
        "series_worked": "Gewerkt (of contract)",
        "series_norm": "Norm",
        "definitions": "Definities",
        "summary": "Samenvatting",
        "trends_sheet": "Trends",
        "no_data": "geen data",
        "flows_hidden": "alle stromen verborgen (kleine aantallen)",
        "generated_by": "POH-Connect",
        "pohs_region": "POH's met uren",
        "listed_region": "Ingeschreven patiënten (totaal)",
    },
    "en": {
        "practice_report": "Quarterly report POH-GGZ",
        "region_report": "Regional quarterly report POH-GGZ",
        "quarter": "Quarter",
        "period": "Period",
        "region": "Region",
        "practice": "Practice",
        "practices": "Practices",
        "agb": "AGB",
        "listed": "Listed patients",
        "pohs": "POH-GGZ in this practice",
        "poh": "POH-GGZ",
        "hours_pw": "Contracted hours per week",
        "hours_total": "Total",
        "no_pohs": "No hours or contacts of a POH-GGZ this quarter.",
        "findings": "What stands out",
        "findings_none": "None of the key figures differs clearly from the region or the norm.",
        "findings_rule": (
            "Findings are stated only when the numbers support them: a position outside the "
            "funnel plot's control limits, higher or lower than in at least 90% of the "
            "practices, or a deviation from the norm — and only with enough observations "
            "(minimum denominator). Counts without a denominator (which mostly reflect the "
            "size of the practice) give no findings."
        ),
        "tag_worse": "Needs attention",
        "tag_better": "Favourable",
        "tag_neutral": "For information",
        "scorecard": "Scorecard",
        "scorecard_intro": (
            "Every key figure of this quarter next to the previous quarter and the same quarter "
            "last year, with the distribution over the region's practices. Position: "
            "percentile in the region (P0 = lowest, P100 = highest) and the funnel plot."
        ),
        "region_scorecard_intro": (
            "The region's key figures as a whole (numerators and denominators of all "
            "practices added up) and their distribution over the practices."
        ),
        "kpi": "Key figure",
        "this_q": "This quarter",
        "prev_q": "Previous quarter",
        "last_year": "Last year",
        "region_median": "Region median",
        "p25_p75": "P25–P75",
        "position": "Position",
        "reference": "Norm / reference",
        "region_value": "Region",
        "n_practices": "n",
        "trends": "Trends over the last eight quarters",
        "trends_region": "Regional trends over the last eight quarters",
        "chart_contacts": "POH contacts by form",
        "chart_wait": "Waiting time to intake (days)",
        "chart_referrals": "Referrals by destination",
        "chart_hours": "Hours per week against the funding norm",
        "funnel": "Position in the funnel plot",
        "funnel_intro": (
            "Each dot is a practice; the lines are the 95% and 99.8% control limits around the "
            "regional value at the practice's denominator. A practice outside the limits "
            "differs more than chance would explain."
        ),
        "funnel_practice": "This practice",
        "funnel_others": "Other practices",
        "funnel_none": "Too few practices with a value for a funnel plot.",
        "flows": "Referral flows",
        "flows_intro": "GP → POH-GGZ counts new episodes; the other flows count referrals in "
        "the quarter. 'Completed or ongoing at the POH': the new episodes minus the referrals "
        "via the POH.",
        "flow_from": "From",
        "flow_to": "To",
        "flow_count": "Count",
        "via_poh": "Via the POH-GGZ",
        "direct": "Directly by the GP",
        "dq": "Data quality and sources",
        "dq_month": "Month",
        "dq_contacts": "POH contacts",
        "dq_icpc": "With ICPC code",
        "dq_hours_weeks": "Weeks with hours",
        "dq_complete": "Complete",
        "yes": "yes",
        "no": "no",
        "dq_imports": "Imports this report rests on",
        "dq_file": "File",
        "dq_kind": "Kind",
        "dq_loaded": "Imported",
        "dq_covers": "Period",
        "dq_rows": "Rows",
        "dq_rejected": "Rejected",
        "dq_no_imports": "No import reports found for this period.",
        "dq_versions": (
            "KPI definitions: engine version {engine}; data version {data}. Generated on {when}."
        ),
        "dq_complete_rule": (
            "A month is complete when it has POH contacts and hours registered for every week."
        ),
        "dq_icpc_quarter": "POH contacts with an ICPC code in the quarter: {pct}.",
        "distribution": "Distribution over the practices",
        "distribution_intro": (
            "For each key figure the distribution over the practices with enough observations: "
            "P10, P25, median, P75 and P90."
        ),
        "outliers": "Practices outside the control limits",
        "outliers_intro": "Practices whose value lies outside the funnel plot's 95% or 99.8% "
        "limit.",
        "outliers_none": "No practice lies outside the control limits.",
        "value": "Value",
        "denominator": "Denominator",
        "class": "Position",
        "above": "above",
        "below": "below",
        "within": "within",
        "limit95": "95% limit",
        "limit998": "99.8% limit",
        "not_ranked": "not ranked",
        "withheld": "withheld",
        "page": "page",
        "of": "of",
        "norm": "norm",
        "series_practice": "Practice",
        "series_region": "Region (median)",
        "series_p90": "Practice P90",
        "series_p90_region": "Region P90",
        "series_contract": "Contracted",
        "series_worked": "Worked (or contracted)",
        "series_norm": "Norm",
        "definitions": "Definitions",
        "summary": "Summary",
        "trends_sheet": "Trends",
        "no_data": "no data",
        "flows_hidden": "all flows hidden (small numbers)",
        "generated_by": "POH-Connect",
        "pohs_region": "POHs with hours",
        "listed_region": "Listed patients (total)",
    },
}

# Scorecard sections: the registry's slugs grouped as a reader thinks of them. A slug the
# registry gains later and that is not listed here lands in the last section ("other").
SECTIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "production",
        "Productie",
        "Production",
        (
            "poh_contacts",
            "poh_ftf_contacts",
            "ftf_per_workday",
            "poh_patients",
            "poh_new_episodes",
            "poh_reach_per_1000",
            "poh_contacts_per_1000_year",
            "contacts_per_episode",
        ),
    ),
    ("access", "Toegang", "Access", ("wait_days_intake", "wait_within_14d_pct")),
    (
        "referrals",
        "Doorverwijzingen",
        "Referrals",
        ("referrals_ggz", "referrals_ggz_per_1000_year", "poh_referral_share", "bridging_patients"),
    ),
    (
        "hours",
        "Ingezette uren",
        "Hours",
        ("hours_contract_per_week", "hours_norm_per_week", "hours_vs_norm_pct", "direct_time_pct"),
    ),
    (
        "caseload",
        "Caseload",
        "Caseload",
        ("caseload_active", "caseload_stale", "long_episodes", "case_mix"),
    ),
    ("quality", "Datakwaliteit en overig", "Data quality and other", ("icpc_coverage_pct",)),
)


def t(lang: Lang, key: str, **kw: object) -> str:
    s = T[lang][key]
    return s.format(**kw) if kw else s


def fmt_num(value: float | None, decimals: int = 0, lang: Lang = "nl") -> str:
    """1234.5 → '1.234,5' (nl) or '1,234.5' (en); None → '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    s = f"{value:,.{decimals}f}"
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]
    if lang == "nl":
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
    return s


def fmt_pct(value: float | None, decimals: int = 0, lang: Lang = "nl") -> str:
    return DASH if value is None else f"{fmt_num(value, decimals, lang)}%"


def fmt_date(day: dt.date | dt.datetime | None, lang: Lang = "nl") -> str:
    if day is None:
        return DASH
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.strftime("%d-%m-%Y") if lang == "nl" else day.isoformat()


def fmt_long_date(day: dt.date, lang: Lang = "nl") -> str:
    month = MONTHS[lang][day.month - 1]
    return f"{day.day} {month} {day.year}"


def fmt_month(year: int, month: int, lang: Lang = "nl") -> str:
    return f"{MONTHS[lang][month - 1]} {year}"
