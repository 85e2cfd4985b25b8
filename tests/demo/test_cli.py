"""`pohconnect demo --out DIR` writes the four files and imports nothing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pohconnect.cli import app


def test_demo_out_writes_the_four_files(tmp_path: Path) -> None:
    args = ["demo", "--out", str(tmp_path), "--practices", "3", "--seed", "11"]
    result = CliRunner().invoke(app, [*args, "--start", "2025-02-01", "--end", "2025-03-31"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "contacten.csv",
        "praktijken.csv",
        "uren.csv",
        "verwijzingen.csv",
    ]
    assert "Huisartsenorganisatie Demoland" in result.output
