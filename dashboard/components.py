"""Shared building blocks of the pages: cards, controls, states, figure styling.

Pure functions that build Dash components or Plotly figures from values they are given; none of
them fetches data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import (
    fmt_norm,
    js_locale,
    kpi_unit,
    norm_bounds,
    plotly_separators,
    reference_text,
    t,
)
from dashboard.locales import grid_locale, plotly_locale
from dashboard.schemas import Benchmark, BenchmarkPracticeRow, KpiDefinition, Polarity

# Palette: calm blues for data, teal/coral for good/bad, grey for neutral.
PRIMARY = "#1f4e79"
PRIMARY_LIGHT = "rgba(31, 78, 121, 0.12)"
GOOD = "#2a9d8f"
BAD = "#d1495b"
MIDDLE = "#8fa6bf"
NEUTRAL = "#5b7fa6"
NORM = "#e9a23b"
SERIES_COLOURS = ["#1f4e79", "#5b7fa6", "#2a9d8f", "#e9a23b", "#d1495b", "#8d6a9f", "#9fb4c7"]
FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif'
)


def add_norm(
    fig: go.Figure, definition: KpiDefinition | None, label: str, *, horizontal: bool = True
) -> None:
    """Draw the KPI's numeric norm from the catalogue (if it has one) as an amber band, or a
    line when both ends are equal, with a legend entry."""
    norm = norm_bounds(definition)
    if norm is None:
        return
    low, high = norm
    if low == high:
        if horizontal:
            fig.add_hline(y=low, line={"color": NORM, "width": 2, "dash": "dot"})
        else:
            fig.add_vline(x=low, line={"color": NORM, "width": 2, "dash": "dot"})
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=label,
            line={"color": NORM, "width": 2, "dash": "dot"},
        )
        return
    band = {"fillcolor": "rgba(233, 162, 59, 0.22)", "line_width": 0, "layer": "below"}
    if horizontal:
        fig.add_hrect(y0=low, y1=high, **band)
    else:
        fig.add_vrect(x0=low, x1=high, **band)
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=label,
        marker={"size": 12, "symbol": "square", "color": "rgba(233, 162, 59, 0.45)"},
    )


def page_header(title: str, lead: str) -> html.Div:
    return html.Div(
        [html.H2(title, className="h3 mb-1 fw-semibold"), html.P(lead, className="text-muted")],
        className="mb-3",
    )


def control(label: str, component: Any, *, width: int = 4) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, className="small text-uppercase text-muted fw-semibold mb-1"), component],
        md=width,
        # a chart's download names what was chosen (assets/40-downloads.js reads it)
        className="mb-2 page-control",
    )


def dropdown(id: str, lang: str, *, searchable: bool = True) -> dcc.Dropdown:
    """A dropdown that a callback fills (options and value) after the page has loaded."""
    return dcc.Dropdown(
        id=id,
        options=[],
        value=None,
        clearable=False,
        searchable=searchable,
        placeholder=t("ctl.choose", lang),
    )


def controls_card(cols: Sequence[dbc.Col]) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(dbc.Row(list(cols), className="g-3")), className="mb-3 shadow-sm page-controls"
    )


def message_area(id: str) -> html.Div:
    return html.Div(id=id)


def no_practices_alert(lang: str) -> dbc.Alert:
    return dbc.Alert(t("empty.practices", lang), color="info")


def error_alert(message: str, lang: str) -> dbc.Alert:
    return dbc.Alert(
        [html.Strong(t("error.title", lang)), html.Br(), message],
        color="danger",
        className="mb-3",
    )


def empty_state(lang: str, text: str | None = None) -> html.Div:
    return html.Div(
        [
            html.Div("∅", className="display-6 text-muted mb-1", **{"aria-hidden": "true"}),
            html.Div(text or t("empty.period", lang), className="fw-semibold text-muted"),
        ],
        className="text-center py-5 border rounded bg-light empty-state",
    )


# The mode bar of every graph (all graphs are made by ``chart_card``). No "Edit in Chart
# Studio" / "sendDataToCloud": that control offers to upload the figure's (health) data to
# Plotly's cloud service.
GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "displayModeBar": "hover",
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["sendDataToCloud", "select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def graph_config(lang: str | None = None) -> dict[str, Any]:
    """:data:`GRAPH_CONFIG` with the mode bar's texts in ``lang`` (Dutch by default)."""
    return {**GRAPH_CONFIG, **plotly_locale(lang or "nl")}


def _download_button(id: dict[str, str], lang: str) -> dbc.Button:
    """One small download button; ``id["format"]`` names the file format."""
    fmt = id["format"]
    return dbc.Button(
        t(f"download.{fmt}", lang),
        id=id,
        title=t(f"download.{fmt}_title", lang),
        color="secondary",
        outline=True,
        size="sm",
        class_name="py-0 px-2",
        n_clicks=0,
    )


def chart_download_buttons(graph_id: str, title: str, lang: str | None) -> html.Div:
    """PNG and SVG buttons of a chart. The image is made in the browser (plotly.js, on a copy
    of the figure with the chart's title and a source line added; assets/40-downloads.js):
    nothing leaves the user's computer, no server-side rendering."""
    lang = lang or "nl"
    buttons = [
        _download_button({"type": ids.CHART_DOWNLOAD, "graph": graph_id, "format": fmt}, lang)
        for fmt in ("png", "svg")
    ]
    meta = {
        "title": title,
        "lang": lang,
        "source": t("download.source", lang),
        "downloaded": t("download.downloaded", lang),
    }
    return html.Div(
        [
            html.Span(t("download.chart", lang), className="visually-hidden"),
            dbc.ButtonGroup(buttons, size="sm"),
            dcc.Store(id={"type": ids.CHART_DOWNLOAD_META, "graph": graph_id}, data=meta),
            dcc.Store(id={"type": ids.CHART_DOWNLOAD_DONE, "graph": graph_id}),
        ],
        className="chart-download d-flex align-items-center gap-2",
        role="group",
        **{"aria-label": t("download.chart", lang)},
    )


def card_header(title: str, tools: Any = None) -> dbc.CardHeader:
    """A card's header: its title, and on the right its download buttons (if any)."""
    heading = html.H3(title, className="h6 mb-0 fw-semibold")
    if tools is None:
        return dbc.CardHeader(heading)
    return dbc.CardHeader(
        html.Div(
            [heading, tools],
            className="d-flex justify-content-between align-items-center flex-wrap gap-2",
        )
    )


def chart_card(
    title: str,
    graph_id: str,
    *,
    height: int = 380,
    note_id: str | None = None,
    lang: str | None = None,
    min_width: int | None = None,
):
    """A card with a graph that a callback draws. ``min_width``: the graph is never drawn
    narrower (a grid of many columns on a phone); the card scrolls sideways instead."""
    graph_style = {"height": f"{height}px"}
    if min_width:
        graph_style["minWidth"] = f"{min_width}px"
    graph: Any = dcc.Loading(
        dcc.Graph(
            id=graph_id,
            figure=blank_figure(),
            config=graph_config(lang),
            style=graph_style,
        ),
        type="circle",
        color=PRIMARY,
    )
    if min_width:
        graph = html.Div(graph, className="overflow-x-auto")
    body: list[Any] = [graph]
    if note_id:
        body.append(html.Div(id=note_id, className="small text-muted mt-2"))
    return dbc.Card(
        [card_header(title, chart_download_buttons(graph_id, title, lang)), dbc.CardBody(body)],
        className="mb-3 shadow-sm",
    )


def content_card(
    title: str,
    child_id: str,
    *,
    loading: bool = True,
    download: bool = False,
    lang: str | None = None,
) -> dbc.Card:
    """A card around a component a callback fills; ``download``: with the CSV/XLSX buttons of
    the table it shows (the API's export of it: dashboard/downloads.py)."""
    inner: Any = html.Div(id=child_id)
    if loading:
        inner = dcc.Loading(inner, type="circle", color=PRIMARY)
    tools = table_download_buttons(child_id, lang or "nl") if download else None
    return dbc.Card(
        [card_header(title, tools), dbc.CardBody(inner)],
        className="mb-3 shadow-sm",
    )


def stat(label: str, value: str, *, sub: str | None = None, colour: str | None = None) -> dbc.Col:
    children: list[Any] = [
        html.Div(label, className="small text-uppercase text-muted fw-semibold"),
        html.Div(value, className="fs-4 fw-semibold", style={"color": colour or PRIMARY}),
    ]
    if sub:
        children.append(html.Div(sub, className="small text-muted"))
    return dbc.Col(html.Div(children, className="stat"), xs=6, md=3, className="mb-2")


def kpi_reference(defn: KpiDefinition | None, lang: str) -> html.Div:
    """Unit, direction and the KPI's reference/norm text with its source."""
    if defn is None:
        return html.Div()
    parts: list[Any] = [
        html.Span([html.Strong(t("unit.label", lang) + ": "), kpi_unit(defn, lang)]),
        html.Span(" · " + t(f"polarity.{defn.polarity}", lang)),
    ]
    ref, source = reference_text(defn, lang)
    if ref:
        if source:
            ref += f" ({t('ref.source', lang)}: {source})"
        parts += [html.Br(), html.Strong(t("ref.label", lang) + ": "), ref]
    return html.Div(parts, className="small text-muted kpi-reference")


def reference_line(text: str | None, source: str | None, lang: str) -> html.Div:
    if not text:
        return html.Div()
    ref = text + (f" ({t('ref.source', lang)}: {source})" if source else "")
    return html.Div(
        [html.Strong(t("ref.label", lang) + ": "), ref], className="small text-muted kpi-reference"
    )


def blank_figure() -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        plot_bgcolor="white",
        paper_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def empty_figure(lang: str, text: str | None = None) -> go.Figure:
    fig = blank_figure()
    fig.add_annotation(
        text=text or t("empty.period", lang),
        showarrow=False,
        font={"size": 16, "color": "#6c757d"},
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
    )
    return fig


def choose_figure(lang: str) -> go.Figure:
    """The figure while not every picker has a value."""
    return empty_figure(lang, t("empty.choose", lang))


def error_figure(lang: str) -> go.Figure:
    """The figure when the API failed (the message area says why)."""
    return empty_figure(lang, t("error.title", lang))


def style_figure(fig: go.Figure, lang: str, *, legend: bool = True) -> go.Figure:
    """House style: white, light grid, Dutch/English separators, legend on top; bar texts and
    tick labels that would overlap on a narrow (phone) screen are left out or turned."""
    fig.update_layout(
        template="plotly_white",
        separators=plotly_separators(lang),
        font={"family": FONT, "size": 13, "color": "#212529"},
        # the legend sits in the top margin under the mode bar's row (never beneath it)
        margin={"l": 60, "r": 20, "t": 64 if legend else 34, "b": 50},
        colorway=SERIES_COLOURS,
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT}},
        bargap=0.25,
        # a text on a bar that does not fit at 10 px is left out, not shrunk or overlapping its
        # neighbour (a phone-width screen); the hover still gives the value
        uniformtext={"minsize": 10, "mode": "hide"},
    )
    # tick labels: horizontal when they fit, else slanted, else upright — whichever is the first
    # not to overlap at the width the chart is drawn (plotly picks again on every resize);
    # a page that sets its own tickangle keeps it
    fig.update_xaxes(showgrid=False, linecolor="#ced4da", autotickangles=[0, -35, -90])
    fig.update_yaxes(gridcolor="#eef1f4", zerolinecolor="#ced4da")
    return fig


VerdictClass = Literal["good", "bad", "middle", "neutral"]
VERDICT_COLOURS: dict[str, str] = {"good": GOOD, "bad": BAD, "middle": MIDDLE, "neutral": NEUTRAL}


@dataclass(frozen=True)
class Verdict:
    """The judgement of one KPI value: its class (colour) and wording, the same on every page."""

    cls: VerdictClass
    label: str  # "gunstig"
    basis: str  # "boven de norm 14"

    @property
    def colour(self) -> str:
        return VERDICT_COLOURS[self.cls]

    @property
    def class_name(self) -> str:
        return f"verdict-{self.cls}"

    @property
    def text(self) -> str:
        return f"{self.label} ({self.basis})" if self.basis else self.label


def verdict(
    value: float | None,
    polarity: Polarity | str,
    lang: str,
    *,
    definition: Any = None,
    percent_rank: float | None = None,
    ranked: bool = True,
    funnel_class: str | None = None,
) -> Verdict:
    """THE one judgement of a KPI value, used by every page: good, bad, middle or neutral, and
    why. In this order: the KPI's numeric norm from the catalogue (``definition``), else the
    funnel plot's 99.8% class, else the value's percent rank in the region (top or bottom
    quarter by the KPI's polarity). Without a value, or a direction, no judgement."""

    def made(cls: VerdictClass, basis: str) -> Verdict:
        return Verdict(cls, t(f"verdict.{cls}", lang), basis)

    if value is None:
        return made("neutral", "")
    norm = norm_bounds(definition)
    if norm is not None:
        low, high = norm
        shown = fmt_norm(definition, lang) or ""
        # a norm is a ceiling ("≤ 14 dagen", "≤ 8–9 per dag"), for a higher-is-better KPI a
        # floor ("100% van de normuren")
        if polarity == "higher_better":
            if value < low:
                return made("bad", t("basis.norm_below", lang, norm=shown))
            return made("good", t("basis.norm_met", lang, norm=shown))
        if value > high:
            return made("bad", t("basis.norm_above", lang, norm=shown))
        return made("good", t("basis.norm_within", lang, norm=shown))
    if polarity == "neutral":
        return made("neutral", t(f"polarity.{polarity}", lang))
    if funnel_class in ("above", "below"):
        good = (funnel_class == "above") == (polarity == "higher_better")
        return made("good" if good else "bad", t(f"basis.funnel_{funnel_class}", lang))
    if funnel_class == "within":
        return made("middle", t("basis.funnel_within", lang))
    if percent_rank is None or not ranked:
        return made("neutral", t("basis.not_ranked", lang))
    basis = t(
        "basis.percentile",
        lang,
        pct=round(percent_rank * 100),
        direction=t(f"polarity.{polarity}", lang),
    )
    score = percent_rank if polarity == "higher_better" else 1 - percent_rank
    if score >= 0.75:
        return made("good", basis)
    if score <= 0.25:
        return made("bad", basis)
    return made("middle", basis)


def row_verdict(row: BenchmarkPracticeRow, bench: Benchmark, definition: Any, lang: str) -> Verdict:
    """A practice's verdict on this KPI (the one rule of components.verdict)."""
    return verdict(
        None if row.suppressed else row.value,
        getattr(definition, "polarity", None) or bench.polarity,
        lang,
        definition=definition,
        percent_rank=row.percent_rank,
        ranked=row.ranked,
        funnel_class=row.funnel.class998 if row.funnel else None,
    )


def best_ranks(values: dict[str, float | None], polarity: Polarity | str) -> dict[str, int]:
    """Rank of each ranked value with 1 = best (ties share the better rank); none for a KPI
    without a preferred direction."""
    if polarity == "neutral":
        return {}
    shown = {k: v for k, v in values.items() if v is not None}
    better = (lambda a, b: a > b) if polarity == "higher_better" else (lambda a, b: a < b)
    return {k: 1 + sum(1 for w in shown.values() if better(w, v)) for k, v in shown.items()}


def verdict_column(lang: str, *, field: str = "verdict") -> dict[str, Any]:
    """The AG Grid column with a row's verdict: its wording, coloured by its class."""
    return {
        "field": field,
        "headerName": t("col.verdict", lang),
        "flex": 2,
        "minWidth": 200,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px"},
        "cellClassRules": {
            f"verdict-{cls}": f"params.data.{field}_cls === '{cls}'" for cls in VERDICT_COLOURS
        },
    }


def md_link(text: str, href: str | None = None) -> str:
    """A grid cell for AG Grid's markdown renderer: ``text`` escaped (a practice called
    "Huisartsen [Noord]" or "De_Linde" stays as written), as a link to ``href`` if given."""
    escaped = "".join("\\" + ch if ch in "[]()*_`\\" else ch for ch in text)
    return f"[{escaped}]({href})" if href else escaped


def number_formatter(decimals: int, lang: str, *, suffix: str = "") -> dict[str, str]:
    """AG Grid valueFormatter: locale-aware numbers, an en dash for missing values."""
    locale = js_locale(lang)
    return {
        "function": (
            f"params.value == null ? '–' : Number(params.value).toLocaleString('{locale}', "
            f"{{minimumFractionDigits: {decimals}, maximumFractionDigits: {decimals}}})"
            f" + '{suffix}'"
        )
    }


def table_download_buttons(table_id: str, lang: str) -> html.Div:
    """CSV and XLSX buttons of a table. A click sends the table as shown (its displayed
    columns and rows, after filter and sort) to the dashboard's server, which has the API make
    the file (the table's own API export where one exists) and hands it over with
    ``dcc.Download`` (dashboard/downloads.py)."""
    buttons = [
        _download_button({"type": ids.TABLE_DOWNLOAD, "table": table_id, "format": fmt}, lang)
        for fmt in ("csv", "xlsx")
    ]
    return html.Div(
        [
            html.Span(t("download.table", lang), className="small text-muted"),
            dbc.ButtonGroup(buttons, size="sm"),
            dcc.Store(id={"type": ids.TABLE_DOWNLOAD_REQUEST, "table": table_id}),
            dcc.Download(id={"type": ids.TABLE_DOWNLOAD_FILE, "table": table_id}),
            html.Div(id={"type": ids.TABLE_DOWNLOAD_MESSAGE, "table": table_id}),
        ],
        className="table-download d-flex align-items-center gap-2 flex-wrap",
        role="group",
        **{"aria-label": t("download.table", lang)},
    )


def grid(id: str, lang: str) -> dag.AgGrid:
    """An AG Grid that a callback fills with columnDefs and rowData (25 rows a page)."""
    return dag.AgGrid(
        id=id,
        rowData=[],
        columnDefs=[],
        defaultColDef={
            "sortable": True,
            "filter": True,
            "resizable": True,
            "minWidth": 90,
            # long headers wrap instead of being cut off
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        columnSize="responsiveSizeToFit",
        # no overlay *template*: AG Grid would evaluate that HTML string (dash-ag-grid blocks
        # it with a console error); the empty text comes from the locale
        dashGridOptions={
            "animateRows": False,
            "domLayout": "autoHeight",
            "pagination": True,
            "paginationPageSize": 25,
            "paginationPageSizeSelector": False,
            "localeText": grid_locale(lang),
        },
        style={"width": "100%"},
    )


def with_downloads(table: dag.AgGrid, lang: str) -> html.Div:
    """A grid with its CSV/XLSX download buttons above it (right-aligned)."""
    return html.Div(
        [
            html.Div(
                table_download_buttons(table.id, lang), className="d-flex justify-content-end mb-2"
            ),
            table,
        ],
        className="data-grid",
    )


def data_grid(id: str, lang: str) -> html.Div:
    """An AG Grid (:func:`grid`) with its CSV/XLSX download buttons: every table of the
    dashboard can be downloaded with the figures it shows."""
    return with_downloads(grid(id, lang), lang)
