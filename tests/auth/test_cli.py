"""`pohconnect users …` on a scratch SQLite database; and the demo's users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import migrations
from api.auth.passwords import verify_password
from ingest.loader import load_file
from models import AuditLog, User, db
from pohconnect.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def scratch_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'users.sqlite3'}"
    monkeypatch.setenv("POHCONNECT_DATABASE_URL", url)
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()
    migrations.upgrade(url)
    with db.session_scope() as s:
        load_file(s, FIXTURES / "praktijken.csv")
    yield url
    db.get_engine().dispose()
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin, env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _user(name: str) -> User:
    with db.session_scope() as s:
        user = s.scalar(select(User).where(User.username == name))
        assert user is not None
        s.expunge(user)
        return user


def _actions() -> list[tuple[str, str | None, str | None]]:
    with db.session_scope() as s:
        events = s.scalars(select(AuditLog).order_by(AuditLog.id))
        return [(e.action, e.username, e.resource) for e in events]


def test_users_commands(scratch_db: str) -> None:
    code, out = run(
        "users",
        "add",
        "j.jansen",
        "--role",
        "huisarts",
        "--practice",
        "01000003",
        "--password-stdin",
        stdin="geheim-wachtwoord-1\n",
    )
    assert code == 0, out
    assert "j.jansen (huisarts)" in out and "praktijk 01000003" in out
    assert "geheim-wachtwoord-1" not in out
    assert verify_password(_user("j.jansen").password_hash, "geheim-wachtwoord-1")
    # the prompt asks twice, hidden
    code, out = run(
        "users", "add", "beheer", "--role", "beheerder", stdin="nog-een-wachtwoord\n" * 2
    )
    assert code == 0, out
    code, out = run("users", "list")
    assert code == 0 and "j.jansen" in out and "huisarts" in out and "2 gebruiker(s)" in out
    code, out = run("users", "set-role", "j.jansen", "regio", "--region", "regio-oost")
    assert code == 0, out
    assert _user("j.jansen").role == "regio"
    code, out = run(
        "users", "set-password", "j.jansen", "--password-stdin", stdin="ander-wachtwoord\n"
    )
    assert code == 0, out
    assert verify_password(_user("j.jansen").password_hash, "ander-wachtwoord")
    assert _user("j.jansen").tokens_not_before is not None
    code, out = run("users", "disable", "j.jansen")
    assert code == 0 and "uitgeschakeld" in out
    assert _user("j.jansen").is_active is False
    actor = _actions()[0][1]
    assert actor is not None and actor.startswith("cli:")
    assert [(a, r) for a, _u, r in _actions()] == [
        ("user.create", "user:j.jansen"),
        ("user.create", "user:beheer"),
        ("user.set_role", "user:j.jansen"),
        ("user.set_scopes", "user:j.jansen"),
        ("user.set_password", "user:j.jansen"),
        ("user.disable", "user:j.jansen"),
    ]


def test_users_commands_refuse_cleanly(scratch_db: str) -> None:
    code, out = run(
        "users",
        "add",
        "x.y",
        "--role",
        "huisarts",
        "--practice",
        "09999999",
        "--password-stdin",
        stdin="geheim-wachtwoord-1\n",
    )
    assert code == 1 and "09999999" in out
    code, out = run("users", "add", "x.y", "--role", "huisarts", "--password-stdin", stdin="kort\n")
    assert code == 1 and "minimaal" in out
    code, out = run("users", "disable", "niemand")
    assert code == 1 and "bestaat niet" in out
    code, out = run("users", "add", "x.y", "--role", "koning", "--password-stdin", stdin="x\n")
    assert code == 2
    # no password option exists: a password never goes on the command line
    code, out = run("users", "add", "x.y", "--role", "poh", "--password", "geheim-wachtwoord-1")
    assert code == 2


def test_demo_users_one_per_role(session) -> None:  # type: ignore[no-untyped-def]
    from api.auth.users import create_demo_users
    from tests.auth.conftest import add_user  # noqa: F401  (same fixtures module)
    from tests.factories import (
        make_contact,
        make_patient,
        make_practice,
        make_provider,
        make_region,
    )

    region = make_region(session, slug="demo", name="Demo")
    practice = make_practice(session, agb="05000000", region=region)
    poh = make_provider(session, code="POH-D", practices=(practice,))
    make_contact(
        session,
        patient=make_patient(session, practice=practice),
        provider=poh,
        date=__import__("datetime").date(2025, 7, 1),
    )
    logins = create_demo_users(session, "demo")
    assert [(u, r) for u, r, _p in logins] == [
        ("demo-poh", "poh"),
        ("demo-huisarts", "huisarts"),
        ("demo-teamleider", "teamleider"),
        ("demo-regio", "regio"),
        ("demo-beheerder", "beheerder"),
    ]
    scopes = {
        u.username: sorted(f"{s.level}:{s.key}" for s in u.scopes)
        for u in session.scalars(select(User).where(User.username.like("demo-%")))
    }
    assert scopes["demo-poh"] == ["provider:POH-D"]
    assert scopes["demo-huisarts"] == ["practice:05000000"]
    assert scopes["demo-teamleider"] == ["team:demo-team-1"]
    assert scopes["demo-regio"] == ["region:demo"]
    assert scopes["demo-beheerder"] == []
    for username, _role, password in logins:
        user = session.scalar(select(User).where(User.username == username))
        assert verify_password(user.password_hash, password)
    again = create_demo_users(session, "demo")  # a second demo run: new passwords, same users
    assert [p for *_x, p in again] != [p for *_x, p in logins]
