"""Team: the POHs and practices of a team side by side (teamleider: "which POH is overloaded,
where do patients wait long?"), from one API call (``GET /api/v1/teams/{slug}/overview``).

The flags — overloaded (face-to-face consults per 8-hour workday above 9), long wait (median
days to intake above 14) — come with the API's answer (the registry's norms); the page only
shows them: a coloured cell and an icon in the "Signalen" column. A name links to the POH or
practice page for the same period.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from dashboard import components as c
from dashboard import ids
from dashboard.i18n import fmt_date, fmt_period, hidden_display, kpi_title, kpi_unit, t
from dashboard.lookups import data_quarters, quarter_options
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.schemas import TeamColumn, TeamOverview

FLAG_ORDER = ("overloaded", "long_wait")


def body(lang: str) -> list[Any]:
    return [
        dcc.Loading(html.Div(id=ids.TEAM_CARDS), type="circle", color=c.PRIMARY),
        dbc.Card(dbc.CardBody(c.data_grid(ids.TEAM_GRID, lang)), className="mb-3 shadow-sm"),
    ]


def fill(client: Any, start: Start) -> Filled | None:
    teams = client.teams()
    if not teams:
        return Filled(
            {"team": ([], None), "period": ([], None)},
            message=dbc.Alert(t("team.none", start.lang), color="info"),
        )
    options = [{"label": team.name, "value": team.slug} for team in teams]
    chosen = start.choose("team", options)
    # all data's quarters: a teamleider may not see the region as a whole
    quarters = quarter_options(data_quarters(client), start.lang)
    return Filled(
        {"team": (options, chosen), "period": (quarters, start.choose("period", quarters))}
    )


def render(ctx: Context, team: str, period: str) -> tuple[Any, ...]:
    overview = ctx.client.team_overview(team, period=period)
    rows, cols = grid(overview, ctx.lang, ctx.prefix)
    return cards(overview, ctx.lang), rows, cols


def cards(overview: TeamOverview, lang: str) -> Any:
    pohs = [row for row in overview.rows if row.kind == "provider"]
    practices = [row for row in overview.rows if row.kind == "practice"]
    overloaded = [row.name for row in pohs if "overloaded" in row.flags]
    waiting = [row.name for row in overview.rows if "long_wait" in row.flags]
    caption = html.Div(
        f"{overview.name} · {fmt_period(overview.period.label, lang)} "
        f"({fmt_date(overview.period.start, lang)} – {fmt_date(overview.period.end, lang)})",
        className="small text-muted mb-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                caption,
                dbc.Row(
                    [
                        c.stat(t("team.card.members", lang), f"{len(pohs)} / {len(practices)}"),
                        c.stat(
                            t("team.card.overloaded", lang),
                            str(len(overloaded)),
                            sub=", ".join(overloaded) or None,
                            colour=c.BAD if overloaded else c.GOOD,
                        ),
                        c.stat(
                            t("team.card.long_wait", lang),
                            str(len(waiting)),
                            sub=", ".join(waiting) or None,
                            colour=c.BAD if waiting else c.GOOD,
                        ),
                    ]
                ),
            ]
        ),
        className="mb-3 shadow-sm",
    )


def _link(kind: str, key: str, name: str, period: str, prefix: str) -> str:
    if kind == "provider":
        return c.md_link(name, f"{prefix}poh?level=provider&id={key}&period={period}")
    return c.md_link(name, f"{prefix}praktijk?agb={key}&period={period}")


def _value_column(column: TeamColumn, lang: str) -> dict[str, Any]:
    suffix = "%" if column.unit.strip() in {"%", "percent"} else ""
    formatter = c.number_formatter(column.decimals, lang, suffix=suffix)
    display = f"params.data['{column.slug}__display']"
    formatter["function"] = f"{display} ? {display} : " + formatter["function"]
    unit, title = kpi_unit(column, lang), kpi_title(column, lang)
    definition: dict[str, Any] = {
        "field": column.slug,
        # a short unit in the header ("(dagen)"); a long one only in the tooltip
        "headerName": f"{title} ({unit})" if unit and not suffix and len(unit) <= 12 else title,
        "headerTooltip": f"{title} ({unit})" if unit else title,
        "type": "rightAligned",
        "valueFormatter": formatter,
        "filter": "agNumberColumnFilter",
        "minWidth": 120,
        "flex": 1,
        "wrapHeaderText": True,
        "autoHeaderHeight": True,
    }
    if column.flag:  # a function, not a string: AG Grid refuses to evaluate strings (XSS)
        definition["cellClass"] = {
            "function": f"params.data['{column.slug}__flagged'] ? 'team-flagged' : ''"
        }
    return definition


def grid(overview: TeamOverview, lang: str, prefix: str) -> tuple[list[dict], list[dict]]:
    period = overview.period.label
    rows: list[dict[str, Any]] = []
    for row in overview.rows:
        out: dict[str, Any] = {
            "name": row.name,
            "link": _link(row.kind, row.id, row.name, period, prefix),
            "kind": t(f"team.kind.{row.kind}", lang),
            "flags": "  ".join(
                t(f"team.flag.{flag}", lang) for flag in FLAG_ORDER if flag in row.flags
            ),
        }
        for slug, cell in row.values.items():
            out[slug] = None if cell.suppressed else cell.value
            out[f"{slug}__display"] = (
                hidden_display(cell.value_display, lang) if cell.suppressed else None
            )
            out[f"{slug}__flagged"] = cell.flagged
        rows.append(out)
    columns = [
        {
            "field": "link",
            "headerName": t("team.col.name", lang),
            "cellRenderer": "markdown",
            "linkTarget": "_self",
            "pinned": "left",
            "minWidth": 260,
            "flex": 2,
            "filter": "agTextColumnFilter",
            "filterValueGetter": {"function": "params.data.name"},
            "comparator": {"function": "(a, b) => a.localeCompare(b, 'nl')"},
        },
        {"field": "kind", "headerName": t("team.col.kind", lang), "minWidth": 100, "flex": 1},
        {
            "field": "flags",
            "headerName": t("team.col.flags", lang),
            "minWidth": 170,
            "flex": 1,
            "cellClass": "team-flags",
        },
    ] + [_value_column(column, lang) for column in overview.columns]
    return rows, columns


PAGE = Page(
    module=__name__,
    path="/team",
    nav_key="nav.team",
    title="team.title",
    lead="team.lead",
    pickers=(
        Picker(ids.TEAM_TEAM, "ctl.team", "team", width=5),
        Picker(ids.TEAM_PERIOD, "ctl.period", "period", width=3),
    ),
    message=ids.TEAM_MESSAGE,
    init=ids.TEAM_INIT,
    body=body,
    fill=fill,
    draw=Draw(
        outputs=(
            Output(ids.TEAM_CARDS, "children"),
            Output(ids.TEAM_GRID, "rowData"),
            Output(ids.TEAM_GRID, "columnDefs"),
        ),
        render=render,
        empty=lambda lang: (None, [], []),
        failed=lambda lang, alert: (alert, [], []),
    ),
)
