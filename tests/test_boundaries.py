"""The boundaries between the packages, read from the source (``ast``) and enforced.

One table says which internal packages each package may import (the most specific scope wins)
and which third-party frameworks it must not; one list says where a transaction may be
committed; and no module may take part in an import cycle. Imports inside functions count
(they are dependencies too); imports under ``if TYPE_CHECKING:`` do not.

======================  ======================================  ==========================
scope                   may import (internal)                   must not import
======================  ======================================  ==========================
models                  models                                  –
dashboard               dashboard (the API over HTTP only)      –
ingest                  ingest, models                          –
api.kpi                 api.kpi, api.errors, models             fastapi, starlette, dash
api                     api, models, ingest (upload → loader)   –
migrations              migrations, models                      –
pohconnect              everything (it wires the packages)      –
======================  ======================================  ==========================

``.commit()`` is called only by the loader (one commit per file), the API's session dependency,
the KPI cache job — and ``models.db.session_scope`` (see ``COMMIT_SITES``). Not scanned:
tests/, migrations/ (Alembic's own transaction), pohconnect/demo, scripts/ and benchmarks/
(harnesses that build their own scratch databases).

Entries in ``PENDING`` are known violations, checked one by one and skipped while they still
hold — and fail once they no longer do, so that the entry is deleted and the rule holds for good.

No module of the packages (Alembic revisions included) is over ``MAX_LINES`` lines, except the
data tables named in ``DATA_TABLES``; an allow-listed module over the limit must still be a data
table (docstring, imports and assignments only: no function, class or statement at its top
level). Code that grows past the limit is split by job instead.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "dashboard", "ingest", "migrations", "models", "pohconnect")


@dataclass(frozen=True)
class ImportRule:
    scope: str  # a package or sub-package, dotted
    may_import: frozenset[str]  # internal packages (dotted prefixes) it may import
    must_not_import: frozenset[str] = frozenset()  # third-party top-level packages


def _rule(scope: str, may: str, must_not: str = "") -> ImportRule:
    return ImportRule(scope, frozenset(may.split()), frozenset(must_not.split()))


EVERYTHING = " ".join(PACKAGES)
IMPORT_RULES: tuple[ImportRule, ...] = (
    _rule("models", "models"),
    _rule("dashboard", "dashboard"),
    _rule("ingest", "ingest models"),
    _rule("api.kpi", "api.kpi api.errors models", must_not="fastapi starlette dash"),
    _rule("api", "api models ingest"),
    _rule("migrations", "migrations models"),
    _rule("pohconnect", EVERYTHING),
)

# Files that may call .commit() (the issue names the first four; models/db.py's session_scope()
# is the unit of work of the command line's teams/kpi commands and the benchmarks: the lead
# decides whether it stays here or its callers move to one of the others).
COMMIT_SITES = frozenset(
    {
        "ingest/loader.py",
        "api/deps.py",
        "api/kpi/jobs.py",
        "api/kpi/cache.py",
        "models/db.py",
    }
)
NOT_SCANNED_FOR_COMMITS = ("migrations/", "pohconnect/demo/")

# (rule, offence) pairs of today's tree, enabled when the ingest/api renovation lands.
PENDING: frozenset[tuple[str, str]] = frozenset()

MAX_LINES = 600
# The only modules that may be longer than MAX_LINES: data tables, each with what it holds (none
# is over the limit today; once one is, it must hold data only — see _size_offences).
DATA_TABLES: dict[str, str] = {
    "dashboard/i18n_text.py": "UI texts (Dutch, English) of the app shell and eight pages",
    "dashboard/i18n_beheer.py": "UI texts (Dutch, English) of Import and Datakwaliteit",
    "api/kpi/definitions.py": "the KPI registry: one KpiDefinition per slug",
}


# -- reading the source -----------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "versions" in path.relative_to(ROOT).parts:  # Alembic revisions: frozen history
                continue
            found[_module_name(path)] = path
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


@cache
def _imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports (dotted; ``from pkg import sub`` names ``pkg.sub`` when
    that is a module of ours), outside ``if TYPE_CHECKING:``."""
    path = _modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.add(sub if sub in _modules() else source)
    return frozenset(found)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _rule_of(module: str) -> ImportRule:
    """The most specific rule whose scope holds ``module``."""
    rules = [r for r in IMPORT_RULES if _within(module, r.scope)]
    return max(rules, key=lambda r: len(r.scope))


def _internal(name: str) -> bool:
    return name.split(".")[0] in PACKAGES


# -- the rules ------------------------------------------------------------------------------


def _import_offences(rule: ImportRule) -> Iterator[str]:
    for module in _modules():
        if _rule_of(module).scope != rule.scope:
            continue
        for name in sorted(_imports(module)):
            if _internal(name):
                if not any(_within(name, allowed) for allowed in rule.may_import):
                    yield f"{module} imports {name}"
            elif name.split(".")[0] in rule.must_not_import:
                yield f"{module} imports {name}"


def _commit_offences(sites: frozenset[str] = COMMIT_SITES) -> Iterator[str]:
    for path in _modules().values():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(NOT_SCANNED_FOR_COMMITS) or relative in sites:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                yield f"{relative}:{node.lineno} calls {ast.unparse(node.func)}()"


def _sources() -> Iterator[Path]:
    """Every Python file of the packages, Alembic revisions included."""
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _code_in(path: Path) -> list[str]:
    """What makes a module more than a data table: each top-level statement other than the
    docstring, an import or an assignment."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for index, node in enumerate(tree.body):
        docstring = (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        )
        data = isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign)
        if not (docstring or data):
            name = getattr(node, "name", None) or ast.unparse(node).splitlines()[0][:40]
            found.append(f"{type(node).__name__.lower()} {name} (line {node.lineno})")
    return found


def _size_offences(limit: int = MAX_LINES) -> Iterator[str]:
    for path in _sources():
        lines = _line_count(path)
        if lines <= limit:
            continue
        relative = path.relative_to(ROOT).as_posix()
        if relative not in DATA_TABLES:
            yield f"{relative}: {lines} lines (over {limit}; split it by job)"
        elif code := _code_in(path):
            yield (
                f"{relative}: {lines} lines (over {limit}), allow-listed as a data table but "
                f"holds code: {', '.join(code)}"
            )


def _cycles() -> Iterator[str]:
    """Every import cycle among our modules (strongly connected components, Tarjan), each as
    ``a -> b -> a`` starting from its first module in sorted order."""
    graph = {m: sorted(n for n in _imports(m) if n in _modules() and n != m) for m in _modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    for component in components:
        yield " -> ".join(_a_cycle(graph, component))


def _a_cycle(graph: dict[str, list[str]], component: list[str]) -> list[str]:
    """One cycle through the component's first module (a shortest path back to it)."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in graph[node]:
                if nxt == start:
                    return [*paths[node], start]
                if nxt in members and nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    following.append(nxt)
        frontier = following
    return component


RULES = {
    **{f"imports of {rule.scope}": rule for rule in IMPORT_RULES},
    "commit sites": "commits",
    "no import cycle": "cycles",
}


def _offences(name: str) -> set[str]:
    rule = RULES[name]
    if isinstance(rule, ImportRule):
        return set(_import_offences(rule))
    return set(_commit_offences() if rule == "commits" else _cycles())


# -- the tests ------------------------------------------------------------------------------


def test_the_source_is_read_and_every_module_has_a_rule() -> None:
    modules = _modules()
    assert len(modules) > 80
    known = {"models.db", "ingest.loader", "api.kpi.engine", "dashboard.app", "pohconnect.cli"}
    assert known <= set(modules)
    assert {_rule_of(m).scope for m in modules} == {r.scope for r in IMPORT_RULES}
    # the reader sees what it should: relative imports, lazy imports in functions, submodules
    assert "models.db" in _imports("migrations.env")
    assert "ingest.loader" in _imports("pohconnect.commands.ingest")  # inside the command
    assert "api.kpi.service" in _imports("pohconnect.commands.kpi")  # `from api.kpi import …`
    assert all(key[0] in RULES for key in PENDING)


def test_the_checks_find_offences() -> None:
    """The rules would catch a breach: a stricter table flags imports that exist, a shorter
    list of commit sites flags commits that exist."""
    strict = ImportRule("pohconnect", frozenset({"pohconnect"}))
    assert "pohconnect.server imports dashboard.app" in set(_import_offences(strict))
    no_kpi_framework = ImportRule("api", frozenset({"api"}), frozenset({"fastapi"}))
    assert "api.main imports fastapi" in set(_import_offences(no_kpi_framework))
    found = set(_commit_offences(COMMIT_SITES - {"api/deps.py"}))
    assert found and all(f.startswith("api/deps.py:") and "commit()" in f for f in found)


@pytest.mark.parametrize("name", list(RULES))
def test_boundary(name: str) -> None:
    pending = {offence for rule, offence in PENDING if rule == name}
    offences = sorted(_offences(name) - pending)
    assert offences == [], f"{name}: see the table in tests/test_boundaries.py"


@pytest.mark.parametrize(("name", "offence"), sorted(PENDING))
def test_pending_offence(name: str, offence: str) -> None:
    """A known offence of today's tree: skipped while it holds, a failure once it is gone (then
    delete its entry from PENDING)."""
    if offence in _offences(name):
        pytest.skip(f"enabled when the ingest/api renovation lands: {offence}")
    pytest.fail(f"no longer true, delete it from PENDING: {name}: {offence}")


def test_no_module_over_600_lines_outside_the_data_tables() -> None:
    offences = list(_size_offences())
    assert offences == [], "\n".join(offences)


def test_the_size_check_finds_offences() -> None:
    """The allow-list names files that exist; the translation tables hold data only and a module
    of code does not; with a lower limit the check names a module of code and its line count and
    passes the data tables."""
    for relative in DATA_TABLES:
        assert (ROOT / relative).is_file(), f"{relative} is in DATA_TABLES but does not exist"
    assert _code_in(ROOT / "dashboard/i18n_text.py") == []
    assert _code_in(ROOT / "dashboard/i18n_beheer.py") == []
    assert any(f.startswith("functiondef t (line") for f in _code_in(ROOT / "dashboard/i18n.py"))
    lines = _line_count(ROOT / "dashboard/i18n.py")
    found = list(_size_offences(limit=100))
    assert f"dashboard/i18n.py: {lines} lines (over 100; split it by job)" in found
    assert "dashboard/i18n_text.py" not in " ".join(found)  # a data table, allow-listed
