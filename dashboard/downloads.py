"""Downloads of every table (CSV/XLSX) and every chart (PNG/SVG) of the dashboard.

The buttons come with the components every page uses (``components.chart_card``,
``components.data_grid``, ``components.content_card(download=True)``), so a page gets them
without code of its own; the callbacks here serve them all (pattern-matching ids).

- A chart's image is made in the browser by plotly.js (assets/40-downloads.js): a copy of the
  figure with its title and the line "Bron: POH-Connect, <what was chosen>, gedownload <datum>".
  Nothing is sent to a server, let alone an outside one.
- A table's file is made by the API, with the logged-in user's token, so that every export is
  one event in the audit log (NEN 7513). A table with an export route of its own is exported
  by it (the benchmark of Regio-overzicht, the scorecard of Praktijk, the caseload — patient
  level, recomputed within the caller's scope); every other table is sent as shown (displayed
  columns, rows after filter and sort, numbers as numbers) to ``POST /api/v1/exports``. The
  file goes to the browser with ``dcc.Download`` under a Dutch name
  (``wachttijden-2025Q3.csv``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, Literal

from dash import ALL, MATCH, ClientsideFunction, Dash, Input, Output, State, dcc, no_update

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError, Report
from dashboard.i18n import normalise_lang, t

Format = Literal["csv", "xlsx"]
# query parameter of a page → the scope it names (the audit event's scope; checked by the API)
SCOPE_PARAMS = {"region": "region", "agb": "practice", "team": "team", "poh": "provider"}
LEVELS = frozenset({"region", "practice", "provider", "team"})


def _own_export(
    path: Callable[[Mapping[str, str]], str],
    params: tuple[str, ...],
    name: Callable[[Mapping[str, str]], str],
    needs: tuple[str, ...],
) -> Callable[[Mapping[str, str]], tuple[str, dict[str, str], str] | None]:
    def made(query: Mapping[str, str]) -> tuple[str, dict[str, str], str] | None:
        if not all(query.get(key) for key in needs):
            return None
        return path(query), {p: query[p] for p in params}, name(query)

    return made


# tables whose figures the API exports by a route of its own (with the page's URL query)
OWN_EXPORTS = {
    ids.REGION_GRID: _own_export(
        lambda q: f"/benchmarks/{q['kpi']}",
        ("region", "period"),
        lambda q: f"regio-overzicht-{q['region']}-{q['kpi']}-{q['period']}",
        ("kpi", "region", "period"),
    ),
    ids.PRACTICE_SCORECARD: _own_export(
        lambda q: f"/practices/{q['agb']}/scorecard",
        ("period",),
        lambda q: f"praktijk-scorecard-{q['agb']}-{q['period']}",
        ("agb", "period"),
    ),
    ids.CASELOAD_GRID: _own_export(
        lambda q: f"/providers/{q['poh']}/caseload",
        ("period",),
        lambda q: f"mijn-caseload-{q['poh']}-{q['period']}",
        ("poh", "period"),
    ),
}


def slug(text: str) -> str:
    """``"Mijn caseload"`` → ``"mijn-caseload"`` (a file name's part)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60]


def file_stem(page: str, query: Mapping[str, str]) -> str:
    """The Dutch file name of a table without its own export: page and period."""
    parts = [slug(page) or "tabel", re.sub(r"[^A-Za-z0-9]", "", query.get("period") or "")]
    return "-".join(p for p in parts if p)[:120]


def scopes(query: Mapping[str, str]) -> list[dict[str, str]]:
    """The scope the page shows, from its URL query (the API checks the caller may see it)."""
    out = [
        {"level": level, "key": query[param]}
        for param, level in SCOPE_PARAMS.items()
        if query.get(param)
    ]
    level, key = query.get("level"), query.get("id")
    if level in LEVELS and key:
        out.append({"level": level, "key": key})
    return out


def table_file(client: ApiClient, request: Mapping[str, Any], lang: str) -> tuple[Any, Any]:
    """``dcc.Download`` data of the table asked for, or a message (nothing to export yet, an
    API error)."""
    fmt: Format = "xlsx" if request.get("format") == "xlsx" else "csv"
    query = {str(k): str(v) for k, v in (request.get("query") or {}).items()}
    own = OWN_EXPORTS.get(str(request.get("table")))
    try:
        if own is not None:
            found = own(query)
            if found is None:
                return no_update, c.error_alert(t("download.empty", lang), lang)
            path, params, name = found
            report = client.export(path, params, fmt=fmt)
            filename = f"{name}.{fmt}"
        else:
            columns, rows = request.get("columns"), request.get("rows")
            if not columns or rows is None:
                return no_update, c.error_alert(t("download.empty", lang), lang)
            stem = file_stem(str(request.get("page") or ""), query)
            context = str(request.get("context") or "")
            table = {
                "title": str(request.get("title") or request.get("page") or stem)[:200],
                "filename": stem,
                "scope": scopes(query),
                "meta": [f"{t('download.source', lang)}: POH-Connect, {context}"[:300]],
                "columns": [str(col) or "-" for col in columns],
                "rows": rows,
            }
            report = client.export_table(table, fmt=fmt)
            filename = f"{stem}.{fmt}"
    except ApiError as exc:
        return no_update, c.error_alert(str(exc), lang)
    return _send(report, filename), None


def _send(report: Report, filename: str) -> dict[str, Any]:
    return dcc.send_bytes(report.content, filename, type=report.media_type)


def register(app: Dash, client: ApiClient) -> None:
    """The download callbacks of every page (once, for the whole app)."""
    app.clientside_callback(
        ClientsideFunction(namespace="pohconnect", function_name="chartDownload"),
        Output({"type": ids.CHART_DOWNLOAD_DONE, "graph": MATCH}, "data"),
        Input({"type": ids.CHART_DOWNLOAD, "graph": MATCH, "format": ALL}, "n_clicks"),
        State({"type": ids.CHART_DOWNLOAD_META, "graph": MATCH}, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="pohconnect", function_name="tableRequest"),
        Output({"type": ids.TABLE_DOWNLOAD_REQUEST, "table": MATCH}, "data"),
        Input({"type": ids.TABLE_DOWNLOAD, "table": MATCH, "format": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output({"type": ids.TABLE_DOWNLOAD_FILE, "table": MATCH}, "data"),
        Output({"type": ids.TABLE_DOWNLOAD_MESSAGE, "table": MATCH}, "children"),
        Input({"type": ids.TABLE_DOWNLOAD_REQUEST, "table": MATCH}, "data"),
        State(ids.LANG_SWITCH, "value"),
        prevent_initial_call=True,
    )
    def _table_download(request: Any, lang: str | None) -> tuple[Any, Any]:
        if not isinstance(request, dict):
            return no_update, no_update
        return table_file(client, request, normalise_lang(lang))
