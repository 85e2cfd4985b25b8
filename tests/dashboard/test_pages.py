"""Page builders on hand-made API answers: numbers, empty states, colours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dashboard import components as c
from dashboard.pages import hours, practice, practice_profile, referrals, region, waiting
from dashboard.schemas import (
    Benchmark,
    BenchmarkPracticeRow,
    BreakdownItem,
    Distribution,
    KpiDefinition,
    KpiPoint,
    KpiSeries,
    Period,
    ReferralFlows,
    Scorecard,
    ScorecardItem,
)

Q3 = Period(label="2025Q3", start=dt.date(2025, 7, 1), end=dt.date(2025, 9, 30))


def _text(component: Any) -> str:
    """All text in a component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else _text(children)


def _annotations(fig: Any) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def _series(values: list[float | None], breakdown: bool = False) -> KpiSeries:
    points = []
    for i, v in enumerate(values):
        label = f"2025Q{i + 1}"
        items = (
            [
                BreakdownItem(dimension="contactvorm", key="consult", label="Consult", value=v),
                BreakdownItem(dimension="contactvorm", key="video", label="Video", value=0),
            ]
            if breakdown and v is not None
            else []
        )
        points.append(
            KpiPoint(
                period=Period(label=label, start=dt.date(2025, 3 * i + 1, 1), end=Q3.end),
                value=v,
                breakdown=items,
            )
        )
    return KpiSeries(
        slug="poh_contacts",
        level="practice",
        id="01990001",
        grain="quarter",
        start=dt.date(2025, 1, 1),
        end=Q3.end,
        points=points,
    )


def test_contacts_figure_totals_and_dutch_labels() -> None:
    fig = practice.contacts_figure(_series([1200, 1345, 980], breakdown=True), "nl")
    totals = next(tr for tr in fig.data if tr.meta == "totals")
    assert list(totals.y) == [1200, 1345, 980]
    assert list(totals.text) == ["1.200", "1.345", "980"]
    assert list(totals.x) == ["K1 2025", "K2 2025", "K3 2025"]
    bars = [tr.name for tr in fig.data if tr.type == "bar"]
    assert bars == ["Consult"]  # a contactvorm without contacts stays out of the legend
    assert fig.layout.separators == ",."


def test_contacts_figure_empty_state() -> None:
    for series in (_series([]), _series([0, 0, None])):
        fig = practice.contacts_figure(series, "nl")
        assert _annotations(fig) == ["Geen gegevens voor deze periode"]
    assert _annotations(practice.contacts_figure(_series([]), "en")) == ["No data for this period"]


def _bench(values: list[float | None], **kwargs: Any) -> Benchmark:
    rows = [
        BenchmarkPracticeRow(
            agb=f"0199000{i}",
            name=f"Praktijk {i}",
            value=v,
            denominator=100 + 10 * i,
            ranked=v is not None,
            percent_rank=None if v is None else i / max(len(values) - 1, 1),
        )
        for i, v in enumerate(values)
    ]
    return Benchmark(
        slug=kwargs.pop("slug", "poh_contacts"),
        title_nl="POH-GGZ-contacten",
        unit="contacts",
        polarity=kwargs.pop("polarity", "neutral"),
        region="r",
        region_name="Regio R",
        period=Q3,
        practices=rows,
        **kwargs,
    )


def test_region_bar_sorted_with_band_and_median() -> None:
    bench = _bench(
        [30, 10, 20, None],
        distribution=Distribution(n=3, p10=None, p25=15, median=20, p75=25, p90=None, mean=20),
    )
    fig = region.bar_figure(bench, "nl", 0, "contacten")
    bars = next(tr for tr in fig.data if tr.type == "bar")
    assert list(bars.y) == [10, 20, 30]  # practice without a value left out
    assert {tr.name for tr in fig.data} >= {"Mediaan", "P25–P75 regio"}
    assert [s.y0 for s in fig.layout.shapes if s.type == "rect"] == [15]
    assert _annotations(region.bar_figure(_bench([None]), "nl", 0, "x")) == [
        "Geen gegevens voor deze periode"
    ]


def _definition(slug: str, low: float | None, high: float | None) -> KpiDefinition:
    """A catalogue entry with the numeric norm the API gives for ``slug``."""
    return KpiDefinition(slug=slug, title_nl=slug, title_en=slug, norm_low=low, norm_high=high)


FTF = _definition("ftf_per_workday", 8.0, 9.0)
WAIT = _definition("wait_days_intake", 14.0, 14.0)


def test_region_norm_band_for_ftf_per_workday() -> None:
    fig = region.bar_figure(_bench([7.5, 9.5], slug="ftf_per_workday"), "nl", 1, "x", FTF)
    rects = [(s.y0, s.y1) for s in fig.layout.shapes if s.type == "rect"]
    assert (8.0, 9.0) in rects


def test_region_grid_links_and_formatting() -> None:
    rows, cols = region.grid(_bench([12.5, None]), "nl", 1, "contacten")
    assert rows[0]["link"] == "[Praktijk 0](/dashboard/praktijk?agb=01990000&period=2025Q3)"
    assert rows[-1]["value"] is None
    value_col = next(col for col in cols if col["field"] == "value")
    assert "nl-NL" in value_col["valueFormatter"]["function"]
    assert value_col["headerName"] == "Waarde (contacten)"


def test_verdict_follows_polarity_norm_funnel_and_percentile() -> None:
    def colour(pr: float | None, polarity: str, **kw: Any) -> str:
        return c.verdict(1.0, polarity, "nl", percent_rank=pr, **kw).colour

    assert colour(0.9, "higher_better") == c.GOOD
    assert colour(0.9, "lower_better") == c.BAD
    assert colour(0.1, "lower_better") == c.GOOD
    assert colour(0.5, "higher_better") == c.MIDDLE
    assert colour(0.9, "neutral") == c.NEUTRAL
    assert colour(None, "higher_better") == c.NEUTRAL
    # the funnel class goes before the percentile, the norm before both
    assert colour(0.9, "higher_better", funnel_class="below") == c.BAD
    assert colour(0.1, "lower_better", funnel_class="within") == c.MIDDLE
    wait = KpiDefinition(
        slug="wait_days_intake", title_nl="w", title_en="w", norm_low=14, norm_high=14
    )
    judged = c.verdict(21.0, "lower_better", "nl", definition=wait, percent_rank=0.0)
    assert (judged.cls, judged.text) == ("bad", "ongunstig (boven de norm 14)")
    judged = c.verdict(7.0, "lower_better", "en", definition=wait)
    assert (judged.cls, judged.text) == ("good", "favourable (within the 14 norm)")
    pct = c.verdict(0.4, "higher_better", "nl", percent_rank=0.4)
    assert pct.text == "middengroep (percentiel 40 in de regio, hoger is beter)"


def test_ranks_are_stated_with_one_as_best() -> None:
    values = {"a": 3.0, "b": 9.0, "c": 5.0, "d": 9.0}
    assert c.best_ranks(values, "higher_better") == {"a": 4, "b": 1, "c": 3, "d": 1}
    assert c.best_ranks(values, "lower_better") == {"a": 1, "b": 3, "c": 2, "d": 3}
    assert c.best_ranks(values, "neutral") == {}


def test_scorecard_table_shows_values_and_suppression() -> None:
    card = Scorecard(
        agb="01990001",
        name="De Linde",
        region="r",
        region_name="Regio R",
        period=Q3,
        items=[
            ScorecardItem(
                slug="poh_contacts",
                title_nl="POH-GGZ-contacten",
                title_en="POH-GGZ contacts",
                unit="contacts",
                value=1234,
                region_median=1000,
                region_p25=900,
                region_p75=1100,
                percent_rank=0.8,
                ranked=True,
                polarity="neutral",
            ),
            ScorecardItem(
                slug="poh_patients",
                title_nl="Patiënten",
                title_en="Patients",
                unit="patients",
                value=None,
                value_display="<10",
                suppressed=True,
                status="suppressed",
            ),
        ],
    )
    text = _text(practice.scorecard_table(card, "nl", {"poh_contacts": "contacten"}))
    assert "1.234" in text and "1.000" in text and "900 – 1.100" in text
    assert "<10" in text and "contacten" in text and "80%" in text
    assert "POH-GGZ contacts" in _text(practice.scorecard_table(card, "en"))
    empty = card.model_copy(update={"items": []})
    assert "Geen gegevens voor deze periode" in _text(practice.scorecard_table(empty, "nl"))


def test_sankey_from_flows_and_empty() -> None:
    flows = ReferralFlows(
        level="region",
        id="r",
        name="Regio R",
        period=Q3,
        nodes=[
            {"id": "huisarts", "label": "Huisarts"},
            {"id": "poh-ggz", "label": "POH-GGZ"},
            {"id": "s-ggz", "label": "S-GGZ"},
        ],
        links=[
            {"source": "huisarts", "target": "poh-ggz", "value": 40},
            {"source": "poh-ggz", "target": "s-ggz", "value": 5},
        ],
    )
    fig = referrals.sankey_figure(flows, "nl")
    sankey = fig.data[0]
    assert list(sankey.link.source) == [0, 1] and list(sankey.link.target) == [1, 2]
    assert list(sankey.link.value) == [40, 5]
    # each node carries what passes through it
    assert list(sankey.node.label) == ["Huisarts · 40", "POH-GGZ · 40", "S-GGZ · 5"]
    hidden = flows.model_copy(
        update={
            "links": [
                flows.links[0],
                flows.links[1].model_copy(
                    update={"value": None, "value_display": "<10", "suppressed": True}
                ),
            ]
        }
    )
    assert _annotations(fig) == []  # nothing hidden, nothing to explain
    drawn = referrals.sankey_figure(hidden, "nl")
    sankey = drawn.data[0]
    assert list(sankey.link.value) == [40]  # a hidden flow is not drawn (its width is its count)
    assert list(sankey.node.label) == ["Huisarts · 40", "POH-GGZ · 40", "S-GGZ"]
    # the node that seems to leak is explained under the chart
    assert _annotations(drawn) == [
        "Stromen kleiner dan 10 zijn niet getekend (kleine-aantallenregel); de tabel noemt ze "
        "als <10 of afgeschermd."
    ]
    table = str(referrals.flows_table(hidden, "nl"))
    assert "<10" in table
    none = flows.model_copy(update={"links": []})
    assert _annotations(referrals.sankey_figure(none, "nl")) == ["Geen gegevens voor deze periode"]


def test_waiting_and_hours_colours() -> None:
    fig = waiting.median_figure(_bench([7, 21]), "nl", WAIT)
    bars = next(tr for tr in fig.data if tr.type == "bar")
    assert list(bars.marker.color) == [c.GOOD, c.BAD]  # above the 14-day norm is red
    pct = KpiDefinition(
        slug="hours_vs_norm_pct",
        title_nl="p",
        title_en="p",
        polarity="higher_better",
        norm_low=100,
        norm_high=100,
    )
    fig = hours.pct_figure(_bench([120, 90, 50]), "nl", pct)
    bars = next(tr for tr in fig.data if tr.type == "bar")
    assert list(bars.marker.color) == [c.BAD, c.BAD, c.GOOD]  # below 100% of the norm


def test_every_kpi_renders_on_the_region_page_from_the_real_api(api_client, session) -> None:  # type: ignore[no-untyped-def]
    """Every KPI of the catalogue goes through the region page builders without error."""
    from dashboard.client import ApiClient
    from tests.dashboard.data import REGION, build_region

    build_region(session)
    client = ApiClient(http=api_client)
    kpis = client.kpis()
    assert len(kpis) >= 20
    for definition in kpis:
        if not definition.benchmarkable:
            continue
        bench = client.benchmark(definition.slug, region=REGION, period="2025Q2")
        for lang in ("nl", "en"):
            region.info_card(bench, definition, lang)
            region.bar_figure(bench, lang, definition.decimals, definition.unit)
            if bench.funnel_kind:
                region.funnel_figure(bench, lang, definition.decimals, definition.unit)
            rows, _cols = region.grid(bench, lang, definition.decimals, definition.unit)
            assert len(rows) == 6, definition.slug


def test_scorecard_of_the_real_api_renders(api_client, session) -> None:  # type: ignore[no-untyped-def]
    from dashboard.client import ApiClient
    from tests.dashboard.data import build_region

    built = build_region(session)
    client = ApiClient(http=api_client)
    card = client.scorecard(built.agbs[3], period="2025Q3")
    text = _text(practice.scorecard_table(card, "nl"))
    assert "POH-GGZ-contacten" in text
    expected = built.contacts[(built.agbs[3], "2025Q3")]
    assert str(expected) in text


def test_region_grid_leaves_out_empty_columns() -> None:
    _rows, cols = region.grid(_bench([1.0, 2.0]), "nl", 0, "x")
    fields = [col["field"] for col in cols]
    assert "numerator" not in fields and "funnel" not in fields
    assert "denominator" in fields and "value" in fields


def test_waiting_grid_takes_p90_from_the_benchmark_rows() -> None:
    median = _bench([7.0, 21.0, None])
    rows_in = [
        r.model_copy(update={"extra": {"p90": 10.0 * (i + 1), "mean": 5.0}})
        for i, r in enumerate(median.practices)
    ]
    median = median.model_copy(update={"practices": rows_in})
    share = _bench([80.0, 40.0, None])
    rows, cols = waiting.grid(median, share, "nl")
    assert [(r["agb"], r["median"], r["p90"], r["share"]) for r in rows] == [
        ("01990001", 21.0, 20.0, 40.0),
        ("01990000", 7.0, 10.0, 80.0),
        ("01990002", None, 30.0, None),
    ]
    assert any(col["field"] == "p90" for col in cols)


def test_english_reference_breakdown_and_flow_labels() -> None:
    from dashboard.schemas import KpiDefinition

    defn = KpiDefinition(
        slug="wait_days_intake",
        title_nl="Wachttijd",
        title_en="Waiting time",
        unit="days",
        unit_nl="dagen",
        reference="Norm 1–2 weken",
        reference_source="Trimbos-instituut",
        reference_en="Norm 1–2 weeks",
        reference_source_en="Trimbos Institute",
    )
    assert "Norm 1–2 weeks (Source: Trimbos Institute)" in _text(c.kpi_reference(defn, "en"))
    assert "Norm 1–2 weken (Bron: Trimbos-instituut)" in _text(c.kpi_reference(defn, "nl"))
    # an older API without English texts: the Dutch text is shown
    old = defn.model_copy(update={"reference_en": None, "reference_source_en": None})
    assert "Norm 1–2 weken" in _text(c.kpi_reference(old, "en"))

    points = [
        KpiPoint(
            period=Q3,
            value=3,
            breakdown=[
                BreakdownItem(
                    dimension="contactvorm",
                    key="visite",
                    label="Visite",
                    label_en="Home visit",
                    value=3,
                )
            ],
        )
    ]
    series = _series([3]).model_copy(update={"points": points})
    names = {tr.name for tr in practice.contacts_figure(series, "en").data if tr.type == "bar"}
    assert names == {"Home visit"}
    names = {tr.name for tr in practice.contacts_figure(series, "nl").data if tr.type == "bar"}
    assert names == {"Visite"}

    flows = ReferralFlows(
        level="region",
        id="r",
        period=Q3,
        nodes=[
            {"id": "huisarts", "label": "Huisarts", "label_en": "GP"},
            {"id": "sociaal-domein", "label": "Sociaal domein", "label_en": "Social domain"},
        ],
        links=[{"source": "huisarts", "target": "sociaal-domein", "value": 4}],
        note="telt verwijzingen",
        note_en="counts referrals",
    )
    assert list(referrals.sankey_figure(flows, "en").data[0].node.label) == [
        "GP · 4",
        "Social domain · 4",
    ]
    table = _text(referrals.flows_table(flows, "en"))
    assert "Social domain" in table and "counts referrals" in table
    assert "Sociaal domein" in _text(referrals.flows_table(flows, "nl"))

    card = Scorecard(
        agb="01990001",
        name="De Linde",
        region="r",
        period=Q3,
        items=[
            ScorecardItem(
                slug="wait_days_intake",
                title_nl="Wachttijd",
                title_en="Waiting time",
                value=10,
                reference="Norm 1–2 weken",
                reference_en="Norm 1–2 weeks",
            )
        ],
    )
    assert "Norm 1–2 weeks" in _text(practice.scorecard_table(card, "en"))
    assert "Norm 1–2 weken" in _text(practice.scorecard_table(card, "nl"))


def test_poh_picker_options_and_practices() -> None:
    from dashboard.pages import poh
    from dashboard.schemas import Practice, Provider

    providers = [
        Provider(code="P2", name="Anna Bakker", practices=["01990001", "01990009"]),
        Provider(code="P1", name=None, practices=[]),
    ]
    assert poh.provider_options(providers) == [
        {"label": "Anna Bakker (P2)", "value": "P2"},
        {"label": "P1", "value": "P1"},
    ]
    practices = [Practice(agb="01990001", name="De Linde", region="r", region_name="R")]
    shown = _text(poh.provider_practices(providers[0], practices, "nl"))
    assert shown == "Werkt in:  De Linde (01990001), 01990009"
    assert _text(poh.provider_practices(providers[1], practices, "en")) == (
        "No practices known for this POH."
    )
    assert poh.provider_practices(None, practices, "nl") is None


def test_team_grid_flags_links_and_hidden_counts() -> None:
    from dashboard.pages import team
    from dashboard.schemas import TeamOverview

    overview = TeamOverview.model_validate(
        {
            "team": "t",
            "name": "Team Noord",
            "period": {"label": "2025Q3", "start": "2025-07-01", "end": "2025-09-30"},
            "columns": [
                {
                    "slug": "ftf_per_workday",
                    "title_nl": "Face-to-face consulten per werkdag",
                    "title_en": "Face-to-face consultations per workday",
                    "unit": "consults per 8-hour workday",
                    "unit_nl": "consulten per werkdag van 8 uur",
                    "polarity": "neutral",
                    "decimals": 1,
                    "norm_high": 9.0,
                    "flag": "overloaded",
                },
                {
                    "slug": "poh_new_episodes",
                    "title_nl": "Nieuwe trajecten",
                    "title_en": "New episodes",
                    "unit": "episodes",
                    "unit_nl": "trajecten",
                    "polarity": "neutral",
                },
            ],
            "rows": [
                {
                    "kind": "provider",
                    "id": "POH-ANNA",
                    "name": "Anna [A]",
                    "flags": ["overloaded"],
                    "values": {
                        "ftf_per_workday": {
                            "value": 12.0,
                            "value_display": "12,0",
                            "flagged": True,
                        },
                        "poh_new_episodes": {"value": 31, "value_display": "31"},
                    },
                },
                {
                    "kind": "practice",
                    "id": "01000002",
                    "name": "Praktijk B",
                    "values": {
                        "poh_new_episodes": {
                            "value": None,
                            "value_display": "<10",
                            "suppressed": True,
                        }
                    },
                },
            ],
        }
    )
    rows, cols = team.grid(overview, "nl", "/dashboard/")
    anna, practice = rows
    assert anna["link"] == r"[Anna \[A\]](/dashboard/poh?level=provider&id=POH-ANNA&period=2025Q3)"
    assert practice["link"] == "[Praktijk B](/dashboard/praktijk?agb=01000002&period=2025Q3)"
    assert anna["flags"] == "⚠ overbelast" and practice["flags"] == ""
    assert anna["ftf_per_workday__flagged"] is True and anna["ftf_per_workday"] == 12.0
    assert practice["poh_new_episodes"] is None and practice["poh_new_episodes__display"] == "<10"
    by_field = {col["field"]: col for col in cols}
    assert "team-flagged" in by_field["ftf_per_workday"]["cellClass"]["function"]
    assert "cellClass" not in by_field["poh_new_episodes"]
    assert by_field["ftf_per_workday"]["headerName"].startswith("Face-to-face consulten")
    en_rows, _ = team.grid(overview, "en", "/dashboard/")
    assert en_rows[0]["flags"] == "⚠ overloaded" and en_rows[0]["kind"] == "POH"


def test_caseload_lists_what_the_poh_acts_on() -> None:
    from dashboard.pages import caseload
    from dashboard.schemas import Caseload

    data = Caseload.model_validate(
        {
            "provider": "POH-A",
            "period": {"label": "2025Q3", "start": "2025-07-01", "end": "2025-09-30"},
            "reference_date": "2025-09-30",
            "practices": ["01000001"],
            "total": 3,
            "no_contact_8_weeks": 1,
            "episode_over_1_year": 1,
            "bridging": 0,
            "items": [
                {
                    "pseudonym": "b" * 64,
                    "practice_agb": "01000001",
                    "last_contact": "2025-07-01",
                    "episode_start": "2024-06-01",
                    "episode_contacts": 14,
                    "wait_days_intake": 9,
                    "no_contact_8_weeks": True,
                    "episode_over_1_year": True,
                },
                {
                    "pseudonym": "a" * 64,
                    "practice_agb": "01000001",
                    "last_contact": "2025-09-20",
                    "episode_start": "2025-08-01",
                    "episode_contacts": 3,
                },
            ],
        }
    )
    rows, cols = caseload.grid(data.items, "nl")
    assert [r["pseudonym"][0] for r in rows] == ["b", "a"]  # longest without contact first
    assert rows[0]["last_contact_text"] == "01-07-2025" and rows[0]["bridging"] == "nee"
    assert rows[0]["signals"] == "8 wk geen contact, > 1 jaar" and rows[1]["signals"] == ""
    assert cols[0]["field"] == "pseudonym"
    stale = _text(caseload.short_list([p for p in data.items if p.no_contact_8_weeks], "nl"))
    assert "bbbbbbbbbbbb" in stale and "01-07-2025" in stale and "14" in stale
    assert _text(caseload.short_list([], "en")) == "Nobody — nothing to do."


def _hours_card() -> Scorecard:
    def item(slug: str, value: float | None, **kw: Any) -> ScorecardItem:
        return ScorecardItem(slug=slug, title_nl=slug, title_en=slug, value=value, **kw)

    return Scorecard(
        agb="01990001",
        name="De Linde",
        region="r",
        period=Q3,
        items=[
            item("hours_contract_per_week", 20.0, unit="hours/week", decimals=1),
            item("hours_worked_per_week", 15.0, unit="hours/week", decimals=1),
            item(
                "hours_norm_per_week",
                16.0,
                unit="hours/week",
                decimals=1,
                extra={"norm_hours_per_normpraktijk": 16.0},
            ),
            item(
                "hours_vs_norm_pct",
                125.0,
                unit="%",
                decimals=1,
                polarity="higher_better",
                norm_low=100.0,
                norm_high=100.0,
            ),
            item("direct_time_pct", 75.0, unit="%", decimals=1, polarity="higher_better"),
        ],
    )


def test_hours_panel_contract_worked_norm_and_direct() -> None:
    card = _hours_card()
    text = _text(practice.hours_stats(card, "nl"))
    assert "20,0" in text and "15,0" in text and "16,0" in text
    assert "75% van de contracturen" in text  # 15 of 20 hours worked
    assert "16 uur per week per 2.350 ingeschrevenen" in text  # the API's norm, not a copy
    assert "125,0%" in text and "gunstig (haalt de norm 100)" in text
    assert "direct 75% · indirect 25%" in text
    en = _text(practice.hours_stats(card, "en"))
    assert "75% of contracted hours" in en and "16 hours per week per 2,350 listed" in en
    fig = practice.hours_figure(card, "nl")
    bars = next(t for t in fig.data if t.type == "bar")
    assert list(bars.x) == [20.0, 15.0] and list(bars.y) == ["Contract", "Gewerkt"]
    assert fig.layout.shapes[0].x0 == 16.0  # the norm line
    empty = card.model_copy(update={"items": []})
    assert "Geen gegevens voor deze periode" in _text(practice.hours_stats(empty, "nl"))


def test_profile_right_is_more_favourable_and_dots_carry_the_verdict() -> None:
    def item(slug: str, value: float, polarity: str) -> ScorecardItem:
        return ScorecardItem(
            slug=slug,
            title_nl=slug,
            title_en=slug,
            value=value,
            polarity=polarity,  # type: ignore[arg-type]
            region_p10=2.0,
            region_p25=4.0,
            region_median=5.0,
            region_p75=6.0,
            region_p90=8.0,
            percent_rank=0.9 if value > 5 else 0.1,
            ranked=True,
        )

    wait = item("wait_days_intake", 2.0, "lower_better")  # short wait: favourable
    reach = item("poh_reach_per_1000", 2.0, "higher_better")  # low reach: unfavourable
    contacts = item("poh_contacts", 8.0, "neutral")
    card = Scorecard(
        agb="01990001",
        name="De Linde",
        region="r",
        period=Q3,
        items=[
            wait,
            reach,
            contacts,
            ScorecardItem(slug="case_mix", title_nl="Casemix", title_en="Case mix", value=3),
        ],
    )
    assert practice_profile.spine_x(wait, 2.0) == 1.0  # lower is better: right
    assert practice_profile.spine_x(reach, 2.0) == -1.0
    assert practice_profile.spine_x(contacts, 8.0) == 1.0  # no direction: right is higher
    assert practice_profile.spine_x(wait, 5.0) == 0.0  # the median in the middle
    fig = practice.profile_figure(card, "nl")
    dots = next(t for t in fig.data if t.meta == "practice")
    assert list(dots.x) == [1.0, -1.0, 1.0]
    assert list(dots.marker.color) == [c.GOOD, c.BAD, c.NEUTRAL]
    inner = next(t for t in fig.data if t.name == "Regio P25–P75")
    # the lower-is-better row is mirrored: P75 (6) lies left of the median
    assert (inner.base[0], inner.x[0]) == (-1 / 3, 2 / 3)
    labels = " ".join(_annotations(fig))
    assert "poh_contacts</b> ↔" in labels and "← ongunstiger" in labels
    assert "Casemix" in practice.profile_note(card, "nl")  # no distribution: said, no row
    assert practice.profile_style(card, "nl") == {"height": f"{3 * 42 + 140}px"}

    class _Client:
        def scorecard(self, agb: str, *, period: str) -> Scorecard:
            return card

    # drawn at that height (a figure drawn before its graph grew was squeezed into 260 px)
    out = practice.render_scorecard(_Client(), "01990001", "2025Q3", "nl")  # type: ignore[arg-type]
    assert out[2].layout.height == 3 * 42 + 140 and out[3] == {"height": f"{3 * 42 + 140}px"}


def test_grid_links_escape_markdown_in_names() -> None:
    """One escaping for every grid link (Regio-overzicht and Team): a name with markdown's
    characters is shown as written, and without a page no link is made."""
    assert c.md_link("De_Linde [Noord]", "/dashboard/praktijk?agb=1") == (
        "[De\\_Linde \\[Noord\\]](/dashboard/praktijk?agb=1)"
    )
    assert c.md_link("Praktijk *A*") == "Praktijk \\*A\\*"
