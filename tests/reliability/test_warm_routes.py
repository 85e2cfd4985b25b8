"""A server process sends a few requests through its own app before it takes real ones
(pohconnect/server.py ``warm_routes``): FastAPI builds its route tables and anyio loads its
thread backend at the first request, which otherwise fell on the first requests under load."""

from __future__ import annotations

import asyncio
from typing import Any

from pohconnect.server import WARM_PATHS, warm_routes


class Recorder:
    """An ASGI app that answers 401 and notes the paths asked."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        query = scope["query_string"].decode()
        self.paths.append(scope["path"] + (f"?{query}" if query else ""))
        await send({"type": "http.response.start", "status": 401, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_each_warm_path_goes_through_the_app_also_inside_a_running_event_loop() -> None:
    # uvicorn --workers builds the app (and so warms it) inside its running event loop
    app = Recorder()

    async def in_loop() -> None:
        warm_routes(app)

    asyncio.run(in_loop())
    assert app.paths == list(WARM_PATHS)


def test_the_real_app_answers_the_warm_paths_without_a_server_error() -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app

    client = TestClient(create_app())
    for path in WARM_PATHS:
        assert client.get(path).status_code == 401, path  # no token: refused, never a 500
