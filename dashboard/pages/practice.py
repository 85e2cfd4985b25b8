"""Praktijk: one practice against its region (huisarts, teamleider, regio).

The POH-GGZ contacts per quarter (``poh_contacts`` series, split by contactvorm), the POH hours
against the funding norm, a profile ("spine chart") of every KPI against the region's
distribution, and the scorecard of every KPI with the regional median and the practice's percent
rank.

Speed (issue 10): the pickers' values start three independent callbacks that the browser sends
together — the contacts chart (one call: the series), the header (the practices) and everything
from the scorecard (one call: hours, profile and table; each item carries its KPI's unit and
norm, so the catalogue is not fetched). The first chart waits for one request, not four.

This module is the page (layout, callbacks, header and contacts chart); the panels filled from the
scorecard live beside it: :mod:`~dashboard.pages.practice_hours`,
:mod:`~dashboard.pages.practice_profile` and :mod:`~dashboard.pages.practice_scorecard`.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import api_label, fmt_date, fmt_number, fmt_period, normalise_lang, t
from dashboard.lookups import data_quarters, practice_options, quarter_options
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.pages.practice_hours import hours_card, hours_figure, hours_stats
from dashboard.pages.practice_profile import (
    EMPTY_PROFILE_PX,
    EMPTY_PROFILE_STYLE,
    profile_figure,
    profile_note,
    profile_style,
)
from dashboard.pages.practice_scorecard import scorecard_table
from dashboard.periods import is_quarter, shift_quarter
from dashboard.reports import ReportButtons
from dashboard.schemas import KpiSeries, Practice

SERIES_QUARTERS = 8

REPORT = ReportButtons(
    level="practice",
    key_picker=ids.PRACTICE_AGB,
    period_picker=ids.PRACTICE_PERIOD,
    init=ids.PRACTICE_INIT,
    pdf=ids.PRACTICE_REPORT_PDF,
    xlsx=ids.PRACTICE_REPORT_XLSX,
    download=ids.PRACTICE_REPORT_DOWNLOAD,
    message=ids.PRACTICE_REPORT_MESSAGE,
)


def body(lang: str) -> list[Any]:
    return [
        REPORT.layout(lang),
        html.Div(id=ids.PRACTICE_HEADER, className="mb-2"),
        c.chart_card(
            t("practice.contacts_title", lang),
            ids.PRACTICE_CONTACTS,
            note_id=ids.PRACTICE_CONTACTS_NOTE,
            lang=lang,
        ),
        hours_card(lang),
        c.chart_card(
            t("practice.profile_title", lang),
            ids.PRACTICE_PROFILE,
            height=EMPTY_PROFILE_PX,
            note_id=ids.PRACTICE_PROFILE_NOTE,
            lang=lang,
        ),
        c.content_card(
            t("practice.scorecard_title", lang), ids.PRACTICE_SCORECARD, download=True, lang=lang
        ),
    ]


def fill(client: ApiClient, start: Start) -> Filled | None:
    practices = client.practices()
    if not practices:
        return None
    options = practice_options(practices)
    agb = start.choose("agb", options)
    region = next((p.region for p in practices if p.agb == agb), practices[0].region)
    quarters = quarter_options(data_quarters(client, region=region), start.lang)
    return Filled({"agb": (options, agb), "period": (quarters, start.choose("period", quarters))})


def render(ctx: Context, agb: str, period: str) -> tuple[Any, ...]:
    """The contacts chart: one request (the series), so that it is the first chart on the
    page; header and scorecard come from their own callbacks (:func:`register`)."""
    client, lang = ctx.client, ctx.lang
    note: Any = None
    try:
        start = shift_quarter(period, -(SERIES_QUARTERS - 1)) if is_quarter(period) else period
        series = client.kpi_series(
            "poh_contacts", level="practice", id=agb, start=start, end=period, grain="quarter"
        )
        figure = contacts_figure(series, lang)
    except ApiError as exc:
        figure = c.error_figure(lang)
        note = c.error_alert(str(exc), lang)
    return figure, note


def render_header(client: ApiClient, agb: str, lang: str) -> Any:
    try:
        practice = next((p for p in client.practices() if p.agb == agb), None)
    except ApiError as exc:
        return c.error_alert(str(exc), lang)
    return practice_header(practice, lang)


def render_scorecard(client: ApiClient, agb: str, period: str, lang: str) -> tuple[Any, ...]:
    """Hours panel, profile and scorecard table from one request (the scorecard): one failing
    request leaves the contacts chart and the header on the page."""
    try:
        card = client.scorecard(agb, period=period)
    except ApiError as exc:
        alert = c.error_alert(str(exc), lang)
        return alert, c.error_figure(lang), c.error_figure(lang), EMPTY_PROFILE_STYLE, None, alert
    style = profile_style(card, lang)
    profile = profile_figure(card, lang)
    # drawn at the graph's height: a figure drawn before its container grew stayed squeezed
    # into the empty state's 260 px, every row on top of the other
    profile.update_layout(height=int(style["height"].removesuffix("px")))
    return (
        hours_stats(card, lang),
        hours_figure(card, lang),
        profile,
        style,
        profile_note(card, lang),
        scorecard_table(card, lang),
    )


def register(app: Dash, client: ApiClient) -> None:
    """The report buttons, and the header and scorecard callbacks beside the skeleton's draw
    (the contacts chart): Dash sends the three requests at once."""
    REPORT.register(app, client)
    pickers = (Input(ids.PRACTICE_AGB, "value"), Input(ids.PRACTICE_PERIOD, "value"))

    @app.callback(
        Output(ids.PRACTICE_HEADER, "children"),
        Input(ids.PRACTICE_AGB, "value"),
        State(ids.PRACTICE_INIT, "data"),
    )
    def _header(agb: str | None, init: dict[str, Any] | None) -> Any:
        if not agb:
            return None
        return render_header(client, agb, normalise_lang((init or {}).get("lang")))

    @app.callback(
        Output(ids.PRACTICE_HOURS, "children"),
        Output(ids.PRACTICE_HOURS_CHART, "figure"),
        Output(ids.PRACTICE_PROFILE, "figure"),
        Output(ids.PRACTICE_PROFILE, "style"),
        Output(ids.PRACTICE_PROFILE_NOTE, "children"),
        Output(ids.PRACTICE_SCORECARD, "children"),
        # asked once the contacts chart is drawn (it follows the pickers): run beside it, the
        # scorecard's figures took the CPU the first chart needed (~75 ms later)
        Input(ids.PRACTICE_CONTACTS, "figure"),
        *[State(p.component_id, p.component_property) for p in pickers],
        State(ids.PRACTICE_INIT, "data"),
    )
    def _scorecard(_drawn: Any, agb: str | None, period: str | None, init: Any):
        lang = normalise_lang((init or {}).get("lang"))
        if not agb or not period:
            empty = c.empty_state(lang, t("empty.choose", lang))
            figure = c.choose_figure(lang)
            return None, figure, figure, EMPTY_PROFILE_STYLE, None, empty
        return render_scorecard(client, agb, period, lang)


PAGE = Page(
    module=__name__,
    path="/praktijk",
    nav_key="nav.practice",
    title="practice.title",
    lead="practice.lead",
    pickers=(
        Picker(ids.PRACTICE_AGB, "ctl.practice", "agb", width=6),
        Picker(ids.PRACTICE_PERIOD, "ctl.period", "period", width=3),
    ),
    message=ids.PRACTICE_MESSAGE,
    init=ids.PRACTICE_INIT,
    callbacks=register,
    body=body,
    fill=fill,
    draw=Draw(
        outputs=(
            Output(ids.PRACTICE_CONTACTS, "figure"),
            Output(ids.PRACTICE_CONTACTS_NOTE, "children"),
        ),
        render=render,
        empty=lambda lang: (c.choose_figure(lang), None),
    ),
)


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
        # no "0" over quarters without contacts (fewer labels side by side on a phone)
        text=[fmt_number(v, 0, lang) if v else "" for v in totals],
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
