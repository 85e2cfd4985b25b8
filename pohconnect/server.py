"""One process serves the API and the dashboard: FastAPI with Dash mounted at /dashboard/."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from a2wsgi import WSGIMiddleware
from dash.exceptions import DependencyException
from fastapi import FastAPI
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.main import create_app
from api.security import allow_dashboard_scripts
from dashboard.client import ApiClient

DASHBOARD_PREFIX = "/dashboard/"
FAVICON = Path(__file__).resolve().parents[1] / "dashboard" / "assets" / "favicon.ico"


def _not_found(_exc: Exception) -> tuple[str, int, dict[str, str]]:
    return "Niet gevonden", 404, {"Content-Type": "text/plain; charset=utf-8"}


class _NoDotSegments:
    """ASGI wrapper: a dashboard path with a ``..`` segment (also sent as ``..%2F``, which
    arrives decoded) is answered 404 before it reaches Dash."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ".." in scope["path"].replace("\\", "/").split("/"):
            response = PlainTextResponse("Niet gevonden", status_code=404)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_server_app(
    *, api_base_url: str | None = None, dashboard_client: ApiClient | None = None
) -> FastAPI:
    """The API app with the dashboard mounted at ``/dashboard/`` and ``/`` redirecting there.

    The dashboard's client calls the API over HTTP at ``api_base_url`` (default: the
    dashboard setting ``POHCONNECT_API_URL``), normally this same process, with the token of
    the user logged in at ``/dashboard/login`` (dashboard/auth.py: session cookie, login and
    logout routes, the guard in front of every dashboard request). Tests may pass a ready
    ``dashboard_client`` instead of a URL.
    """
    from dashboard.app import create_dash
    from dashboard.auth import current_token

    if dashboard_client is not None and dashboard_client.token_provider is None:
        dashboard_client.token_provider = current_token
    app = create_app()
    dash_app = create_dash(
        api_base_url=api_base_url,
        requests_pathname_prefix=DASHBOARD_PREFIX,
        api_docs_url="/docs",
        client=dashboard_client,
    )
    allow_dashboard_scripts(app, dash_app.csp_hashes)  # Dash's inline scripts, by hash

    # A request for an unknown script or style (e.g. ``..%2F`` in the path) is "not found",
    # not an internal error of Dash's resource lookup.
    dash_app.server.register_error_handler(DependencyException, _not_found)

    @app.get("/", include_in_schema=False)
    def _root() -> RedirectResponse:
        return RedirectResponse(DASHBOARD_PREFIX)

    @app.get(DASHBOARD_PREFIX.rstrip("/"), include_in_schema=False)
    def _dashboard_no_slash() -> RedirectResponse:
        return RedirectResponse(DASHBOARD_PREFIX)

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> FileResponse:
        # the dashboard's own icon (a browser asks for /favicon.ico on pages without one)
        return FileResponse(FAVICON, media_type="image/x-icon")

    app.mount(
        DASHBOARD_PREFIX.rstrip("/"),
        _NoDotSegments(WSGIMiddleware(dash_app.server)),  # type: ignore[arg-type]
        name="dashboard",
    )
    return app


def local_url(host: str, port: int) -> str:
    """The URL a browser on this machine uses for ``host:port`` (0.0.0.0 → 127.0.0.1)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def prefer_event_loop() -> None:
    """Let the event loop (which accepts connections, answers 503 when the API is full, and
    serves /health) get the GIL back within about a millisecond of asking, instead of Python's
    default 5 ms, while request threads compute KPIs."""
    import sys

    sys.setswitchinterval(0.001)


def create_server_app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes (``--workers``): settings come from the env."""
    prefer_event_loop()
    app = create_server_app()
    prepare_process(app)
    return app


def prepare_process(app: ASGIApp | None = None) -> None:
    """Warm this process's KPI path before it takes requests (api/kpi/jobs.py), its HTTP path
    and database connections (:func:`warm_routes`), then move everything alive so far out of
    the garbage collector's sight (``gc.freeze``).

    What a server process holds from its start (modules, the app, SQLAlchemy's and pydantic's
    compiled structures: some 10^6 objects) lives as long as the process. Left in the
    collected generations, every full collection walked all of it again: pauses of 100–180 ms
    in which the worker answered nothing, a few times a minute under load, each of which
    filled the admission queue (docs/benchmarks.md, "Pauzes van de garbage collector").
    Frozen objects are still freed when their reference count drops to zero."""
    import gc

    from api.kpi.jobs import prepare_process as prepare

    prepare()
    if app is not None:
        warm_routes(app)
    gc.collect()
    gc.freeze()


# One request of each kind the dashboards ask most, without a token: answered 401, but on the
# way FastAPI builds its routers' route tables (lazily, at their first request), the session
# dependency starts the thread pool and anyio loads its backend; all of which otherwise fell on
# a worker's first requests under load (docs/benchmarks.md, "De eerste seconde").
WARM_PATHS = (
    "/api/v1/practices/00000000/scorecard?period=2025Q1",
    "/api/v1/benchmarks/poh_contacts?region=x&period=2025Q1",
    "/api/v1/kpis/poh_contacts?level=practice&id=00000000&period=2025Q1",
    "/api/v1/kpis/poh_contacts/series?level=practice&id=00000000&from=2025Q1&to=2025Q1",
    "/api/v1/practices",
)


def warm_routes(app: ASGIApp) -> None:
    """Send :data:`WARM_PATHS` through ``app`` in this process (no socket), and open the
    database connections the worker's concurrent reads will use. Best-effort."""
    import asyncio
    import threading

    import httpx

    from api.limits import get_limit_settings
    from models.db import get_engine

    async def send() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            for path in WARM_PATHS:
                await client.get(path)

    try:
        # in a thread of its own: a worker started by uvicorn --workers builds its app inside
        # uvicorn's running event loop, where asyncio.run may not be called
        worker = threading.Thread(target=asyncio.run, args=(send(),), name="warm-routes")
        worker.start()
        worker.join()
        engine, reads = get_engine(), get_limit_settings().max_concurrent_requests
        connections = [engine.connect() for _ in range(reads)]
        for connection in connections:
            connection.close()
    except Exception:
        logging.getLogger(__name__).warning(
            "Warming the routes failed (only the first requests are slower)", exc_info=True
        )


def run_server(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    api_base_url: str | None = None,
    workers: int = 1,
) -> None:
    """Serve API and dashboard with uvicorn until Ctrl-C (no migrations are run here).

    The dashboard calls the API of this same server unless ``api_base_url`` (or
    ``POHCONNECT_API_URL``) says otherwise. With ``workers`` > 1 uvicorn starts that many
    processes; they share nothing but the database (the KPI cache lives there too).
    """
    import os

    import uvicorn

    from ingest.sqlite_bulk import remove_stale_scratch

    remove_stale_scratch()  # what imports killed hard (kill -9) left behind
    base = local_url(host, port)
    url = api_base_url or os.environ.get("POHCONNECT_API_URL") or base
    print(f"POH-Connect draait op {base}")
    print(f"  Dashboard:           {base}{DASHBOARD_PREFIX}")
    print(f"  API-documentatie:    {base}/docs")
    print(f"  Gezondheidscontrole: {base}/health")
    print("Stoppen met Ctrl-C.", flush=True)
    # the dashboard calls this same server: keep its pooled connections open longer than
    # uvicorn's default 5 s, so fewer requests race a closing keep-alive connection
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "timeout_keep_alive": 30,
    }
    if workers > 1:
        os.environ["POHCONNECT_API_URL"] = url  # read by each worker's dashboard settings
        if not (
            os.environ.get("POHCONNECT_SESSION_SECRET") or os.environ.get("POHCONNECT_TOKEN_SECRET")
        ):
            # one key for the dashboard's session cookies in every worker: a login answered by
            # one worker must be valid in the next (dashboard/auth.py ``session_secret``)
            import secrets

            os.environ["POHCONNECT_SESSION_SECRET"] = secrets.token_hex(32)
        uvicorn.run(
            "pohconnect.server:create_server_app_from_env", factory=True, workers=workers, **options
        )
    else:
        prefer_event_loop()
        app = create_server_app(api_base_url=url)
        prepare_process(app)
        uvicorn.run(app, **options)
