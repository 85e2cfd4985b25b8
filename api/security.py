"""Hardening: security headers on every response, CORS (closed by default), /docs served
from local files with the bearer scheme, and error responses without a stack trace.

Content-Security-Policy per area:

- the API (JSON, exports): nothing may load (``default-src 'none'``);
- ``/docs``: scripts and styles from this server only; Swagger UI's start script is a file
  (api/static/swagger-init.js), so no inline script is allowed;
- ``/dashboard/``: scripts from this server plus the hashes of Dash's own inline scripts
  (``Dash.csp_hashes()``, registered by :func:`allow_dashboard_scripts`); styles may be
  inline (Plotly and React set them), images may be data:/blob: URIs (Plotly's exports).

Every response: X-Content-Type-Options: nosniff, X-Frame-Options: DENY and frame-ancestors
'none', Referrer-Policy: no-referrer, a restrictive Permissions-Policy, COOP same-origin, and
Strict-Transport-Security when the request came over https (settings ``hsts``). API responses
also get ``Cache-Control: no-store``: they carry health-care figures.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.settings import get_auth_settings
from api.errors import Invalid
from api.handlers import problem_response

log = logging.getLogger("pohconnect.api")

DOCS_URL = "/docs"
STATIC = Path(__file__).resolve().parent / "static"
# Swagger UI 5 as shipped by the fastapi-offline package (no CDN).
SWAGGER_FILES = {
    "swagger-ui-bundle.js": ("fastapi_offline", "static/swagger-ui-bundle.js"),
    "swagger-ui.css": ("fastapi_offline", "static/swagger-ui.css"),
    "favicon.png": ("fastapi_offline", "static/favicon.png"),
}

_COMMON_CSP = "base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
API_CSP = f"default-src 'none'; form-action 'none'; {_COMMON_CSP}"
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data:; connect-src 'self'; form-action 'self'; {_COMMON_CSP}"
)


def dashboard_csp(script_hashes: Iterable[str]) -> str:
    scripts = " ".join(["'self'", *script_hashes])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        f"form-action 'self'; {_COMMON_CSP}"
    )


def allow_dashboard_scripts(app: FastAPI, hashes: Callable[[], Iterable[str]]) -> None:
    """Allow the dashboard's inline scripts by hash: ``hashes`` is ``dash_app.csp_hashes``,
    asked per page, since Dash Pages adds its clientside callbacks at the first request."""
    app.state.dashboard_script_hashes = hashes


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response, and refusing a
    request with a NUL byte in its path or query (never valid; PostgreSQL refuses it in any
    text, which would otherwise surface as a server error)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        hsts = get_auth_settings().hsts
        https = scope.get("scheme") == "https"
        state = getattr(scope.get("app"), "state", None)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                if path == DOCS_URL or path.startswith(DOCS_URL + "/"):
                    csp = DOCS_CSP
                elif path.startswith("/dashboard"):
                    hashes = getattr(state, "dashboard_script_hashes", None)
                    csp = dashboard_csp(hashes() if hashes else ())
                else:
                    csp = API_CSP
                h.setdefault("Content-Security-Policy", csp)
                h.setdefault("X-Content-Type-Options", "nosniff")
                h.setdefault("X-Frame-Options", "DENY")
                h.setdefault("Referrer-Policy", "no-referrer")
                h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                h.setdefault(
                    "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
                )
                if path.startswith("/api/"):
                    h.setdefault("Cache-Control", "no-store")
                if hsts == "always" or (hsts == "auto" and https):
                    h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            await send(message)

        if "\x00" in path or b"%00" in scope.get("query_string", b""):
            response = problem_response(Invalid("Een NUL-teken is geen geldige invoer.").problem())
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _docs_page(openapi_url: str, title: str) -> str:
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="{DOCS_URL}/favicon.png">
<link rel="stylesheet" href="{DOCS_URL}/swagger-ui.css">
</head>
<body data-openapi-url="{openapi_url}">
<div id="swagger-ui"></div>
<script src="{DOCS_URL}/swagger-ui-bundle.js"></script>
<script src="{DOCS_URL}/swagger-init.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    """FastAPI's self-hosting recipe: /docs with Swagger UI from local files."""
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} - Swagger UI"

    @app.get(DOCS_URL, include_in_schema=False)
    def _docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return HTMLResponse(_docs_page(f"{root}{openapi_url}", title))

    @app.get(DOCS_URL + "/swagger-init.js", include_in_schema=False)
    def _init() -> FileResponse:
        return FileResponse(STATIC / "swagger-init.js", media_type="text/javascript")

    for name, (package, rel) in SWAGGER_FILES.items():
        path = Path(str(files(package).joinpath(rel)))

        def _asset(path: Path = path) -> FileResponse:
            return FileResponse(path)

        app.get(f"{DOCS_URL}/{name}", include_in_schema=False)(_asset)


def install_security(app: FastAPI) -> None:
    """Headers, CORS and the locally served docs (errors: api/handlers.py)."""

    origins = get_auth_settings().cors_origins
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
        )
    app.add_middleware(SecurityHeaders)
    install_docs(app)
