"""Mijn caseload: a POH's own patients by pseudonym (POH: "who in my caseload has had no
contact for 8 weeks, whose episode has run for over a year?").

Patient-level data: the API gives it only for the POH's own scope (and a huisarts granted it),
and writes one audit event per answer (``GET /api/v1/providers/{code}/caseload``). The page
shows pseudonyms only — the API has no names or patient numbers to give.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, html

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import fmt_date, fmt_period, t
from dashboard.lookups import data_quarters, quarter_options
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.schemas import Caseload, CaseloadPatient


def body(lang: str) -> list[Any]:
    return [
        html.Div(id=ids.CASELOAD_CARDS),
        c.content_card(t("caseload.stale_title", lang), ids.CASELOAD_STALE, loading=False),
        c.content_card(t("caseload.long_title", lang), ids.CASELOAD_LONG, loading=False),
        dbc.Card(
            [
                dbc.CardHeader(html.H3(t("caseload.all_title", lang), className="h6 mb-0")),
                dbc.CardBody(c.data_grid(ids.CASELOAD_GRID, lang)),
            ],
            className="mb-3 shadow-sm",
        ),
    ]


def fill(client: Any, start: Start) -> Filled | None:
    providers = client.providers()
    if not providers:
        return Filled(
            {"poh": ([], None), "period": ([], None)},
            message=dbc.Alert(t("caseload.none", start.lang), color="info"),
        )
    options = [{"label": p.name or p.code, "value": p.code} for p in providers]
    quarters = quarter_options(data_quarters(client), start.lang)
    return Filled(
        {
            "poh": (options, start.choose("poh", options)),
            "period": (quarters, start.choose("period", quarters)),
        }
    )


def render(ctx: Context, code: str, period: str) -> tuple[Any, ...]:
    caseload = ctx.client.caseload(code, period=period)
    rows, cols = grid(caseload.items, ctx.lang)
    stale = [p for p in caseload.items if p.no_contact_8_weeks]
    long = [p for p in caseload.items if p.episode_over_1_year]
    return (
        cards(caseload, ctx.lang),
        short_list(stale, ctx.lang),
        short_list(long, ctx.lang),
        rows,
        cols,
    )


def cards(caseload: Caseload, lang: str) -> Any:
    caption = html.Div(
        f"{caseload.provider} · {fmt_period(caseload.period.label, lang)} · "
        f"{t('caseload.reference', lang)} {fmt_date(caseload.reference_date, lang)}",
        className="small text-muted mb-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                caption,
                dbc.Row(
                    [
                        c.stat(t("caseload.card.total", lang), str(caseload.total)),
                        c.stat(
                            t("caseload.card.stale", lang),
                            str(caseload.no_contact_8_weeks),
                            colour=c.BAD if caseload.no_contact_8_weeks else c.GOOD,
                        ),
                        c.stat(
                            t("caseload.card.long", lang),
                            str(caseload.episode_over_1_year),
                            colour=c.BAD if caseload.episode_over_1_year else c.GOOD,
                        ),
                        c.stat(t("caseload.card.bridging", lang), str(caseload.bridging)),
                    ]
                ),
            ]
        ),
        className="mb-3 shadow-sm",
    )


def short_list(patients: list[CaseloadPatient], lang: str) -> Any:
    """A compact table of the patients a POH acts on, longest without contact first."""
    if not patients:
        return html.Div(t("caseload.empty_list", lang), className="text-muted small")
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("caseload.col.pseudonym", lang)),
                html.Th(t("caseload.col.practice", lang)),
                html.Th(t("caseload.col.last", lang)),
                html.Th(t("caseload.col.start", lang)),
                html.Th(t("caseload.col.contacts", lang), className="text-end"),
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(html.Code(p.pseudonym[:12], title=p.pseudonym)),
                html.Td(p.practice_agb),
                html.Td(fmt_date(p.last_contact, lang)),
                html.Td(fmt_date(p.episode_start, lang)),
                html.Td(str(p.episode_contacts), className="text-end"),
            ]
        )
        for p in sorted(patients, key=lambda p: (p.last_contact, p.pseudonym))
    ]
    table = dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, class_name="mb-0")
    # a long list scrolls inside its card, so the next list stays in view
    return html.Div(table, style={"maxHeight": "22rem", "overflowY": "auto"})


def grid(patients: list[CaseloadPatient], lang: str) -> tuple[list[dict], list[dict]]:
    rows = [
        {
            "pseudonym": p.pseudonym,
            "practice": p.practice_agb,
            "last_contact": p.last_contact.isoformat(),
            "last_contact_text": fmt_date(p.last_contact, lang),
            "episode_start": p.episode_start.isoformat(),
            "episode_start_text": fmt_date(p.episode_start, lang),
            "contacts": p.episode_contacts,
            "wait": p.wait_days_intake,
            "bridging": t("yes" if p.bridging else "no", lang),
            "signals": ", ".join(
                t(key, lang)
                for flag, key in (
                    (p.no_contact_8_weeks, "caseload.flag.stale"),
                    (p.episode_over_1_year, "caseload.flag.long"),
                )
                if flag
            ),
        }
        for p in sorted(patients, key=lambda p: (p.last_contact, p.pseudonym))
    ]
    date_text = {"function": "params.data[params.colDef.field + '_text']"}
    cols = [
        {
            "field": "pseudonym",
            "headerName": t("caseload.col.pseudonym", lang),
            "minWidth": 220,
            "flex": 2,
            "cellClass": "font-monospace small",
        },
        {"field": "practice", "headerName": t("caseload.col.practice", lang), "flex": 1},
        {
            "field": "last_contact",
            "headerName": t("caseload.col.last", lang),
            "valueFormatter": date_text,
            "flex": 1,
        },
        {
            "field": "episode_start",
            "headerName": t("caseload.col.start", lang),
            "valueFormatter": date_text,
            "flex": 1,
        },
        {
            "field": "contacts",
            "headerName": t("caseload.col.contacts", lang),
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "flex": 1,
        },
        {
            "field": "wait",
            "headerName": t("caseload.col.wait", lang),
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "valueFormatter": c.number_formatter(0, lang),
            "flex": 1,
        },
        {"field": "bridging", "headerName": t("caseload.col.bridging", lang), "flex": 1},
        {
            "field": "signals",
            "headerName": t("caseload.col.signals", lang),
            "cellClass": "team-flags",
            "flex": 2,
        },
    ]
    return rows, cols


PAGE = Page(
    module=__name__,
    path="/caseload",
    nav_key="nav.caseload",
    title="caseload.title",
    lead="caseload.lead",
    pickers=(
        Picker(ids.CASELOAD_POH, "ctl.poh", "poh", width=5),
        Picker(ids.CASELOAD_PERIOD, "ctl.period", "period", width=3),
    ),
    message=ids.CASELOAD_MESSAGE,
    init=ids.CASELOAD_INIT,
    body=body,
    fill=fill,
    draw=Draw(
        outputs=(
            Output(ids.CASELOAD_CARDS, "children"),
            Output(ids.CASELOAD_STALE, "children"),
            Output(ids.CASELOAD_LONG, "children"),
            Output(ids.CASELOAD_GRID, "rowData"),
            Output(ids.CASELOAD_GRID, "columnDefs"),
        ),
        render=render,
        empty=lambda lang: (None, None, None, [], []),
        failed=lambda lang, alert: (alert, None, None, [], []),
    ),
)
