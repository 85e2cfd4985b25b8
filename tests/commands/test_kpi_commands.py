"""`pohconnect teams …` and `pohconnect kpi …` on a scratch SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import migrations
from ingest.loader import load_file
from models import db
from pohconnect.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def scratch_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("POHCONNECT_DATABASE_URL", url)
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()
    migrations.upgrade(url)
    with db.session_scope() as s:
        load_file(s, FIXTURES / "praktijken.csv")
        load_file(s, FIXTURES / "contacten_bom.csv")
    yield url
    db.get_engine().dispose()
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_teams_commands(scratch_db: str) -> None:
    code, out = run(
        "teams",
        "create",
        "team-oost",
        "Team Oost",
        "--region",
        "regio-oost",
        "-p",
        "01000003",
        "-z",
        "02000003",
    )
    assert code == 0, out
    assert "01000003" in out and "02000003" in out
    code, out = run("teams", "list")
    assert code == 0 and "team-oost" in out
    code, out = run("teams", "update", "team-oost", "--name", "Team Oost 2")
    assert code == 0 and "Team Oost 2" in out
    code, out = run("teams", "create", "team-x", "X", "-p", "09999999")
    assert code == 1 and "09999999" in out
    code, out = run("teams", "delete", "team-oost")
    assert code == 0
    code, out = run("teams", "show", "team-oost")
    assert code == 1


def test_kpi_warm_and_invalidate(scratch_db: str) -> None:
    code, out = run("kpi", "warm")
    assert code == 0, out
    assert "2025Q1" in out  # the latest quarter with contacts
    code, out = run("kpi", "warm", "-p", "2025Q9")
    assert code == 1
    code, out = run("kpi", "invalidate")
    assert code == 0
