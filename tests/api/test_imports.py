from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingest.settings import IngestSettings
from models import Contact, ImportBatch

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _upload(client, name: str, **data: str):  # type: ignore[no-untyped-def]
    path = FIXTURES / name
    return client.post(
        "/api/v1/imports", files={"file": (name, path.read_bytes())}, data=data or None
    )


def test_upload_list_and_get(api_client, session) -> None:  # type: ignore[no-untyped-def]
    res = _upload(api_client, "praktijken.csv")
    assert res.status_code == 201, res.text
    res = _upload(api_client, "bad_rows.csv", kind="contacten")
    assert res.status_code == 201, res.text
    body = res.json()
    assert (body["kind"], body["status"], body["rows_read"], body["rows_new"]) == (
        "contacten",
        "committed",
        10,
        2,
    )
    assert body["rows_rejected"] == 8 and body["rejects_total"] == 9
    assert body["rejects"][0] == {
        "line": 3,
        "column": "praktijk_agb",
        "value": "0100A001",
        "reason": "ongeldige AGB-code: moet 8 cijfers zijn",
    }
    assert body["rejects"][-1]["value"] == "•••"  # patient values redacted

    listing = api_client.get("/api/v1/imports").json()
    assert listing["total"] == 2
    assert [i["filename"] for i in listing["items"]] == ["bad_rows.csv", "praktijken.csv"]
    one = api_client.get(f"/api/v1/imports/{body['id']}").json()
    assert one["rejects"] == body["rejects"]
    assert one["period_start"] == "2025-01-06" and one["practices"] == ["01000001"]


def test_refused_upload_is_a_problem_and_recorded(api_client, session) -> None:  # type: ignore[no-untyped-def]
    res = _upload(api_client, "missing_column.csv")
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
    problem = res.json()
    assert "'patientnummer' (geaccepteerde namen: patientnummer, patiëntnummer" in problem["detail"]
    import_id = problem["errors"][0]["import_id"]
    failed = api_client.get(f"/api/v1/imports/{import_id}").json()
    assert failed["status"] == "failed" and failed["message"] == problem["detail"]
    assert api_client.get("/api/v1/imports", params={"status": "failed"}).json()["total"] == 1


def test_oversized_upload_is_refused(api_client, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import api.routes.imports as route

    monkeypatch.setattr(route, "get_ingest_settings", lambda: IngestSettings(max_upload_mb=1))
    big = b"praktijk_agb;patientnummer\n" + b"01000001;1\n" * 200_000  # 2.2 MB
    res = api_client.post("/api/v1/imports", files={"file": ("groot.csv", big)})
    assert res.status_code == 413
    assert res.json()["title"] == "Bestand te groot"
    assert "groter dan 1 MB" in res.json()["detail"]
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_upload_without_length_is_counted_while_read() -> None:
    import io

    from fastapi import UploadFile

    from api.errors import PayloadTooLarge
    from api.routes.imports import _read_limited

    upload = UploadFile(file=io.BytesIO(b"x" * (3 * 1024 * 1024)), filename="groot.csv")
    with pytest.raises(PayloadTooLarge, match="groter dan 2 MB"):
        _read_limited(upload, 2 * 1024 * 1024)
    small = UploadFile(file=io.BytesIO(b"abc"), filename="klein.csv")
    assert _read_limited(small, 2 * 1024 * 1024) == b"abc"


def test_unknown_import_is_404(api_client) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get("/api/v1/imports/999999")
    assert res.status_code == 404


def test_startup_refuses_without_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    import ingest.settings as settings
    from api.main import create_app
    from ingest.errors import PseudonymKeyMissing

    monkeypatch.setattr(
        settings,
        "get_ingest_settings",
        lambda: IngestSettings(pseudonym_key=None, environment="production"),
    )
    with pytest.raises(PseudonymKeyMissing), TestClient(create_app()):
        pass


def test_upload_warms_the_kpi_cache_for_the_latest_quarter(api_client, session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from models import KpiCacheEntry

    assert _upload(api_client, "praktijken.csv").status_code == 201
    assert _upload(api_client, "bad_rows.csv", kind="contacten").status_code == 201
    kinds = session.scalars(select(KpiCacheEntry.kind)).all()
    assert "scorecard" in kinds  # the background task ran after the response
