"""The audit log: one event per audited action with the right fields; append-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from api import audit
from models import AuditLog
from tests.auth.conftest import A, login

PW = "p" * 12
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _new_events(session: Session, since: int) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.id > since).order_by(AuditLog.id)))


def _last_id(session: Session) -> int:
    return session.scalar(select(func.max(AuditLog.id))) or 0


def test_user_changes_through_the_api(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "beheer")
    since = _last_id(session)
    res = client.post(
        "/api/v1/users",
        json={
            "username": "Nieuwe.Huisarts",
            "role": "huisarts",
            "password": "nog-een-wachtwoord",
            "grants": {"practices": [A]},
        },
        headers=h,
    )
    assert res.status_code == 201, res.text
    assert res.json()["username"] == "nieuwe.huisarts"
    assert res.json()["grants"]["practices"] == [A]
    res = client.patch("/api/v1/users/nieuwe.huisarts", json={"is_active": False}, headers=h)
    assert res.status_code == 200 and res.json()["is_active"] is False
    res = client.patch(
        "/api/v1/users/nieuwe.huisarts",
        json={"role": "regio", "grants": {"regions": ["noord"]}},
        headers=h,
    )
    assert res.json()["role"] == "regio"
    events = [(e.action, e.username, e.role, e.resource, e.ip) for e in _new_events(session, since)]
    assert events == [
        ("user.create", "beheer", "beheerder", "user:nieuwe.huisarts", "testclient"),
        ("user.disable", "beheer", "beheerder", "user:nieuwe.huisarts", "testclient"),
        ("user.set_role", "beheer", "beheerder", "user:nieuwe.huisarts", "testclient"),
        ("user.set_scopes", "beheer", "beheerder", "user:nieuwe.huisarts", "testclient"),
    ]
    # refusals: an unknown practice, a grant the role cannot have, a duplicate, a weak password
    bad = [
        {"username": "x1x", "role": "huisarts", "password": PW, "grants": {"practices": ["99"]}},
        {"username": "x2x", "role": "huisarts", "password": PW, "grants": {"regions": ["noord"]}},
        {"username": "ha-a", "role": "huisarts", "password": PW},
        {"username": "x3x", "role": "huisarts", "password": "kort"},
        {"username": "x4x", "role": "regio", "password": PW, "grants": {"all": "own"}},
    ]
    codes = [client.post("/api/v1/users", json=b, headers=h).status_code for b in bad]
    assert codes == [422, 422, 409, 422, 422]
    assert client.get("/api/v1/users/bestaat-niet", headers=h).status_code == 404


def test_new_user_logs_in_with_the_password_set_by_the_beheerder(client, users) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "beheer")
    body = {"username": "ha-b", "role": "huisarts", "password": "x" * 12}
    body["grants"] = {"practices": [A]}
    assert client.post("/api/v1/users", json=body, headers=h).status_code == 201
    own = login(client, "ha-b", "x" * 12)
    assert client.get("/api/v1/auth/me", headers=own).json()["role"] == "huisarts"
    client.patch("/api/v1/users/ha-b", json={"password": "y" * 12}, headers=h)
    res = client.post("/api/v1/auth/token", data={"username": "ha-b", "password": "x" * 12})
    assert res.status_code == 401


def test_export_is_audited_once_with_scope(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "regio-noord")
    since = _last_id(session)
    client.get(  # JSON is a view, not an export
        "/api/v1/benchmarks/poh_patients", params={"region": "noord", "period": "2025Q3"}, headers=h
    )
    res = client.get(
        "/api/v1/benchmarks/poh_patients",
        params={"region": "noord", "period": "2025Q3", "format": "csv"},
        headers=h,
    )
    assert res.status_code == 200
    res = client.get(
        f"/api/v1/practices/{A}/scorecard",
        params={"period": "2025Q3"},
        headers={**h, "Accept": XLSX},
    )
    assert res.status_code == 200
    got = [
        (e.action, e.username, e.role, e.resource, e.scope, e.detail, e.ip)
        for e in _new_events(session, since)
    ]
    assert got == [
        (
            "export",
            "regio-noord",
            "regio",
            "benchmark:poh_patients:2025Q3",
            "region:noord",
            {"format": "csv"},
            "testclient",
        ),
        (
            "export",
            "regio-noord",
            "regio",
            f"scorecard:{A}:2025Q3",
            f"practice:{A}",
            {"format": "xlsx"},
            "testclient",
        ),
    ]


def test_report_download_is_audited_once(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "regio-noord")
    since = _last_id(session)
    res = client.get(
        f"/api/v1/reports/practice/{A}",
        params={"quarter": "2025Q3", "format": "xlsx"},
        headers=h,
    )
    assert res.status_code == 200, res.text
    got = [(e.action, e.username, e.resource, e.scope) for e in _new_events(session, since)]
    assert got == [("export", "regio-noord", f"report:practice:{A}:2025Q3", f"practice:{A}")]
    event = _new_events(session, since)[0]
    assert event.detail["filename"].endswith(".xlsx")


def test_import_is_audited_once(api_client, session: Session) -> None:  # type: ignore[no-untyped-def]
    since = _last_id(session)
    with (FIXTURES / "praktijken.csv").open("rb") as fh:
        res = api_client.post("/api/v1/imports", files={"file": ("praktijken.csv", fh)})
    assert res.status_code == 201, res.text
    import_id = res.json()["id"]
    with (FIXTURES / "missing_column.csv").open("rb") as fh:
        bad = api_client.post("/api/v1/imports", files={"file": ("missing_column.csv", fh)})
    assert bad.status_code == 422
    failed_id = bad.json()["errors"][0]["import_id"]
    got = [(e.action, e.outcome, e.resource, e.role) for e in _new_events(session, since)]
    assert got == [
        ("import", "success", f"import:{import_id}", "beheerder"),
        ("import", "failure", f"import:{failed_id}", "beheerder"),
    ]


def test_audit_list_is_paginated_and_filtered(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        login(client, "ha-a")
    h = login(client, "beheer")
    page = client.get(
        "/api/v1/audit", params={"action": "login", "limit": 2, "offset": 0}, headers=h
    ).json()
    assert page["total"] == 4 and len(page["items"]) == 2 and page["limit"] == 2
    assert page["items"][0]["username"] == "beheer"  # newest first
    rest = client.get(
        "/api/v1/audit", params={"action": "login", "limit": 2, "offset": 2}, headers=h
    ).json()
    assert [e["username"] for e in rest["items"]] == ["ha-a", "ha-a"]
    only = client.get("/api/v1/audit", params={"username": "ha-a"}, headers=h).json()
    assert only["total"] == 3 and {e["role"] for e in only["items"]} == {"huisarts"}
    assert client.get("/api/v1/audit", params={"limit": 0}, headers=h).status_code == 422


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET ip = NULL",
    ],
)
def test_the_database_refuses_to_change_an_event(session: Session, statement: str) -> None:
    audit.record(session, action="login", actor=None, username="someone", ip="1.2.3.4")
    session.flush()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(statement))
    assert session.scalar(select(func.count()).select_from(AuditLog)) >= 1


def test_postgres_refuses_truncate(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    audit.record(session, action="login", actor=None, username="someone")
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("TRUNCATE audit_log"))


def test_no_application_code_updates_or_deletes_events() -> None:
    """Only api/audit.py touches AuditLog, and only with add() and select()."""
    root = Path(__file__).resolve().parents[2]
    for package in ("api", "ingest", "pohconnect", "dashboard", "models"):
        for path in (root / package).rglob("*.py"):
            source = path.read_text()
            if "AuditLog" not in source and "audit_log" not in source:
                continue
            rel = path.relative_to(root).as_posix()
            assert rel in {"api/audit.py", "models/auth.py", "models/__init__.py"}, rel
    source = (root / "api" / "audit.py").read_text()
    for forbidden in ("update(", "delete(", ".delete", "text("):
        assert forbidden not in source, forbidden
