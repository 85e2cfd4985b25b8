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
from dashboard.i18n import api_label, fmt_date, fmt_number, fmt_period, hidden_display, t
from dashboard.lookups import (
    data_quarters,
    level_options,
    practice_options,
    quarter_options,
    region_options,
)
from dashboard.page import Context, Draw, Filled, Page, Picker, PickerValues, Scope, Start
from dashboard.schemas import FlowLink, Level, ReferralFlows

# Referral flows are shown per practice or for the whole region.
LEVELS: tuple[Level, ...] = ("practice", "region")
NODE_COLOURS = {
    "huisarts": "#1f4e79",
    "poh-ggz": "#2a9d8f",
    "afgerond-poh": "#8fcfc7",
    "gb-ggz": "#5b7fa6",
    "s-ggz": "#d1495b",
    "sociaal-domein": "#e9a23b",
    "ehealth": "#8d6a9f",
    "anders": "#9fb4c7",
}


def body(lang: str) -> list[Any]:
    return [
        c.chart_card(t("ref.sankey_title", lang), ids.REF_SANKEY, height=460, lang=lang),
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
    if level == "practice":
        return practice_options(client.practices())
    return region_options(client.regions())


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


def _node_totals(flows: ReferralFlows) -> dict[str, int | None]:
    """What passes through each node (its inflow, or its outflow for the huisarts), None when
    one of those links is hidden by the small-number rule."""
    totals: dict[str, int | None] = {}
    for node in flows.nodes:
        side = [link for link in flows.links if link.target == node.id] or [
            link for link in flows.links if link.source == node.id
        ]
        values = [link.value for link in side]
        totals[node.id] = None if None in values else sum(v or 0 for v in values)
    return totals


def _node_label(label: str, total: int | None, lang: str) -> str:
    return label if total is None else f"{label} · {fmt_number(total, 0, lang)}"


def _share(link: FlowLink, lang: str) -> str:
    return "" if link.share_pct is None else f" ({fmt_number(link.share_pct, 0, lang)}%)"


def sankey_figure(flows: ReferralFlows, lang: str) -> go.Figure:
    # Links hidden by the small-number rule are not drawn (their width would be the count);
    # the table beside the chart lists them as "<10".
    links = [link for link in flows.links if link.value]
    if not links:
        return c.empty_figure(lang)
    index = {node.id: i for i, node in enumerate(flows.nodes)}
    totals = _node_totals(flows)
    labels = [_node_label(api_label(node, lang), totals[node.id], lang) for node in flows.nodes]
    link_text = [f"{fmt_number(link.value, 0, lang)}{_share(link, lang)}" for link in links]
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
                "hovertemplate": "%{label}<extra></extra>",
            },
            link={
                "source": [index[link.source] for link in links],
                "target": [index[link.target] for link in links],
                "value": [link.value for link in links],
                "customdata": link_text,
                "color": [_fade(NODE_COLOURS.get(link.target, "#9fb4c7")) for link in links],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
            },
        )
    )
    c.style_figure(fig, lang, legend=False)
    # the top margin keeps the first destination's label clear of the mode bar's row
    margin = {"l": 20, "r": 20, "t": 44, "b": 20}
    if any(link.value is None for link in flows.links):
        # a node whose hidden flows are not drawn looks as if it leaks: say why
        margin["b"] = 44
        fig.add_annotation(
            text=t("ref.hidden_note", lang),
            x=0,
            xref="paper",
            xanchor="left",
            y=0,
            yref="paper",
            yanchor="top",
            yshift=-8,
            showarrow=False,
            font={"size": 12, "color": "#495057"},
        )
    fig.update_layout(margin=margin)
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
                html.Td(
                    hidden_display(link.value_display, lang)
                    if link.value is None
                    else fmt_number(link.value, 0, lang),
                    className="text-end",
                ),
                html.Td(
                    "" if link.share_pct is None else f"{fmt_number(link.share_pct, 0, lang)}%",
                    className="text-end",
                ),
            ]
        )
        for link in sorted(flows.links, key=lambda link: -(link.value or 0))
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("ref.from", lang)),
                        html.Th(t("ref.to", lang)),
                        html.Th(t("ref.count", lang), className="text-end"),
                        html.Th(t("ref.share", lang), className="text-end"),
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
