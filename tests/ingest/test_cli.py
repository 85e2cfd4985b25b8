"""`pohconnect import` on a scratch SQLite database: progress, summary table, exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import migrations
from models import db
from pohconnect.cli import app


@pytest.fixture
def scratch_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("POHCONNECT_DATABASE_URL", url)
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()
    migrations.upgrade(url)
    yield url
    db.get_engine().dispose()
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()


def test_import_command(scratch_db: str, fixtures: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(fixtures / "contacten_cp1252.csv"),
            str(fixtures / "praktijken.csv"),
            str(fixtures / "bad_rows.csv"),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Importverslag" in out
    lines = [line for line in out.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in lines] == [
        "praktijken.csv",
        "bad_rows.csv",
        "contacten_cp1252.csv",
    ]
    assert "genegeerde kolommen: Naam patiënt, Opmerking" in out
    assert "regel 3, kolom praktijk_agb ('0100A001'): ongeldige AGB-code" in out


def test_import_command_fails_on_refused_file(scratch_db: str, fixtures: Path) -> None:
    result = CliRunner().invoke(
        app, ["import", str(fixtures / "empty.csv")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1
    assert "empty.csv: Het bestand is leeg." in result.output


def test_import_command_refuses_without_key(
    scratch_db: str, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.settings as settings

    monkeypatch.setattr(
        settings,
        "get_ingest_settings",
        lambda: settings.IngestSettings(pseudonym_key=None, environment="production"),
    )
    result = CliRunner().invoke(app, ["import", str(fixtures / "praktijken.csv")])
    assert result.exit_code == 2
    assert "Geen pseudonimiseringssleutel" in result.output


def test_import_command_with_mapping(scratch_db: str, fixtures: Path) -> None:
    mapping = (
        Path(__file__).resolve().parents[2] / "ingest/mappings/voorbeeld_his_verwijzingen.toml"
    )
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(fixtures / "praktijken.csv")]).exit_code == 0
    result = runner.invoke(
        app,
        ["import", str(fixtures / "his_verwijzingen.csv"), "--mapping", str(mapping)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("│ his_verwijzingen"))
    cells = [c.strip() for c in row.split("│")[1:-1]]
    assert cells[:8] == ["his_verwijzingen.csv", "verwijzingen", "ok", "4", "4", "0", "0", "0"]


def test_a_bad_file_does_not_stop_the_others(scratch_db: str, fixtures: Path) -> None:
    deep = fixtures / "defects" / "diep_genest.json"
    result = CliRunner().invoke(
        app, ["import", str(deep), str(fixtures / "praktijken.csv")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1
    rows = [line for line in result.output.splitlines() if line.startswith("│")]
    assert [[c.strip() for c in row.split("│")[1:4]] for row in rows] == [
        ["praktijken.csv", "praktijken", "ok"],
        ["diep_genest.json", "onbekend", "mislukt"],
    ]
    assert "diep_genest.json: Geen geldige FHIR-JSON: de gegevens zijn 10.004 niveaus" in (
        result.output.replace("\n", " ")
    )
