"""Praktijk: one practice against its region (huisarts, teamleider, regio).

The POH-GGZ contacts per quarter (``poh_contacts`` series, split by contactvorm) and the
scorecard of every KPI with the regional median and the practice's percent rank.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Output, html

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
    reference_text,
    t,
)
from dashboard.lookups import data_quarters, practice_options, quarter_options
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.periods import is_quarter, shift_quarter
from dashboard.reports import ReportButtons
from dashboard.schemas import KpiSeries, Practice, Scorecard, ScorecardItem

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
    """Header, contacts and scorecard each from their own request: one failing leaves the
    others on the page."""
    client, lang = ctx.client, ctx.lang
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
        figure = c.error_figure(lang)
        note = c.error_alert(str(exc), lang)
    try:
        catalogue = {k.slug: k for k in client.kpis()}
        units = {slug: kpi_unit(k, lang) for slug, k in catalogue.items()}
        card = scorecard_table(client.scorecard(agb, period=period), lang, units, catalogue)
    except ApiError as exc:
        card = c.error_alert(str(exc), lang)
    return header, figure, note, card


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
    callbacks=REPORT.register,
    body=body,
    fill=fill,
    draw=Draw(
        outputs=(
            Output(ids.PRACTICE_HEADER, "children"),
            Output(ids.PRACTICE_CONTACTS, "figure"),
            Output(ids.PRACTICE_CONTACTS_NOTE, "children"),
            Output(ids.PRACTICE_SCORECARD, "children"),
        ),
        render=render,
        empty=lambda lang: (
            None,
            c.choose_figure(lang),
            None,
            c.empty_state(lang, t("empty.choose", lang)),
        ),
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


def item_verdict(item: ScorecardItem, lang: str, definition: Any = None) -> c.Verdict:
    """The scorecard item's verdict (the one rule of components.verdict)."""
    return c.verdict(
        None if item.suppressed else item.value,
        item.polarity,
        lang,
        definition=definition,
        percent_rank=item.percent_rank,
        ranked=item.ranked,
        funnel_class=item.funnel.class998 if item.funnel else None,
    )


def _position(item: ScorecardItem, lang: str, judged: c.Verdict) -> Any:
    said = html.Div(judged.text, className=f"small verdict {judged.class_name}")
    if not item.ranked or item.percent_rank is None or item.suppressed:
        return said
    pr = max(0.0, min(1.0, item.percent_rank))
    colour = judged.colour
    bar = html.Div(
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
        title=t("col.percentile_dir", lang),
    )
    return html.Div([bar, said])


def scorecard_table(
    card: Scorecard,
    lang: str,
    units: dict[str, str] | None = None,
    catalogue: dict[str, Any] | None = None,
) -> Any:
    """Every KPI of the practice; ``catalogue`` (the KPI definitions) gives the norms that the
    verdict of a value weighs."""
    units, catalogue = units or {}, catalogue or {}
    if not card.items:
        return c.empty_state(lang)
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("col.kpi", lang)),
                html.Th(t("col.value", lang), className="text-end"),
                html.Th(t("col.region_median", lang), className="text-end"),
                html.Th(t("stat.band", lang), className="text-end"),
                html.Th(t("col.position", lang), style={"minWidth": "200px"}),
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
        judged = item_verdict(item, lang, catalogue.get(item.slug))
        colour = judged.colour
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
                    html.Td(_position(item, lang, judged)),
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
