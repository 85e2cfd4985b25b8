"""Verwijzingen: huisarts → POH-GGZ → destination flows as a Sankey diagram (huisarts:
"how many of our patients reach the POH, and how many still go straight to the GGZ?").
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Dash, Input, Output, Patch, State, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import api_label, fmt_date, fmt_number, fmt_period, normalise_lang, t
from dashboard.lookups import (
    data_quarters,
    pick,
    practice_options,
    quarter_options,
    region_options,
    wanted,
)
from dashboard.schemas import ReferralFlows

PATH = "/verwijzingen"
NAV_KEY = "nav.referrals"
NODE_COLOURS = {
    "huisarts": "#1f4e79",
    "poh-ggz": "#2a9d8f",
    "gb-ggz": "#5b7fa6",
    "s-ggz": "#d1495b",
    "sociaal-domein": "#e9a23b",
    "ehealth": "#8d6a9f",
    "anders": "#9fb4c7",
}


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
            c.page_header(t("ref.title", lang), t("ref.lead", lang)),
            c.level_scope_period_controls(
                lang, level_id=ids.REF_LEVEL, scope_id=ids.REF_SCOPE, period_id=ids.REF_PERIOD
            ),
            c.message_area(ids.REF_MESSAGE),
            c.chart_card(t("ref.sankey_title", lang), ids.REF_SANKEY, height=460),
            c.content_card(t("ref.table_title", lang), ids.REF_TABLE),
            dcc.Store(
                id=ids.REF_INIT, data={"lang": lang, "level": level, "id": id, "period": period}
            ),
        ]
    )


def register_callbacks(app: Dash, client: ApiClient) -> None:
    @app.callback(
        Output(ids.REF_LEVEL, "options"),
        Output(ids.REF_LEVEL, "value"),
        Output(ids.REF_PERIOD, "options"),
        Output(ids.REF_PERIOD, "value"),
        Output(ids.REF_MESSAGE, "children"),
        Input(ids.REF_INIT, "data"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _fill_pickers(init: dict[str, Any], selection: dict[str, Any] | None):
        init, selection = init or {}, selection or {}
        lang = normalise_lang(init.get("lang"))
        try:
            practices = client.practices()
        except ApiError as exc:
            return [], None, [], None, c.error_alert(str(exc), lang)
        if not practices:
            return [], None, [], None, dbc.Alert(t("empty.practices", lang), color="info")
        levels = [
            {"label": t("level.practice", lang), "value": "practice"},
            {"label": t("level.region", lang), "value": "region"},
        ]
        level = pick(
            wanted(init, selection, "level", "ref_level"),
            levels,
            selection.get("ref_level") or "practice",
        )
        q_options = quarter_options(data_quarters(client), lang)
        period = pick(wanted(init, selection, "period"), q_options, selection.get("period"))
        return levels, level, q_options, period, None

    @app.callback(
        Output(ids.REF_SCOPE, "options"),
        Output(ids.REF_SCOPE, "value"),
        Input(ids.REF_LEVEL, "value"),
        State(ids.REF_INIT, "data"),
        State(ids.SELECTION_STORE, "data"),
    )
    def _fill_scope(level: str | None, init: Any, selection: Any):
        if not level:
            return [], None
        try:
            practices = client.practices()
        except ApiError:
            return [], None
        options = practice_options(practices) if level == "practice" else region_options(practices)
        selection = selection or {}
        key = "agb" if level == "practice" else "region"
        return options, pick(wanted(init or {}, selection, "id", key), options, selection.get(key))

    @app.callback(
        Output(ids.REF_SANKEY, "figure"),
        Output(ids.REF_TABLE, "children"),
        Input(ids.REF_LEVEL, "value"),
        Input(ids.REF_SCOPE, "value"),
        Input(ids.REF_PERIOD, "value"),
        State(ids.REF_INIT, "data"),
    )
    def _render(level: str | None, scope: str | None, period: str | None, init: Any):
        lang = normalise_lang((init or {}).get("lang"))
        if not (level and scope and period):
            return c.empty_figure(lang, t("empty.choose", lang)), None
        try:
            flows = client.referral_flows(level=level, id=scope, period=period)  # type: ignore[arg-type]
        except ApiError as exc:
            return c.empty_figure(lang, t("error.title", lang)), c.error_alert(str(exc), lang)
        return sankey_figure(flows, lang), flows_table(flows, lang)

    @app.callback(
        Output(ids.SELECTION_STORE, "data", allow_duplicate=True),
        Input(ids.REF_LEVEL, "value"),
        Input(ids.REF_SCOPE, "value"),
        Input(ids.REF_PERIOD, "value"),
        State(ids.REF_INIT, "data"),
        prevent_initial_call=True,
    )
    def _remember(
        level: str | None, scope: str | None, period: str | None, init: dict[str, Any] | None
    ):
        patch = Patch()
        patch["lang"] = normalise_lang((init or {}).get("lang"))
        if level:
            patch["ref_level"] = level
            if scope:  # the practice or region chosen here is the current one everywhere
                patch["agb" if level == "practice" else "region"] = scope
        if period:
            patch["period"] = period
        return patch


def sankey_figure(flows: ReferralFlows, lang: str) -> go.Figure:
    links = [link for link in flows.links if link.value > 0]
    if not links:
        return c.empty_figure(lang)
    index = {node.id: i for i, node in enumerate(flows.nodes)}
    labels = [api_label(node, lang) for node in flows.nodes]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            node={
                "label": labels,
                "pad": 22,
                "thickness": 18,
                "color": [NODE_COLOURS.get(n.id, "#9fb4c7") for n in flows.nodes],
                "line": {"color": "white", "width": 1},
                "hovertemplate": "%{label}: %{value:,.0f}<extra></extra>",
            },
            link={
                "source": [index[link.source] for link in links],
                "target": [index[link.target] for link in links],
                "value": [link.value for link in links],
                "color": [_fade(NODE_COLOURS.get(link.target, "#9fb4c7")) for link in links],
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f}<extra></extra>",
            },
        )
    )
    c.style_figure(fig, lang, legend=False)
    fig.update_layout(margin={"l": 20, "r": 20, "t": 20, "b": 20})
    return fig


def _fade(hex_colour: str, alpha: float = 0.35) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def flows_table(flows: ReferralFlows, lang: str) -> Any:
    labels = {n.id: api_label(n, lang) for n in flows.nodes}
    caption = html.Div(
        f"{flows.name or flows.id} · {fmt_period(flows.period.label, lang)} "
        f"({fmt_date(flows.period.start, lang)} – {fmt_date(flows.period.end, lang)})",
        className="small text-muted mb-2",
    )
    if not flows.links:
        return html.Div([caption, c.empty_state(lang)])
    rows = [
        html.Tr(
            [
                html.Td(labels.get(link.source, link.source)),
                html.Td(labels.get(link.target, link.target)),
                html.Td(fmt_number(link.value, 0, lang), className="text-end"),
            ]
        )
        for link in sorted(flows.links, key=lambda link: -link.value)
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("ref.from", lang)),
                        html.Th(t("ref.to", lang)),
                        html.Th(t("ref.count", lang), className="text-end"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        size="sm",
        hover=True,
        class_name="mb-0 scorecard",
    )
    text = (flows.note_en or flows.note) if lang == "en" else flows.note
    note = html.Div(text, className="small text-muted mt-2") if text else None
    return html.Div([caption, table, note])
