"""``pohconnect serve --workers N`` hands every worker what they must share."""

from __future__ import annotations

from typing import Any

import pytest


def test_workers_share_one_session_cookie_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dashboard login answered by one worker must be valid in the next: without a
    configured secret the workers get one generated key (was one random key each: every
    other request of a logged-in user said 'sessie verlopen')."""
    import uvicorn

    from pohconnect import server

    seen: dict[str, Any] = {}
    monkeypatch.delenv("POHCONNECT_SESSION_SECRET", raising=False)
    monkeypatch.delenv("POHCONNECT_TOKEN_SECRET", raising=False)
    monkeypatch.delenv("POHCONNECT_API_URL", raising=False)  # run_server sets it: undone after
    monkeypatch.setattr(server, "remove_stale_scratch", lambda: None, raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: seen.update(k))
    server.run_server("127.0.0.1", 8999, workers=2)
    import os

    key = os.environ.get("POHCONNECT_SESSION_SECRET")
    assert seen["workers"] == 2 and key and len(key) == 64
    monkeypatch.setenv("POHCONNECT_SESSION_SECRET", "vast")
    server.run_server("127.0.0.1", 8999, workers=2)
    assert os.environ["POHCONNECT_SESSION_SECRET"] == "vast"  # a configured one is kept
