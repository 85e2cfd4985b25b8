"""Praktijk: the scorecard panel — every KPI of the practice with the region's median and P25–P75,
the practice's percent rank and the verdict on its value — and the verdict and shown value of a
scorecard item, which the hours panel and the profile use as well."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard import components as c
from dashboard.i18n import (
    fmt_date,
    fmt_period,
    fmt_share,
    fmt_value,
    kpi_title,
    kpi_unit,
    reference_text,
    t,
)
from dashboard.schemas import Scorecard, ScorecardItem


def shown_value(item: ScorecardItem | None) -> float | None:
    """The item's value, or None when it is missing or suppressed."""
    if item is None or item.suppressed:
        return None
    return item.value


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
