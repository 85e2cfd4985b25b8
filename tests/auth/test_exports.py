"""The table exports the dashboard's download buttons use: the generic ``POST /api/v1/exports``
(aggregated tables) and the caseload's own export (patient level). Each export is one audit
event; the file holds the figures sent, in the Dutch dialect, with formula injection
neutralised; a scope outside the caller's is refused as if it did not exist."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditLog
from tests.auth.conftest import ZUID, A, login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE = {
    "title": "Wachttijden per praktijk",
    "filename": "wachttijden-2025Q3",
    "scope": [{"level": "region", "key": "noord"}],
    "meta": ["Regio Noord, K3 2025"],
    "columns": ["Praktijk", "Mediaan wachttijd (dagen)", "Aanmeldingen", "Binnen norm"],
    "rows": [["Praktijk A", 12.5, 40, True], ['=HYPERLINK("x")', 20.25, 7, False]],
}


def _last_id(session: Session) -> int:
    return session.scalar(select(func.max(AuditLog.id))) or 0


def _events(session: Session, since: int) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.id > since).order_by(AuditLog.id)))


def test_generic_csv_export_in_dutch_dialect_audited_once(client, users, session) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "regio-noord")
    since = _last_id(session)
    res = client.post("/api/v1/exports", params={"format": "csv"}, json=TABLE, headers=h)
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("text/csv")
    assert 'filename="wachttijden-2025Q3.csv"' in res.headers["content-disposition"]
    assert res.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Dutch Excel reads UTF-8
    lines = res.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Praktijk;Mediaan wachttijd (dagen);Aanmeldingen;Binnen norm",
        "Praktijk A;12,5;40;ja",
        '"\'=HYPERLINK(""x"")";20,25;7;nee',
    ]
    events = _events(session, since)
    assert [(e.action, e.username, e.resource, e.scope) for e in events] == [
        ("export", "regio-noord", "table:wachttijden-2025Q3", "region:noord")
    ]
    assert events[0].detail == {
        "format": "csv",
        "title": "Wachttijden per praktijk",
        "rows": 2,
        "columns": 4,
    }
    international = client.post(
        "/api/v1/exports",
        params={"format": "csv", "dialect": "international"},
        json=TABLE,
        headers=h,
    )
    assert international.content.decode("utf-8-sig").splitlines()[1] == "Praktijk A,12.5,40,true"
    assert len(_events(session, since)) == 2  # one more export, one more event


def test_generic_xlsx_export_holds_real_numbers(client, users, session) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "regio-noord")
    since = _last_id(session)
    res = client.post("/api/v1/exports", params={"format": "xlsx"}, json=TABLE, headers=h)
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == XLSX
    assert 'filename="wachttijden-2025Q3.xlsx"' in res.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(res.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Wachttijden per praktijk" and rows[1][0] == "Regio Noord, K3 2025"
    assert rows[2] == TABLE["columns"]
    assert rows[3] == ["Praktijk A", 12.5, 40, True]
    assert rows[4][0] == '\'=HYPERLINK("x")'
    assert [e.detail["format"] for e in _events(session, since)] == ["xlsx"]


def test_control_characters_and_sheet_title_characters_never_break_the_xlsx(client, users) -> None:  # type: ignore[no-untyped-def]
    """Found by schemathesis: a control character in a title, meta line or cell was a 500
    (openpyxl cannot store it). Now dropped; a title with characters a sheet name may not
    hold (``/``, ``:``, ``[`` …) gives a sheet name without them."""
    h = login(client, "regio-noord")
    table = {
        **TABLE,
        "title": "Uren/week: [K3]\x1f",
        "meta": ["\x1f"],
        "columns": ["Praktijk\x01", "Uren"],
        "rows": [["De\x0bLinde", 1.5]],
    }
    res = client.post("/api/v1/exports", params={"format": "xlsx"}, json=table, headers=h)
    assert res.status_code == 200, res.text
    book = load_workbook(io.BytesIO(res.content))
    sheet = book.active
    assert sheet.title == "Uren week   K3"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[2] == ["Praktijk", "Uren"] and rows[3] == ["DeLinde", 1.5]


def test_generic_export_refuses_other_scopes_and_patient_tables(client, users, session) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "ha-a")
    since = _last_id(session)
    outside = {**TABLE, "scope": [{"level": "practice", "key": ZUID}]}
    res = client.post("/api/v1/exports", params={"format": "csv"}, json=outside, headers=h)
    assert res.status_code == 404
    own = {**TABLE, "scope": [{"level": "practice", "key": A}]}
    assert client.post("/api/v1/exports", json=own, headers=h).status_code == 200
    pseudonyms = {**own, "columns": ["Pseudoniem", "b", "c", "d"]}
    assert client.post("/api/v1/exports", json=pseudonyms, headers=h).status_code == 422
    ragged = {**own, "rows": [["Praktijk A", 1]]}
    assert client.post("/api/v1/exports", json=ragged, headers=h).status_code == 422
    bad_name = {**own, "filename": "../etc/passwd"}
    assert client.post("/api/v1/exports", json=bad_name, headers=h).status_code == 422
    assert client.post("/api/v1/exports", json=TABLE).status_code == 401
    # only the one export that was made is in the log
    assert [(e.action, e.scope) for e in _events(session, since)] == [("export", f"practice:{A}")]


def test_caseload_export_is_one_patient_level_audit_event(client, users, session) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "poh-a")
    view = client.get("/api/v1/providers/POH-A/caseload", params={"period": "2025Q3"}, headers=h)
    assert view.status_code == 200
    pseudonyms = sorted(item["pseudonym"] for item in view.json()["items"])
    assert pseudonyms
    since = _last_id(session)
    res = client.get(
        "/api/v1/providers/POH-A/caseload",
        params={"period": "2025Q3", "format": "csv"},
        headers=h,
    )
    assert res.status_code == 200, res.text
    assert 'filename="caseload-POH-A-2025Q3.csv"' in res.headers["content-disposition"]
    lines = res.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("pseudoniem;praktijk_agb;laatste_contact;")
    assert sorted(line.split(";")[0] for line in lines[1:]) == pseudonyms
    events = _events(session, since)
    assert [(e.action, e.username, e.resource) for e in events] == [
        ("export", "poh-a", "caseload:POH-A:2025Q3")
    ]
    assert events[0].pseudonyms == pseudonyms
    assert events[0].detail["format"] == "csv" and events[0].detail["level"] == "patient"
    xlsx = client.get(
        "/api/v1/providers/POH-A/caseload",
        params={"period": "2025Q3", "format": "xlsx"},
        headers=h,
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "pseudoniem"
    assert isinstance(rows[3][4], int)  # contacten_traject: a real number
    # outside the POH's scope: refused, nothing exported
    since = _last_id(session)
    other = client.get(
        "/api/v1/providers/POH-C/caseload", params={"period": "2025Q3", "format": "csv"}, headers=h
    )
    assert other.status_code in (403, 404)
    assert _events(session, since) == []
