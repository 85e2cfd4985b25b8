"""api/kpi imports only models, api/errors and itself (no FastAPI, Dash or ingest), and the API
has no import cycle and no module over 600 lines."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTERNAL = ("api", "models", "ingest", "dashboard", "pohconnect", "migrations")
FORBIDDEN_THIRD_PARTY = ("fastapi", "starlette", "dash", "plotly", "httpx", "uvicorn")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (functions included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{alias.name}" for alias in node.names}
    return out


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_kpi_engine_imports_only_models_and_api_errors() -> None:
    for path in sorted((ROOT / "api" / "kpi").glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN_THIRD_PARTY, (path.name, name)
            if top in INTERNAL and top not in sys.stdlib_module_names:
                allowed = name.startswith(("models", "api.kpi", "api.errors")) or name == "api"
                assert allowed, (path.name, name)


def test_api_has_no_import_cycle() -> None:
    modules = {_module(p): p for p in (ROOT / "api").rglob("*.py")}
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            assert state.get(nxt) != 1, " -> ".join([*trail, name, nxt])
            if nxt not in state:
                visit(nxt, [*trail, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_no_api_module_over_600_lines() -> None:
    for path in (ROOT / "api").rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 600, (path, lines)
