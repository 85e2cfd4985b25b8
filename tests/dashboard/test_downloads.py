"""The download buttons of every table and chart (dashboard/downloads.py, components): every
page's charts have PNG/SVG, every table CSV/XLSX; a table's file is made by the API — its own
export where one exists, else the generic ``POST /api/v1/exports`` — under a Dutch name."""

from __future__ import annotations

import base64
import io
from typing import Any

import dash_ag_grid as dag
from dash import dcc
from openpyxl import load_workbook
from sqlalchemy import func, select

from dashboard import downloads, ids
from dashboard.app import PAGES
from dashboard.client import ApiClient
from models import AuditLog
from tests.dashboard.data import REGION, build_region


def _walk(node: Any) -> list[Any]:
    out = [node]
    children = getattr(node, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            out += _walk(child)
    elif children is not None and not isinstance(children, str | int | float):
        out += _walk(children)
    return out


def _pattern(nodes: list[Any], kind: str, key: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for node in nodes:
        i = getattr(node, "id", None)
        if isinstance(i, dict) and i.get("type") == kind:
            found.setdefault(i[key], set()).add(i["format"])
    return found


def test_every_chart_and_table_of_every_page_has_its_download_buttons() -> None:
    charts = tables = 0
    for page in PAGES:
        for lang in ("nl", "en"):
            nodes = _walk(page.layout(lang=lang))
            graphs = {n.id for n in nodes if isinstance(n, dcc.Graph)}
            grids = {n.id for n in nodes if isinstance(n, dag.AgGrid)}
            chart_buttons = _pattern(nodes, ids.CHART_DOWNLOAD, "graph")
            table_buttons = _pattern(nodes, ids.TABLE_DOWNLOAD, "table")
            assert chart_buttons == {g: {"png", "svg"} for g in graphs}, page.path
            assert {g: table_buttons.get(g) for g in grids} == {
                g: {"csv", "xlsx"} for g in grids
            }, page.path
            charts += len(graphs)
            tables += len(grids)
    practice = _walk(next(p for p in PAGES if p.path == "/praktijk").layout(lang="nl"))
    assert _pattern(practice, ids.TABLE_DOWNLOAD, "table") == {
        ids.PRACTICE_SCORECARD: {"csv", "xlsx"}
    }
    assert charts >= 2 * 9 and tables >= 2 * 6


def test_file_names_and_scopes_from_the_page_and_its_url() -> None:
    assert downloads.file_stem("Verwijzingen", {"period": "2025Q3"}) == "verwijzingen-2025Q3"
    assert downloads.file_stem("Mijn caseload", {}) == "mijn-caseload"
    assert downloads.file_stem("Datakwaliteit", {"period": "../x"}) == "datakwaliteit-x"
    assert downloads.scopes({"region": "west", "period": "2025Q3"}) == [
        {"level": "region", "key": "west"}
    ]
    assert downloads.scopes({"level": "practice", "id": "01990001"}) == [
        {"level": "practice", "key": "01990001"}
    ]
    assert downloads.scopes({"level": "evil", "id": "x"}) == []


class _Recorder(ApiClient):
    def __init__(self, http: Any) -> None:
        super().__init__(http=http)
        self.calls: list[tuple[str, Any]] = []

    def export(self, path, params, *, fmt):  # type: ignore[no-untyped-def]
        self.calls.append(("export", (path, params, fmt)))
        return super().export(path, params, fmt=fmt)

    def export_table(self, table, *, fmt):  # type: ignore[no-untyped-def]
        self.calls.append(("export_table", (dict(table), fmt)))
        return super().export_table(table, fmt=fmt)


def test_generic_table_goes_to_the_api_as_shown(api_client, session) -> None:  # type: ignore[no-untyped-def]
    build_region(session)
    client = _Recorder(api_client)
    before = session.scalar(select(func.max(AuditLog.id))) or 0
    request = {
        "table": ids.WAIT_GRID,
        "format": "csv",
        "query": {"region": REGION, "period": "2025Q3"},
        "page": "Wachttijden",
        "title": "Wachttijd per praktijk",
        "context": "Regio Dashboard, K3 2025",
        "columns": ["Praktijk", "Mediaan (dagen)"],
        "rows": [["Praktijk Oosterpark", 12.5], ["Praktijk Noorderhaven", None]],
    }
    data, message = downloads.table_file(client, request, "nl")
    assert message is None
    assert data["filename"] == "wachttijden-2025Q3.csv"
    text = base64.b64decode(data["content"]).decode("utf-8-sig")
    assert text.splitlines() == [
        "Praktijk;Mediaan (dagen)",
        "Praktijk Oosterpark;12,5",
        "Praktijk Noorderhaven;",
    ]
    sent = client.calls[0][1][0]
    assert sent["scope"] == [{"level": "region", "key": REGION}]
    assert sent["meta"] == ["Bron: POH-Connect, Regio Dashboard, K3 2025"]
    events = list(session.scalars(select(AuditLog).where(AuditLog.id > before)))
    assert [(e.action, e.resource, e.scope) for e in events] == [
        ("export", "table:wachttijden-2025Q3", f"region:{REGION}")
    ]


def test_region_table_uses_the_benchmark_export(api_client, session) -> None:  # type: ignore[no-untyped-def]
    built = build_region(session)
    client = _Recorder(api_client)
    request = {
        "table": ids.REGION_GRID,
        "format": "xlsx",
        "query": {"region": REGION, "kpi": "poh_contacts_per_1000_year", "period": "2025Q3"},
        "columns": ["ignored"],
        "rows": [],
    }
    data, message = downloads.table_file(client, request, "nl")
    assert message is None
    assert data["filename"] == f"regio-overzicht-{REGION}-poh_contacts_per_1000_year-2025Q3.xlsx"
    assert client.calls == [
        (
            "export",
            (
                "/benchmarks/poh_contacts_per_1000_year",
                {"region": REGION, "period": "2025Q3"},
                "xlsx",
            ),
        )
    ]
    sheet = load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    agbs = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert set(built.agbs) <= agbs


def test_nothing_chosen_or_an_api_refusal_is_said_under_the_buttons(api_client) -> None:  # type: ignore[no-untyped-def]
    client = ApiClient(http=api_client)
    _data, message = downloads.table_file(
        client, {"table": ids.CASELOAD_GRID, "format": "csv", "query": {}}, "nl"
    )
    assert "nog geen tabel" in str(message)
    _data, message = downloads.table_file(
        client, {"table": ids.TEAM_GRID, "format": "csv", "columns": None, "rows": None}, "nl"
    )
    assert "nog geen tabel" in str(message)
    refused = {
        "table": ids.TEAM_GRID,
        "format": "csv",
        "query": {"period": "2025Q3"},
        "page": "Team",
        "columns": ["Pseudoniem"],  # patient level: only through the caseload's own export
        "rows": [["x"]],
    }
    _data, message = downloads.table_file(client, refused, "nl")
    assert "422" in str(message) and "caseload" in str(message)
