"""The grid's and the charts' own texts in Dutch: AG Grid's ``localeText`` and Plotly's mode bar
and date locale. Written here (no CDN; the installed plotly and dash ship no locale bundles)."""

from __future__ import annotations

from dashboard.i18n import DEFAULT_LANG, TEXT, normalise_lang

_MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# AG Grid's texts (pager, filter menus, column menu); the grid's own English otherwise.
GRID_LOCALE_NL: dict[str, str] = {
    "page": "Pagina",
    "of": "van",
    "to": "tot",
    "more": "meer",
    "firstPage": "Eerste pagina",
    "previousPage": "Vorige pagina",
    "nextPage": "Volgende pagina",
    "lastPage": "Laatste pagina",
    "pageSizeSelectorLabel": "Rijen per pagina:",
    "ariaPageSizeSelectorLabel": "Rijen per pagina",
    "loadingOoo": "Laden …",
    "loadingError": "FOUT",
    "noRowsToShow": "Geen gegevens voor deze periode",
    "noMatches": "Geen overeenkomsten",
    "enabled": "Aan",
    "selectAll": "(Alles selecteren)",
    "searchOoo": "Zoeken …",
    "blanks": "(Leeg)",
    "filterOoo": "Filteren …",
    "applyFilter": "Toepassen",
    "clearFilter": "Wissen",
    "resetFilter": "Herstellen",
    "cancelFilter": "Annuleren",
    "equals": "Gelijk aan",
    "notEqual": "Niet gelijk aan",
    "blank": "Leeg",
    "notBlank": "Niet leeg",
    "empty": "Kies een …",
    "lessThan": "Kleiner dan",
    "greaterThan": "Groter dan",
    "lessThanOrEqual": "Kleiner dan of gelijk aan",
    "greaterThanOrEqual": "Groter dan of gelijk aan",
    "inRange": "Tussen",
    "inRangeStart": "Van",
    "inRangeEnd": "Tot",
    "contains": "Bevat",
    "notContains": "Bevat niet",
    "startsWith": "Begint met",
    "endsWith": "Eindigt op",
    "dateFormatOoo": "dd-mm-jjjj",
    "before": "Voor",
    "after": "Na",
    "andCondition": "EN",
    "orCondition": "OF",
    "filterSummaryListInactive": "is (Alle)",
    "columns": "Kolommen",
    "filters": "Filters",
    "pinColumn": "Kolom vastzetten",
    "pinLeft": "Links vastzetten",
    "pinRight": "Rechts vastzetten",
    "noPin": "Niet vastzetten",
    "autosizeThisColumn": "Deze kolom passend maken",
    "autosizeAllColumns": "Alle kolommen passend maken",
    "resetColumns": "Kolommen herstellen",
    "sortAscending": "Oplopend sorteren",
    "sortDescending": "Aflopend sorteren",
    "sortUnSort": "Sortering wissen",
    "columnFilter": "Kolomfilter",
    "columnChooser": "Kolommen kiezen",
    "chooseColumns": "Kolommen kiezen",
    "copy": "Kopiëren",
    "ctrlC": "Ctrl+C",
    "ariaFilterInput": "Filterinvoer",
    "ariaFilterValue": "Filterwaarde",
    "ariaFilterFromValue": "Filter vanaf waarde",
    "ariaFilterToValue": "Filter tot waarde",
    "ariaFilteringOperator": "Filteroperator",
    "ariaFilterColumn": "Druk Ctrl+Enter om het filter te openen",
    "ariaFilterMenuOpen": "Filtermenu openen",
    "ariaColumnFiltered": "Kolom gefilterd",
    "ariaSortableColumn": "Druk Enter om te sorteren",
    "ariaMenuColumn": "Druk Alt+pijl-omlaag voor het kolommenu",
    "ariaSearch": "Zoeken",
    "ariaRowPageSize": "Rijen per pagina",
    "ariaHidden": "verborgen",
    "ariaVisible": "zichtbaar",
    "ariaChecked": "aangevinkt",
    "ariaUnchecked": "niet aangevinkt",
    "ariaToggleVisibility": "Druk Spatie om de zichtbaarheid te wisselen",
    "thousandSeparator": ".",
    "decimalSeparator": ",",
}


def grid_locale(lang: object = DEFAULT_LANG) -> dict[str, str]:
    """``localeText`` of every AG Grid: Dutch (written here, no CDN) or the grid's English;
    the empty-table text in both."""
    if normalise_lang(lang) == "nl":
        return dict(GRID_LOCALE_NL)
    return {"noRowsToShow": TEXT["empty.period"]["en"]}


# Plotly's mode bar and date texts in Dutch, given to each graph as ``config.locales`` (the
# installed plotly and dash ship no locale bundles; these strings are written here).
PLOTLY_LOCALE_NL: dict[str, object] = {
    "dictionary": {
        "Autoscale": "Automatisch schalen",
        "Box Select": "Rechthoek selecteren",
        "Click to enter Colorscale title": "Klik om de titel van de kleurenschaal in te voeren",
        "Click to enter Component A title": "Klik om de titel van component A in te voeren",
        "Click to enter Component B title": "Klik om de titel van component B in te voeren",
        "Click to enter Component C title": "Klik om de titel van component C in te voeren",
        "Click to enter Plot title": "Klik om de titel van de grafiek in te voeren",
        "Click to enter X axis title": "Klik om de titel van de x-as in te voeren",
        "Click to enter Y axis title": "Klik om de titel van de y-as in te voeren",
        "Click to enter radial axis title": "Klik om de titel van de radiale as in te voeren",
        "Compare data on hover": "Gegevens vergelijken bij aanwijzen",
        "Double-click on legend to isolate one trace": (
            "Dubbelklik op de legenda om één reeks te tonen"
        ),
        "Double-click to zoom back out": "Dubbelklik om terug uit te zoomen",
        "Download plot": "Grafiek downloaden",
        "Download plot as a png": "Grafiek downloaden als PNG",
        "Download plot as a PNG": "Grafiek downloaden als PNG",
        "Edit in Chart Studio": "Bewerken in Chart Studio",
        "IE only supports svg.  Changing format to svg.": (
            "IE ondersteunt alleen SVG. Formaat wordt SVG."
        ),
        "Lasso Select": "Lasso-selectie",
        "Orbital rotation": "Baanrotatie",
        "Pan": "Verschuiven",
        "Produced with Plotly.js": "Gemaakt met Plotly.js",
        "Reset": "Herstellen",
        "Reset axes": "Assen herstellen",
        "Reset camera to default": "Camera herstellen",
        "Reset camera to last save": "Camera naar laatst bewaarde stand",
        "Reset view": "Weergave herstellen",
        "Reset views": "Weergaven herstellen",
        "Show closest data on hover": "Dichtstbijzijnde gegevens tonen bij aanwijzen",
        "Snapshot succeeded": "Afbeelding gemaakt",
        "Sorry, there was a problem downloading your snapshot!": (
            "Er ging iets mis bij het downloaden van de afbeelding."
        ),
        "Taking snapshot - this may take a few seconds": (
            "Afbeelding wordt gemaakt; dit kan enkele seconden duren"
        ),
        "Toggle Spike Lines": "Hulplijnen aan/uit",
        "Toggle show closest data on hover": "Dichtstbijzijnde gegevens tonen aan/uit",
        "Turntable rotation": "Draaischijfrotatie",
        "Zoom": "Zoomen",
        "Zoom in": "Inzoomen",
        "Zoom out": "Uitzoomen",
        "close:": "slot:",
        "high:": "hoog:",
        "incoming flow count:": "inkomende stromen:",
        "kde:": "kde:",
        "lat:": "breedte:",
        "lon:": "lengte:",
        "low:": "laag:",
        "lower fence:": "onderste grens:",
        "max:": "max.:",
        "mean ± σ:": "gemiddelde ± σ:",
        "mean:": "gemiddelde:",
        "median:": "mediaan:",
        "min:": "min.:",
        "new text": "nieuwe tekst",
        "open:": "open:",
        "outgoing flow count:": "uitgaande stromen:",
        "q1:": "q1:",
        "q3:": "q3:",
        "source:": "bron:",
        "target:": "doel:",
        "trace": "reeks",
        "upper fence:": "bovenste grens:",
    },
    "format": {
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": [
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
        ],
        "shortMonths": _MONTHS_NL,
        "date": "%d-%m-%Y",
        "decimal": ",",
        "thousands": ".",
    },
}


def plotly_locale(lang: object = DEFAULT_LANG) -> dict[str, object]:
    """The ``locale`` and ``locales`` keys of a graph's config for ``lang``."""
    if normalise_lang(lang) == "nl":
        return {"locale": "nl", "locales": {"nl": PLOTLY_LOCALE_NL}}
    return {"locale": "en"}
