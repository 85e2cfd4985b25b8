"""Praktijk: the profile ("spine chart") — every KPI with a regional distribution on one
screen, each row on its own scale around the region's median, the practice as a dot coloured by
its verdict — and the graph's height and note."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard import components as c
from dashboard.i18n import fmt_value, kpi_title, t
from dashboard.pages.practice_scorecard import item_verdict, shown_value
from dashboard.schemas import Scorecard, ScorecardItem

# the profile graph without rows (an empty or error state), and its least height
EMPTY_PROFILE_PX = 260
EMPTY_PROFILE_STYLE = {"height": f"{EMPTY_PROFILE_PX}px"}
PROFILE_ROW_PX = 42
PROFILE_EXTRA_PX = 140  # the direction line and the legend
TITLE_CHARS = 34  # a row's title wraps after this many characters (a phone's width)
EXTRA_LINE = 0.4  # the room (in rows) of each further line of a title


def profile_rows(card: Scorecard) -> list[ScorecardItem]:
    """The items with a regional distribution and a value to place in it."""
    return [
        item
        for item in card.items
        if item.region_median is not None
        and item.region_p25 is not None
        and item.region_p75 is not None
        and shown_value(item) is not None
    ]


def spine_scale(item: ScorecardItem) -> tuple[float, float, float]:
    """(median, half-width, sign) of an item's row: x = sign × (v − median) ÷ half-width lies in
    [−1, 1] for the P10–P90 band and the practice's value; sign −1 for lower-is-better KPIs so
    that right is always more favourable (neutral KPIs: right is higher)."""
    median = item.region_median or 0.0
    points = [
        v
        for v in (
            item.region_p10,
            item.region_p25,
            item.region_p75,
            item.region_p90,
            shown_value(item),
        )
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
        x=[spine_x(i, shown_value(i)) for i in rows],
        y=ys,
        mode="markers",
        marker={
            "size": 14,
            "color": [v.colour for v in judged],
            "line": {"width": 1.5, "color": "white"},
        },
        name=t("practice.profile_practice", lang),
        customdata=[[fmt(i, shown_value(i)), v.text] for i, v in zip(rows, judged, strict=True)],
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
        value = fmt(item, shown_value(item))
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
