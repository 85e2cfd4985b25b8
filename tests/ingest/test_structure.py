"""The shape of the ingest package: its boundary, no import cycle, one committer, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy.orm import Session

from ingest.loader import load_paths
from ingest.report import ImportListener, ImportReport, Progress

PACKAGE = Path(__file__).resolve().parents[2] / "ingest"
ROOT = PACKAGE.parent
INTERNAL = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _imports(path: Path) -> set[str]:
    """Every module imported anywhere in the file (also inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_ingest_imports_only_models_and_itself() -> None:
    wrong = {
        (name, imported)
        for name, path in _modules().items()
        for imported in _imports(path)
        if imported.split(".")[0] in INTERNAL - {"ingest", "models"}
    }
    assert wrong == set()


def test_no_import_cycle_in_ingest() -> None:
    modules = _modules()
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in graph[node]:
            if nxt == path[0]:
                cycles.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle once, from its smallest name
                visit(nxt, [*path, nxt])

    for start in graph:
        visit(start, [start])
    assert cycles == []
    assert "ingest.loader" not in graph["ingest.console"]  # the console only draws


def test_only_the_loader_commits() -> None:
    committing = sorted(
        name for name, path in _modules().items() if ".commit()" in path.read_text("utf-8")
    )
    assert committing == ["ingest.loader"]


def test_no_module_over_600_lines() -> None:
    sizes = {name: len(path.read_text("utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: n for name, n in sizes.items() if n > 600} == {}


def test_load_paths_reports_to_a_listener(session: Session, fixtures: Path) -> None:
    """A run of files tells its listener when it starts, each file (in import order) with the
    stages of its import, and the reports at the end."""
    events: list[tuple] = []

    class Recorder:
        def run_started(self) -> None:
            events.append(("start",))

        def file_started(self, name: str) -> Progress:
            events.append(("file", name))
            return lambda stage, fraction: events.append((name, stage, fraction))

        def run_finished(self, reports: list[ImportReport]) -> None:
            events.append(("end", [r.kind for r in reports]))

    recorder = Recorder()
    assert isinstance(recorder, ImportListener)
    reports = load_paths(
        session, [fixtures / "contacten_bom.csv", fixtures / "praktijken.csv"], progress=recorder
    )
    assert [(r.kind, r.rows_new) for r in reports] == [("praktijken", 4), ("contacten", 5)]
    assert events[0] == ("start",)
    assert [e[1] for e in events if e[0] == "file"] == ["praktijken.csv", "contacten_bom.csv"]
    stages = [e[1:] for e in events if e[0] == "contacten_bom.csv"]
    assert stages[:2] == [("inlezen", 0.0), ("controleren", 0.1)]
    assert stages[-1] == ("klaar", 1.0)
    assert events[-1] == ("end", ["praktijken", "contacten"])
