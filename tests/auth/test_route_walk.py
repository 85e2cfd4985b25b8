"""Every route needs a token through the one access dependency, unless it is on the public
allow-list; the beheerder's routes also need the role. A new route without either fails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI

from api.access import OIDC_PATHS, PUBLIC_PATHS, get_caller_scope, get_principal

ADMIN_PREFIXES = ("/api/v1/users", "/api/v1/audit", "/api/v1/imports")
# server-only paths: redirects to the dashboard, and the dashboard itself (its login comes
# with the dashboard's own access control; its data come from the API with a token)
SERVER_PUBLIC = {"/", "/dashboard", "/favicon.ico"}


def _routes(app: FastAPI) -> Iterator[tuple[str, set[str], Any]]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazily included routers
        contexts: Any = app.routes
    else:
        contexts = iter_route_contexts(app.routes)
    for route in contexts:
        yield (
            route.path,
            set(getattr(route, "methods", None) or ()),
            getattr(route, "dependant", None),
        )


def _calls(dependant: Any) -> set[Any]:
    found: set[Any] = set()
    stack = [dependant]
    while stack:
        d = stack.pop()
        if d is None:
            continue
        if d.call is not None:
            found.add(d.call)
        stack.extend(d.dependencies)
    return found


def _names(calls: set[Any]) -> set[str]:
    return {getattr(c, "__name__", "") for c in calls}


def test_every_api_route_is_authenticated_or_public() -> None:
    from api.main import create_app

    app = create_app()
    checked = 0
    for path, methods, dependant in _routes(app):
        if path in PUBLIC_PATHS:
            continue
        assert dependant is not None, f"{path}: not an API route and not on the allow-list"
        calls = _calls(dependant)
        assert get_caller_scope in calls and get_principal in calls, f"{methods} {path}"
        team_change = path.startswith("/api/v1/teams") and methods - {"GET"}
        if path.startswith(ADMIN_PREFIXES) or team_change:
            assert "require_role_beheerder" in _names(calls), f"{methods} {path}"
        checked += 1
    assert checked >= 24  # every API route of this version


def test_public_paths_exist_and_need_no_token(client) -> None:  # type: ignore[no-untyped-def]
    from api.main import create_app

    paths = {p for p, _m, _d in _routes(create_app())}
    assert paths >= PUBLIC_PATHS
    for path in PUBLIC_PATHS - {"/api/v1/auth/token"} - OIDC_PATHS:
        assert client.get(path).status_code == 200, path
    # OpenID Connect: public by design, 404 while not configured (tests/auth/test_oidc.py)
    assert client.get("/api/v1/auth/oidc").status_code == 404


def test_the_server_adds_only_redirects_and_the_dashboard_mount() -> None:
    from starlette.routing import Mount

    from pohconnect.server import create_server_app

    app = create_server_app(api_base_url="http://127.0.0.1:9")
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/dashboard"
    for path, _methods, dependant in _routes(app):
        if path in PUBLIC_PATHS or path in SERVER_PUBLIC or path.startswith("/dashboard"):
            continue
        assert dependant is not None and get_caller_scope in _calls(dependant), path


def test_every_protected_operation_declares_the_bearer_scheme(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if path in PUBLIC_PATHS:
                continue
            assert op.get("security") == [{"OAuth2PasswordBearer": []}], f"{method} {path}"
