"""Verwijzingen: huisarts → POH-GGZ → destination flows as a Sankey diagram (huisarts:
"how many of our patients reach the POH, and how many still go straight to the GGZ?").
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Output, html

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient
from dashboard.i18n import api_label, fmt_date, fmt_number, fmt_period, t
from dashboard.lookups import (
    data_quarters,
    level_options,
    practice_options,
    quarter_options,
    region_options,
)
from dashboard.page import Context, Draw, Filled, Page, Picker, PickerValues, Scope, Start
from dashboard.schemas import Level, ReferralFlows

# Referral flows are shown per practice or for the whole region.
LEVELS: tuple[Level, ...] = ("practice", "region")
NODE_COLOURS = {
    "huisarts": "#1f4e79",
    "poh-ggz": "#2a9d8f",
    "gb-ggz": "#5b7fa6",
    "s-ggz": "#d1495b",
    "sociaal-domein": "#e9a23b",
    "ehealth": "#8d6a9f",
    "anders": "#9fb4c7",
}


def body(lang: str) -> list[Any]:
    return [
        c.chart_card(t("ref.sankey_title", lang), ids.REF_SANKEY, height=460),
        c.content_card(t("ref.table_title", lang), ids.REF_TABLE),
    ]


def fill(client: ApiClient, start: Start) -> Filled | None:
    if not client.practices():
        return None
    levels = level_options(start.lang, LEVELS)
    quarters = quarter_options(data_quarters(client), start.lang)
    return Filled(
        {
            "level": (levels, start.choose("level", levels, remembered="ref_level")),
            "period": (quarters, start.choose("period", quarters)),
        }
    )


def scope_options(client: ApiClient, level: str) -> list[dict[str, Any]]:
    practices = client.practices()
    return practice_options(practices) if level == "practice" else region_options(practices)


def remembered(level: str) -> str:
    """The practice or region chosen here is the current one on every page."""
    return "agb" if level == "practice" else "region"


def render(ctx: Context, level: Level, scope: str, period: str) -> tuple[Any, ...]:
    flows = ctx.client.referral_flows(level=level, id=scope, period=period)
    return sankey_figure(flows, ctx.lang), flows_table(flows, ctx.lang)


def remember(values: PickerValues) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    if values["level"]:
        chosen["ref_level"] = values["level"]
        if values["id"]:
            chosen[remembered(values["level"])] = values["id"]
    if values["period"]:
        chosen["period"] = values["period"]
    return chosen


PAGE = Page(
    module=__name__,
    path="/verwijzingen",
    nav_key="nav.referrals",
    title="ref.title",
    lead="ref.lead",
    pickers=(
        Picker(ids.REF_LEVEL, "ctl.level", "level", width=3, searchable=False),
        Picker(ids.REF_SCOPE, "ctl.scope", "id", width=6),
        Picker(ids.REF_PERIOD, "ctl.period", "period", width=3),
    ),
    message=ids.REF_MESSAGE,
    init=ids.REF_INIT,
    body=body,
    fill=fill,
    scope=Scope(query="id", follows="level", options=scope_options, remembered=remembered),
    draw=Draw(
        outputs=(Output(ids.REF_SANKEY, "figure"), Output(ids.REF_TABLE, "children")),
        render=render,
        empty=lambda lang: (c.choose_figure(lang), None),
        failed=lambda lang, alert: (c.error_figure(lang), alert),
    ),
    remember=remember,
)


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
