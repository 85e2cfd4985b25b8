"""Numeric norms come from the API's catalogue (norm_low/norm_high), and the page skeleton
(dashboard/page.py) starts every page's pickers as the pages did on their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import fmt_norm, norm_bounds
from dashboard.lookups import level_options
from dashboard.page import Start
from dashboard.pages import poh, region, waiting
from dashboard.schemas import (
    LEVELS,
    Benchmark,
    BenchmarkPracticeRow,
    KpiDefinition,
    KpiPoint,
    KpiSeries,
    KpiValue,
    Period,
)

Q2 = Period(label="2025Q2", start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30))


def _definition(slug: str, low: float | None, high: float | None) -> KpiDefinition:
    return KpiDefinition(slug=slug, title_nl=slug, title_en=slug, norm_low=low, norm_high=high)


def _bench(slug: str, values: list[float]) -> Benchmark:
    rows = [
        BenchmarkPracticeRow(agb=f"0199000{i}", name=f"P{i}", value=v, ranked=True)
        for i, v in enumerate(values)
    ]
    return Benchmark(slug=slug, title_nl=slug, unit="x", region="r", period=Q2, practices=rows)


def _text(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(x) for x in component)
    children = getattr(component, "children", None)
    return "" if children is None else _text(children)


def test_norm_text_in_dutch_and_english_number_format() -> None:
    assert fmt_norm(_definition("a", 8.0, 9.0), "nl") == "8–9"
    assert fmt_norm(_definition("a", 14.0, 14.0), "en") == "14"
    assert fmt_norm(_definition("a", 7.5, 8.25), "nl") == "7,5–8,25"
    assert fmt_norm(_definition("a", 7.5, 8.25), "en") == "7.5–8.25"
    assert fmt_norm(_definition("a", 1500.0, 1500.0), "nl") == "1.500"
    assert fmt_norm(_definition("a", None, None), "nl") is None
    assert norm_bounds(_definition("a", None, 3.0)) == (3.0, 3.0)
    assert norm_bounds(None) is None


def test_the_catalogue_of_the_real_api_carries_the_norms_the_pages_draw(api_client) -> None:  # type: ignore[no-untyped-def]
    from dashboard.client import ApiClient

    catalogue = {k.slug: k for k in ApiClient(http=api_client).kpis()}
    with_norm = {slug: norm_bounds(k) for slug, k in catalogue.items() if norm_bounds(k)}
    assert with_norm == {
        "ftf_per_workday": (8.0, 9.0),
        "wait_days_intake": (14.0, 14.0),
        "hours_vs_norm_pct": (100.0, 100.0),
    }
    ftf, wait = catalogue["ftf_per_workday"], catalogue["wait_days_intake"]
    # the texts the pages showed before, now formed from the catalogue's numbers
    assert fmt_norm(ftf, "nl") == "8–9"
    fig = poh.ftf_figure(_series([7.0, 9.5]), "nl", ftf)
    assert "Norm 8–9 per dag" in {tr.name for tr in fig.data}
    assert [(s.y0, s.y1) for s in fig.layout.shapes] == [(8.0, 9.0)]
    fig = waiting.median_figure(_bench("wait_days_intake", [7, 21]), "en", wait)
    assert "Trimbos norm: 14 days" in {tr.name for tr in fig.data}
    assert [s.x0 for s in fig.layout.shapes] == [14.0]
    fig = region.bar_figure(_bench("hours_vs_norm_pct", [80, 120]), "nl", 0, "%", None)
    assert list(fig.layout.shapes) == []  # no definition given: no norm drawn
    fig = region.bar_figure(
        _bench("hours_vs_norm_pct", [80, 120]), "nl", 0, "%", catalogue["hours_vs_norm_pct"]
    )
    assert [s.y0 for s in fig.layout.shapes if s.type == "line"] == [100.0]


def _series(values: list[float]) -> KpiSeries:
    return KpiSeries(
        slug="ftf_per_workday",
        level="practice",
        id="01990001",
        grain="quarter",
        start=Q2.start,
        end=Q2.end,
        points=[KpiPoint(period=Q2, value=v) for v in values],
    )


def test_another_norm_in_the_catalogue_moves_band_colours_and_texts() -> None:
    """Nothing of the norm is written in the dashboard: a catalogue saying 7,5–8,5 is drawn."""
    ftf = _definition("ftf_per_workday", 7.5, 8.5)
    fig = region.bar_figure(_bench("ftf_per_workday", [7.0, 9.0]), "nl", 1, "x", ftf)
    assert [(s.y0, s.y1) for s in fig.layout.shapes if s.type == "rect"] == [(7.5, 8.5)]
    fig = poh.ftf_figure(_series([8.0, 8.8]), "nl", ftf)
    assert "Norm 7,5–8,5 per dag" in {tr.name for tr in fig.data}
    assert fig.layout.yaxis.range[1] == pytest.approx(8.8 * 1.2)
    card = poh.kpi_card(KpiValue.model_construct(value=8.7, extra={}, benchmark=None), ftf, "en")
    assert "Norm 7.5–8.5" in _text(card)
    assert card.children.children.children[1].style == {"color": c.BAD}  # above 8,5
    wait = _definition("wait_days_intake", 10.0, 10.0)
    fig = waiting.median_figure(_bench("wait_days_intake", [7, 12]), "nl", wait)
    assert list(next(tr for tr in fig.data if tr.type == "bar").marker.color) == [c.GOOD, c.BAD]
    assert "Trimbos-norm: 10 dagen" in {tr.name for tr in fig.data}


def test_level_options_from_one_vocabulary() -> None:
    assert LEVELS == ("provider", "practice", "team", "region")
    assert level_options("nl", available={"provider": True, "team": False}) == [
        {"label": "POH", "value": "provider", "disabled": False},
        {"label": "Praktijk", "value": "practice"},
        {"label": "Team", "value": "team", "disabled": True},
        {"label": "Regio", "value": "region"},
    ]
    assert level_options("en", ("practice", "region")) == [
        {"label": "Practice", "value": "practice"},
        {"label": "Region", "value": "region"},
    ]


def test_a_picker_starts_from_the_url_then_the_earlier_choice_then_the_default() -> None:
    options = [{"label": x, "value": x} for x in ("a", "b", "c")]
    nl = "nl"
    assert Start({"lang": nl, "kpi": "b"}, {"kpi": "c"}, nl).choose("kpi", options) == "b"
    assert Start({"lang": nl}, {"kpi": "c"}, nl).choose("kpi", options) == "c"
    assert Start({"lang": nl}, {}, nl).choose("kpi", options, default="b") == "b"
    assert Start({"lang": nl}, {}, nl).choose("kpi", options) == "a"
    # the URL's wins over an earlier choice written in another language (a rebuild for a
    # language switch gets the URL as the pickers last wrote it: app.live_query)
    switched = Start({"lang": "en", "kpi": "b"}, {"lang": "nl", "kpi": "c"}, "en")
    assert switched.choose("kpi", options) == "b"
    remembered = Start({"lang": nl}, {"poh_level": "c"}, nl)
    assert remembered.choose("level", options, remembered="poh_level") == "c"


@pytest.mark.parametrize(
    ("page", "query", "init"),
    [
        (region.PAGE, {"kpi": "x", "other": "y"}, {"region": None, "kpi": "x", "period": None}),
        (poh.PAGE, {"level": "team", "id": "t1"}, {"level": "team", "id": "t1", "period": None}),
        (waiting.PAGE, {"period": "2025Q1"}, {"region": None, "period": "2025Q1"}),
    ],
)
def test_the_layout_keeps_the_urls_query_for_the_pickers(page, query, init) -> None:  # type: ignore[no-untyped-def]
    layout = page.layout(lang="en", **query)
    store = next(x for x in layout.children if getattr(x, "id", None) == page.init)
    assert store.id == page.init and store.data == {"lang": "en", **init}
    assert layout.children[2].id == page.message
    dropdowns = [col.children[1] for col in layout.children[1].children.children.children]
    assert [d.id for d in dropdowns] == [p.id for p in page.pickers]
    assert ids.SELECTION_STORE not in [d.id for d in dropdowns]


def test_a_page_rebuilt_for_a_language_switch_starts_from_the_url_as_it_is_now() -> None:
    """Dash Pages hands the layout the URL the page was opened with; the pickers have written
    every choice since into the URL and the live-URL store, which the rebuild reads."""
    from dashboard.app import live_query

    live = {"path": "/dashboard/praktijk", "search": "?agb=01000002&period=2025Q2"}
    assert live_query("/dashboard/praktijk", live) == {"agb": "01000002", "period": "2025Q2"}
    # another page's URL (the store was written before navigating): not this page's query
    assert live_query("/dashboard/poh", live) is None
    assert live_query("/dashboard/praktijk", None) is None
    assert live_query("/dashboard/praktijk", {"path": "/dashboard/praktijk"}) is None
    # the home page
    home = {"path": "/dashboard/", "search": "?kpi=wait_days_intake"}
    assert live_query("/dashboard/", home) == {"kpi": "wait_days_intake"}
