"""UI text (Dutch first, English available) and Dutch/English number and date formats.

``t(key, lang)`` looks a text up; the ``fmt_*`` helpers format numbers as ``1.234,5`` and dates
as ``dd-mm-jjjj`` in Dutch (``1,234.5`` and ``dd/mm/yyyy`` in English). Missing values are
shown as an en dash.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from dashboard.i18n_beheer import BEHEER_TEXT
from dashboard.i18n_text import APP_TEXT

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")
DEFAULT_LANG: Lang = "nl"
MISSING = "–"

# the app shell, login, downloads and the eight pages of docs/dashboard.md (i18n_text); Import
# and Datakwaliteit (beheerder; Datakwaliteit also regio, teamleider: i18n_beheer)
TEXT: dict[str, dict[Lang, str]] = {**APP_TEXT, **BEHEER_TEXT}


def normalise_lang(lang: object) -> Lang:
    """Any stored or requested value to a supported language (Dutch by default)."""
    return "en" if isinstance(lang, str) and lang.lower().startswith("en") else "nl"


def t(key: str, lang: object = DEFAULT_LANG, **values: object) -> str:
    """The text for ``key`` in ``lang``; unknown keys show the key itself (visible in review)."""
    entry = TEXT.get(key)
    if entry is None:
        return key
    text = entry[normalise_lang(lang)]
    return text.format(**values) if values else text


def fmt_number(value: float | None, decimals: int = 0, lang: object = DEFAULT_LANG) -> str:
    """``1234.5`` → ``1.234,5`` (nl) or ``1,234.5`` (en); None/NaN → ``–``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    text = f"{value:,.{max(decimals, 0)}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,0"
    if normalise_lang(lang) == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_percent(value: float | None, decimals: int = 1, lang: object = DEFAULT_LANG) -> str:
    """A value already in percent: ``83.04`` → ``83,0%``."""
    return MISSING if value is None else f"{fmt_number(value, decimals, lang)}%"


def fmt_share(value: float | None, decimals: int = 0, lang: object = DEFAULT_LANG) -> str:
    """A fraction 0–1 as a percentage: ``0.75`` → ``75%``."""
    return MISSING if value is None else fmt_percent(value * 100, decimals, lang)


def fmt_date(value: dt.date | str | None, lang: object = DEFAULT_LANG) -> str:
    """``2025-07-01`` → ``01-07-2025`` (nl, dd-mm-jjjj) or ``01/07/2025`` (en)."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    sep = "-" if normalise_lang(lang) == "nl" else "/"
    return f"{value.day:02d}{sep}{value.month:02d}{sep}{value.year:04d}"


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fmt_period(label: str | None, lang: object = DEFAULT_LANG) -> str:
    """``2025Q3`` → ``K3 2025`` (nl) / ``Q3 2025`` (en); ``2025-07`` → ``jul 2025``."""
    if not label:
        return MISSING
    if m := _QUARTER.match(label):
        return f"{'K' if normalise_lang(lang) == 'nl' else 'Q'}{m[2]} {m[1]}"
    if m := _MONTH.match(label):
        months = _MONTHS_NL if normalise_lang(lang) == "nl" else _MONTHS_EN
        return f"{months[int(m[2]) - 1]} {m[1]}"
    return label


# The API's value_display of a figure of 10 or more hidden only so that a small count elsewhere
# cannot be derived from it (api/kpi/present.py WITHHELD_DISPLAY; a contract test keeps it equal)
WITHHELD = "afgeschermd"


def hidden_display(display: str | None, lang: object = DEFAULT_LANG) -> str | None:
    """A hidden figure's text in the user's language: "<10" as it is, "afgeschermd" translated."""
    return t("value.withheld", lang) if display == WITHHELD else display


def fmt_value(
    value: float | None,
    *,
    unit: str = "",
    decimals: int = 0,
    lang: object = DEFAULT_LANG,
    display: str | None = None,
) -> str:
    """A KPI value as shown: ``<10`` or "afgeschermd" when the API suppressed it, ``%`` glued
    to percentages."""
    if display is not None and (display.startswith("<") or display == WITHHELD):
        return hidden_display(display, lang)
    if unit.strip() in {"%", "percent"}:
        return fmt_percent(value, decimals, lang)
    return fmt_number(value, decimals, lang)


def plotly_separators(lang: object = DEFAULT_LANG) -> str:
    """Plotly's ``layout.separators``: decimal mark then thousands separator."""
    return ",." if normalise_lang(lang) == "nl" else ".,"


def js_locale(lang: object = DEFAULT_LANG) -> str:
    """Locale for ``toLocaleString`` in AG Grid value formatters."""
    return "nl-NL" if normalise_lang(lang) == "nl" else "en-GB"


def kpi_title(definition: object, lang: object = DEFAULT_LANG) -> str:
    """Title of a KPI definition or scorecard item in the chosen language."""
    nl = getattr(definition, "title_nl", "")
    en = getattr(definition, "title_en", "") or nl
    return en if normalise_lang(lang) == "en" else nl


def kpi_unit(definition: object, lang: object = DEFAULT_LANG) -> str:
    """Unit of a KPI definition in the chosen language (falls back to the English unit)."""
    unit = getattr(definition, "unit", "") or ""
    unit_nl = getattr(definition, "unit_nl", "") or unit
    return unit_nl if normalise_lang(lang) == "nl" else unit


def reference_text(
    definition: object, lang: object = DEFAULT_LANG
) -> tuple[str | None, str | None]:
    """A KPI's reference/norm text and its source in the chosen language (a KPI definition or a
    scorecard item); English falls back to the Dutch text when the API has none."""
    ref = getattr(definition, "reference", None)
    source = getattr(definition, "reference_source", None)
    if normalise_lang(lang) == "en":
        ref = getattr(definition, "reference_en", None) or ref
        source = getattr(definition, "reference_source_en", None) or source
    return ref, source


def norm_bounds(definition: object) -> tuple[float, float] | None:
    """A KPI's numeric norm as the catalogue gives it (``norm_low``, ``norm_high``), or None;
    one bound alone is both ends."""
    low = getattr(definition, "norm_low", None)
    high = getattr(definition, "norm_high", None)
    if low is None and high is None:
        return None
    return (high if low is None else low), (low if high is None else high)


def fmt_norm(definition: object, lang: object = DEFAULT_LANG) -> str | None:
    """A KPI's numeric norm as text: ``8–9``, ``14`` or ``7,5`` (nl) / ``7.5`` (en); None when
    the KPI has none. As many decimals as the numbers need."""
    bounds = norm_bounds(definition)
    if bounds is None:
        return None
    low, high = (fmt_number(x, _decimals_of(x), lang) for x in bounds)
    return low if low == high else f"{low}–{high}"


def _decimals_of(value: float) -> int:
    return next((d for d in range(3) if round(value, d) == value), 3)


def api_label(item: object, lang: object = DEFAULT_LANG) -> str:
    """``label`` or ``label_en`` of a breakdown item or flow node from the API."""
    label = getattr(item, "label", "") or ""
    if normalise_lang(lang) == "en":
        return getattr(item, "label_en", None) or label
    return label


# -- links, 404, grid and chart toolbar locale, value verdicts, ranks (issue 10, wip-dash) ----
TEXT.update(
    {
        "link.agb": {
            "nl": "Onbekende praktijk in de link: er is geen praktijk met AGB {value} die u mag "
            "zien. Kies hierboven een praktijk.",
            "en": "Unknown practice in the link: there is no practice with AGB {value} that you "
            "may see. Choose a practice above.",
        },
        "link.practice": {
            "nl": "Onbekende praktijk in de link: er is geen praktijk met AGB {value} die u mag "
            "zien. Kies hierboven een praktijk.",
            "en": "Unknown practice in the link: there is no practice with AGB {value} that you "
            "may see. Choose a practice above.",
        },
        "link.provider": {
            "nl": "Onbekende POH in de link: er is geen POH met code {value} die u mag zien. "
            "Kies hierboven een POH.",
            "en": "Unknown POH in the link: there is no POH with code {value} that you may see. "
            "Choose a POH above.",
        },
        # Mijn caseload's POH picker (query parameter ``poh``)
        "link.poh": {
            "nl": "Onbekende POH in de link: er is geen POH met code {value} die u mag zien. "
            "Kies hierboven een POH.",
            "en": "Unknown POH in the link: there is no POH with code {value} that you may see. "
            "Choose a POH above.",
        },
        "link.region": {
            "nl": "Onbekende regio in de link: „{value}” bestaat niet of is voor u niet "
            "zichtbaar. Kies hierboven een regio.",
            "en": "Unknown region in the link: “{value}” does not exist or is not visible to "
            "you. Choose a region above.",
        },
        "link.team": {
            "nl": "Onbekend team in de link: „{value}” bestaat niet of is voor u niet "
            "zichtbaar. Kies hierboven een team.",
            "en": "Unknown team in the link: “{value}” does not exist or is not visible to you. "
            "Choose a team above.",
        },
        "link.kpi": {
            "nl": "Onbekende indicator in de link: „{value}”. Kies hierboven een indicator.",
            "en": "Unknown indicator in the link: “{value}”. Choose an indicator above.",
        },
        "link.period": {
            "nl": "Geen gegevens voor de periode in de link ({value}): die ligt buiten de "
            "ingelezen gegevens of is geen geldige periode. Kies hierboven een periode.",
            "en": "No data for the period in the link ({value}): it lies outside the imported "
            "data or is not a valid period. Choose a period above.",
        },
        "link.level": {
            "nl": "Onbekend of niet beschikbaar niveau in de link: „{value}”. Kies hierboven "
            "een niveau.",
            "en": "Unknown or unavailable level in the link: “{value}”. Choose a level above.",
        },
        "link.other": {
            "nl": "Onbekende waarde in de link: {param} = „{value}”. Kies hierboven een andere.",
            "en": "Unknown value in the link: {param} = “{value}”. Choose another above.",
        },
        "notfound.title": {"nl": "Pagina niet gevonden", "en": "Page not found"},
        "notfound.text": {
            "nl": "Deze pagina bestaat niet (404). Controleer de link of kies een pagina in "
            "het menu.",
            "en": "This page does not exist (404). Check the link or choose a page in the menu.",
        },
        "notfound.home": {"nl": "Naar het regio-overzicht", "en": "To the region overview"},
        # the verdict on a value: one class and wording on every page (components.verdict)
        "verdict.good": {"nl": "gunstig", "en": "favourable"},
        "verdict.bad": {"nl": "ongunstig", "en": "unfavourable"},
        "verdict.middle": {"nl": "middengroep", "en": "middle group"},
        "verdict.neutral": {"nl": "geen oordeel", "en": "no judgement"},
        "basis.norm_within": {"nl": "binnen de norm {norm}", "en": "within the {norm} norm"},
        "basis.norm_above": {"nl": "boven de norm {norm}", "en": "above the {norm} norm"},
        "basis.norm_met": {"nl": "haalt de norm {norm}", "en": "meets the {norm} norm"},
        "basis.norm_below": {"nl": "onder de norm {norm}", "en": "below the {norm} norm"},
        "basis.funnel_above": {
            "nl": "boven de 99,8%-grens (trechter)",
            "en": "above the 99.8% limit (funnel)",
        },
        "basis.funnel_below": {
            "nl": "onder de 99,8%-grens (trechter)",
            "en": "below the 99.8% limit (funnel)",
        },
        "basis.funnel_within": {
            "nl": "binnen de 99,8%-grenzen (trechter)",
            "en": "within the 99.8% limits (funnel)",
        },
        "basis.percentile": {
            "nl": "percentiel {pct} in de regio, {direction}",
            "en": "percentile {pct} in the region, {direction}",
        },
        "basis.not_ranked": {"nl": "niet gerangschikt", "en": "not ranked"},
        "col.rank_best": {"nl": "Rang (1 = beste)", "en": "Rank (1 = best)"},
        "col.percentile_dir": {
            "nl": "Percentiel (0% = laagste)",
            "en": "Percentile (0% = lowest)",
        },
        "col.verdict": {"nl": "Oordeel", "en": "Judgement"},
        "funnel.x": {"nl": "Noemer: {what}", "en": "Denominator: {what}"},
        "denominator.worked_days": {
            "nl": "gewerkte dagen van 8 uur",
            "en": "worked 8-hour days",
        },
        "denominator.listed": {"nl": "ingeschreven patiënten", "en": "listed patients"},
        "denominator.listed_years": {
            "nl": "patiëntjaren (ingeschrevenen × jaar)",
            "en": "patient years (listed × years)",
        },
        "denominator.waits": {"nl": "intakes met wachttijd", "en": "intakes with a wait"},
        "denominator.new_episodes": {"nl": "nieuwe trajecten", "en": "new episodes"},
        "denominator.poh_contacts": {"nl": "POH-contacten", "en": "POH contacts"},
        "denominator.other": {
            "nl": "aantal waarop de waarde rust",
            "en": "number the value rests on",
        },
    }
)

# The denominator of each funnel KPI (the API's catalogue does not name it yet).
FUNNEL_DENOMINATOR: dict[str, str] = {
    "ftf_per_workday": "worked_days",
    "poh_reach_per_1000": "listed",
    "poh_contacts_per_1000_year": "listed_years",
    "referrals_ggz_per_1000_year": "listed_years",
    "wait_within_14d_pct": "waits",
    "poh_referral_share": "new_episodes",
    "icpc_coverage_pct": "poh_contacts",
}


def link_message(key: str, value: str, lang: object = DEFAULT_LANG) -> str:
    """What a page says about a value in its link that is not an option (``key``: the query
    parameter, or the level of a POH/Verwijzingen selection)."""
    shown = value if len(value) <= 60 else value[:57] + "…"
    if f"link.{key}" in TEXT:
        return t(f"link.{key}", lang, value=shown)
    # not ``key=``: that is t()'s own first parameter
    return t("link.other", lang, param=key, value=shown)


def funnel_axis_title(slug: str, lang: object = DEFAULT_LANG) -> str:
    """The funnel plot's x-axis: "Noemer: gewerkte dagen van 8 uur"."""
    what = t(f"denominator.{FUNNEL_DENOMINATOR.get(slug, 'other')}", lang)
    return t("funnel.x", lang, what=what)
