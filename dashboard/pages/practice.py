"""Praktijk: one practice against its region (huisarts, teamleider, regio).

The POH-GGZ contacts per quarter (``poh_contacts`` series, split by contactvorm) and the
scorecard of every KPI with the regional median and the practice's percent rank.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Dash, Input, Output, Patch, State, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import (
    api_label,
    fmt_date,
    fmt_number,
    fmt_period,
    fmt_share,
    fmt_value,
    kpi_title,
    kpi_unit,
    normalise_lang,
    reference_text,
    t,
)
from dashboard.lookups import data_quarters, pick, practice_options, quarter_options, wanted
from dashboard.periods import is_quarter, shift_quarter
from dashboard.schemas import KpiSeries, Practice, Scorecard, ScorecardItem

PATH = "/praktijk"
NAV_KEY = "nav.practice"
SERIES_QUARTERS = 8


def layout(lang: str | None = None, agb: str | None = None, period: str | None = None, **_: Any):
    lang = normalise_lang(lang)
    return html.Div(
        [
            c.page_header(t("practice.title", lang), t("practice.lead", lang)),
            c.controls_card(
                [
                    c.control(t("ctl.practice", lang), c.dropdown(ids.PRACTICE_AGB, lang), width=6),
                    c.control(
                        t("ctl.period", lang), c.dropdown(ids.PRACTICE_PERIOD, lang), width=3
                    ),
                ]
            ),
            c.message_area(ids.PRACTICE_MESSAGE),
            html.Div(id=ids.PRACTICE_HEADER, className="mb-2"),
            c.chart_card(
                t("practice.contacts_title", lang),
                ids.PRACTICE_CONTACTS,
                note_id=ids.PRACTICE_CONTACTS_NOTE,
            ),
            c.content_card(t("practice.scorecard_title", lang), ids.PRACTICE_SCORECARD),
            _init_store(lang, agb=agb, period=period),
        ]
    )


def _init_store(lang: str, **query: str | None) -> Any:
    return dcc.Store(id=ids.PRACTICE_INIT, data={"lang": lang, **query})


def register_callbacks(app: Dash, client: ApiClient) -> None:
    @app.callback(
        Output(ids.PRACTICE_AGB, "options"),
        Output(ids.PRACTICE_AGB, "value"),
        Output(ids.PRACTICE_PERIOD, "options"),
        Output(ids.PRACTICE_PERIOD, "value"),
        Output(ids.PRACTICE_MESSAGE, "children"),
        Input(ids.PRACTICE_INIT, "data"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _fill_pickers(init: dict[str, Any], selection: dict[str, Any] | None):
        lang = normalise_lang((init or {}).get("lang"))
        selection = selection or {}
        try:
            practices = client.practices()
        except ApiError as exc:
            return [], None, [], None, c.error_alert(str(exc), lang)
        if not practices:
            return [], None, [], None, dbc.Alert(t("empty.practices", lang), color="info")
        options = practice_options(practices)
        agb = pick(wanted(init, selection, "agb"), options, selection.get("agb"))
        region = next((p.region for p in practices if p.agb == agb), practices[0].region)
        quarters = data_quarters(client, region=region)
        q_options = quarter_options(quarters, lang)
        period = pick(wanted(init, selection, "period"), q_options, selection.get("period"))
        return options, agb, q_options, period, None

    @app.callback(
        Output(ids.PRACTICE_HEADER, "children"),
        Output(ids.PRACTICE_CONTACTS, "figure"),
        Output(ids.PRACTICE_CONTACTS_NOTE, "children"),
        Output(ids.PRACTICE_SCORECARD, "children"),
        Input(ids.PRACTICE_AGB, "value"),
        Input(ids.PRACTICE_PERIOD, "value"),
        State(ids.PRACTICE_INIT, "data"),
    )
    def _render(agb: str | None, period: str | None, init: dict[str, Any] | None):
        lang = normalise_lang((init or {}).get("lang"))
        if not agb or not period:
            empty = c.empty_state(lang, t("empty.choose", lang))
            return None, c.empty_figure(lang, t("empty.choose", lang)), None, empty
        header: Any = None
        try:
            practice = next((p for p in client.practices() if p.agb == agb), None)
            header = practice_header(practice, lang)
        except ApiError as exc:
            header = c.error_alert(str(exc), lang)
        note: Any = None
        try:
            start = shift_quarter(period, -(SERIES_QUARTERS - 1)) if is_quarter(period) else period
            series = client.kpi_series(
                "poh_contacts", level="practice", id=agb, start=start, end=period, grain="quarter"
            )
            figure = contacts_figure(series, lang)
        except ApiError as exc:
            figure = c.empty_figure(lang, t("error.title", lang))
            note = c.error_alert(str(exc), lang)
        try:
            units = {k.slug: kpi_unit(k, lang) for k in client.kpis()}
            card = scorecard_table(client.scorecard(agb, period=period), lang, units)
        except ApiError as exc:
            card = c.error_alert(str(exc), lang)
        return header, figure, note, card

    @app.callback(
        Output(ids.SELECTION_STORE, "data", allow_duplicate=True),
        Input(ids.PRACTICE_AGB, "value"),
        Input(ids.PRACTICE_PERIOD, "value"),
        State(ids.PRACTICE_INIT, "data"),
        prevent_initial_call=True,
    )
    def _remember(agb: str | None, period: str | None, init: dict[str, Any] | None):
        patch = Patch()
        patch["lang"] = normalise_lang((init or {}).get("lang"))
        if agb:
            patch["agb"] = agb
        if period:
            patch["period"] = period
        return patch


def practice_header(practice: Practice | None, lang: str) -> Any:
    if practice is None:
        return None
    listed = fmt_number(practice.listed, 0, lang)
    if practice.listed_peildatum:
        listed += f" ({t('practice.peildatum', lang)} {fmt_date(practice.listed_peildatum, lang)})"
    return html.Div(
        [
            html.H3(practice.name, className="h4 mb-0"),
            html.Div(
                [
                    html.Span(f"AGB {practice.agb}", className="me-3"),
                    html.Span(practice.region_name or practice.region, className="me-3"),
                    html.Span(f"{t('practice.listed', lang)}: {listed}"),
                ],
                className="text-muted small",
            ),
        ]
    )


def contacts_figure(series: KpiSeries, lang: str) -> go.Figure:
    """POH-GGZ contacts per quarter, stacked by contactvorm when the API gives a breakdown."""
    points = [p for p in series.points]
    if not points or all(p.value in (None, 0) for p in points):
        return c.empty_figure(lang)
    x = [fmt_period(p.period.label, lang) for p in points]
    totals = [p.value for p in points]
    fig = go.Figure()
    keys: dict[str, str] = {}
    for p in points:
        for b in p.breakdown:
            if b.dimension == "contactvorm":
                keys.setdefault(b.key, api_label(b, lang))
    if keys:
        for key, label in keys.items():
            values = [next((b.value for b in p.breakdown if b.key == key), None) for p in points]
            if not any(values):
                continue  # no contacts of this form in any quarter: keep the legend short
            fig.add_bar(
                x=x,
                y=values,
                name=label,
                hovertemplate=f"{label}: %{{y:,.0f}}<extra>%{{x}}</extra>",
            )
        fig.update_layout(barmode="stack", legend_traceorder="normal")
    else:
        fig.add_bar(
            x=x,
            y=totals,
            name=t("chart.total", lang),
            marker_color=c.PRIMARY,
            hovertemplate="%{y:,.0f}<extra>%{x}</extra>",
        )
    fig.add_scatter(
        x=x,
        y=totals,
        mode="text",
        text=[fmt_number(v, 0, lang) for v in totals],
        textposition="top center",
        textfont={"size": 12, "color": "#212529"},
        name=t("chart.total", lang),
        showlegend=False,
        hoverinfo="skip",
        meta="totals",
    )
    c.style_figure(fig, lang, legend=bool(keys))
    top = max((v or 0) for v in totals)
    fig.update_yaxes(title_text=t("chart.contacts", lang), range=[0, top * 1.15 or 1])
    fig.update_xaxes(title_text=t("chart.quarter", lang), type="category")
    return fig


def _position(item: ScorecardItem, lang: str) -> Any:
    if not item.ranked or item.percent_rank is None:
        return html.Span(t("stat.not_ranked", lang), className="small text-muted")
    pr = max(0.0, min(1.0, item.percent_rank))
    colour = c.position_colour(pr, item.polarity)
    return html.Div(
        [
            html.Div(
                [
                    html.Div(className="pos-band"),
                    html.Div(
                        className="pos-marker",
                        style={"left": f"{pr * 100:.1f}%", "backgroundColor": colour},
                    ),
                ],
                className="pos-track",
                title=fmt_share(pr, 0, lang),
            ),
            html.Span(fmt_share(pr, 0, lang), className="small ms-2", style={"color": colour}),
        ],
        className="d-flex align-items-center",
    )


def scorecard_table(card: Scorecard, lang: str, units: dict[str, str] | None = None) -> Any:
    units = units or {}
    if not card.items:
        return c.empty_state(lang)
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("col.kpi", lang)),
                html.Th(t("col.value", lang), className="text-end"),
                html.Th(t("col.region_median", lang), className="text-end"),
                html.Th(t("stat.band", lang), className="text-end"),
                html.Th(t("col.position", lang), style={"minWidth": "160px"}),
                html.Th(t("col.reference", lang)),
            ]
        )
    )
    rows = []
    for item in card.items:
        value = fmt_value(
            item.value,
            unit=item.unit,
            decimals=item.decimals,
            lang=lang,
            display=item.value_display,
        )
        if item.status not in ("ok", "suppressed") and item.value is None:
            value = "–"
        median = fmt_value(item.region_median, unit=item.unit, decimals=item.decimals, lang=lang)
        band = (
            f"{fmt_value(item.region_p25, unit=item.unit, decimals=item.decimals, lang=lang)} – "
            f"{fmt_value(item.region_p75, unit=item.unit, decimals=item.decimals, lang=lang)}"
            if item.region_p25 is not None
            else "–"
        )
        colour = c.position_colour(item.percent_rank if item.ranked else None, item.polarity)
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Span(className="kpi-dot me-2", style={"backgroundColor": colour}),
                            html.Span(kpi_title(item, lang), className="fw-semibold"),
                            html.Div(
                                units.get(item.slug, item.unit), className="small text-muted ms-3"
                            ),
                        ]
                    ),
                    html.Td(value, className="text-end fw-semibold fs-6"),
                    html.Td(median, className="text-end text-nowrap"),
                    html.Td(band, className="text-end text-muted small text-nowrap"),
                    html.Td(_position(item, lang)),
                    html.Td(reference_text(item, lang)[0] or "", className="small text-muted"),
                ],
                **{"data-slug": item.slug},
            )
        )
    caption = html.Div(
        f"{card.name} · {card.region_name or card.region} · {fmt_period(card.period.label, lang)}"
        f" ({fmt_date(card.period.start, lang)} – {fmt_date(card.period.end, lang)})",
        className="small text-muted mb-2",
    )
    table = dbc.Table(
        [head, html.Tbody(rows)],
        hover=True,
        responsive=True,
        size="sm",
        class_name="align-middle scorecard mb-0",
    )
    return html.Div([caption, table])
