"""Datakwaliteit (beheerder, regio, teamleider): is every practice's data complete, and does it
look like its own history?

- a heat map of the region's practices (rows) by month (columns): one colour per combination of
  what the exports carried that month — no contacts (red, stands out), contacts without hours
  and referrals, without hours, without referrals, complete — with the number of contacts in
  the cell and ▼/▲ on a month far below/above the practice's own history;
- the outlier rule as the API states it (``GET /api/v1/quality``: below 50 % or above 200 % of
  the median of the previous 6 months);
- ICPC coverage per practice (the KPI ``icpc_coverage_pct`` from the regional benchmark, for
  the latest quarter with data);
- a table: months without contacts, outliers, ICPC coverage and the last import per practice.

Counts are row counts per practice-month (not patients): no small-number rule applies.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Output, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import fmt_date, fmt_number, fmt_percent, fmt_period, t
from dashboard.lookups import region_options
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.pages.imports import grid_without_template
from dashboard.schemas import Benchmark, Quality, QualityCell

ICPC_SLUG = "icpc_coverage_pct"
WINDOWS = ("12", "24", "36")  # months shown, up to the region's last contact
ROW_HEIGHT = 30

# Completeness codes of a practice-month, worst first; colours of the heat map.
CODES = ("none", "contacts_only", "no_hours", "no_referrals", "complete")
CODE_COLOURS = {
    "none": "#d1495b",
    "contacts_only": "#e9a23b",
    "no_hours": "#f3cf8f",
    "no_referrals": "#b9cde0",
    "complete": "#2a9d8f",
}
ARROWS = {"low": "▼", "high": "▲"}


def code(cell: QualityCell) -> str:
    """What the exports carried in a practice-month, as one code."""
    if cell.contacts == 0:
        return "none"
    if cell.hours_weeks == 0 and cell.referrals == 0:
        return "contacts_only"
    if cell.hours_weeks == 0:
        return "no_hours"
    if cell.referrals == 0:
        return "no_referrals"
    return "complete"


# narrower, the heat map's card scrolls sideways (a phone: 390 px)
HEATMAP_MIN_WIDTH = 720


def body(lang: str) -> list[Any]:
    return [
        html.Div(id=ids.QUALITY_CARDS),
        c.chart_card(
            t("quality.heatmap_title", lang),
            ids.QUALITY_HEATMAP,
            height=360,
            note_id=ids.QUALITY_RULE,
            # twelve month columns and the practices' names stay readable on a phone
            min_width=HEATMAP_MIN_WIDTH,
        ),
        dbc.Row(
            [
                dbc.Col(
                    c.chart_card(t("quality.icpc_title", lang), ids.QUALITY_ICPC, height=320),
                    lg=4,
                ),
                dbc.Col(
                    dbc.Card(
                        [
                            dbc.CardHeader(
                                html.H3(t("quality.table_title", lang), className="h6 mb-0")
                            ),
                            dbc.CardBody(
                                c.with_downloads(
                                    grid_without_template(ids.QUALITY_GRID, lang), lang
                                )
                            ),
                        ],
                        className="mb-3 shadow-sm",
                    ),
                    lg=8,
                ),
            ]
        ),
    ]


def window_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t("quality.window", lang, n=n), "value": n} for n in WINDOWS]


def fill(client: ApiClient, start: Start) -> Filled | None:
    if not client.practices():
        return None
    regions = region_options(client.regions())
    windows = window_options(start.lang)
    return Filled(
        {
            "region": (regions, start.choose("region", regions)),
            "months": (windows, start.choose("months", windows, default="12")),
        }
    )


def _shift(label: str, by: int) -> str:
    year, month = int(label[:4]), int(label[5:7])
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def render(ctx: Context, region: str, months: str) -> tuple[Any, ...]:
    periods = ctx.client.periods(region=region)
    if periods.last_date is None:
        empty = c.empty_figure(ctx.lang, t("quality.no_contacts", ctx.lang))
        return None, empty, empty, [], [], None, _style(360), _style(320)
    last = f"{periods.last_date.year:04d}-{periods.last_date.month:02d}"
    quality = ctx.client.quality(region=region, first=_shift(last, 1 - int(months)), last=last)
    icpc: Benchmark | None = None
    if periods.latest_quarter:
        try:
            icpc = ctx.client.benchmark(ICPC_SLUG, region=region, period=periods.latest_quarter)
        except ApiError:
            icpc = None  # the page still shows completeness; the chart says it has no data
    coverage = icpc_by_agb(icpc)
    rows, cols = grid(quality, coverage, ctx.lang)
    heat, bars = heatmap(quality, ctx.lang), icpc_figure(icpc, ctx.lang)
    return (
        cards(quality, coverage, ctx.lang),
        heat,
        bars,
        rows,
        cols,
        rule_text(quality, ctx.lang),
        _style(heat.layout.height or 360, min_width=HEATMAP_MIN_WIDTH),
        _style(bars.layout.height or 320),
    )


def _style(height: float, *, min_width: int | None = None) -> dict[str, str]:
    """The graph's height follows its figure (a row per practice)."""
    style = {"height": f"{int(height)}px"}
    if min_width:
        style["minWidth"] = f"{min_width}px"
    return style


def icpc_by_agb(bm: Benchmark | None) -> dict[str, float | None]:
    if bm is None:
        return {}
    return {row.agb: row.value for row in bm.practices if row.agb}


def cards(quality: Quality, coverage: dict[str, float | None], lang: str) -> Any:
    cells = [cell for p in quality.practices for cell in p.cells]
    empty = sum(1 for cell in cells if cell.contacts == 0)
    outliers = sum(p.outliers for p in quality.practices)
    never = sum(1 for p in quality.practices if p.last_import is None)
    months = quality.months
    caption = html.Div(
        f"{quality.region_name} · {fmt_period(months[0], lang)} – {fmt_period(months[-1], lang)}",
        className="small text-muted mb-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                caption,
                dbc.Row(
                    [
                        c.stat(
                            t("quality.card.practices", lang),
                            fmt_number(len(quality.practices), 0, lang),
                        ),
                        c.stat(
                            t("quality.card.empty", lang),
                            fmt_number(empty, 0, lang),
                            sub=t("quality.card.of", lang, n=fmt_number(len(cells), 0, lang)),
                            colour=c.BAD if empty else c.GOOD,
                        ),
                        c.stat(
                            t("quality.card.outliers", lang),
                            fmt_number(outliers, 0, lang),
                            colour=c.NORM if outliers else c.GOOD,
                        ),
                        c.stat(
                            t("quality.card.no_import", lang),
                            fmt_number(never, 0, lang),
                            colour=c.BAD if never else c.GOOD,
                        ),
                    ]
                ),
            ]
        ),
        className="mb-3 shadow-sm",
    )


def _hover(name: str, cell: QualityCell, lang: str) -> str:
    lines = [
        f"<b>{name}</b> · {fmt_period(cell.month, lang)}",
        f"{t('quality.contacts', lang)}: {fmt_number(cell.contacts, 0, lang)}",
        f"{t('quality.hours_weeks', lang)}: {fmt_number(cell.hours_weeks, 0, lang)}",
        f"{t('quality.referrals', lang)}: {fmt_number(cell.referrals, 0, lang)}",
        t(f"quality.code.{code(cell)}", lang),
    ]
    if cell.baseline is not None:
        lines.append(f"{t('quality.baseline', lang)}: {fmt_number(cell.baseline, 1, lang)}")
    if cell.outlier:
        lines.append(f"<b>{ARROWS[cell.outlier]} {t(f'quality.outlier.{cell.outlier}', lang)}</b>")
    return "<br>".join(lines)


def heatmap(quality: Quality, lang: str) -> go.Figure:
    if not quality.practices:
        return c.empty_figure(lang, t("quality.no_practices", lang))
    practices = list(reversed(quality.practices))  # the first practice on top
    x = [fmt_period(m, lang) for m in quality.months]
    y = [p.name for p in practices]
    z = [[CODES.index(code(cell)) for cell in p.cells] for p in practices]
    text = [
        [
            ARROWS.get(cell.outlier or "", "") + fmt_number(cell.contacts, 0, lang)
            for cell in p.cells
        ]
        for p in practices
    ]
    hover = [[_hover(p.name, cell, lang) for cell in p.cells] for p in practices]
    n = len(CODES) - 1
    scale = []
    for i, key in enumerate(CODES):  # a discrete scale: one flat band per code
        scale += [[i / (n + 1), CODE_COLOURS[key]], [(i + 1) / (n + 1), CODE_COLOURS[key]]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=scale,
            zmin=-0.5,
            zmax=n + 0.5,
            showscale=False,
            xgap=2,
            ygap=2,
            meta="completeness",
        )
    )
    c.style_figure(fig, lang, legend=False)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 60, "b": 10},  # room for the mode bar above the months
        height=max(220, ROW_HEIGHT * len(practices) + 80),
        plot_bgcolor="white",
    )
    fig.update_xaxes(side="top", tickangle=0, type="category")
    fig.update_yaxes(automargin=True, type="category", gridcolor="white")
    return fig


def legend(lang: str) -> html.Div:
    swatches = [
        html.Span(
            [
                html.Span(
                    className="d-inline-block rounded me-1 align-middle",
                    style={"width": "14px", "height": "14px", "background": CODE_COLOURS[key]},
                ),
                t(f"quality.code.{key}", lang),
            ],
            className="me-3 text-nowrap",
        )
        for key in reversed(CODES)
    ]
    arrows = html.Span(
        f"▼ / ▲ {t('quality.outlier.legend', lang)}", className="text-nowrap fw-semibold"
    )
    return html.Div([*swatches, arrows], className="small mb-2 d-flex flex-wrap gap-1")


def rule_text(quality: Quality, lang: str) -> Any:
    rule = quality.rule
    text = t(
        "quality.rule",
        lang,
        low=fmt_number(rule.low_pct, 0, lang),
        high=fmt_number(rule.high_pct, 0, lang),
        months=rule.history_months,
        min=rule.min_months_with_data,
    )
    return html.Div([legend(lang), html.Div(text, className="quality-rule")])


def icpc_figure(bm: Benchmark | None, lang: str) -> go.Figure:
    rows = [r for r in (bm.practices if bm else []) if r.value is not None]
    if bm is None or not rows:
        return c.empty_figure(lang, t("quality.icpc_none", lang))
    rows.sort(key=lambda r: r.value or 0)
    fig = go.Figure(
        go.Bar(
            x=[r.value for r in rows],
            y=[r.name for r in rows],
            orientation="h",
            marker_color=c.PRIMARY,
            text=[fmt_percent(r.value, 0, lang) for r in rows],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
            meta="icpc",
        )
    )
    c.style_figure(fig, lang, legend=False)
    fig.update_layout(
        margin={"l": 10, "r": 20, "t": 30, "b": 40},
        height=max(260, 28 * len(rows) + 90),
        title={
            "text": fmt_period(bm.period.label, lang),
            "font": {"size": 12, "color": "#6c757d"},
            "x": 0,
            "xanchor": "left",
        },
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title_text=t("quality.icpc_axis", lang))
    fig.update_yaxes(automargin=True)
    return fig


def grid(
    quality: Quality, coverage: dict[str, float | None], lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = []
    for p in quality.practices:
        last = p.last_import
        rows.append(
            {
                "name": p.name,
                "agb": p.agb,
                "empty": p.months_without_contacts,
                "outliers": p.outliers,
                "icpc": coverage.get(p.agb),
                "last_import": fmt_date(last.finished_at.date(), lang)
                if last and last.finished_at
                else "–",
                "last_import_iso": last.finished_at.isoformat()
                if last and last.finished_at
                else "",
                "last_file": f"#{last.id} {last.filename}" if last else t("quality.never", lang),
            }
        )
    number = {"type": "rightAligned", "filter": "agNumberColumnFilter", "minWidth": 110, "flex": 1}
    cols = [
        {
            "field": "name",
            "headerName": t("quality.col.practice", lang),
            "minWidth": 200,
            "flex": 2,
            "tooltipField": "agb",
        },
        {
            "field": "empty",
            "headerName": t("quality.col.empty", lang),
            **number,
            "cellClassRules": {"text-danger fw-semibold": {"function": "params.value > 0"}},
        },
        {"field": "outliers", "headerName": t("quality.col.outliers", lang), **number},
        {
            "field": "icpc",
            "headerName": t("quality.col.icpc", lang),
            **number,
            "valueFormatter": c.number_formatter(0, lang, suffix="%"),
        },
        {
            "field": "last_import",
            "headerName": t("quality.col.last_import", lang),
            "minWidth": 120,
            "flex": 1,
            "comparator": {
                "function": "(a, b, na, nb) => "
                "na.data.last_import_iso.localeCompare(nb.data.last_import_iso)"
            },
        },
        {
            "field": "last_file",
            "headerName": t("quality.col.last_file", lang),
            "minWidth": 150,
            "flex": 2,
            "tooltipField": "last_file",
        },
    ]
    for col in cols:
        col.setdefault("wrapHeaderText", True)
        col.setdefault("autoHeaderHeight", True)
    return rows, cols


def _empty(lang: str) -> tuple[Any, ...]:
    return (
        None,
        c.choose_figure(lang),
        c.choose_figure(lang),
        [],
        [],
        None,
        _style(360),
        _style(320),
    )


def _failed(lang: str, alert: Any) -> tuple[Any, ...]:
    figure = c.error_figure(lang)
    return alert, figure, figure, [], [], None, _style(360), _style(320)


PAGE = Page(
    module=__name__,
    path="/datakwaliteit",
    nav_key="nav.quality",
    title="quality.title",
    lead="quality.lead",
    pickers=(
        Picker(ids.QUALITY_REGION, "ctl.region", "region", width=4),
        Picker(ids.QUALITY_MONTHS, "quality.ctl.window", "months", width=3, searchable=False),
    ),
    message=ids.QUALITY_MESSAGE,
    init=ids.QUALITY_INIT,
    body=body,
    fill=fill,
    draw=Draw(
        outputs=(
            Output(ids.QUALITY_CARDS, "children"),
            Output(ids.QUALITY_HEATMAP, "figure"),
            Output(ids.QUALITY_ICPC, "figure"),
            Output(ids.QUALITY_GRID, "rowData"),
            Output(ids.QUALITY_GRID, "columnDefs"),
            Output(ids.QUALITY_RULE, "children"),
            Output(ids.QUALITY_HEATMAP, "style"),
            Output(ids.QUALITY_ICPC, "style"),
        ),
        render=render,
        empty=_empty,
        failed=_failed,
    ),
)
