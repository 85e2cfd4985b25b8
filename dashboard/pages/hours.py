"""Uren: contracted POH-GGZ hours per week against the funding norm per practice (huisarts:
"are the POH hours we pay for used?"; huisartsenorganisatie).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Output, html

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import fmt_date, fmt_period, t
from dashboard.page import Context, Draw, Page, fill_region_period, region_period_pickers
from dashboard.schemas import Benchmark, KpiDefinition

CONTRACT, NORM, PCT = "hours_contract_per_week", "hours_norm_per_week", "hours_vs_norm_pct"


def body(lang: str) -> list[Any]:
    return [
        c.chart_card(t("hours.chart_title", lang), ids.HOURS_CHART, height=420, lang=lang),
        c.chart_card(t("hours.pct_title", lang), ids.HOURS_PCT, height=380, lang=lang),
        dbc.Card(
            dbc.CardBody(c.data_grid(ids.HOURS_GRID, lang)),
            className="mb-3 shadow-sm",
        ),
        html.P(t("hours.norm_note", lang), className="small text-muted"),
    ]


def render(ctx: Context, region: str, period: str) -> tuple[Any, ...]:
    client, lang = ctx.client, ctx.lang
    contract = client.benchmark(CONTRACT, region=region, period=period)
    norm = client.benchmark(NORM, region=region, period=period)
    pct = client.benchmark(PCT, region=region, period=period)
    caption = html.Div(
        f"{contract.region_name or region} · {fmt_period(period, lang)} "
        f"({fmt_date(contract.period.start, lang)} – {fmt_date(contract.period.end, lang)})",
        className="small text-muted mb-2",
    )
    rows, cols = grid(contract, norm, pct, lang)
    definition = next((k for k in client.kpis() if k.slug == PCT), None)
    return (
        hours_figure(contract, norm, lang),
        pct_figure(pct, lang, definition),
        rows,
        cols,
        caption,
    )


PAGE = Page(
    module=__name__,
    path="/uren",
    nav_key="nav.hours",
    title="hours.title",
    lead="hours.lead",
    pickers=region_period_pickers(ids.HOURS_REGION, ids.HOURS_PERIOD),
    message=ids.HOURS_MESSAGE,
    init=ids.HOURS_INIT,
    body=body,
    fill=fill_region_period,
    draw=Draw(
        outputs=(
            Output(ids.HOURS_CHART, "figure"),
            Output(ids.HOURS_PCT, "figure"),
            Output(ids.HOURS_GRID, "rowData"),
            Output(ids.HOURS_GRID, "columnDefs"),
            # the caption shares the message area with the pickers' messages
            Output(ids.HOURS_MESSAGE, "children", allow_duplicate=True),
        ),
        render=render,
        empty=lambda lang: (c.choose_figure(lang), c.choose_figure(lang), [], [], None),
        failed=lambda lang, alert: (c.error_figure(lang), c.error_figure(lang), [], [], alert),
        prevent_initial_call=True,
    ),
)


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
    # the norm of each practice: a line across its bar's slot (0.8 of it, so it narrows with the
    # screen and never runs into its neighbour's), hovered through invisible markers
    values = [norms.get(r.agb) for r in rows]
    for i, value in enumerate(values):
        if value is not None:
            fig.add_shape(
                type="line",
                xref="x",
                yref="y",
                x0=i - 0.4,
                x1=i + 0.4,
                y0=value,
                y1=value,
                line={"color": c.NORM, "width": 3},
            )
    fig.add_scatter(
        x=names,
        y=values,
        name=t("hours.norm", lang),
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 14, "opacity": 0, "line": {"width": 3}},
        showlegend=False,
        hovertemplate="%{x}<br>%{y:,.1f}<extra>" + t("hours.norm", lang) + "</extra>",
    )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=t("hours.norm", lang),
        line={"color": c.NORM, "width": 3},
    )
    c.style_figure(fig, lang)
    fig.update_xaxes(type="category", automargin=True, showticklabels=len(rows) <= 40)
    return fig


def pct_figure(pct: Benchmark, lang: str, definition: KpiDefinition | None = None) -> go.Figure:
    """Contract as % of the norm, each bar coloured by its verdict (components.verdict, the
    same on every page)."""
    rows = sorted((r for r in pct.practices if r.value is not None), key=lambda r: r.value or 0)
    if not rows:
        return c.empty_figure(lang)
    fig = go.Figure(
        go.Bar(
            x=[r.name for r in rows],
            y=[r.value for r in rows],
            marker_color=[c.row_verdict(r, pct, definition, lang).colour for r in rows],
            customdata=[c.row_verdict(r, pct, definition, lang).text for r in rows],
            hovertemplate="%{x}<br>%{y:,.1f}%<br>%{customdata}<extra></extra>",
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
    fig.update_xaxes(type="category", automargin=True, showticklabels=len(rows) <= 40)
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
