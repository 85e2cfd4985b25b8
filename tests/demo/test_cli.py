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


def test_the_demo_defines_three_teams_over_its_practices(session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from models import Team
    from pohconnect.commands.demo import create_demo_teams
    from tests.factories import make_practice, make_region

    region = make_region(session, slug="demoland", name="Demoland")
    for i in range(7):
        make_practice(session, agb=f"0600000{i}", region=region)
    made = create_demo_teams(session, "demoland")
    assert made == [
        ("demoland-noord", "Team Noord", 3),
        ("demoland-midden", "Team Midden", 3),
        ("demoland-zuid", "Team Zuid", 1),
    ]
    teams = {t.slug: sorted(p.agb for p in t.practices) for t in session.scalars(select(Team))}
    assert teams["demoland-zuid"] == ["06000006"]
    assert sorted(a for agbs in teams.values() for a in agbs) == [f"0600000{i}" for i in range(7)]
    assert create_demo_teams(session, "demoland") == made  # a second demo run changes nothing
    assert len(session.scalars(select(Team)).all()) == 3


def test_the_demo_serves_what_it_imported(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """README's first command: ``pohconnect demo`` imports, then starts the server (it failed
    with an ImportError at that last step after the CLI's imports became lazy)."""
    import pohconnect.server

    started: list[tuple[str, int]] = []
    monkeypatch.setattr(
        pohconnect.server, "run_server", lambda host, port, **_: started.append((host, port))
    )
    monkeypatch.setenv("POHCONNECT_ENVIRONMENT", "demo")
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    args = ["demo", "--database-url", url, "--practices", "2", "--seed", "11", "--port", "8123"]
    result = CliRunner().invoke(app, [*args, "--start", "2025-02-01", "--end", "2025-03-31"])
    assert result.exit_code == 0, result.output
    assert started == [("127.0.0.1", 8123)]
