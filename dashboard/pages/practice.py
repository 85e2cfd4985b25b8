"""Praktijk: one practice against its region (huisarts, teamleider, regio).

The POH-GGZ contacts per quarter (``poh_contacts`` series, split by contactvorm), the POH hours
against the funding norm, a profile ("spine chart") of every KPI against the region's
distribution, and the scorecard of every KPI with the regional median and the practice's percent
rank.

Speed (issue 10): the pickers' values start three independent callbacks that the browser sends
together — the contacts chart (one call: the series), the header (the practices) and everything
from the scorecard (one call: hours, profile and table; each item carries its KPI's unit and
norm, so the catalogue is not fetched). The first chart waits for one request, not four.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

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
from dashboard.lookups import data_quarters, practice_options, quarter_options
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.periods import is_quarter, shift_quarter
from dashboard.reports import ReportButtons
from dashboard.schemas import KpiSeries, Practice, Scorecard, ScorecardItem

SERIES_QUARTERS = 8
# the profile graph without rows (an empty or error state), and its least height
EMPTY_PROFILE_PX = 260
EMPTY_PROFILE_STYLE = {"height": f"{EMPTY_PROFILE_PX}px"}
# the hours panel: slugs of the scorecard's items
CONTRACT, WORKED, NORM = "hours_contract_per_week", "hours_worked_per_week", "hours_norm_per_week"
VS_NORM, DIRECT = "hours_vs_norm_pct", "direct_time_pct"
PROFILE_ROW_PX = 42
PROFILE_EXTRA_PX = 140  # the direction line and the legend
TITLE_CHARS = 34  # a row's title wraps after this many characters (a phone's width)
EXTRA_LINE = 0.4  # the room (in rows) of each further line of a title

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


def hours_card(lang: str) -> dbc.Card:
    """The hours panel: a stat row and a small chart (both filled from the scorecard)."""
    return dbc.Card(
        [
            c.card_header(
                t("practice.hours_title", lang),
                c.chart_download_buttons(
                    ids.PRACTICE_HOURS_CHART, t("practice.hours_title", lang), lang
                ),
            ),
            dbc.CardBody(
                dcc.Loading(
                    html.Div(
                        [
                            html.Div(id=ids.PRACTICE_HOURS),
                            dcc.Graph(
                                id=ids.PRACTICE_HOURS_CHART,
                                figure=c.blank_figure(),
                                config=c.graph_config(lang),
                                style={"height": "190px"},
                            ),
                        ]
                    ),
                    type="circle",
                    color=c.PRIMARY,
                )
            ),
        ],
        className="mb-3 shadow-sm",
    )


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
    """Every KPI of the practice. Each item carries its KPI's unit and norm (which the verdict
    of a value weighs); ``units`` and ``catalogue`` (KPI definitions) override them."""
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
        judged = item_verdict(item, lang, catalogue.get(item.slug, item))
        colour = judged.colour
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Span(className="kpi-dot me-2", style={"backgroundColor": colour}),
                            html.Span(kpi_title(item, lang), className="fw-semibold"),
                            html.Div(
                                units.get(item.slug) or kpi_unit(item, lang),
                                className="small text-muted ms-3",
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


# --- hours against the norm ---------------------------------------------------------------


def _items(card: Scorecard) -> dict[str, ScorecardItem]:
    return {item.slug: item for item in card.items}


def _shown(item: ScorecardItem | None) -> float | None:
    """The item's value, or None when it is missing or suppressed."""
    if item is None or item.suppressed:
        return None
    return item.value


def _value_text(item: ScorecardItem | None, lang: str) -> str:
    if item is None:
        return "–"
    return fmt_value(
        _shown(item), unit=item.unit, decimals=item.decimals, lang=lang, display=item.value_display
    )


def hours_stats(card: Scorecard, lang: str) -> Any:
    """Contract, worked and norm hours per week, contract as % of the norm and the direct share,
    each from the scorecard (the norm and its rule — 12 or 16 h per 2,350 — from the API)."""
    items = _items(card)
    contract, worked, norm = items.get(CONTRACT), items.get(WORKED), items.get(NORM)
    vs_norm, direct = items.get(VS_NORM), items.get(DIRECT)
    if not any(_shown(i) is not None for i in (contract, worked, norm)):
        return c.empty_state(lang)
    per_week = t("practice.hours_per_week", lang)
    worked_sub = per_week
    if _shown(worked) is not None and _shown(contract):
        share = fmt_share((_shown(worked) or 0) / (_shown(contract) or 1), 0, lang)
        worked_sub = t("practice.hours_of_contract", lang, pct=share)
    norm_sub = per_week
    factor = (norm.extra.get("norm_hours_per_normpraktijk") if norm else None) or None
    if factor is not None:
        norm_sub = t(
            "practice.hours_norm_rule",
            lang,
            hours=fmt_number(factor, 0, lang),
            normpraktijk=fmt_number(2350, 0, lang),
        )
    cols = [
        c.stat(t("practice.hours_contract", lang), _value_text(contract, lang), sub=per_week),
        c.stat(t("practice.hours_worked", lang), _value_text(worked, lang), sub=worked_sub),
        c.stat(
            t("practice.hours_norm", lang), _value_text(norm, lang), sub=norm_sub, colour=c.NORM
        ),
    ]
    for label, item in (("practice.hours_vs_norm", vs_norm), ("practice.hours_direct", direct)):
        if item is None:
            continue
        judged = item_verdict(item, lang, item)
        sub = judged.text
        if item.slug == DIRECT and _shown(item) is not None:
            pct = _shown(item) or 0.0
            sub = t(
                "practice.hours_direct_sub",
                lang,
                direct=fmt_share(pct / 100, 0, lang),
                indirect=fmt_share(1 - pct / 100, 0, lang),
            )
            sub += f" · {judged.text}"
        cols.append(c.stat(t(label, lang), _value_text(item, lang), sub=sub, colour=judged.colour))
    row = dbc.Row(cols, className="g-2 hours-stats")
    return html.Div([row], **{"data-slugs": " ".join(i for i in items if i.startswith("hours"))})


def hours_figure(card: Scorecard, lang: str) -> go.Figure:
    """Contract and worked hours per week as bars, the norm as a line (all from the API)."""
    items = _items(card)
    contract, worked, norm = (_shown(items.get(s)) for s in (CONTRACT, WORKED, NORM))
    if contract is None and worked is None:
        return c.empty_figure(lang)
    labels = [t("practice.hours_contract", lang), t("practice.hours_worked", lang)]
    values = [contract, worked]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            marker_color=[c.PRIMARY, c.NEUTRAL],
            text=[fmt_number(v, 1, lang) for v in values],
            textposition="auto",
            hovertemplate="%{y}: %{x:,.1f}<extra></extra>",
            showlegend=False,
        )
    )
    if norm is not None:
        fig.add_vline(x=norm, line={"color": c.NORM, "width": 3, "dash": "dash"})
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=f"{t('practice.hours_norm', lang)}: {fmt_number(norm, 1, lang)}",
            line={"color": c.NORM, "width": 3, "dash": "dash"},
        )
    c.style_figure(fig, lang, legend=norm is not None)
    top = max(v for v in (contract, worked, norm, 0.0) if v is not None)
    fig.update_layout(margin={"l": 80, "r": 20, "t": 40, "b": 40}, bargap=0.35)
    fig.update_xaxes(
        title_text=t("practice.hours_per_week", lang), range=[0, top * 1.1 or 1], showgrid=True
    )
    fig.update_yaxes(autorange="reversed")
    return fig


# --- the profile ("spine chart") ------------------------------------------------------------


def profile_rows(card: Scorecard) -> list[ScorecardItem]:
    """The items with a regional distribution and a value to place in it."""
    return [
        item
        for item in card.items
        if item.region_median is not None
        and item.region_p25 is not None
        and item.region_p75 is not None
        and _shown(item) is not None
    ]


def spine_scale(item: ScorecardItem) -> tuple[float, float, float]:
    """(median, half-width, sign) of an item's row: x = sign × (v − median) ÷ half-width lies in
    [−1, 1] for the P10–P90 band and the practice's value; sign −1 for lower-is-better KPIs so
    that right is always more favourable (neutral KPIs: right is higher)."""
    median = item.region_median or 0.0
    points = [
        v
        for v in (item.region_p10, item.region_p25, item.region_p75, item.region_p90, _shown(item))
        if v is not None
    ]
    half = max(abs(v - median) for v in points) if points else 0.0
    sign = -1.0 if item.polarity == "lower_better" else 1.0
    return median, half or 1.0, sign


def spine_x(item: ScorecardItem, value: float | None) -> float | None:
    if value is None:
        return None
    median, half, sign = spine_scale(item)
    return sign * (value - median) / half


def profile_figure(card: Scorecard, lang: str) -> go.Figure:
    """Every KPI with a regional distribution on one screen: per row the region's P10–P90 and
    P25–P75 as bands, its median as a bar and the practice as a dot coloured by its verdict
    (``components.verdict``). Each row on its own scale around the median; right = more
    favourable (neutral KPIs: right = higher). Only the distribution, never another practice."""
    rows = profile_rows(card)
    if not rows:
        return c.empty_figure(lang)
    n = len(rows)
    titles = [profile_title(i, lang) for i in rows]
    ys = profile_positions(titles)

    def fmt(item: ScorecardItem, v: float | None) -> str:
        return fmt_value(v, unit=item.unit, decimals=item.decimals, lang=lang)

    def band(lo: float | None, hi: float | None, item: ScorecardItem) -> tuple[float, float]:
        a, b = spine_x(item, lo), spine_x(item, hi)
        if a is None or b is None:
            return 0.0, 0.0
        return min(a, b), abs(b - a)

    fig = go.Figure()
    for key, low, high, colour, width in (
        ("practice.profile_band_outer", "region_p10", "region_p90", "#dbe4ee", 0.38),
        ("practice.profile_band_inner", "region_p25", "region_p75", "#9fb4c7", 0.38),
    ):
        spans = [band(getattr(i, low), getattr(i, high), i) for i in rows]
        fig.add_bar(
            y=ys,
            x=[w for _b, w in spans],
            base=[b for b, _w in spans],
            orientation="h",
            width=width,
            marker={"color": colour, "line": {"width": 0}},
            name=t(key, lang),
            customdata=[f"{fmt(i, getattr(i, low))} – {fmt(i, getattr(i, high))}" for i in rows],
            hovertemplate=f"{t(key, lang)}: %{{customdata}}<extra></extra>",
        )
    fig.add_scatter(
        x=[0.0] * n,
        y=ys,
        mode="markers",
        marker={"symbol": "line-ns", "size": 16, "line": {"width": 3, "color": "#212529"}},
        name=t("practice.profile_median", lang),
        customdata=[fmt(i, i.region_median) for i in rows],
        hovertemplate=f"{t('practice.profile_median', lang)}: %{{customdata}}<extra></extra>",
    )
    judged = [item_verdict(i, lang, i) for i in rows]
    fig.add_scatter(
        x=[spine_x(i, _shown(i)) for i in rows],
        y=ys,
        mode="markers",
        marker={
            "size": 14,
            "color": [v.colour for v in judged],
            "line": {"width": 1.5, "color": "white"},
        },
        name=t("practice.profile_practice", lang),
        customdata=[[fmt(i, _shown(i)), v.text] for i, v in zip(rows, judged, strict=True)],
        hovertemplate=(
            f"{t('practice.profile_practice', lang)}: %{{customdata[0]}}<br>%{{customdata[1]}}"
            "<extra></extra>"
        ),
        meta="practice",
    )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"opacity": 0},
        name=f"↔ {t('practice.profile_higher', lang)}",
        hoverinfo="skip",
    )
    # each row's title and value above its bands (full width on a phone: no labels beside the
    # bands), ↔ for a KPI without a direction; a thin line between rows. Shapes and
    # annotations are handed over as one list each: added one by one (``add_hline``,
    # ``add_annotation``) plotly checked all earlier ones again each time, 0.2–0.5 s of CPU
    # for 23 rows, taken from the page's first chart drawn beside it
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for y, item, judgement, lines in zip(ys, rows, judged, titles, strict=True):
        if y > 0:
            top = y - 0.62 - EXTRA_LINE * (len(lines) - 1)
            shapes.append(
                {
                    "type": "line",
                    "xref": "x domain",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y",
                    "y0": top,
                    "y1": top,
                    "line": {"color": "#e9ecef", "width": 1},
                    "layer": "below",
                }
            )
        arrows = " ↔" if item.polarity == "neutral" else ""
        value = fmt(item, _shown(item))
        title = "<br>".join(f"<b>{line}</b>" for line in lines)
        annotations.append(
            {
                "x": 0,
                "xref": "paper",
                "y": y - 0.2,
                "yref": "y",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "align": "left",
                "text": f"{title}{arrows} · <span style='color:{judgement.colour}'>{value}</span>",
                "font": {"size": 12},
            }
        )
    # the direction, written out under the rows: the same on every row
    for x, anchor, key in (
        (0, "left", "practice.profile_worse"),
        (1, "right", "practice.profile_better"),
    ):
        annotations.append(
            {
                "x": x,
                "xref": "paper",
                "y": 0,
                "yref": "paper",
                "xanchor": anchor,
                "yanchor": "top",
                "yshift": -4,
                "showarrow": False,
                "text": t(key, lang),
                "font": {"size": 12, "color": "#495057"},
            }
        )
    c.style_figure(fig, lang)
    fig.update_layout(
        shapes=shapes,
        annotations=annotations,
        barmode="overlay",
        margin={"l": 10, "r": 10, "t": 30, "b": 100},
        hovermode="closest",
        # below the rows (two lines on a phone), never under the mode bar
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "xanchor": "left",
            "x": 0,
        },
    )
    fig.update_yaxes(
        autorange=False,
        range=[ys[-1] + 0.5, -0.75 - EXTRA_LINE * (len(titles[0]) - 1)],
        showticklabels=False,
        showgrid=False,
        zeroline=False,
    )
    fig.update_xaxes(
        range=[-1.12, 1.12], showticklabels=False, showgrid=False, zeroline=False, fixedrange=True
    )
    fig.update_yaxes(fixedrange=True)
    return fig


def profile_title(item: ScorecardItem, lang: str) -> list[str]:
    """The KPI's title in lines of at most :data:`TITLE_CHARS` characters (by word), so that
    it fits above its row on a phone."""
    lines: list[str] = []
    for word in kpi_title(item, lang).split():
        if lines and len(lines[-1]) + 1 + len(word) <= TITLE_CHARS:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def profile_positions(titles: list[list[str]]) -> list[float]:
    """The y of each row: one unit apart, more where the row's title takes more lines."""
    ys: list[float] = []
    y = 0.0
    for i, lines in enumerate(titles):
        if i:
            y += 1 + EXTRA_LINE * (len(lines) - 1)
        ys.append(y)
    return ys


def profile_style(card: Scorecard, lang: str) -> dict[str, str]:
    """The profile graph's height: a fixed height per KPI row and per extra title line (at
    least that of an empty state)."""
    titles = [profile_title(i, lang) for i in profile_rows(card)]
    units = sum(1 + EXTRA_LINE * (len(lines) - 1) for lines in titles)
    height = max(round(PROFILE_ROW_PX * units) + PROFILE_EXTRA_PX, EMPTY_PROFILE_PX)
    return {"height": f"{height}px"}


def profile_note(card: Scorecard, lang: str) -> str:
    shown = {i.slug for i in profile_rows(card)}
    missing = [kpi_title(i, lang) for i in card.items if i.slug not in shown]
    if not missing:
        return t("practice.profile_note_all", lang)
    return t("practice.profile_note", lang, missing=", ".join(missing))
