"""`pohconnect --help` starts at once: the command line loads no heavy module until a command
runs (no polars, FastAPI, SQLAlchemy, Dash or the loader at start).

Not a timed test (timings depend on the machine): it checks ``sys.modules`` of a fresh
interpreter after importing the command line and rendering the help of every command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Modules (and their sub-modules) that only a running command may load.
HEAVY = (
    "polars",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "dash",
    "plotly",
    "httpx",
    "openpyxl",
    # typer 0.29 builds a pydantic TypeAdapter for the group's --help flag (+0.1 s); pyproject
    # keeps typer below it.
    "pydantic",
    "api",
    "models",
    "dashboard",
    "migrations",
    "ingest.loader",
    "ingest.console",
    "pohconnect.server",
    "pohconnect.demo.generator",
)

_PROBE = """
import contextlib, io, json, sys
import pohconnect.cli
loaded = {"(import pohconnect.cli)": sorted(sys.modules)}
for args in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            pohconnect.cli.app(args + ["--help"], prog_name="pohconnect")
        except SystemExit:
            pass
    loaded[" ".join(args) or "--help"] = sorted(sys.modules)
print(json.dumps(loaded))
"""


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def _command_paths() -> list[list[str]]:
    """Every command and command group of the CLI, as argument lists (``[]`` = the root)."""
    import typer

    from pohconnect.cli import app

    paths: list[list[str]] = [[]]

    def walk(group: typer.Typer, prefix: list[str]) -> None:
        for info in group.registered_commands:
            paths.append([*prefix, info.name or info.callback.__name__])  # type: ignore[union-attr]
        for sub in group.registered_groups:
            assert sub.name and sub.typer_instance
            paths.append([*prefix, sub.name])
            walk(sub.typer_instance, [*prefix, sub.name])

    walk(app, [])
    return paths


def test_command_line_starts_without_heavy_modules() -> None:
    paths = _command_paths()
    # the commands of today are all reached (the walk itself is what the probe renders)
    assert {"import", "demo", "serve", "pull fhir", "teams create", "kpi warm", "db upgrade"} <= {
        " ".join(p) for p in paths
    }
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, list[str]] = json.loads(out.stdout)
    first = loaded["(import pohconnect.cli)"]
    assert "pohconnect.cli" in first and "typer" in first
    assert len(loaded) == len(paths) + 1
    offenders = {step: _heavy(modules) for step, modules in loaded.items() if _heavy(modules)}
    assert offenders == {}, (
        "import heavy modules inside the command function that uses them (pohconnect/cli.py)"
    )
