"""Uren: contracted POH-GGZ hours per week against the funding norm per practice (huisarts:
"are the POH hours we pay for used?"; huisartsenorganisatie).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Dash, Input, Output, Patch, State, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import fmt_date, fmt_period, normalise_lang, t
from dashboard.schemas import Benchmark

PATH = "/uren"
NAV_KEY = "nav.hours"
CONTRACT, NORM, PCT = "hours_contract_per_week", "hours_norm_per_week", "hours_vs_norm_pct"


def layout(
    lang: str | None = None, region: str | None = None, period: str | None = None, **_: Any
) -> html.Div:
    lang = normalise_lang(lang)
    return html.Div(
        [
            c.page_header(t("hours.title", lang), t("hours.lead", lang)),
            c.controls_card(
                [
                    c.control(t("ctl.region", lang), c.dropdown(ids.HOURS_REGION, lang), width=4),
                    c.control(t("ctl.period", lang), c.dropdown(ids.HOURS_PERIOD, lang), width=3),
                ]
            ),
            c.message_area(ids.HOURS_MESSAGE),
            c.chart_card(t("hours.chart_title", lang), ids.HOURS_CHART, height=420),
            c.chart_card(t("hours.pct_title", lang), ids.HOURS_PCT, height=380),
            dbc.Card(
                dbc.CardBody(c.data_grid(ids.HOURS_GRID, lang)),
                className="mb-3 shadow-sm",
            ),
            html.P(t("hours.norm_note", lang), className="small text-muted"),
            dcc.Store(id=ids.HOURS_INIT, data={"lang": lang, "region": region, "period": period}),
        ]
    )


def register_callbacks(app: Dash, client: ApiClient) -> None:
    @app.callback(
        Output(ids.HOURS_REGION, "options"),
        Output(ids.HOURS_REGION, "value"),
        Output(ids.HOURS_PERIOD, "options"),
        Output(ids.HOURS_PERIOD, "value"),
        Output(ids.HOURS_MESSAGE, "children"),
        Input(ids.HOURS_INIT, "data"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _fill_pickers(init: dict[str, Any], selection: dict[str, Any] | None):
        return c.region_period_pickers(client, init, selection)

    @app.callback(
        Output(ids.HOURS_CHART, "figure"),
        Output(ids.HOURS_PCT, "figure"),
        Output(ids.HOURS_GRID, "rowData"),
        Output(ids.HOURS_GRID, "columnDefs"),
        Output(ids.HOURS_MESSAGE, "children", allow_duplicate=True),
        Input(ids.HOURS_REGION, "value"),
        Input(ids.HOURS_PERIOD, "value"),
        State(ids.HOURS_INIT, "data"),
        prevent_initial_call=True,
    )
    def _render(region: str | None, period: str | None, init: Any):
        lang = normalise_lang((init or {}).get("lang"))
        if not (region and period):
            empty = c.empty_figure(lang, t("empty.choose", lang))
            return empty, empty, [], [], None
        try:
            contract = client.benchmark(CONTRACT, region=region, period=period)
            norm = client.benchmark(NORM, region=region, period=period)
            pct = client.benchmark(PCT, region=region, period=period)
        except ApiError as exc:
            empty = c.empty_figure(lang, t("error.title", lang))
            return empty, empty, [], [], c.error_alert(str(exc), lang)
        caption = html.Div(
            f"{contract.region_name or region} · {fmt_period(period, lang)} "
            f"({fmt_date(contract.period.start, lang)} – {fmt_date(contract.period.end, lang)})",
            className="small text-muted mb-2",
        )
        rows, cols = grid(contract, norm, pct, lang)
        return hours_figure(contract, norm, lang), pct_figure(pct, lang), rows, cols, caption

    @app.callback(
        Output(ids.SELECTION_STORE, "data", allow_duplicate=True),
        Input(ids.HOURS_REGION, "value"),
        Input(ids.HOURS_PERIOD, "value"),
        State(ids.HOURS_INIT, "data"),
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


def hours_figure(contract: Benchmark, norm: Benchmark, lang: str) -> go.Figure:
    norms = {r.agb: r.value for r in norm.practices}
    rows = sorted(contract.practices, key=lambda r: r.name)
    if not any(r.value is not None for r in rows) and not any(norms.values()):
        return c.empty_figure(lang)
    names = [r.name for r in rows]
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=[r.value for r in rows],
        name=t("hours.contract", lang),
        marker_color=c.PRIMARY,
        hovertemplate="%{x}<br>%{y:,.1f}<extra></extra>",
    )
    fig.add_scatter(
        x=names,
        y=[norms.get(r.agb) for r in rows],
        name=t("hours.norm", lang),
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 28, "line": {"width": 3, "color": c.NORM}},
        hovertemplate="%{x}<br>%{y:,.1f}<extra></extra>",
    )
    c.style_figure(fig, lang)
    fig.update_xaxes(
        type="category", tickangle=-35, automargin=True, showticklabels=len(rows) <= 40
    )
    return fig


def _pct_colour(value: float | None) -> str:
    """At or above the norm: good; within 80% of it: amber; below: red."""
    if value is None:
        return c.MIDDLE
    if value >= 100:
        return c.GOOD
    return c.NORM if value >= 80 else c.BAD


def pct_figure(pct: Benchmark, lang: str) -> go.Figure:
    rows = sorted((r for r in pct.practices if r.value is not None), key=lambda r: r.value or 0)
    if not rows:
        return c.empty_figure(lang)
    fig = go.Figure(
        go.Bar(
            x=[r.name for r in rows],
            y=[r.value for r in rows],
            marker_color=[_pct_colour(r.value) for r in rows],
            hovertemplate="%{x}<br>%{y:,.1f}%<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_hline(y=100, line={"color": c.NORM, "width": 2, "dash": "dash"})
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        name="100% = " + t("chart.norm", lang),
        line={"color": c.NORM, "width": 2, "dash": "dash"},
    )
    c.style_figure(fig, lang)
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(
        type="category", tickangle=-35, automargin=True, showticklabels=len(rows) <= 40
    )
    return fig


def grid(contract: Benchmark, norm: Benchmark, pct: Benchmark, lang: str):
    norms = {r.agb: r.value for r in norm.practices}
    pcts = {r.agb: r.value for r in pct.practices}
    rows = [
        {
            "name": r.name,
            "agb": r.agb,
            "contract": r.value,
            "norm": norms.get(r.agb),
            "pct": pcts.get(r.agb),
        }
        for r in sorted(contract.practices, key=lambda r: r.name)
    ]
    cols = [
        {"field": "name", "headerName": t("col.practice", lang), "flex": 3, "minWidth": 220},
        {"field": "agb", "headerName": t("col.agb", lang), "flex": 1},
        {
            "field": "contract",
            "headerName": t("hours.contract", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(1, lang),
            "flex": 2,
        },
        {
            "field": "norm",
            "headerName": t("hours.norm", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(1, lang),
            "flex": 2,
        },
        {
            "field": "pct",
            "headerName": "% " + t("chart.norm", lang).lower(),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(1, lang, suffix="%"),
            "flex": 1,
        },
    ]
    return rows, cols
