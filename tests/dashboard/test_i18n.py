from __future__ import annotations

import datetime as dt

import pytest

from dashboard.i18n import (
    TEXT,
    fmt_date,
    fmt_number,
    fmt_percent,
    fmt_period,
    fmt_share,
    fmt_value,
    normalise_lang,
    plotly_separators,
    t,
)
from dashboard.periods import quarter_end, quarter_of, quarters_back, shift_quarter


@pytest.mark.parametrize(
    ("value", "decimals", "nl", "en"),
    [
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567, 0, "1.234.567", "1,234,567"),
        (0.5, 2, "0,50", "0.50"),
        (-1234.25, 1, "-1.234,2", "-1,234.2"),
        (-0.01, 1, "0,0", "0.0"),
        (999.95, 1, "1.000,0", "1,000.0"),
        (None, 1, "–", "–"),
        (float("nan"), 1, "–", "–"),
    ],
)
def test_fmt_number(value: float | None, decimals: int, nl: str, en: str) -> None:
    assert fmt_number(value, decimals, "nl") == nl
    assert fmt_number(value, decimals, "en") == en


def test_percentages_and_shares() -> None:
    assert fmt_percent(83.04, 1, "nl") == "83,0%"
    assert fmt_percent(83.04, 1, "en") == "83.0%"
    assert fmt_share(0.625, 0, "nl") == "62%" or fmt_share(0.625, 0, "nl") == "63%"
    assert fmt_share(0.75, 1, "nl") == "75,0%"
    assert fmt_percent(None) == "–"


def test_fmt_date_dd_mm_jjjj() -> None:
    assert fmt_date(dt.date(2025, 7, 1), "nl") == "01-07-2025"
    assert fmt_date("2025-12-31", "nl") == "31-12-2025"
    assert fmt_date(dt.date(2025, 7, 1), "en") == "01/07/2025"
    assert fmt_date(None) == "–"


def test_fmt_period() -> None:
    assert fmt_period("2025Q3", "nl") == "K3 2025"
    assert fmt_period("2025Q3", "en") == "Q3 2025"
    assert fmt_period("2025-03", "nl") == "mrt 2025"
    assert fmt_period("2025-03", "en") == "Mar 2025"
    assert fmt_period("2025", "nl") == "2025"


def test_fmt_value_respects_suppression_and_percent_units() -> None:
    assert fmt_value(7, unit="count", display="<10", lang="nl") == "<10"
    assert fmt_value(61.25, unit="%", decimals=1, lang="nl") == "61,2%"
    assert fmt_value(1500.0, unit="per 1,000", decimals=0, lang="nl") == "1.500"


def test_texts_complete_in_both_languages() -> None:
    for key, entry in TEXT.items():
        assert set(entry) == {"nl", "en"}, key
        assert entry["nl"].strip() and entry["en"].strip(), key
    assert t("nav.region") == "Regio-overzicht"
    assert t("nav.region", "en") == "Region overview"
    assert t("footer.source", "nl", url="http://x").endswith("(http://x).")
    assert t("no.such.key") == "no.such.key"


def test_language_normalisation_and_plotly_separators() -> None:
    assert normalise_lang(None) == "nl"
    assert normalise_lang("EN-gb") == "en"
    assert normalise_lang("fr") == "nl"
    assert plotly_separators("nl") == ",."
    assert plotly_separators("en") == ".,"


def test_quarter_arithmetic() -> None:
    assert quarter_of(dt.date(2025, 8, 14)) == "2025Q3"
    assert shift_quarter("2025Q1", -1) == "2024Q4"
    assert shift_quarter("2024Q4", 5) == "2026Q1"
    assert quarter_end("2025Q1") == dt.date(2025, 3, 31)
    assert quarter_end("2025Q4") == dt.date(2025, 12, 31)
    assert quarters_back("2025Q2", 3) == ["2024Q4", "2025Q1", "2025Q2"]


def test_picker_start_values_deep_link_versus_language_switch() -> None:
    from dashboard.lookups import pick, wanted

    init = {"lang": "nl", "agb": "A"}
    # the URL wins: a link, and a page rebuilt for a language switch (whose init is then the
    # URL as the pickers last wrote it, app.live_query), even when the earlier choices were
    # written in another language or not yet updated
    assert wanted(init, {"lang": "nl", "agb": "B"}, "agb") == "A"
    assert wanted({"lang": "en", "agb": "A"}, {"lang": "nl", "agb": "B"}, "agb") == "A"
    # nothing in the URL: the remembered choice
    assert wanted({"lang": "nl"}, {"lang": "nl", "agb": "B"}, "agb") == "B"
    assert wanted({"lang": "nl"}, {}, "agb") is None
    options = [{"label": "a", "value": "A"}, {"label": "b", "value": "B"}]
    assert pick("X", options, "B") == "B"
    assert pick(None, options) == "A"
    assert pick("A", []) is None


def test_every_picker_of_every_page_has_its_unknown_value_said() -> None:
    """The message for a value in a link that is not an option: every page's query parameter
    has its own wording, and any other parameter the general one (it once raised a TypeError:
    its placeholder was named like t()'s own parameter)."""
    from dashboard.app import PAGES
    from dashboard.i18n import TEXT, link_message

    params = {picker.query for page in PAGES for picker in page.pickers}
    # the selection of POH/Verwijzingen (``id``) is worded by its level; Datakwaliteit's
    # months and status have the general wording
    assert {p for p in params if f"link.{p}" not in TEXT} == {"id", "months", "status"}
    for param in params:
        for lang in ("nl", "en"):
            assert "{" not in link_message(param, "x", lang)
    assert link_message("poh", "POHD001") == (
        "Onbekende POH in de link: er is geen POH met code POHD001 die u mag zien. "
        "Kies hierboven een POH."
    )
    assert link_message("iets", "x", "en") == (
        "Unknown value in the link: iets = “x”. Choose another above."
    )


def test_a_withheld_figure_reads_afgeschermd_in_the_users_language() -> None:
    """A figure of 10 or more hidden as a complement is not called "<10" (api/kpi/present.py);
    the dashboard knows the API's marker and translates it."""
    from api.kpi.present import WITHHELD_DISPLAY
    from dashboard.i18n import WITHHELD, fmt_value, hidden_display

    assert WITHHELD == WITHHELD_DISPLAY
    assert fmt_value(None, unit="count", display=WITHHELD, lang="nl") == "afgeschermd"
    assert fmt_value(None, unit="count", display=WITHHELD, lang="en") == "withheld"
    assert hidden_display("<10", "en") == "<10"
