"""Clean-up after a crash: `pohconnect import` ended by SIGTERM in its write phase rolls the
file back, records it as failed and removes its scratch directory; a scratch directory left
by an import killed with SIGKILL is removed by the next import.

The import runs in a subprocess on a scratch SQLite database, with the SQLite write pipeline
(ingest.sqlite_bulk) made to start at a few rows, and pauses in its write phase (test hook
POHCONNECT_TEST_PAUSE_IN_WRITE) once its scratch directory holds a part: then it is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

import ingest.sqlite_bulk as sqlite_bulk
import migrations
from ingest.loader import load_file
from models import Contact, ImportBatch, Patient, Provider

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
import ingest.sqlite_bulk as sqlite_bulk
sqlite_bulk.PIPELINE_MIN_ROWS = 4  # the two-core pipeline (scratch files) from 4 rows
sqlite_bulk.CHUNK_ROWS = 2
from pohconnect.cli import app
app(sys.argv[1:], prog_name="pohconnect")
"""


def _start(tmp_path: Path, fixtures: Path) -> tuple[subprocess.Popen[str], Path, str, Path]:
    """`pohconnect import praktijken.csv contacten_cp1252.csv`, paused in the write phase of
    the second file: (process, its temp directory, database URL, the scratch directory)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    migrations.upgrade(url)
    pause = tmp_path / "paused"
    env = {
        **os.environ,
        "POHCONNECT_DATABASE_URL": url,
        "TMPDIR": str(temp),
        sqlite_bulk.PAUSE_ENV: str(pause),
        "COLUMNS": "200",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SCRIPT,
            "import",
            str(fixtures / "praktijken.csv"),
            str(fixtures / "contacten_cp1252.csv"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (pause.exists() and pause.read_text()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the import did not pause in its write phase: {process.stdout.read()}")  # type: ignore[union-attr]
        time.sleep(0.05)
    scratch = Path(pause.read_text())
    assert scratch.parent == temp and scratch.name.startswith("pohconnect-import-")
    assert (scratch / "part0.sqlite3").is_file()  # patient-linked rows on disk
    return process, temp, url, scratch


def _stored(url: str) -> tuple[list[tuple[str, str, str | None]], tuple[int, int, int]]:
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            batches = [
                tuple(b)
                for b in s.execute(
                    select(ImportBatch.filename, ImportBatch.status, ImportBatch.message).order_by(
                        ImportBatch.id
                    )
                )
            ]
            counts = tuple(len(s.scalars(select(m.id)).all()) for m in (Contact, Patient, Provider))
    finally:
        engine.dispose()
    return batches, counts  # type: ignore[return-value]


def test_sigterm_in_the_write_phase_rolls_back_records_and_cleans_up(
    tmp_path: Path, fixtures: Path
) -> None:
    process, temp, url, scratch = _start(tmp_path, fixtures)
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 143, out
    assert "Import onderbroken (SIGTERM):" in out
    assert not scratch.exists()
    assert list(temp.iterdir()) == []
    batches, counts = _stored(url)
    assert batches == [
        ("praktijken.csv", "committed", None),
        (
            "contacten_cp1252.csv",
            "failed",
            "Import onderbroken (SIGTERM): niets van dit bestand is opgeslagen.",
        ),
    ]
    assert counts == (0, 0, 0)  # contacts, patients, providers of the file: rolled back


def test_the_next_import_removes_what_a_killed_import_left(
    tmp_path: Path, fixtures: Path, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    process, temp, url, scratch = _start(tmp_path, fixtures)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert (scratch / "part0.sqlite3").is_file()  # left behind
    batches, counts = _stored(url)
    assert batches == [("praktijken.csv", "committed", None)]  # nothing recorded: killed
    assert counts == (0, 0, 0)  # never committed

    # A scratch directory of an import that is still running stays.
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    running, lock = sqlite_bulk.new_scratch_dir()
    try:
        load_file(session, fixtures / "praktijken.csv")
        assert not scratch.exists()
        assert list(temp.iterdir()) == [running]
    finally:
        os.close(lock)
    assert sqlite_bulk.remove_stale_scratch() == [running]  # once its owner let go
    assert list(temp.iterdir()) == []


def test_an_old_scratch_directory_without_a_lock_file_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    old = tmp_path / "pohconnect-import-oud"
    (old / "part0.sqlite3").parent.mkdir()
    (old / "part0.sqlite3").write_bytes(b"rows")
    young = tmp_path / "pohconnect-import-nieuw"
    young.mkdir()
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    assert sqlite_bulk.remove_stale_scratch() == [old]
    assert sorted(tmp_path.iterdir()) == [young]  # may be an import starting right now
