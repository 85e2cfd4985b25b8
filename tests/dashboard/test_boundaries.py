"""The dashboard talks to the API over HTTP only, and its component ids are unique."""

from __future__ import annotations

import ast
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import dashboard
from dashboard import ids

DASHBOARD_DIR = Path(dashboard.__file__).resolve().parent
FORBIDDEN = ("sqlalchemy", "models", "api", "ingest", "migrations")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return found


def test_dashboard_never_imports_the_database_layer() -> None:
    files = sorted(DASHBOARD_DIR.rglob("*.py"))
    assert len(files) >= 10
    offenders = [
        f"{path.relative_to(DASHBOARD_DIR)}: {name}"
        for path in files
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == [], "dashboard/ must get its data through dashboard.client only"


def test_only_the_client_imports_httpx() -> None:
    users = [
        path.name
        for path in DASHBOARD_DIR.rglob("*.py")
        if any(n.split(".")[0] == "httpx" for n in _imports(path))
    ]
    assert users == ["client.py"]


def test_ids_are_unique() -> None:
    values = ids.all_ids()
    assert len(values) > 30
    duplicates = [v for v, n in Counter(values).items() if n > 1]
    assert duplicates == []


def _pattern_types(node: Any) -> set[str]:
    """The ``type`` of every pattern-matching (dict) id in a layout."""
    out: set[str] = set()
    if isinstance(node, list | tuple):
        for child in node:
            out |= _pattern_types(child)
        return out
    if hasattr(node, "to_plotly_json"):
        node_id = getattr(node, "id", None)
        if isinstance(node_id, dict):
            out.add(str(node_id.get("type")))
        out |= _pattern_types(getattr(node, "children", None))
    return out


def _component_ids(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, list | tuple):
        for child in node:
            out += _component_ids(child)
        return out
    if hasattr(node, "to_plotly_json"):
        node_id = getattr(node, "id", None)
        if isinstance(node_id, str):
            out.append(node_id)
        out += _component_ids(getattr(node, "children", None))
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_component_id_comes_from_ids_and_is_used_once(lang: str) -> None:
    from dashboard.app import PAGES, _shell

    known = set(ids.all_ids())
    # the skeleton's own per page, derived from the page's init and message ids
    known |= {x for p in PAGES for x in (p.location, p.link_message, p.link_message_scope)}
    shell = _component_ids(_shell("/dashboard/", lang, "http://api", "/docs"))
    seen = list(shell)
    for page in PAGES:
        seen += _component_ids(page.layout(lang=lang))
    unknown = sorted(
        set(seen) - known - {"_pages_location", "_pages_content", "_pages_store", "_pages_dummy"}
    )
    assert unknown == [], "component ids must be defined in dashboard/ids.py"
    duplicates = [v for v, n in Counter(seen).items() if n > 1]
    assert duplicates == [], "no two pages (or the shell) may share a component id"


def test_create_dash_reads_no_data() -> None:
    """Building the app must not call the API (no data read at import or creation)."""
    import httpx

    from dashboard.app import create_dash
    from dashboard.client import ApiClient

    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(500)

    http = httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    app = create_dash(client=ApiClient(http=http))
    assert app.config.requests_pathname_prefix == "/dashboard/"
    assert calls == []


def _referred(app: Any) -> set[str]:
    referred: set[str] = set()
    for key, spec in app.callback_map.items():
        referred |= {dep["id"] for dep in [*spec["inputs"], *spec.get("state", [])]}
        referred |= {out.rsplit(".", 1)[0] for out in key.strip(".").split("...")}
    return referred


def test_every_callback_refers_to_components_that_exist() -> None:
    """A callback on an id that no layout renders never fires (and fails silently)."""
    import httpx

    from dashboard.app import PAGES, _shell, create_dash
    from dashboard.client import ApiClient

    http = httpx.Client(base_url="http://api", transport=httpx.MockTransport(lambda r: None))
    app = create_dash(client=ApiClient(http=http))
    shell = _shell("/dashboard/", "nl", "http://api", "/docs")
    rendered = set(_component_ids(shell))
    types = _pattern_types(shell)
    for page in PAGES:
        rendered |= set(_component_ids(page.layout(lang="nl")))
        types |= _pattern_types(page.layout(lang="nl"))
    # a pattern-matching id ('{"graph":["MATCH"],"type":"chart-download"}'): its type is
    # rendered by some layout, and comes from ids.py
    patterns = {i for i in _referred(app) if i.startswith("{")}
    pattern_types = {json.loads(i)["type"] for i in patterns}
    assert pattern_types <= types & set(ids.all_ids())
    referred = _referred(app) - patterns
    missing = {i for i in referred if i not in rendered and not i.startswith("_pages")}
    assert len(referred) > 30
    assert missing == set()
