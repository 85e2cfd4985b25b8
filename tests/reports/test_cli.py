"""`pohconnect report …` on a scratch SQLite database seeded with the oracle region."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

import migrations
from api.reports import assemble
from models import db
from pohconnect.cli import app
from tests.kpi.test_oracle import seed
from tests.reports.conftest import QUARTER, REGION

AGBS = [f"0900000{i}" for i in range(7)]


@pytest.fixture
def scratch_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'reports.sqlite3'}"
    monkeypatch.setenv("POHCONNECT_DATABASE_URL", url)
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()
    migrations.upgrade(url)
    with db.session_scope() as s:
        seed(s)
    yield url
    db.get_engine().dispose()
    db.get_database_settings.cache_clear()
    db.get_engine.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_practice_and_region_commands(scratch_db: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, text = run(
        "report", "practice", AGBS[1], "-q", QUARTER, "--format", "pdf", "-o", str(out)
    )
    assert code == 0, text
    pdf = out / f"kwartaalrapportage_practice_{AGBS[1]}_{QUARTER}.pdf"
    assert 4 <= len(PdfReader(pdf).pages) <= 8
    code, text = run(
        "report", "region", REGION, "-q", QUARTER, "-f", "xlsx", "-o", str(out), "--lang", "en"
    )
    assert code == 0, text
    wb = load_workbook(out / f"kwartaalrapportage_region_{REGION}_{QUARTER}.xlsx")
    assert wb.sheetnames[0] == "Summary"
    code, text = run("report", "practice", "99999999", "-q", QUARTER, "-o", str(out))
    assert code == 1 and "99999999" in text
    code, text = run("report", "practice", AGBS[1], "-q", "2025Q9", "-o", str(out))
    assert code == 1 and "2025Q9" in text


def test_batch_writes_every_practice_and_the_region(scratch_db: str, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    code, text = run("report", "all", "-q", QUARTER, "-f", "xlsx", "-o", str(out), "-j", "2")
    assert code == 0, text
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"kwartaalrapportage_practice_{a}_{QUARTER}.xlsx" for a in AGBS]
        + [f"kwartaalrapportage_region_{REGION}_{QUARTER}.xlsx"]
    )
    assert "8 bestanden" in text and "Mislukt" in text


def test_one_failed_practice_does_not_stop_the_batch(
    scratch_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = assemble.build_practice_report

    def flaky(session, *, agb, **kw):  # type: ignore[no-untyped-def]
        if agb == AGBS[2]:
            raise RuntimeError("kapot exportbestand")
        return real(session, agb=agb, **kw)

    monkeypatch.setattr(assemble, "build_practice_report", flaky)
    out = tmp_path / "batch"
    code, text = run("report", "all", "-q", QUARTER, "-f", "xlsx", "-o", str(out), "-j", "1")
    assert code == 1
    assert f"praktijk {AGBS[2]}" in text and "kapot exportbestand" in text
    written = {p.name for p in out.iterdir()}
    assert len(written) == 7
    assert f"kwartaalrapportage_practice_{AGBS[2]}_{QUARTER}.xlsx" not in written
    assert f"kwartaalrapportage_region_{REGION}_{QUARTER}.xlsx" in written
