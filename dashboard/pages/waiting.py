"""Wachttijden: days from aanmelding to intake per practice against the Trimbos norm
(teamleider: "which practice waits more than two weeks?"; huisartsenorganisatie).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Output, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import fmt_date, fmt_norm, fmt_period, fmt_value, norm_bounds, t
from dashboard.page import Context, Draw, Page, fill_region_period, region_period_pickers
from dashboard.schemas import Benchmark, KpiDefinition

MEDIAN, SHARE = "wait_days_intake", "wait_within_14d_pct"
STYLE = {"height": "420px"}  # of the two charts until there are practices to show


def body(lang: str) -> list[Any]:
    return [
        dcc.Loading(html.Div(id=ids.WAIT_CARDS), type="circle", color=c.PRIMARY),
        dbc.Row(
            [
                dbc.Col(
                    c.chart_card(
                        t("wait.median_title", lang), ids.WAIT_MEDIAN, height=420, lang=lang
                    ),
                    lg=6,
                ),
                dbc.Col(
                    c.chart_card(
                        t("wait.share_title", lang), ids.WAIT_SHARE, height=420, lang=lang
                    ),
                    lg=6,
                ),
            ]
        ),
        dbc.Card(
            dbc.CardBody(c.data_grid(ids.WAIT_GRID, lang)),
            className="mb-3 shadow-sm",
        ),
    ]


def render(ctx: Context, region: str, period: str) -> tuple[Any, ...]:
    client, lang = ctx.client, ctx.lang
    catalogue = {k.slug: k for k in client.kpis()}
    median = client.benchmark(MEDIAN, region=region, period=period)
    share = client.benchmark(SHARE, region=region, period=period)
    regional = client.kpi(MEDIAN, level="region", id=region, period=period)
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
                            colour=c.verdict(
                                regional.value,
                                median.polarity,
                                lang,
                                definition=catalogue.get(MEDIAN),
                            ).colour,
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
    rows, cols = grid(median, share, lang, catalogue)
    # horizontal bars: one readable row per practice
    style = {"height": f"{max(420, 24 * len(median.practices) + 110)}px"}
    return (
        cards,
        median_figure(median, lang, catalogue.get(MEDIAN)),
        share_figure(share, lang, catalogue.get(SHARE)),
        style,
        style,
        rows,
        cols,
    )


def _empty(lang: str) -> tuple[Any, ...]:
    return None, c.choose_figure(lang), c.choose_figure(lang), STYLE, STYLE, [], []


def _failed(lang: str, alert: Any) -> tuple[Any, ...]:
    return alert, c.error_figure(lang), c.error_figure(lang), STYLE, STYLE, [], []


PAGE = Page(
    module=__name__,
    path="/wachttijden",
    nav_key="nav.waiting",
    title="wait.title",
    lead="wait.lead",
    pickers=region_period_pickers(ids.WAIT_REGION, ids.WAIT_PERIOD),
    message=ids.WAIT_MESSAGE,
    init=ids.WAIT_INIT,
    body=body,
    fill=fill_region_period,
    draw=Draw(
        outputs=(
            Output(ids.WAIT_CARDS, "children"),
            Output(ids.WAIT_MEDIAN, "figure"),
            Output(ids.WAIT_SHARE, "figure"),
            Output(ids.WAIT_MEDIAN, "style"),
            Output(ids.WAIT_SHARE, "style"),
            Output(ids.WAIT_GRID, "rowData"),
            Output(ids.WAIT_GRID, "columnDefs"),
        ),
        render=render,
        empty=_empty,
        failed=_failed,
    ),
)


def _unit(definition: KpiDefinition | None, lang: str) -> str | None:
    if definition is None:
        return None
    return definition.unit_nl if lang == "nl" else definition.unit


def median_figure(
    bench: Benchmark, lang: str, definition: KpiDefinition | None = None
) -> go.Figure:
    """Median wait per practice, coloured by each value's verdict (components.verdict: above
    the norm of ``definition``, the catalogue's entry, is unfavourable), with the norm drawn as
    a line."""
    rows = sorted((r for r in bench.practices if r.value is not None), key=lambda r: r.value or 0)
    if not rows:
        return c.empty_figure(lang)
    norm = norm_bounds(definition)
    fig = go.Figure(
        go.Bar(
            y=[r.name for r in rows],
            x=[r.value for r in rows],
            orientation="h",
            marker_color=[c.row_verdict(r, bench, definition, lang).colour for r in rows],
            customdata=[c.row_verdict(r, bench, definition, lang).text for r in rows],
            hovertemplate="<b>%{y}</b><br>%{x:.0f}<br>%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    if norm is not None:
        fig.add_vline(x=norm[1], line={"color": c.NORM, "width": 2, "dash": "dash"})
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=t("wait.norm", lang, norm=fmt_norm(definition, lang)),
            line={"color": c.NORM, "width": 2, "dash": "dash"},
        )
    c.style_figure(fig, lang)
    fig.update_layout(margin={"l": 10})
    fig.update_yaxes(automargin=True, showticklabels=len(rows) <= 40)
    fig.update_xaxes(showgrid=True, gridcolor="#eef1f4", rangemode="tozero")
    return fig


def share_figure(bench: Benchmark, lang: str, definition: KpiDefinition | None = None) -> go.Figure:
    rows = sorted((r for r in bench.practices if r.value is not None), key=lambda r: r.value or 0)
    if not rows:
        return c.empty_figure(lang)
    fig = go.Figure(
        go.Bar(
            y=[r.name for r in rows],
            x=[r.value for r in rows],
            orientation="h",
            marker_color=[c.row_verdict(r, bench, definition, lang).colour for r in rows],
            customdata=[c.row_verdict(r, bench, definition, lang).text for r in rows],
            hovertemplate="<b>%{y}</b><br>%{x:.0f}%<br>%{customdata}<extra></extra>",
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


def grid(
    median: Benchmark,
    share: Benchmark,
    lang: str,
    catalogue: dict[str, KpiDefinition] | None = None,
) -> tuple[list[dict], list[dict]]:
    """One row per practice; its P90 comes from the benchmark row's ``extra`` (one request for
    the whole region, whatever its size)."""
    catalogue = catalogue or {}
    shares = {r.agb: r for r in share.practices}
    verdicts = {
        r.agb: c.row_verdict(r, median, catalogue.get(MEDIAN), lang) for r in median.practices
    }
    rows = [
        {
            "name": r.name,
            "agb": r.agb,
            "median": r.value,
            "p90": r.extra.get("p90"),
            "intakes": r.denominator,
            "share": shares[r.agb].value if r.agb in shares else None,
            "verdict": verdicts[r.agb].text,
            "verdict_cls": verdicts[r.agb].cls,
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
        c.verdict_column(lang),
    ]
    return rows, cols
