"""Graceful overload: bounded concurrency with a short queue of bounded wait; the excess gets an
immediate 503 problem+json with Retry-After; database time limits and lock waits become 503."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api import limits
from api.handlers import install_error_handlers
from api.limits import ConcurrencyLimit, install_limits


def _app(delay_s: float, **limit: int) -> tuple[ConcurrencyLimit, ConcurrencyLimit]:
    app = FastAPI()

    @app.get("/api/v1/slow")
    async def slow() -> dict[str, bool]:
        await asyncio.sleep(delay_s)
        return {"ok": True}

    @app.get("/health")
    async def health() -> dict[str, str]:
        await asyncio.sleep(delay_s)
        return {"status": "ok"}

    limiter = ConcurrencyLimit(app, **limit)
    return limiter, limiter


async def _timed(client: httpx.AsyncClient, path: str) -> tuple[int, float, httpx.Response]:
    t0 = time.perf_counter()
    res = await client.get(path)
    return res.status_code, time.perf_counter() - t0, res


async def _burst(app: ConcurrencyLimit, n: int, path: str = "/api/v1/slow"):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await asyncio.gather(*(_timed(client, path) for _ in range(n)))


def test_excess_is_refused_at_once_with_retry_after() -> None:
    app, limiter = _app(0.3, max_concurrent=2, max_queued=2, max_wait_ms=2000, retry_after_s=1)
    results = asyncio.run(_burst(app, 10))
    ok = [r for r in results if r[0] == 200]
    refused = [r for r in results if r[0] == 503]
    assert (len(ok), len(refused)) == (4, 6)  # 2 running + 2 queued, the rest refused
    assert max(t for _, t, _ in refused) < 0.05  # refused without waiting
    assert max(t for _, t, _ in ok) < 0.8  # the queued two ran right after the first two
    res = refused[0][2]
    assert res.headers["retry-after"] == "1"
    assert res.headers["content-type"] == "application/problem+json"
    assert res.json() == {
        "type": "about:blank",
        "title": "Tijdelijk overbelast",
        "status": 503,
        "detail": (
            "De server verwerkt op dit moment te veel aanvragen; probeer het over 1 seconde "
            "opnieuw."
        ),
    }
    assert (limiter.active, len(limiter.waiters), limiter.rejected) == (0, 0, 6)


def test_queued_request_waits_at_most_its_patience_times_max_wait() -> None:
    app, limiter = _app(0.8, max_concurrent=1, max_queued=5, max_wait_ms=100)
    results = asyncio.run(_burst(app, 2))
    codes = sorted(r[0] for r in results)
    assert codes == [200, 503]
    waited = next(t for code, t, _ in results if code == 503)
    assert 0.29 < waited < 0.6  # queued_patience 3 x 100 ms
    assert (limiter.active, len(limiter.waiters)) == (0, 0)


def test_slow_service_time_refuses_instead_of_queueing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once requests are known to take 0.4 s, one that would wait longer than 0.2 s in the
    queue is refused at once rather than after its wait ran out."""
    monkeypatch.setattr(limits, "MIN_SAMPLES", 1)  # judged from the first served request on
    app, _ = _app(0.4, max_concurrent=1, max_queued=10, max_wait_ms=200)
    asyncio.run(_burst(app, 1))  # learn the service time
    results = asyncio.run(_burst(app, 4))
    refused = [t for code, t, _ in results if code == 503]
    assert len(refused) == 3 and max(refused) < 0.05


def test_writes_have_their_own_slots() -> None:
    """Requests waiting for the database's write lock never take the readers' slots."""
    app = FastAPI()

    @app.post("/api/v1/write")
    async def write() -> dict[str, bool]:
        await asyncio.sleep(0.4)
        return {"ok": True}

    @app.get("/api/v1/read")
    async def read() -> dict[str, bool]:
        return {"ok": True}

    limiter = ConcurrencyLimit(app, max_concurrent=1, max_concurrent_writes=2, max_queued=0)

    async def scenario() -> tuple[list[int], list[int]]:
        transport = httpx.ASGITransport(app=limiter)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            writes = [asyncio.create_task(c.post("/api/v1/write")) for _ in range(3)]
            await asyncio.sleep(0.05)
            reads = [(await c.get("/api/v1/read")).status_code for _ in range(3)]
            return sorted(r.status_code for r in await asyncio.gather(*writes)), reads

    writes, reads = asyncio.run(scenario())
    assert writes == [200, 200, 503] and reads == [200, 200, 200]


def test_health_and_non_api_paths_are_not_limited() -> None:
    app, _ = _app(0.2, max_concurrent=1, max_queued=0, max_wait_ms=10)
    results = asyncio.run(_burst(app, 5, "/health"))
    assert [r[0] for r in results] == [200] * 5


def test_service_answers_normally_right_after_an_overload() -> None:
    app, limiter = _app(0.05, max_concurrent=2, max_queued=4, max_wait_ms=500)

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await asyncio.gather(*(client.get("/api/v1/slow") for _ in range(200)))
            after = [await client.get("/api/v1/slow") for _ in range(5)]
        return [r.status_code for r in after]

    assert asyncio.run(scenario()) == [200] * 5
    assert limiter.rejected > 150 and (limiter.active, len(limiter.waiters)) == (0, 0)


@pytest.mark.parametrize(
    ("exc", "detail"),
    [
        (
            OperationalError("SELECT 1", None, sqlite3.OperationalError("interrupted")),
            "Het opvragen duurde te lang en is afgebroken; probeer het zo opnieuw.",
        ),
        (
            OperationalError("INSERT", None, sqlite3.OperationalError("database is locked")),
            "De database is bezet met een andere wijziging (bijvoorbeeld een import); probeer "
            "het zo opnieuw.",
        ),
        (
            PoolTimeout("QueuePool limit of size 8 overflow 2 reached"),
            "De server verwerkt op dit moment te veel aanvragen; probeer het over 1 seconde "
            "opnieuw.",
        ),
    ],
)
def test_database_limits_become_503(exc: Exception, detail: str) -> None:
    limits.get_limit_settings.cache_clear()
    app = FastAPI()
    install_error_handlers(app)
    install_limits(app)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise exc

    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as client:
        res = client.get("/api/v1/boom")
    assert res.status_code == 503
    assert res.headers["retry-after"] == "1"
    assert res.json()["detail"] == detail


def test_other_operational_errors_stay_500() -> None:
    app = FastAPI()
    install_limits(app)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise OperationalError("SELECT", None, sqlite3.OperationalError("no such table: x"))

    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/boom").status_code == 500


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from models.db import DatabaseSettings, make_engine

    monkeypatch.setenv("POHCONNECT_MAX_CONCURRENT_REQUESTS", "3")
    monkeypatch.setenv("POHCONNECT_MAX_QUEUED_REQUESTS", "7")
    monkeypatch.setenv("POHCONNECT_MAX_QUEUE_WAIT_MS", "250")
    limits.get_limit_settings.cache_clear()
    try:
        limiter = ConcurrencyLimit(lambda *a: None)  # type: ignore[arg-type]
        assert (limiter.max_concurrent, limiter.max_queued, limiter.max_wait) == (3, 7, 0.25)
        assert (limiter.writes.max_concurrent, limiter.writes.max_wait) == (4, 5.0)
    finally:
        limits.get_limit_settings.cache_clear()
    db = DatabaseSettings()
    assert db.pool_size == 3 + 4 + 2  # sized to the worker's concurrency, plus two
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none", settings=db)
    assert (engine.pool.size(), engine.pool.timeout()) == (9, 10.0)  # type: ignore[attr-defined]
    engine.dispose()


def _answer_without_waiting(coro):  # type: ignore[no-untyped-def]
    """The result of a coroutine that finishes without suspending (else the test fails)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise AssertionError("the request was queued instead of answered at once")


def test_a_full_queue_refuses_at_admission_before_the_app_runs() -> None:
    """The 503 is decided from the queue alone: no await, no database, the app never called."""
    calls: list[str] = []
    opened = asyncio.Event()

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        calls.append(scope["path"])
        await opened.wait()

    limiter = ConcurrencyLimit(app, max_concurrent=1, max_queued=1, max_wait_ms=60_000)

    async def scenario() -> None:
        gate = limiter.reads
        assert await gate.acquire()  # the running one
        queued = asyncio.ensure_future(gate.acquire())
        await asyncio.sleep(0)
        assert len(gate.waiters) == 1
        assert _answer_without_waiting(gate.acquire()) is False  # queue full
        gate.release(0.01)
        assert await queued
        gate.release(0.01)
        assert (gate.active, len(gate.waiters), gate.rejected) == (0, 0, 1)

    asyncio.run(scenario())
    assert calls == []


def test_a_queued_request_is_refused_as_soon_as_its_turn_cannot_come_in_time() -> None:
    """Not at the end of its wait: when a slot is handed on and the recent service time says
    the rest of the queue would wait past its bound, those requests are refused then."""
    from api.limits import MIN_SAMPLES, Gate

    async def scenario() -> None:
        gate = Gate(max_concurrent=1, max_queued=5, max_wait=50.0)
        gate.service_time, gate.served = 20.0, MIN_SAMPLES  # a slot is held ~20 s
        assert await gate.acquire()
        first = asyncio.ensure_future(gate.acquire())  # expected wait 20 s: queued
        second = asyncio.ensure_future(gate.acquire())  # 40 s: queued
        await asyncio.sleep(0)
        assert len(gate.waiters) == 2
        assert _answer_without_waiting(gate.acquire()) is False  # 60 s would be past 50 s
        gate.release(220.0)  # slow: the service time is now 60 s
        await asyncio.sleep(0)
        assert await first  # handed the slot
        assert second.done() and second.result() is False  # 60 s to wait: refused now
        assert (gate.active, len(gate.waiters), gate.rejected) == (1, 0, 2)
        gate.release(0.01)
        assert gate.active == 0

    asyncio.run(scenario())
