"""The Import and Datakwaliteit pages: their page functions, and the client's new calls
against the real API (TestClient injected)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.client import ApiClient, ApiProblem
from dashboard.i18n import t
from dashboard.pages import imports, quality
from dashboard.schemas import ImportReport, Quality
from tests.dashboard.data import REGION, build_region

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _text(component: Any) -> str:
    """Every string in a Dash component tree."""
    return json.dumps(
        component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
        default=lambda o: o.to_plotly_json(),
        ensure_ascii=False,
    )


@pytest.fixture
def client(api_client) -> ApiClient:  # type: ignore[no-untyped-def]
    return ApiClient(http=api_client)


# -- client -------------------------------------------------------------------------------


def test_import_file_report_and_history(client: ApiClient) -> None:
    client.import_file("praktijken.csv", (FIXTURES / "praktijken.csv").read_bytes())
    report = client.import_file("bad_rows.csv", (FIXTURES / "bad_rows.csv").read_bytes())
    assert (report.rows_read, report.rows_new, report.rows_rejected) == (10, 2, 8)
    assert report.rejects[0].line == 3 and report.rejects[0].column == "praktijk_agb"
    patient = [r for r in report.rejects if r.column == "patientnummer" and r.value]
    assert patient and all(r.value == "•••" for r in patient)  # masked by the API
    history = client.imports()
    assert [i.filename for i in history.items] == ["bad_rows.csv", "praktijken.csv"]
    assert client.import_report(report.id).rejects == report.rejects


def test_unknown_format_is_a_dutch_problem(client: ApiClient) -> None:
    with pytest.raises(ApiProblem) as info:
        client.import_file("garbage.bin", (FIXTURES / "garbage.bin").read_bytes())
    assert info.value.status == 422
    assert "Bestandsformaat van garbage.bin niet herkend" in (info.value.detail or "")


def test_bsn_like_value_in_another_column_is_masked(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    from models import ImportBatch, ImportReject

    batch = ImportBatch(kind="contacten", source_format="csv", filename="x.csv", status="committed")
    session.add(batch)
    session.flush()
    for line, value in ((2, "123456782"), (3, "01000001"), (4, "12345678")):
        session.add(
            ImportReject(
                import_id=batch.id,
                line=line,
                column="praktijk_agb",
                value=value,
                reason="ongeldige AGB-code",
            )
        )
    session.flush()
    values = [r.value for r in client.import_report(batch.id).rejects]
    assert values == ["•••", "01000001", "12345678"]  # 11-proef BSN masked; AGB codes kept


def test_too_large_file_is_said_in_dutch() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            413,
            json={
                "title": "Bestand te groot",
                "status": 413,
                "detail": "Bestand is groter dan 200 MB; splits de export.",
            },
            headers={"content-type": "application/problem+json"},
        )

    api = ApiClient(
        http=httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    )
    result = imports.import_one(api, "groot.csv", "data:text/csv;base64,YQ==", "auto")
    assert result == {
        "name": "groot.csv",
        "ok": False,
        "error": "Bestand is groter dan 200 MB; splits de export.",
        "status": 413,
    }


def test_quality_through_the_client(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    build_region(session)
    out = client.quality(region=REGION, first="2025-01", last="2025-09")
    assert isinstance(out, Quality) and len(out.practices) == 6 and len(out.months) == 9


def test_quality_heatmap_scrolls_sideways_on_a_phone() -> None:
    """Twelve month columns and the names: on a 390 px screen the heat map keeps 720 px and
    its card scrolls, instead of squeezing every month into a few pixels."""
    from dash import dcc, html

    def find(node: Any, graph_id: str, inside: list[str]) -> tuple[Any, list[str]] | None:
        if isinstance(node, dcc.Graph) and node.id == graph_id:
            return node, inside
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                hit = find(child, graph_id, [*inside, getattr(child, "className", "") or ""])
                if hit:
                    return hit
        return None

    found = find(html.Div(quality.body("nl")), ids.QUALITY_HEATMAP, [])
    assert found is not None
    graph, classes = found
    assert graph.style["minWidth"] == "720px"
    assert any("overflow-x-auto" in c for c in classes)
    # the callback that sets the graph's height keeps the width
    assert quality._style(480, min_width=quality.HEATMAP_MIN_WIDTH) == {
        "height": "480px",
        "minWidth": "720px",
    }


# -- Import page --------------------------------------------------------------------------


def _report(**kw: Any) -> ImportReport:
    base: dict[str, Any] = {
        "id": 7,
        "kind": "contacten",
        "source_format": "csv",
        "filename": "bad_rows.csv",
        "status": "committed",
        "rows_read": 10,
        "rows_new": 2,
        "rows_rejected": 8,
        "period_start": "2025-01-06",
        "period_end": "2025-01-11",
        "practices": ["01000001"],
        "rejects": [
            {"line": 3, "column": "praktijk_agb", "value": "0100A001", "reason": "ongeldige AGB"},
            {"line": 11, "column": "patientnummer", "value": "30007", "reason": "te lang"},
            {"line": 12, "column": "opmerking", "value": "123456782", "reason": "x"},
        ],
        "rejects_total": 9,
    }
    return ImportReport.model_validate({**base, **kw})


def test_masked() -> None:
    assert imports.masked("patientnummer", "30001") == "•••"
    assert imports.masked("opmerking", " 123456782 ") == "•••"
    assert imports.masked("praktijk_agb", "0100A001") == "0100A001"
    assert imports.masked("praktijk_agb", None) == "–"


def test_report_view_shows_counts_and_masked_rejects() -> None:
    for lang in ("nl", "en"):
        text = _text(imports.report_view(_report(), lang))
        assert "bad_rows.csv" in text and "0100A001" in text
        assert "30007" not in text and "123456782" not in text and "•••" in text
        assert t("import.stat.rejected", lang) in text
    nl = _text(imports.report_view(_report(), "nl"))
    assert "06-01-2025 t/m 11-01-2025" in nl and "Afgekeurde regels (9)" in nl


class FakeClient:
    """Imports every file; ``fail`` names one refused with the API's Dutch detail."""

    def __init__(self, fail: str | None = None) -> None:
        self.fail = fail
        self.sent: list[tuple[str, bytes, str | None]] = []

    def import_file(self, name: str, content: bytes, *, kind: str | None = None) -> ImportReport:
        self.sent.append((name, content, kind))
        if name == self.fail:
            raise ApiProblem(
                "De API gaf een fout (422 Ongeldige invoer): onbekend",
                status=422,
                detail="Bestandsformaat van x niet herkend",
            )
        return _report(filename=name, rejects=[], rejects_total=0, rows_rejected=0)

    def imports(self, *, limit: int = 100, status: str | None = None) -> Any:
        from dashboard.schemas import ImportList

        return ImportList(items=[_report(filename=n) for n, _c, _k in self.sent], total=1)


def _url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def test_files_are_imported_one_after_the_other() -> None:
    fake = FakeClient(fail="b.bin")
    files = {
        "run": "r1",
        "kind": "contacten",
        "files": [{"name": n, "content": _url(n.encode())} for n in ("a.csv", "b.bin")],
    }
    results = {"run": "r1", "results": []}
    progress = _text(imports.progress_view(["a.csv", "b.bin"], [], "nl"))
    assert "Bezig met importeren van 2 bestanden…" in progress

    results, files, progress, reports, history = imports.step(fake, results, files, "all", "nl")  # type: ignore[arg-type]
    assert fake.sent == [("a.csv", b"a.csv", "contacten")]
    assert files["files"][0]["content"] is None  # sent: its bytes are dropped
    assert "Bezig met importeren van 2 bestanden…" in _text(progress)
    assert "10 regels gelezen, 2 nieuw, 0 bijgewerkt, 0 afgekeurd" in _text(progress)
    assert len(reports) == 1 and history is imports.no_update

    results, files, progress, reports, history = imports.step(fake, results, files, "all", "nl")  # type: ignore[arg-type]
    text = _text(progress)
    assert "Klaar: 2 bestand(en) verwerkt, 1 niet geïmporteerd." in text
    assert "Bestandsformaat van x niet herkend" in text
    assert len(reports) == 1 and [r["filename"] for r in history] == ["a.csv", "b.bin"]
    with pytest.raises(PreventUpdate):  # nothing left
        imports.step(fake, results, files, "all", "nl")  # type: ignore[arg-type]
    with pytest.raises(PreventUpdate):  # a stale run
        imports.step(fake, {"run": "old", "results": []}, files, "all", "nl")  # type: ignore[arg-type]


def test_history_rows_and_columns() -> None:
    rows = imports.history_rows([_report(started_at="2025-11-03T09:15:00Z")], "en")
    assert rows[0]["id"] == 7 and rows[0]["kind"] == "Contacts" and rows[0]["status"] == "Succeeded"
    assert rows[0]["rejected"] == 8 and rows[0]["started"].startswith("03/11/2025")
    fields = [c["field"] for c in imports.history_columns("nl")]
    assert fields[:3] == ["id", "started", "filename"]


# -- Datakwaliteit page -------------------------------------------------------------------


def _quality() -> Quality:
    def cell(month: str, c: int, h: int, r: int, outlier: str | None = None) -> dict[str, Any]:
        return {
            "month": month,
            "contacts": c,
            "hours_weeks": h,
            "referrals": r,
            "baseline": 4.0 if outlier else None,
            "outlier": outlier,
        }

    return Quality.model_validate(
        {
            "region": "regio-x",
            "region_name": "Regio X",
            "months": ["2025-07", "2025-08"],
            "practices": [
                {
                    "agb": "01000001",
                    "name": "Praktijk A",
                    "months_without_contacts": 1,
                    "outliers": 1,
                    "cells": [cell("2025-07", 0, 1, 0, "low"), cell("2025-08", 9, 4, 2)],
                    "last_import": {
                        "id": 3,
                        "kind": "contacten",
                        "filename": "a.csv",
                        "finished_at": "2025-11-01T10:00:00Z",
                        "status": "committed",
                    },
                },
                {
                    "agb": "01000002",
                    "name": "Praktijk B",
                    "months_without_contacts": 0,
                    "outliers": 0,
                    "cells": [cell("2025-07", 5, 0, 0), cell("2025-08", 5, 0, 1)],
                },
            ],
        }
    )


def test_completeness_codes() -> None:
    q = _quality()
    a, b = q.practices
    assert [quality.code(c) for c in a.cells] == ["none", "complete"]
    assert [quality.code(c) for c in b.cells] == ["contacts_only", "no_hours"]


def test_heatmap_rows_columns_and_marks() -> None:
    fig = quality.heatmap(_quality(), "nl")
    trace = fig.data[0]
    assert list(trace.x) == ["jul 2025", "aug 2025"]
    assert list(trace.y) == ["Praktijk B", "Praktijk A"]  # first practice on top
    assert [list(r) for r in trace.z] == [[1, 2], [0, 4]]
    assert trace.text[1][0] == "▼0" and trace.text[1][1] == "9"
    assert "Uitschieter: laag" in trace.hovertext[1][0]
    assert fig.layout.height == max(220, quality.ROW_HEIGHT * 2 + 80)


def test_rule_is_stated_in_both_languages() -> None:
    nl = _text(quality.rule_text(_quality(), "nl"))
    assert "minder dan 50% of meer dan 200%" in nl and "6 voorgaande maanden" in nl
    en = _text(quality.rule_text(_quality(), "en"))
    assert "fewer than 50% or more than 200%" in en and "previous 6 months" in en


def test_grid_has_last_import_and_icpc() -> None:
    rows, cols = quality.grid(_quality(), {"01000001": 87.5}, "nl")
    assert rows[0]["icpc"] == 87.5 and rows[0]["last_import"] == "01-11-2025"
    assert rows[0]["last_file"] == "#3 a.csv" and rows[1]["last_file"] == "nooit geïmporteerd"
    assert rows[1]["icpc"] is None
    assert {c["field"] for c in cols} >= {"name", "empty", "outliers", "icpc", "last_import"}


def test_render_with_the_real_api(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    from dashboard.page import Context

    build_region(session)
    out = quality.render(Context(client, "nl", "/dashboard/"), REGION, "12")
    _cards, heat, icpc, rows, _cols, rule, heat_style, _icpc_style = out
    assert len(heat.data[0].y) == 6 and len(heat.data[0].x) == 12
    assert heat_style["height"] == f"{heat.layout.height}px"
    assert len(rows) == 6 and "50%" in _text(rule)
    assert icpc.data and icpc.data[0].meta == "icpc"
