"""Regio-overzicht: one KPI over every practice of the region (huisartsenorganisatie, teamleider).

A sorted bar chart with the regional median and P25–P75 band, a funnel plot for proportions and
rates, and an AG Grid table — all from ``GET /api/v1/benchmarks/{slug}``.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Output, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient
from dashboard.i18n import (
    fmt_date,
    fmt_number,
    fmt_period,
    fmt_value,
    funnel_axis_title,
    hidden_display,
    kpi_title,
    kpi_unit,
    t,
)
from dashboard.lookups import data_quarters, kpi_options, quarter_options, region_options
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.reports import ReportButtons
from dashboard.schemas import Benchmark, BenchmarkPracticeRow, KpiDefinition

DEFAULT_KPI = "poh_contacts_per_1000_year"
MANY_PRACTICES = 40  # above this, the bar chart hides practice names on the axis
HIDDEN = {"display": "none"}

REPORT = ReportButtons(
    level="region",
    key_picker=ids.REGION_REGION,
    period_picker=ids.REGION_PERIOD,
    init=ids.REGION_INIT,
    pdf=ids.REGION_REPORT_PDF,
    xlsx=ids.REGION_REPORT_XLSX,
    download=ids.REGION_REPORT_DOWNLOAD,
    message=ids.REGION_REPORT_MESSAGE,
)


def body(lang: str) -> list[Any]:
    return [
        REPORT.layout(lang),
        dcc.Loading(html.Div(id=ids.REGION_INFO), type="circle", color=c.PRIMARY),
        c.chart_card(t("region.bar_title", lang), ids.REGION_BAR, height=420, lang=lang),
        html.Div(
            c.chart_card(t("region.funnel_title", lang), ids.REGION_FUNNEL, height=420, lang=lang),
            id=ids.REGION_FUNNEL_CARD,
        ),
        dbc.Card(
            [
                dbc.CardHeader(
                    html.H3(t("region.table_title", lang), className="h6 mb-0 fw-semibold")
                ),
                dbc.CardBody(c.data_grid(ids.REGION_GRID, lang)),
            ],
            className="mb-3 shadow-sm",
        ),
    ]


def fill(client: ApiClient, start: Start) -> Filled | None:
    practices = client.practices()
    kpis = client.kpis()
    if not practices:
        return None
    regions = region_options(client.regions())
    region = start.choose("region", regions)
    kpi_choices = kpi_options(kpis, start.lang, benchmarkable_only=True)
    quarters = quarter_options(data_quarters(client, region=region), start.lang)
    return Filled(
        {
            "region": (regions, region),
            "kpi": (kpi_choices, start.choose("kpi", kpi_choices, default=DEFAULT_KPI)),
            "period": (quarters, start.choose("period", quarters)),
        }
    )


def render(ctx: Context, region: str, kpi: str, period: str) -> tuple[Any, ...]:
    lang = ctx.lang
    definition = next((k for k in ctx.client.kpis() if k.slug == kpi), None)
    bench = ctx.client.benchmark(kpi, region=region, period=period)
    decimals = definition.decimals if definition else 0
    info = info_card(bench, definition, lang)
    unit = kpi_unit(definition, lang) if definition else bench.unit
    bar = bar_figure(bench, lang, decimals, unit, definition)
    if bench.funnel_kind:
        funnel, style = funnel_figure(bench, lang, decimals, unit, definition), {}
    else:
        funnel, style = c.empty_figure(lang, t("region.no_funnel", lang)), HIDDEN
    rows, cols = grid(bench, lang, decimals, unit, ctx.prefix, definition)
    return info, bar, funnel, style, rows, cols


PAGE = Page(
    module=__name__,
    path="/",
    nav_key="nav.region",
    title="region.title",
    lead="region.lead",
    pickers=(
        Picker(ids.REGION_REGION, "ctl.region", "region", width=3),
        Picker(ids.REGION_KPI, "ctl.kpi", "kpi", width=6),
        Picker(ids.REGION_PERIOD, "ctl.period", "period", width=3),
    ),
    message=ids.REGION_MESSAGE,
    init=ids.REGION_INIT,
    callbacks=REPORT.register,
    body=body,
    fill=fill,
    draw=Draw(
        outputs=(
            Output(ids.REGION_INFO, "children"),
            Output(ids.REGION_BAR, "figure"),
            Output(ids.REGION_FUNNEL, "figure"),
            Output(ids.REGION_FUNNEL_CARD, "style"),
            Output(ids.REGION_GRID, "rowData"),
            Output(ids.REGION_GRID, "columnDefs"),
        ),
        render=render,
        empty=lambda lang: (None, c.choose_figure(lang), c.choose_figure(lang), HIDDEN, [], []),
        failed=lambda lang, alert: (
            alert,
            c.error_figure(lang),
            c.error_figure(lang),
            HIDDEN,
            [],
            [],
        ),
    ),
)


def info_card(bench: Benchmark, definition: KpiDefinition | None, lang: str) -> dbc.Card:
    decimals = definition.decimals if definition else 0
    unit = kpi_unit(definition, lang) if definition else bench.unit
    title = kpi_title(definition, lang) if definition else bench.title_nl
    d = bench.distribution

    def v(x: float | None) -> str:
        return fmt_value(x, unit=bench.unit, decimals=decimals, lang=lang)

    stats = [
        c.stat(t("stat.region_value", lang), v(bench.region_value), sub=unit),
        c.stat(t("stat.median", lang), v(d.median if d else None)),
        c.stat(t("stat.band", lang), f"{v(d.p25)} – {v(d.p75)}" if d else "–"),
        c.stat(
            t("stat.n", lang),
            fmt_number(d.n if d else len(bench.practices), 0, lang),
            sub=f"/ {fmt_number(len(bench.practices), 0, lang)}",
        ),
    ]
    period = bench.period
    body = [
        html.Div(
            [
                html.H3(title, className="h5 mb-0 fw-semibold"),
                html.Span(
                    f"{bench.region_name or bench.region} · {fmt_period(period.label, lang)} "
                    f"({fmt_date(period.start, lang)} – {fmt_date(period.end, lang)})",
                    className="small text-muted",
                ),
            ],
            className="mb-2",
        ),
        html.P(definition.description, className="small mb-2") if definition else None,
        dbc.Row(stats, className="mb-2"),
        c.kpi_reference(definition, lang),
    ]
    if bench.distribution_note:
        body.append(html.Div(bench.distribution_note, className="small text-warning mt-1"))
    return dbc.Card(dbc.CardBody([b for b in body if b is not None]), className="mb-3 shadow-sm")


def _shown(row: BenchmarkPracticeRow) -> bool:
    return row.value is not None


def bar_figure(
    bench: Benchmark,
    lang: str,
    decimals: int,
    unit: str,
    definition: KpiDefinition | None = None,
) -> go.Figure:
    """The practices' values sorted, with the region's median and P25–P75 band and the KPI's
    norm from ``definition`` (the catalogue entry), if it has one."""
    rows = sorted((r for r in bench.practices if _shown(r)), key=lambda r: r.value or 0)
    if not rows:
        return c.empty_figure(lang)
    names = [r.name for r in rows]
    verdicts = [c.row_verdict(r, bench, definition, lang) for r in rows]
    colours = [v.colour for v in verdicts]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[r.value for r in rows],
            marker={
                "color": colours,
                "pattern": {"shape": ["" if r.ranked else "/" for r in rows]},
            },
            customdata=[
                [
                    fmt_value(
                        r.value,
                        unit=bench.unit,
                        decimals=decimals,
                        lang=lang,
                        display=r.value_display,
                    ),
                    r.agb or "",
                    v.text,
                ]
                for r, v in zip(rows, verdicts, strict=True)
            ],
            hovertemplate=(
                "<b>%{x}</b> (%{customdata[1]})<br>%{customdata[0]}<br>%{customdata[2]}"
                "<extra></extra>"
            ),
            name=bench.title_nl,
            showlegend=False,
        )
    )
    d = bench.distribution
    if d and d.p25 is not None and d.p75 is not None:
        fig.add_hrect(
            y0=d.p25,
            y1=d.p75,
            fillcolor=c.PRIMARY_LIGHT,
            line_width=0,
            layer="below",
        )
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t("chart.band", lang),
            marker={"size": 12, "symbol": "square", "color": c.PRIMARY_LIGHT},
        )
    if d and d.median is not None:
        fig.add_hline(y=d.median, line={"color": c.PRIMARY, "width": 2, "dash": "dash"})
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=t("chart.median", lang),
            line={"color": c.PRIMARY, "width": 2, "dash": "dash"},
        )
    c.add_norm(fig, definition, t("chart.norm", lang))
    c.style_figure(fig, lang)
    fig.update_yaxes(title_text=unit)
    fig.update_xaxes(
        type="category",
        showticklabels=len(rows) <= MANY_PRACTICES,
        automargin=True,
    )
    return fig


def funnel_figure(
    bench: Benchmark,
    lang: str,
    decimals: int,
    unit: str,
    definition: KpiDefinition | None = None,
) -> go.Figure:
    rows = sorted(
        (r for r in bench.practices if _shown(r) and r.denominator),
        key=lambda r: r.denominator or 0,
    )
    if not rows:
        return c.empty_figure(lang)
    fig = go.Figure()
    limited = [r for r in rows if r.funnel]
    x = [r.denominator for r in limited]
    for key, name, dash_style in (
        ("998", t("chart.limit998", lang), "solid"),
        ("95", t("chart.limit95", lang), "dot"),
    ):
        for side in ("lower", "upper"):
            fig.add_scatter(
                x=x,
                y=[getattr(r.funnel, f"{side}{key}") for r in limited],
                mode="lines",
                line={"color": "#98a6b5", "width": 1.5, "dash": dash_style, "shape": "spline"},
                name=name,
                legendgroup=key,
                showlegend=side == "lower",
                hoverinfo="skip",
            )
    if bench.region_value is not None:
        fig.add_hline(y=bench.region_value, line={"color": c.PRIMARY, "width": 2})
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=t("chart.region_value", lang),
            line={"color": c.PRIMARY, "width": 2},
        )

    def colour(r: BenchmarkPracticeRow) -> str:
        return c.row_verdict(r, bench, definition, lang).colour

    fig.add_scatter(
        x=[r.denominator for r in rows],
        y=[r.value for r in rows],
        mode="markers",
        marker={
            "size": 10,
            "color": [colour(r) for r in rows],
            "line": {"color": "white", "width": 1},
        },
        text=[r.name for r in rows],
        customdata=[
            [
                fmt_value(
                    r.value, unit=bench.unit, decimals=decimals, lang=lang, display=r.value_display
                ),
                fmt_number(r.denominator, 0, lang),
                t(f"funnel.{r.funnel.class998}", lang) if r.funnel and r.funnel.class998 else "–",
            ]
            for r in rows
        ],
        hovertemplate=(
            "<b>%{text}</b><br>%{customdata[0]}<br>"
            + t("col.denominator", lang)
            + ": %{customdata[1]}<br>"
            + t("col.funnel", lang)
            + ": %{customdata[2]}<extra></extra>"
        ),
        name=t("col.practice", lang),
        showlegend=False,
    )
    c.style_figure(fig, lang)
    fig.update_xaxes(
        title_text=funnel_axis_title(bench.slug, lang), showgrid=True, gridcolor="#eef1f4"
    )
    fig.update_yaxes(title_text=unit)
    return fig


def grid(
    bench: Benchmark,
    lang: str,
    decimals: int,
    unit: str,
    prefix: str = "/dashboard/",
    definition: KpiDefinition | None = None,
) -> tuple[list[dict[str, Any]], list[dict]]:
    ranks = c.best_ranks(
        {r.agb or r.name: r.value for r in bench.practices if r.ranked}, bench.polarity
    )
    verdicts = {id(r): c.row_verdict(r, bench, definition, lang) for r in bench.practices}
    rows = [
        {
            "name": r.name,
            # an anonymised practice (a POH's view: "Praktijk A") has no AGB and no page
            "link": c.md_link(
                r.name,
                f"{prefix}praktijk?agb={r.agb}&period={bench.period.label}" if r.agb else None,
            ),
            "agb": r.agb or "",
            "value": None if r.suppressed else r.value,
            "value_display": hidden_display(r.value_display, lang) if r.suppressed else None,
            "numerator": None if r.suppressed else r.numerator,
            "denominator": r.denominator,
            "rank": ranks.get(r.agb or r.name),
            # a value hidden by the small-number rule shows no position either
            "percent_rank": None
            if r.percent_rank is None or r.suppressed
            else r.percent_rank * 100,
            "verdict": verdicts[id(r)].text,
            "verdict_cls": verdicts[id(r)].cls,
            "funnel": t(f"funnel.{r.funnel.class998}", lang)
            if r.funnel and r.funnel.class998
            else "–",
        }
        for r in sorted(bench.practices, key=lambda r: (r.value is None, -(r.value or 0)))
    ]
    suffix = "%" if bench.unit.strip() in {"%", "percent"} else ""
    value_fmt = c.number_formatter(decimals, lang, suffix=suffix)
    value_fmt["function"] = (
        "params.data.value_display ? params.data.value_display : " + value_fmt["function"]
    )
    cols = [
        {
            "field": "link",
            "headerName": t("col.practice", lang),
            "cellRenderer": "markdown",
            "linkTarget": "_self",
            "flex": 3,
            "minWidth": 200,
            "filter": False,
            "comparator": {"function": "(a, b) => a.localeCompare(b, 'nl')"},
        },
        {"field": "agb", "headerName": t("col.agb", lang), "flex": 1, "minWidth": 95},
        {
            "field": "value",
            "headerName": f"{t('col.value', lang)} ({unit})",
            "type": "rightAligned",
            "valueFormatter": value_fmt,
            "flex": 2,
            "minWidth": 140,
        },
        {
            "field": "numerator",
            "headerName": t("col.numerator", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(0, lang),
            "flex": 1,
            "minWidth": 125,
        },
        {
            "field": "denominator",
            "headerName": t("col.denominator", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(0, lang),
            "flex": 1,
            "minWidth": 125,
        },
        {
            "field": "rank",
            "headerName": t("col.rank_best", lang),
            "type": "rightAligned",
            "flex": 1,
            "minWidth": 100,
        },
        {
            "field": "percent_rank",
            "headerName": t("col.percentile_dir", lang),
            "type": "rightAligned",
            "valueFormatter": c.number_formatter(0, lang, suffix="%"),
            "flex": 1,
            "minWidth": 130,
        },
        {"field": "funnel", "headerName": t("col.funnel", lang), "flex": 1, "minWidth": 110},
        c.verdict_column(lang),
    ]
    # leave out columns that say nothing for this KPI (medians have no numerator, counts no
    # funnel)
    empty = {
        "numerator": all(r["numerator"] is None for r in rows),
        "denominator": all(r["denominator"] is None for r in rows),
        "funnel": bench.funnel_kind is None,
        "rank": not ranks,
    }
    cols = [col for col in cols if not empty.get(col["field"], False)]
    return rows, cols
