"""POH: caseload, face-to-face consults per workday against the 8–9 norm, new episodes and
waiting time, for one POH (or a practice, team or the whole region) — POH-GGZ and teamleider.
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
    fmt_period,
    fmt_value,
    kpi_title,
    kpi_unit,
    normalise_lang,
    reference_text,
    t,
)
from dashboard.lookups import (
    data_quarters,
    pick,
    practice_options,
    quarter_options,
    region_options,
    wanted,
)
from dashboard.periods import is_quarter, shift_quarter
from dashboard.schemas import KpiDefinition, KpiValue, Practice, Provider

PATH = "/poh"
NAV_KEY = "nav.poh"
CARD_KPIS = (
    "caseload_active",
    "caseload_stale",
    "ftf_per_workday",
    "poh_new_episodes",
    "wait_days_intake",
    "wait_within_14d_pct",
)
NORM_LOW, NORM_HIGH = 8.0, 9.0
SERIES_QUARTERS = 8


def layout(
    lang: str | None = None,
    level: str | None = None,
    id: str | None = None,
    period: str | None = None,
    **_: Any,
) -> html.Div:
    lang = normalise_lang(lang)
    return html.Div(
        [
            c.page_header(t("poh.title", lang), t("poh.lead", lang)),
            c.level_scope_period_controls(
                lang, level_id=ids.POH_LEVEL, scope_id=ids.POH_SCOPE, period_id=ids.POH_PERIOD
            ),
            c.message_area(ids.POH_MESSAGE),
            html.Div(id=ids.POH_PRACTICES, className="small text-muted mb-3"),
            dcc.Loading(html.Div(id=ids.POH_CARDS), type="circle", color=c.PRIMARY),
            dbc.Row(
                [
                    dbc.Col(c.chart_card(t("poh.ftf_title", lang), ids.POH_FTF), lg=6),
                    dbc.Col(c.chart_card(t("poh.caseload_title", lang), ids.POH_CASELOAD), lg=6),
                ]
            ),
            dcc.Store(
                id=ids.POH_INIT, data={"lang": lang, "level": level, "id": id, "period": period}
            ),
        ]
    )


def scope_options(client: ApiClient, level: str) -> list[dict[str, Any]]:
    if level == "practice":
        return practice_options(client.practices())
    if level == "region":
        return region_options(client.practices())
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


def register_callbacks(app: Dash, client: ApiClient) -> None:
    @app.callback(
        Output(ids.POH_LEVEL, "options"),
        Output(ids.POH_LEVEL, "value"),
        Output(ids.POH_PERIOD, "options"),
        Output(ids.POH_PERIOD, "value"),
        Output(ids.POH_MESSAGE, "children"),
        Input(ids.POH_INIT, "data"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _fill_pickers(init: dict[str, Any], selection: dict[str, Any] | None):
        init = init or {}
        lang = normalise_lang(init.get("lang"))
        selection = selection or {}
        try:
            practices = client.practices()
            teams = client.teams()
            providers = client.providers()
        except ApiError as exc:
            return [], None, [], None, c.error_alert(str(exc), lang)
        if not practices:
            return [], None, [], None, dbc.Alert(t("empty.practices", lang), color="info")
        has_pohs = bool(providers)
        levels = [
            {"label": t("level.provider", lang), "value": "provider", "disabled": not has_pohs},
            {"label": t("level.practice", lang), "value": "practice"},
            {"label": t("level.team", lang), "value": "team", "disabled": not teams},
            {"label": t("level.region", lang), "value": "region"},
        ]
        enabled = [o for o in levels if not o.get("disabled")]
        level = pick(
            wanted(init, selection, "level", "poh_level"),
            enabled,
            selection.get("poh_level") or enabled[0]["value"],
        )
        quarters = data_quarters(client)
        q_options = quarter_options(quarters, lang)
        period = pick(wanted(init, selection, "period"), q_options, selection.get("period"))
        note = (
            None
            if has_pohs
            else dbc.Alert(t("poh.no_providers", lang), color="light", className="small py-2")
        )
        return levels, level, q_options, period, note

    @app.callback(
        Output(ids.POH_SCOPE, "options"),
        Output(ids.POH_SCOPE, "value"),
        Input(ids.POH_LEVEL, "value"),
        State(ids.POH_INIT, "data"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _fill_scope(level: str | None, init: dict[str, Any] | None, selection: Any):
        if not level:
            return [], None
        try:
            options = scope_options(client, level)
        except ApiError:
            return [], None
        selection = selection or {}
        return options, pick(wanted(init or {}, selection, "id", f"poh_{level}"), options)

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

    @app.callback(
        Output(ids.POH_CARDS, "children"),
        Output(ids.POH_FTF, "figure"),
        Output(ids.POH_CASELOAD, "figure"),
        Input(ids.POH_LEVEL, "value"),
        Input(ids.POH_SCOPE, "value"),
        Input(ids.POH_PERIOD, "value"),
        State(ids.POH_INIT, "data"),
    )
    def _render(level: str | None, scope: str | None, period: str | None, init: Any):
        lang = normalise_lang((init or {}).get("lang"))
        if not (level and scope and period):
            empty = c.empty_figure(lang, t("empty.choose", lang))
            return c.empty_state(lang, t("empty.choose", lang)), empty, empty
        try:
            catalogue = {k.slug: k for k in client.kpis()}
            values = {
                slug: client.kpi(slug, level=level, id=scope, period=period)  # type: ignore[arg-type]
                for slug in CARD_KPIS
                if slug in catalogue and level in catalogue[slug].levels
            }
            start = shift_quarter(period, -(SERIES_QUARTERS - 1)) if is_quarter(period) else period
            series = {
                slug: client.kpi_series(slug, level=level, id=scope, start=start, end=period)  # type: ignore[arg-type]
                for slug in ("ftf_per_workday", "caseload_active", "caseload_stale")
                if slug in catalogue and level in catalogue[slug].levels
            }
        except ApiError as exc:
            empty = c.empty_figure(lang, t("error.title", lang))
            return c.error_alert(str(exc), lang), empty, empty
        cards = dbc.Row(
            [dbc.Col(kpi_card(values[s], catalogue[s], lang), md=6, xl=4) for s in values],
            className="g-3 mb-3",
        )
        return (
            cards,
            ftf_figure(series.get("ftf_per_workday"), lang),
            caseload_figure(
                series.get("caseload_active"), series.get("caseload_stale"), catalogue, lang
            ),
        )

    @app.callback(
        Output(ids.SELECTION_STORE, "data", allow_duplicate=True),
        Input(ids.POH_LEVEL, "value"),
        Input(ids.POH_SCOPE, "value"),
        Input(ids.POH_PERIOD, "value"),
        State(ids.POH_INIT, "data"),
        prevent_initial_call=True,
    )
    def _remember(
        level: str | None, scope: str | None, period: str | None, init: dict[str, Any] | None
    ):
        patch = Patch()
        patch["lang"] = normalise_lang((init or {}).get("lang"))
        if level:
            patch["poh_level"] = level
            if scope:
                patch[f"poh_{level}"] = scope
        if period:
            patch["period"] = period
        return patch


def kpi_card(value: KpiValue, definition: KpiDefinition, lang: str) -> html.Div:
    shown = fmt_value(
        value.value,
        unit=definition.unit,
        decimals=definition.decimals,
        lang=lang,
        display=value.value_display,
    )
    colour = c.PRIMARY
    sub: list[Any] = [kpi_unit(definition, lang)]
    if definition.slug == "ftf_per_workday" and value.value is not None:
        colour = c.BAD if value.value > NORM_HIGH else c.GOOD
        sub.append(f" · {t('chart.norm', lang)} 8–9")
    if definition.slug == "wait_days_intake" and value.extra.get("p90") is not None:
        sub.append(f" · P90 {fmt_value(value.extra['p90'], decimals=0, lang=lang)}")
    bench = value.benchmark
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
                html.Div(shown, className="fs-3 fw-semibold", style={"color": colour}),
                html.Div(sub, className="small text-muted"),
                c.reference_line(*reference_text(definition, lang), lang),
            ]
        ),
        className="h-100 shadow-sm",
    )
    return html.Div(card, className="h-100", **{"data-slug": definition.slug})


def ftf_figure(series: Any, lang: str) -> go.Figure:
    if series is None or not any(p.value is not None for p in series.points):
        return c.empty_figure(lang)
    x = [fmt_period(p.period.label, lang) for p in series.points]
    fig = go.Figure()
    fig.add_hrect(
        y0=NORM_LOW, y1=NORM_HIGH, fillcolor="rgba(233, 162, 59, 0.18)", line_width=0, layer="below"
    )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=t("poh.norm_band", lang),
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
    top = max([p.value or 0 for p in series.points] + [NORM_HIGH])
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
