"""POH: caseload, face-to-face consults per workday against the 8–9 norm, new episodes and
waiting time, for one POH (or a practice, team or the whole region) — POH-GGZ and teamleider.
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
    fmt_norm,
    fmt_period,
    fmt_value,
    kpi_title,
    kpi_unit,
    norm_bounds,
    normalise_lang,
    reference_text,
    t,
)
from dashboard.lookups import (
    data_quarters,
    level_options,
    practice_options,
    quarter_options,
    region_options,
)
from dashboard.page import Context, Draw, Filled, Page, Picker, PickerValues, Scope, Start
from dashboard.periods import is_quarter, shift_quarter
from dashboard.schemas import KpiDefinition, KpiValue, Level, Practice, Provider

CARD_KPIS = (
    "caseload_active",
    "caseload_stale",
    "ftf_per_workday",
    "poh_new_episodes",
    "wait_days_intake",
    "wait_within_14d_pct",
)
FTF = "ftf_per_workday"  # face-to-face consults per workday: the card and chart with a norm
SERIES_QUARTERS = 8


def body(lang: str) -> list[Any]:
    return [
        html.Div(id=ids.POH_PRACTICES, className="small text-muted mb-3"),
        dcc.Loading(html.Div(id=ids.POH_CARDS), type="circle", color=c.PRIMARY),
        dbc.Row(
            [
                dbc.Col(c.chart_card(ftf_title(lang), ids.POH_FTF, lang=lang), lg=6),
                dbc.Col(
                    c.chart_card(t("poh.caseload_title", lang), ids.POH_CASELOAD, lang=lang), lg=6
                ),
            ]
        ),
    ]


def scope_options(client: ApiClient, level: str) -> list[dict[str, Any]]:
    if level == "practice":
        return practice_options(client.practices())
    if level == "region":
        return region_options(client.regions())
    if level == "team":
        return [{"label": tm.name, "value": tm.slug} for tm in client.teams()]
    return provider_options(client.providers())


def provider_options(providers: list[Provider]) -> list[dict[str, Any]]:
    """The POHs of ``GET /api/v1/providers`` (sorted by name there): "Name (code)"."""
    return [
        {"label": f"{p.name} ({p.code})" if p.name else p.code, "value": p.code} for p in providers
    ]


def provider_practices(
    provider: Provider | None, practices: list[Practice], lang: str
) -> html.Div | None:
    """ "Works in: practice (AGB), …" for the chosen POH, names from ``GET /practices``."""
    if provider is None:
        return None
    if not provider.practices:
        return html.Div(t("poh.no_practices", lang))
    names = {p.agb: p.name for p in practices}
    items = [f"{names[agb]} ({agb})" if agb in names else agb for agb in provider.practices]
    return html.Div(
        [html.Strong(t("poh.works_in", lang) + ": "), ", ".join(items)],
        **{"data-provider": provider.code},
    )


def ftf_title(lang: str) -> list[Any]:
    """The title of the face-to-face chart; the norm it names is filled in from the catalogue."""
    return [t("poh.ftf_title", lang), html.Span(id=ids.POH_FTF_NORM)]


def fill(client: ApiClient, start: Start) -> Filled | None:
    practices = client.practices()
    teams = client.teams()
    providers = client.providers()
    if not practices:
        return None
    has_pohs = bool(providers)
    levels = level_options(start.lang, available={"provider": has_pohs, "team": bool(teams)})
    enabled = [o for o in levels if not o.get("disabled")]
    quarters = quarter_options(data_quarters(client), start.lang)
    note = (
        None
        if has_pohs
        else dbc.Alert(t("poh.no_providers", start.lang), color="light", className="small py-2")
    )
    return Filled(
        {
            "level": (levels, start.choose("level", enabled, remembered="poh_level")),
            "period": (quarters, start.choose("period", quarters)),
        },
        message=note,
    )


def render(ctx: Context, level: Level, scope: str, period: str) -> tuple[Any, ...]:
    client, lang = ctx.client, ctx.lang
    catalogue = {k.slug: k for k in client.kpis()}
    values = {
        slug: client.kpi(slug, level=level, id=scope, period=period)
        for slug in CARD_KPIS
        if slug in catalogue and level in catalogue[slug].levels
    }
    start = shift_quarter(period, -(SERIES_QUARTERS - 1)) if is_quarter(period) else period
    series = {
        slug: client.kpi_series(slug, level=level, id=scope, start=start, end=period)
        for slug in (FTF, "caseload_active", "caseload_stale")
        if slug in catalogue and level in catalogue[slug].levels
    }
    cards = dbc.Row(
        [dbc.Col(kpi_card(values[s], catalogue[s], lang), md=6, xl=4) for s in values],
        className="g-3 mb-3",
    )
    return (
        cards,
        ftf_figure(series.get(FTF), lang, catalogue.get(FTF)),
        caseload_figure(
            series.get("caseload_active"), series.get("caseload_stale"), catalogue, lang
        ),
    )


def remember(values: PickerValues) -> dict[str, Any]:
    """The level, and the POH, practice, team or region chosen at that level."""
    chosen: dict[str, Any] = {}
    if values["level"]:
        chosen["poh_level"] = values["level"]
        if values["id"]:
            chosen[f"poh_{values['level']}"] = values["id"]
    if values["period"]:
        chosen["period"] = values["period"]
    return chosen


def register_callbacks(app: Dash, client: ApiClient) -> None:
    """The POH page's own: the practices a chosen POH works in, under the pickers, and the norm
    in the face-to-face chart's title."""

    @app.callback(Output(ids.POH_FTF_NORM, "children"), Input(ids.POH_INIT, "data"))
    def _ftf_norm(init: dict[str, Any] | None) -> str:
        lang = normalise_lang((init or {}).get("lang"))
        try:
            definition = next((k for k in client.kpis() if k.slug == FTF), None)
        except ApiError:
            return ""
        norm = fmt_norm(definition, lang)
        return t("poh.ftf_title_norm", lang, norm=norm) if norm else ""

    @app.callback(
        Output(ids.POH_PRACTICES, "children"),
        Input(ids.POH_LEVEL, "value"),
        Input(ids.POH_SCOPE, "value"),
        State(ids.POH_INIT, "data"),
    )
    def _show_practices(level: str | None, scope: str | None, init: Any):
        lang = normalise_lang((init or {}).get("lang"))
        if level != "provider" or not scope:
            return None
        try:
            provider = next((p for p in client.providers() if p.code == scope), None)
            return provider_practices(provider, client.practices(), lang)
        except ApiError as exc:
            return c.error_alert(str(exc), lang)


PAGE = Page(
    module=__name__,
    path="/poh",
    nav_key="nav.poh",
    title="poh.title",
    lead="poh.lead",
    pickers=(
        Picker(ids.POH_LEVEL, "ctl.level", "level", width=3, searchable=False),
        Picker(ids.POH_SCOPE, "ctl.scope", "id", width=6),
        Picker(ids.POH_PERIOD, "ctl.period", "period", width=3),
    ),
    message=ids.POH_MESSAGE,
    init=ids.POH_INIT,
    body=body,
    fill=fill,
    scope=Scope(
        query="id",
        follows="level",
        options=scope_options,
        remembered=lambda level: f"poh_{level}",
        fall_back_to_remembered=False,
    ),
    draw=Draw(
        outputs=(
            Output(ids.POH_CARDS, "children"),
            Output(ids.POH_FTF, "figure"),
            Output(ids.POH_CASELOAD, "figure"),
        ),
        render=render,
        empty=lambda lang: (
            c.empty_state(lang, t("empty.choose", lang)),
            c.choose_figure(lang),
            c.choose_figure(lang),
        ),
        failed=lambda lang, alert: (alert, c.error_figure(lang), c.error_figure(lang)),
    ),
    remember=remember,
    callbacks=register_callbacks,
)


def kpi_card(value: KpiValue, definition: KpiDefinition, lang: str) -> html.Div:
    shown = fmt_value(
        value.value,
        unit=definition.unit,
        decimals=definition.decimals,
        lang=lang,
        display=value.value_display,
    )
    bench = value.benchmark
    judged = c.verdict(
        value.value,
        definition.polarity,
        lang,
        definition=definition,
        percent_rank=bench.percent_rank if bench else None,
        ranked=bench.ranked if bench else False,
        funnel_class=bench.funnel.class998 if bench and bench.funnel else None,
    )
    sub: list[Any] = [kpi_unit(definition, lang)]
    if norm_bounds(definition) is not None:
        sub.append(f" · {t('chart.norm', lang)} {fmt_norm(definition, lang)}")
    if definition.slug == "wait_days_intake" and value.extra.get("p90") is not None:
        sub.append(f" · P90 {fmt_value(value.extra['p90'], decimals=0, lang=lang)}")
    if bench and bench.median is not None:
        median = fmt_value(
            bench.median, unit=definition.unit, decimals=definition.decimals, lang=lang
        )
        sub.append(f" · {t('col.region_median', lang)} {median}")
    card = dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    kpi_title(definition, lang),
                    className="small text-uppercase text-muted fw-semibold",
                ),
                html.Div(shown, className="fs-3 fw-semibold", style={"color": judged.colour}),
                # no "geen oordeel" line under a value without a judgement
                html.Div(judged.text, className=f"small verdict {judged.class_name}")
                if judged.cls != "neutral"
                else None,
                html.Div(sub, className="small text-muted"),
                c.reference_line(*reference_text(definition, lang), lang),
            ]
        ),
        className="h-100 shadow-sm",
    )
    return html.Div(card, className="h-100", **{"data-slug": definition.slug})


def ftf_figure(series: Any, lang: str, definition: KpiDefinition | None = None) -> go.Figure:
    """Face-to-face consults per workday over the quarters, against the norm band of
    ``definition`` (the catalogue's entry), if it has one."""
    if series is None or not any(p.value is not None for p in series.points):
        return c.empty_figure(lang)
    x = [fmt_period(p.period.label, lang) for p in series.points]
    fig = go.Figure()
    norm = norm_bounds(definition)
    if norm is not None:
        low, high = norm
        fig.add_hrect(
            y0=low, y1=high, fillcolor="rgba(233, 162, 59, 0.18)", line_width=0, layer="below"
        )
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t("poh.norm_band", lang, norm=fmt_norm(definition, lang)),
            marker={"size": 12, "symbol": "square", "color": "rgba(233, 162, 59, 0.35)"},
        )
    fig.add_scatter(
        x=x,
        y=[p.value for p in series.points],
        mode="lines+markers",
        line={"color": c.PRIMARY, "width": 3},
        marker={"size": 8},
        name=t("chart.total", lang),
        hovertemplate="%{y:.1f}<extra>%{x}</extra>",
        showlegend=False,
    )
    c.style_figure(fig, lang)
    top = max([p.value or 0 for p in series.points] + ([norm[1]] if norm else []))
    fig.update_yaxes(range=[0, top * 1.2])
    fig.update_xaxes(type="category")
    return fig


def caseload_figure(active: Any, stale: Any, catalogue: dict[str, KpiDefinition], lang: str):
    if active is None or not any(p.value for p in active.points):
        return c.empty_figure(lang)
    x = [fmt_period(p.period.label, lang) for p in active.points]
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=[p.value for p in active.points],
        marker_color=c.PRIMARY,
        name=kpi_title(catalogue["caseload_active"], lang),
    )
    if stale is not None:
        fig.add_bar(
            x=x,
            y=[p.value for p in stale.points],
            marker_color=c.NORM,
            name=kpi_title(catalogue["caseload_stale"], lang),
        )
    c.style_figure(fig, lang)
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return fig
