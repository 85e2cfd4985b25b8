"""Import (beheerder): upload export files, follow their progress, read each import report
with its rejected rows, and the history of import batches.

The files go from the browser to the dashboard server (``dcc.Upload``, several at once) and
from there one by one to the API's ``POST /api/v1/imports`` with the user's own token. The
files are imported in sequence: the upload callback puts them in a store and empties the
results store; each finished file is written to the results store, whose change
(``modified_timestamp``, set by the store itself, so the callback graph has no cycle) starts
the import of the next one. Meanwhile the page shows "Bezig met importeren van N bestanden…"
with a spinner and the status of each file as it finishes.

Patient values in rejects come masked from the API ("•••"); the page masks a BSN-like value
once more before it shows it. The history (``GET /api/v1/imports``) is an AG Grid, newest
first; a click on a row shows that batch's report (``GET /api/v1/imports/{id}``).
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as c
from dashboard import ids
from dashboard.client import ApiClient, ApiError
from dashboard.i18n import fmt_date, fmt_number, normalise_lang, t
from dashboard.page import Context, Draw, Filled, Page, Picker, Start
from dashboard.schemas import ImportReport, ImportSummary

KINDS = ("praktijken", "contacten", "verwijzingen", "uren")  # the API's export kinds
STATUSES = ("all", "committed", "failed")
MASK = "•••"
REJECTS_SHOWN = 100
_BSN_LIKE = re.compile(r"^\d{9}$")
PATIENT_COLUMNS = frozenset({"patientnummer", "patiëntnummer", "bsn", "patient_id"})


# -- layout ---------------------------------------------------------------------------------


def body(lang: str) -> list[Any]:
    kind = dcc.Dropdown(
        id=ids.IMPORT_KIND,
        options=kind_options(lang),
        value="auto",
        clearable=False,
        searchable=False,
    )
    upload = dcc.Upload(
        id=ids.IMPORT_UPLOAD,
        children=html.Div(
            [
                html.Span("⇪ ", className="fs-5", **{"aria-hidden": "true"}),
                html.Strong(t("import.drop", lang)),
                html.Div(t("import.formats", lang), className="small text-muted"),
            ]
        ),
        multiple=True,
        className="import-drop border border-2 rounded text-center p-3 bg-light",
        style={"borderStyle": "dashed", "cursor": "pointer"},
    )
    upload_card = dbc.Card(
        [
            dbc.CardHeader(
                html.H3(t("import.upload_title", lang), className="h6 mb-0 fw-semibold")
            ),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            c.control(t("import.kind", lang), kind, width=3),
                            dbc.Col(upload, md=9),
                        ],
                        className="g-3 align-items-end mb-3",
                    ),
                    html.Div(id=ids.IMPORT_PROGRESS, role="status", **{"aria-live": "polite"}),
                    html.Div(id=ids.IMPORT_REPORTS),
                ]
            ),
        ],
        className="mb-3 shadow-sm",
    )
    history = dbc.Card(
        [
            dbc.CardHeader(
                html.H3(t("import.history_title", lang), className="h6 mb-0 fw-semibold")
            ),
            dbc.CardBody(
                [
                    html.Div(t("import.history_hint", lang), className="small text-muted mb-2"),
                    html.Div(id=ids.IMPORT_HISTORY_ERROR),
                    dcc.Loading(c.with_downloads(history_grid(lang), lang), color=c.PRIMARY),
                ]
            ),
        ],
        className="mb-3 shadow-sm",
    )
    return [
        dcc.Store(id=ids.IMPORT_FILES, storage_type="memory"),
        dcc.Store(id=ids.IMPORT_RESULTS, storage_type="memory"),
        upload_card,
        history,
        dcc.Loading(html.Div(id=ids.IMPORT_DETAIL), color=c.PRIMARY),
    ]


def grid_without_template(id: str, lang: str) -> Any:
    """``components.data_grid`` without its ``overlayNoRowsTemplate``: AG Grid refuses an HTML
    template string (a SEVERE console error); ``localeText.noRowsToShow`` says the same."""
    grid = c.grid(id, lang)
    options = dict(grid.dashGridOptions)
    options.pop("overlayNoRowsTemplate", None)
    grid.dashGridOptions = options
    return grid


def history_grid(lang: str) -> Any:
    grid = grid_without_template(ids.IMPORT_HISTORY, lang)
    grid.getRowId = "params.data.rid"  # cellClicked then names the batch's id (a string)
    return grid


def kind_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t("import.kind.auto", lang), "value": "auto"}] + [
        {"label": t(f"import.kind.{kind}", lang), "value": kind} for kind in KINDS
    ]


def status_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"import.status.{s}", lang), "value": s} for s in STATUSES]


def fill(client: ApiClient, start: Start) -> Filled:
    options = status_options(start.lang)
    return Filled({"status": (options, start.choose("status", options, default="all"))})


# -- the history grid -----------------------------------------------------------------------


def history_rows(items: list[ImportSummary], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "rid": str(item.id),
            "started": _when(item.started_at, lang),
            "started_iso": item.started_at.isoformat() if item.started_at else "",
            "filename": item.filename,
            "kind": kind_label(item.kind, lang),
            "status": status_label(item.status, lang),
            "read": item.rows_read,
            "new": item.rows_new,
            "updated": item.rows_updated,
            "rejected": item.rows_rejected,
            "failed": item.status == "failed",
        }
        for item in items
    ]


def history_columns(lang: str) -> list[dict[str, Any]]:
    number = {"type": "rightAligned", "filter": "agNumberColumnFilter", "minWidth": 95, "flex": 1}
    return [
        {
            "field": "id",
            "headerName": "#",
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "maxWidth": 90,
            "sort": "desc",
        },
        {
            "field": "started",
            "headerName": t("import.col.started", lang),
            "minWidth": 150,
            "flex": 1,
            "comparator": {
                "function": "(a, b, na, nb) => "
                "na.data.started_iso.localeCompare(nb.data.started_iso)"
            },
        },
        {"field": "filename", "headerName": t("import.col.file", lang), "minWidth": 200, "flex": 2},
        {"field": "kind", "headerName": t("import.col.kind", lang), "minWidth": 110, "flex": 1},
        {
            "field": "status",
            "headerName": t("import.col.status", lang),
            "minWidth": 110,
            "flex": 1,
            "cellClassRules": {"text-danger fw-semibold": {"function": "params.data.failed"}},
        },
        {"field": "read", "headerName": t("import.stat.read", lang), **number},
        {"field": "new", "headerName": t("import.stat.new", lang), **number},
        {"field": "updated", "headerName": t("import.stat.updated", lang), **number},
        {
            "field": "rejected",
            "headerName": t("import.stat.rejected", lang),
            **number,
            "cellClassRules": {"text-danger fw-semibold": {"function": "params.value > 0"}},
        },
    ]


def render(ctx: Context, status: str) -> tuple[Any, ...]:
    listing = ctx.client.imports(status=None if status == "all" else status)
    return history_rows(listing.items, ctx.lang), history_columns(ctx.lang), None


# -- one import report ----------------------------------------------------------------------


def kind_label(kind: str, lang: str) -> str:
    key = f"import.kind.{kind}"
    text = t(key, lang)
    return kind if text == key else text


def status_label(status: str, lang: str) -> str:
    key = f"import.status.{status}"
    text = t(key, lang)
    return status if text == key else text


def _when(value: Any, lang: str) -> str:
    if value is None:
        return "–"
    local = value.astimezone() if getattr(value, "tzinfo", None) else value
    return f"{fmt_date(local.date(), lang)} {local:%H:%M}"


def masked(column: str | None, value: str | None) -> str:
    """A reject's value as shown: patient columns and BSN-like values (nine digits) masked,
    also should the API ever send one unmasked."""
    if value is None:
        return "–"
    if (column or "").strip().lower() in PATIENT_COLUMNS or _BSN_LIKE.match(value.strip()):
        return MASK
    return value


def _stat(label: str, value: int, lang: str, *, bad: bool = False) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="small text-uppercase text-muted fw-semibold"),
                html.Div(
                    fmt_number(value, 0, lang),
                    className="fs-5 fw-semibold",
                    style={"color": c.BAD if bad and value else c.PRIMARY},
                ),
            ]
        ),
        xs=4,
        md=2,
        className="mb-2",
    )


def rejects_table(report: ImportReport, lang: str) -> Any:
    if not report.rejects:
        return html.Div(t("import.no_rejects", lang), className="small text-muted")
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("import.col.line", lang), className="text-end"),
                html.Th(t("import.col.column", lang)),
                html.Th(t("import.col.value", lang)),
                html.Th(t("import.col.reason", lang)),
            ]
        )
    )
    shown = report.rejects[:REJECTS_SHOWN]
    rows = [
        html.Tr(
            [
                html.Td(fmt_number(r.line, 0, lang), className="text-end"),
                html.Td(r.column or "–"),
                html.Td(masked(r.column, r.value), className="font-monospace"),
                html.Td(r.reason),
            ]
        )
        for r in shown
    ]
    total = max(report.rejects_total, len(report.rejects))
    parts: list[Any] = [
        html.Div(
            t("import.rejects_title", lang, n=fmt_number(total, 0, lang)),
            className="fw-semibold small mb-1",
        ),
        dbc.Table(
            [head, html.Tbody(rows)],
            size="sm",
            striped=True,
            bordered=False,
            responsive=True,
            className="mb-1 import-rejects",
        ),
    ]
    if total > len(shown):
        parts.append(
            html.Div(
                t(
                    "import.rejects_more",
                    lang,
                    shown=fmt_number(len(shown), 0, lang),
                    total=fmt_number(total, 0, lang),
                ),
                className="small text-muted",
            )
        )
    return html.Div(parts)


def report_view(report: ImportReport, lang: str) -> dbc.Card:
    ok = report.status == "committed"
    badge = dbc.Badge(
        status_label(report.status, lang), color="success" if ok else "danger", className="ms-2"
    )
    facts: list[str] = [
        kind_label(report.kind, lang),
        report.source_format.upper(),
    ]
    if report.period_start and report.period_end:
        facts.append(
            t(
                "import.period",
                lang,
                start=fmt_date(report.period_start, lang),
                end=fmt_date(report.period_end, lang),
            )
        )
    if report.practices:
        facts.append(t("import.practices", lang, n=len(report.practices)))
    body: list[Any] = [
        html.Div(" · ".join(facts), className="small text-muted mb-2"),
        dbc.Row(
            [
                _stat(t("import.stat.read", lang), report.rows_read, lang),
                _stat(t("import.stat.new", lang), report.rows_new, lang),
                _stat(t("import.stat.updated", lang), report.rows_updated, lang),
                _stat(t("import.stat.unchanged", lang), report.rows_unchanged, lang),
                _stat(t("import.stat.rejected", lang), report.rows_rejected, lang, bad=True),
            ]
        ),
    ]
    if report.message:
        body.append(
            dbc.Alert(report.message, color="warning" if ok else "danger", className="py-2")
        )
    if report.unknown_columns:
        body.append(
            html.Div(
                t("import.unknown_columns", lang, columns=", ".join(report.unknown_columns)),
                className="small text-muted mb-2",
            )
        )
    body.append(rejects_table(report, lang))
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H3(
                    [t("import.report_title", lang, name=report.filename, id=report.id), badge],
                    className="h6 mb-0 fw-semibold",
                )
            ),
            dbc.CardBody(body),
        ],
        className="mb-3 import-report",
    )


# -- the upload: one file after the other ----------------------------------------------------


def decode(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL (``data:…;base64,…``)."""
    _, _, data = contents.partition(",")
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return b""


def import_one(client: ApiClient, name: str, contents: str, kind: str | None) -> dict[str, Any]:
    """Send one file to the API; the result as the results store keeps it."""
    try:
        report = client.import_file(name, decode(contents), kind=None if kind == "auto" else kind)
    except ApiError as exc:
        return {"name": name, "ok": False, "error": exc.detail or str(exc), "status": exc.status}
    return {"name": name, "ok": True, "report": report.model_dump(mode="json")}


def progress_view(names: list[str], results: list[dict[str, Any]], lang: str) -> Any:
    """The spinner line while files are pending and each file's status."""
    done = len(results)
    items: list[Any] = []
    for index, name in enumerate(names):
        if index < done:
            result = results[index]
            if result["ok"]:
                report = result["report"]
                text = t(
                    "import.file_done",
                    lang,
                    read=fmt_number(report["rows_read"], 0, lang),
                    new=fmt_number(report["rows_new"], 0, lang),
                    updated=fmt_number(report["rows_updated"], 0, lang),
                    rejected=fmt_number(report["rows_rejected"], 0, lang),
                )
                icon, colour = "✓", "text-success"
            else:
                text, icon, colour = result["error"], "✗", "text-danger"
        elif index == done:
            text, icon, colour = t("import.file_running", lang), "…", "text-primary"
        else:
            text, icon, colour = t("import.file_waiting", lang), "·", "text-muted"
        items.append(
            html.Li(
                [
                    html.Span(icon + " ", className=f"fw-bold {colour}", **{"aria-hidden": "true"}),
                    html.Strong(name),
                    html.Span(": " + text, className=colour if icon == "✗" else ""),
                ],
                className="import-file small",
                **{"data-state": "done" if index < done else "pending"},
            )
        )
    if done < len(names):
        head: Any = html.Div(
            [
                dbc.Spinner(size="sm", color="primary", spinner_class_name="me-2"),
                t("import.running", lang, n=len(names)),
            ],
            className="fw-semibold mb-2 import-running",
        )
    else:
        failed = sum(1 for r in results if not r["ok"])
        key = "import.finished_failed" if failed else "import.finished"
        head = html.Div(
            t(key, lang, n=len(names), failed=failed),
            className="fw-semibold mb-2 import-finished " + ("text-danger" if failed else ""),
        )
    return html.Div([head, html.Ul(items, className="list-unstyled mb-3")])


def reports_view(results: list[dict[str, Any]], lang: str) -> list[Any]:
    return [
        report_view(ImportReport.model_validate(r["report"]), lang) for r in results if r.get("ok")
    ]


def register(app: Dash, client: ApiClient) -> None:
    @app.callback(
        Output(ids.IMPORT_FILES, "data"),
        Output(ids.IMPORT_RESULTS, "data"),
        Output(ids.IMPORT_PROGRESS, "children"),
        Output(ids.IMPORT_REPORTS, "children"),
        Output(ids.IMPORT_UPLOAD, "contents"),
        Input(ids.IMPORT_UPLOAD, "contents"),
        State(ids.IMPORT_UPLOAD, "filename"),
        State(ids.IMPORT_KIND, "value"),
        State(ids.IMPORT_INIT, "data"),
        prevent_initial_call=True,
    )
    def _start(contents: Any, names: Any, kind: str | None, init: dict[str, Any] | None):
        if not contents:
            raise PreventUpdate
        lang = normalise_lang((init or {}).get("lang"))
        contents = contents if isinstance(contents, list) else [contents]
        names = names if isinstance(names, list) else [names]
        run = uuid.uuid4().hex
        files = [{"name": n, "content": data} for n, data in zip(names, contents, strict=False)]
        return (
            {"run": run, "kind": kind or "auto", "files": files},
            {"run": run, "results": []},
            progress_view([f["name"] for f in files], [], lang),
            [],
            None,
        )

    @app.callback(
        Output(ids.IMPORT_RESULTS, "data", allow_duplicate=True),
        Output(ids.IMPORT_FILES, "data", allow_duplicate=True),
        Output(ids.IMPORT_PROGRESS, "children", allow_duplicate=True),
        Output(ids.IMPORT_REPORTS, "children", allow_duplicate=True),
        Output(ids.IMPORT_HISTORY, "rowData", allow_duplicate=True),
        Input(ids.IMPORT_RESULTS, "modified_timestamp"),
        State(ids.IMPORT_RESULTS, "data"),
        State(ids.IMPORT_FILES, "data"),
        State(ids.IMPORT_STATUS_FILTER, "value"),
        State(ids.IMPORT_INIT, "data"),
        prevent_initial_call=True,
    )
    def _next(_ts: Any, results: Any, files: Any, status: str | None, init: Any):
        return step(client, results, files, status, normalise_lang((init or {}).get("lang")))

    @app.callback(
        Output(ids.IMPORT_DETAIL, "children"),
        Input(ids.IMPORT_HISTORY, "cellClicked"),
        State(ids.IMPORT_INIT, "data"),
        prevent_initial_call=True,
    )
    def _detail(cell: dict[str, Any] | None, init: dict[str, Any] | None):
        return detail(client, cell, normalise_lang((init or {}).get("lang")))


def step(
    client: ApiClient, results: Any, files: Any, status: str | None, lang: str
) -> tuple[Any, ...]:
    """Import the next pending file of the running upload (one call per finished file)."""
    if not results or not files or results.get("run") != files.get("run"):
        raise PreventUpdate
    done: list[dict[str, Any]] = list(results.get("results") or [])
    pending: list[dict[str, Any]] = list(files.get("files") or [])
    if len(done) >= len(pending):
        raise PreventUpdate
    current = pending[len(done)]
    done.append(import_one(client, current["name"], current.get("content") or "", files["kind"]))
    pending[len(done) - 1] = {"name": current["name"], "content": None}  # sent: drop its bytes
    names = [f["name"] for f in pending]
    history: Any = no_update
    if len(done) == len(pending):  # the last one: the history shows the new batches
        try:
            listing = client.imports(status=None if status in (None, "all") else status)
            history = history_rows(listing.items, lang)
        except ApiError:
            history = no_update
    return (
        {"run": results["run"], "results": done},
        {**files, "files": pending},
        progress_view(names, done, lang),
        reports_view(done, lang),
        history,
    )


def detail(client: ApiClient, cell: dict[str, Any] | None, lang: str) -> Any:
    """The report of the batch whose row was clicked in the history."""
    row_id = (cell or {}).get("rowId")
    if row_id is None or not str(row_id).isdigit():
        raise PreventUpdate
    try:
        report = client.import_report(int(row_id))
    except ApiError as exc:
        return c.error_alert(str(exc), lang)
    return report_view(report, lang)


PAGE = Page(
    module=__name__,
    path="/import",
    nav_key="nav.import",
    title="import.title",
    lead="import.lead",
    pickers=(Picker(ids.IMPORT_STATUS_FILTER, "import.ctl.status", "status", 3, False),),
    message=ids.IMPORT_MESSAGE,
    init=ids.IMPORT_INIT,
    body=body,
    fill=fill,
    draw=Draw(
        outputs=(
            Output(ids.IMPORT_HISTORY, "rowData"),
            Output(ids.IMPORT_HISTORY, "columnDefs"),
            Output(ids.IMPORT_HISTORY_ERROR, "children"),
        ),
        render=render,
        empty=lambda lang: ([], history_columns(lang), None),
        failed=lambda lang, alert: ([], history_columns(lang), alert),
    ),
    callbacks=register,
)
