"""Praktijk: the hours panel — contract, worked and norm hours per week, contract as % of the
norm and the direct share (a stat row) and a small chart of the hours against the norm, all from
the scorecard's items."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import fmt_number, fmt_share, fmt_value, t
from dashboard.pages.practice_scorecard import item_verdict, shown_value
from dashboard.schemas import Scorecard, ScorecardItem

# the hours panel: slugs of the scorecard's items
CONTRACT, WORKED, NORM = "hours_contract_per_week", "hours_worked_per_week", "hours_norm_per_week"
VS_NORM, DIRECT = "hours_vs_norm_pct", "direct_time_pct"


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


def _items(card: Scorecard) -> dict[str, ScorecardItem]:
    return {item.slug: item for item in card.items}


def _value_text(item: ScorecardItem | None, lang: str) -> str:
    if item is None:
        return "–"
    return fmt_value(
        shown_value(item),
        unit=item.unit,
        decimals=item.decimals,
        lang=lang,
        display=item.value_display,
    )


def hours_stats(card: Scorecard, lang: str) -> Any:
    """Contract, worked and norm hours per week, contract as % of the norm and the direct share,
    each from the scorecard (the norm and its rule — 12 or 16 h per 2,350 — from the API)."""
    items = _items(card)
    contract, worked, norm = items.get(CONTRACT), items.get(WORKED), items.get(NORM)
    vs_norm, direct = items.get(VS_NORM), items.get(DIRECT)
    if not any(shown_value(i) is not None for i in (contract, worked, norm)):
        return c.empty_state(lang)
    per_week = t("practice.hours_per_week", lang)
    worked_sub = per_week
    if shown_value(worked) is not None and shown_value(contract):
        share = fmt_share((shown_value(worked) or 0) / (shown_value(contract) or 1), 0, lang)
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
        if item.slug == DIRECT and shown_value(item) is not None:
            pct = shown_value(item) or 0.0
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
    contract, worked, norm = (shown_value(items.get(s)) for s in (CONTRACT, WORKED, NORM))
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
