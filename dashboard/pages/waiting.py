"""Wachttijden: days from aanmelding to intake per practice against the Trimbos norm
(teamleider: "which practice waits more than two weeks?"; huisartsenorganisatie).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Dash, Input, Output, Patch, State, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import fmt_date, fmt_period, fmt_value, normalise_lang, t
from dashboard.schemas import Benchmark, KpiDefinition

PATH = "/wachttijden"
NAV_KEY = "nav.waiting"
NORM_DAYS = 14
MEDIAN, SHARE = "wait_days_intake", "wait_within_14d_pct"


def layout(
    lang: str | None = None, region: str | None = None, period: str | None = None, **_: Any
) -> html.Div:
    lang = normalise_lang(lang)
    return html.Div(
        [
            c.page_header(t("wait.title", lang), t("wait.lead", lang)),
            c.controls_card(
                [
                    c.control(t("ctl.region", lang), c.dropdown(ids.WAIT_REGION, lang), width=4),
                    c.control(t("ctl.period", lang), c.dropdown(ids.WAIT_PERIOD, lang), width=3),
                ]
            ),
            c.message_area(ids.WAIT_MESSAGE),
            dcc.Loading(html.Div(id=ids.WAIT_CARDS), type="circle", color=c.PRIMARY),
            dbc.Row(
                [
                    dbc.Col(
                        c.chart_card(t("wait.median_title", lang), ids.WAIT_MEDIAN, height=420),
                        lg=6,
                    ),
                    dbc.Col(
                        c.chart_card(t("wait.share_title", lang), ids.WAIT_SHARE, height=420), lg=6
                    ),
                ]
            ),
            dbc.Card(
                dbc.CardBody(c.data_grid(ids.WAIT_GRID, lang)),
                className="mb-3 shadow-sm",
            ),
            dcc.Store(id=ids.WAIT_INIT, data={"lang": lang, "region": region, "period": period}),
        ]
    )


def register_callbacks(app: Dash, client: ApiClient) -> None:
    @app.callback(
        Output(ids.WAIT_REGION, "options"),
        Output(ids.WAIT_REGION, "value"),
        Output(ids.WAIT_PERIOD, "options"),
        Output(ids.WAIT_PERIOD, "value"),
        Output(ids.WAIT_MESSAGE, "children"),
        Input(ids.WAIT_INIT, "data"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _fill_pickers(init: dict[str, Any], selection: dict[str, Any] | None):
        return c.region_period_pickers(client, init, selection)

    @app.callback(
        Output(ids.WAIT_CARDS, "children"),
        Output(ids.WAIT_MEDIAN, "figure"),
        Output(ids.WAIT_SHARE, "figure"),
        Output(ids.WAIT_MEDIAN, "style"),
        Output(ids.WAIT_SHARE, "style"),
        Output(ids.WAIT_GRID, "rowData"),
        Output(ids.WAIT_GRID, "columnDefs"),
        Input(ids.WAIT_REGION, "value"),
        Input(ids.WAIT_PERIOD, "value"),
        State(ids.WAIT_INIT, "data"),
    )
    def _render(region: str | None, period: str | None, init: Any):
        lang = normalise_lang((init or {}).get("lang"))
        style = {"height": "420px"}
        if not (region and period):
            empty = c.empty_figure(lang, t("empty.choose", lang))
            return None, empty, empty, style, style, [], []
        try:
            catalogue = {k.slug: k for k in client.kpis()}
            median = client.benchmark(MEDIAN, region=region, period=period)
            share = client.benchmark(SHARE, region=region, period=period)
            regional = client.kpi(MEDIAN, level="region", id=region, period=period)
        except ApiError as exc:
            empty = c.empty_figure(lang, t("error.title", lang))
            return c.error_alert(str(exc), lang), empty, empty, style, style, [], []
        share_region = share.region_value
        cards = dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        f"{median.region_name or region} · {fmt_period(period, lang)} "
                        f"({fmt_date(median.period.start, lang)} – "
                        f"{fmt_date(median.period.end, lang)})",
                        className="small text-muted mb-2",
                    ),
                    dbc.Row(
                        [
                            c.stat(
                                t("wait.region_median", lang),
                                fmt_value(regional.value, decimals=0, lang=lang),
                                sub=_unit(catalogue.get(MEDIAN), lang),
                                colour=c.BAD if (regional.value or 0) > NORM_DAYS else None,
                            ),
                            c.stat(
                                t("wait.region_p90", lang),
                                fmt_value(regional.extra.get("p90"), decimals=0, lang=lang),
                                sub=_unit(catalogue.get(MEDIAN), lang),
                            ),
                            c.stat(
                                t("wait.region_share", lang),
                                fmt_value(share_region, unit="%", decimals=0, lang=lang),
                            ),
                            c.stat(
                                t("stat.n", lang),
                                str(sum(1 for r in median.practices if r.value is not None)),
                            ),
                        ]
                    ),
                    c.kpi_reference(catalogue.get(MEDIAN), lang),
                ]
            ),
            className="mb-3 shadow-sm",
        )
        rows, cols = grid(median, share, lang)
        # horizontal bars: one readable row per practice
        style = {"height": f"{max(420, 24 * len(median.practices) + 110)}px"}
        return (
            cards,
            median_figure(median, lang),
            share_figure(share, lang),
            style,
            style,
            rows,
            cols,
        )

    @app.callback(
        Output(ids.SELECTION_STORE, "data", allow_duplicate=True),
        Input(ids.WAIT_REGION, "value"),
        Input(ids.WAIT_PERIOD, "value"),
        State(ids.WAIT_INIT, "data"),
        prevent_initial_call=True,
    )
    def _remember(region: str | None, period: str | None, init: dict[str, Any] | None):
        patch = Patch()
        patch["lang"] = normalise_lang((init or {}).get("lang"))
        if region:
            patch["region"] = region
        if period:
            patch["period"] = period
        return patch


def _unit(definition: KpiDefinition | None, lang: str) -> str | None:
    if definition is None:
        return None
    return definition.unit_nl if lang == "nl" else definition.unit


def median_figure(bench: Benchmark, lang: str) -> go.Figure:
    rows = sorted((r for r in bench.practices if r.value is not None), key=lambda r: r.value or 0)
    if not rows:
        return c.empty_figure(lang)
    fig = go.Figure(
        go.Bar(
            y=[r.name for r in rows],
            x=[r.value for r in rows],
            orientation="h",
            marker_color=[c.BAD if (r.value or 0) > NORM_DAYS else c.GOOD for r in rows],
            hovertemplate="<b>%{y}</b><br>%{x:.0f}<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_vline(x=NORM_DAYS, line={"color": c.NORM, "width": 2, "dash": "dash"})
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=t("wait.norm", lang),
        line={"color": c.NORM, "width": 2, "dash": "dash"},
    )
    c.style_figure(fig, lang)
    fig.update_layout(margin={"l": 10})
    fig.update_yaxes(automargin=True, showticklabels=len(rows) <= 40)
    fig.update_xaxes(showgrid=True, gridcolor="#eef1f4", rangemode="tozero")
    return fig


def share_figure(bench: Benchmark, lang: str) -> go.Figure:
    rows = sorted((r for r in bench.practices if r.value is not None), key=lambda r: r.value or 0)
    if not rows:
        return c.empty_figure(lang)
    fig = go.Figure(
        go.Bar(
            y=[r.name for r in rows],
            x=[r.value for r in rows],
            orientation="h",
            marker_color=[
                c.MIDDLE
                if bench.region_value is None
                else (c.GOOD if (r.value or 0) >= bench.region_value else c.BAD)
                for r in rows
            ],
            hovertemplate="<b>%{y}</b><br>%{x:.0f}%<extra></extra>",
            showlegend=False,
        )
    )
    if bench.region_value is not None:
        fig.add_vline(x=bench.region_value, line={"color": c.PRIMARY, "width": 2, "dash": "dash"})
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=t("chart.region_value", lang),
            line={"color": c.PRIMARY, "width": 2, "dash": "dash"},
        )
    c.style_figure(fig, lang)
    fig.update_layout(margin={"l": 10})
    fig.update_yaxes(automargin=True, showticklabels=len(rows) <= 40)
    fig.update_xaxes(range=[0, 100], ticksuffix="%", showgrid=True, gridcolor="#eef1f4")
    return fig


def grid(median: Benchmark, share: Benchmark, lang: str) -> tuple[list[dict], list[dict]]:
    """One row per practice; its P90 comes from the benchmark row's ``extra`` (one request for
    the whole region, whatever its size)."""
    shares = {r.agb: r for r in share.practices}
    rows = [
        {
            "name": r.name,
            "agb": r.agb,
            "median": r.value,
            "p90": r.extra.get("p90"),
            "intakes": r.denominator,
            "share": shares[r.agb].value if r.agb in shares else None,
        }
        for r in sorted(median.practices, key=lambda r: (r.value is None, -(r.value or 0)))
    ]
    cols = [
        {"field": "name", "headerName": t("col.practice", lang), "flex": 3, "minWidth": 220},
        {"field": "agb", "headerName": t("col.agb", lang), "flex": 1},
        {
            "field": "median",
            "headerName": t("col.wait_median", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(0, lang),
            "flex": 2,
        },
        {
            "field": "p90",
            "headerName": t("col.wait_p90", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(0, lang),
            "flex": 1,
        },
        {
            "field": "intakes",
            "headerName": t("col.intakes", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(0, lang),
            "flex": 1,
        },
        {
            "field": "share",
            "headerName": t("col.within14", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(0, lang, suffix="%"),
            "flex": 2,
        },
    ]
    return rows, cols
