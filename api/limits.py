"""Graceful overload: a bounded number of API requests per worker, a short queue of bounded
wait, and beyond it an immediate 503 with ``Retry-After`` instead of a pile-up.

Without a bound every request that arrives is started: under a burst they all wait for the
database pool, time out after many seconds, and the worker keeps computing answers nobody waits
for long after the burst (minutes to recover). With it, at most ``max_concurrent_requests``
API requests run per worker process; up to ``max_queued_requests`` more wait, each at most
``max_queue_wait_ms``; a request that would wait longer (queue full, or the recent service time
says it would not get its turn in time) is answered 503 at once. Writing requests (POST, PUT,
PATCH, DELETE) have their own, smaller bound (``max_concurrent_writes``), so that writes queued
behind SQLite's write lock never take the readers' slots. The database pool is sized to both
bounds together (models/db.py), so a running request never waits for a connection.

Only ``/api/`` is limited: ``/health`` (and ``/api/v1/health``), the API docs and the
dashboard are not. The dashboard (Dash under ``/dashboard/``, its own WSGI thread pool) calls the
API over HTTP; its requests hold no slot of this limiter while they wait for the API, so they
cannot deadlock it; under overload the dashboard's calls get the same 503 as any client.

Database time limits and lock waits that still run out become the same 503 (problem+json),
never a 500 with a driver message.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import math
import time
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import Problem
from models.db import is_lock_error, is_statement_timeout

logger = logging.getLogger(__name__)

OVERLOAD_TITLE = "Tijdelijk overbelast"
EXEMPT_PATHS = frozenset({"/api/v1/health", "/health"})
# the recent service time judges a queued request's turn only after this many served requests
MIN_SAMPLES = 20


class LimitSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POHCONNECT_")

    # per worker process; together they size the database pool (models/db.py)
    max_concurrent_requests: int = 4
    max_concurrent_writes: int = 4
    max_queued_requests: int = 16
    # a request is refused at admission when its turn would come later than this (the usual
    # case under overload: at once); one admitted waits at most this long
    max_queue_wait_ms: int = 200
    # an admitted read waits at most this many times max_queue_wait_ms (the refusal is decided
    # at admission; this only bounds a wait the recent service time misjudged)
    queued_patience: float = 3.0
    max_write_queue_wait_ms: int = 5000
    retry_after_s: int = 1


@cache
def get_limit_settings() -> LimitSettings:
    return LimitSettings()


def overload_response(detail: str, *, retry_after_s: int) -> JSONResponse:
    body = Problem(title=OVERLOAD_TITLE, status=503, detail=detail)
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=503,
        media_type="application/problem+json",
        headers={"Retry-After": str(retry_after_s)},
    )


def _busy_detail(retry_after_s: int) -> str:
    return (
        "De server verwerkt op dit moment te veel aanvragen; probeer het over "
        f"{retry_after_s} seconde{'' if retry_after_s == 1 else 'n'} opnieuw."
    )


class Gate:
    """At most ``max_concurrent`` holders; up to ``max_queued`` wait, each at most
    ``max_wait`` seconds, first come first served. Lives in one event loop (one worker).

    A request is refused at admission when the queue is full or the recent service time says
    it would not get its turn within ``max_wait``; a queued request is refused as soon as that
    becomes clear (each time a slot is handed on), not only when its wait has run out.
    """

    def __init__(
        self, *, max_concurrent: int, max_queued: int, max_wait: float, patience: float = 1.0
    ) -> None:
        self.max_concurrent = max(1, max_concurrent)
        self.max_queued = max(0, max_queued)
        self.max_wait = max_wait
        # an admitted request waits up to patience x max_wait before it is refused: the
        # decision to refuse is meant to be made at admission, at once
        self.patience = max(1.0, patience)
        self.active = 0
        # each waiter: its future (True: a slot was handed to it, False: refused) and deadline
        self.waiters: collections.deque[tuple[asyncio.Future[bool], float]] = collections.deque()
        self.service_time = 0.0  # moving average of the time a holder keeps its slot, seconds
        self.served = 0
        self.rejected = 0

    def expected_wait(self, position: int | None = None) -> float:
        """The wait of the request at ``position`` in the queue (default: one queued now),
        judged by the recent service time."""
        ahead = len(self.waiters) if position is None else position
        return self.service_time * math.ceil((ahead + 1) / self.max_concurrent)

    async def acquire(self) -> bool:
        if self.active < self.max_concurrent and not self.waiters:
            self.active += 1
            return True
        judged = self.served >= MIN_SAMPLES  # a worker's first requests say little yet
        late = judged and self.expected_wait() > self.max_wait
        if len(self.waiters) >= self.max_queued or late:
            self.rejected += 1
            return False
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        waiter = (future, time.monotonic() + self.max_wait * self.patience)
        self.waiters.append(waiter)
        try:
            granted = await asyncio.wait_for(asyncio.shield(future), self.max_wait * self.patience)
        except TimeoutError:
            if future.done() and not future.cancelled():
                granted = future.result()  # decided just as the wait ran out
            else:
                future.cancel()
                self._forget(waiter)
                granted = False
        except BaseException:
            if future.done() and not future.cancelled() and future.result():
                self.release(None)  # handed a slot but cancelled: pass it on
            else:
                future.cancel()
                self._forget(waiter)
            raise
        if not granted:
            self.rejected += 1
        return granted

    def _forget(self, waiter: tuple[asyncio.Future[bool], float]) -> None:
        with contextlib.suppress(ValueError):
            self.waiters.remove(waiter)

    def release(self, elapsed: float | None) -> None:
        if elapsed is not None:
            # one slow request (a worker's first, which loads what it needs) must not make the
            # gate refuse for many requests after it: each sample counts at most 5 x max_wait
            sample = min(elapsed, 5 * self.max_wait) if self.max_wait > 0 else elapsed
            if self.served:
                self.service_time += 0.2 * (sample - self.service_time)
            else:
                self.service_time = sample
            self.served += 1
        while self.waiters:
            future, _ = self.waiters.popleft()
            if not future.done():
                future.set_result(True)  # the slot goes straight to the next in the queue
                self._refuse_hopeless()
                return
        self.active -= 1

    def _refuse_hopeless(self) -> None:
        """Refuse now the queued requests whose turn would come after their deadline."""
        now = time.monotonic()
        keep: collections.deque[tuple[asyncio.Future[bool], float]] = collections.deque()
        judged = self.served >= MIN_SAMPLES
        for future, deadline in self.waiters:
            if future.done():
                continue
            if judged and now + self.expected_wait(len(keep)) > deadline:
                future.set_result(False)
            else:
                keep.append((future, deadline))
        self.waiters = keep


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ConcurrencyLimit:
    """ASGI middleware: at most ``max_concurrent`` reading and ``max_concurrent_writes``
    writing API requests at a time in this worker, each kind with its own short queue.

    Writes have gates of their own so that requests waiting for SQLite's write lock (an import
    may hold it for seconds) never take the slots of readers, who need no lock.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_concurrent: int | None = None,
        max_concurrent_writes: int | None = None,
        max_queued: int | None = None,
        max_wait_ms: int | None = None,
        retry_after_s: int | None = None,
    ) -> None:
        s = get_limit_settings()
        self.app = app
        queued = s.max_queued_requests if max_queued is None else max_queued
        wait = (s.max_queue_wait_ms if max_wait_ms is None else max_wait_ms) / 1000
        self.reads = Gate(
            max_concurrent=max_concurrent or s.max_concurrent_requests,
            max_queued=queued,
            max_wait=wait,
            patience=s.queued_patience,
        )
        self.writes = Gate(
            max_concurrent=max_concurrent_writes or s.max_concurrent_writes,
            max_queued=queued,
            # a write may wait for the database's write lock, so its queue wait is longer
            max_wait=max(wait, s.max_write_queue_wait_ms / 1000),
        )
        self.retry_after_s = retry_after_s or s.retry_after_s

    # counters of the read gate, for tests and logs
    @property
    def active(self) -> int:
        return self.reads.active

    @property
    def waiters(self) -> collections.deque[tuple[asyncio.Future[bool], float]]:
        return self.reads.waiters

    @property
    def rejected(self) -> int:
        return self.reads.rejected + self.writes.rejected

    @property
    def max_concurrent(self) -> int:
        return self.reads.max_concurrent

    @property
    def max_queued(self) -> int:
        return self.reads.max_queued

    @property
    def max_wait(self) -> float:
        return self.reads.max_wait

    def _limited(self, scope: Scope) -> bool:
        if scope["type"] != "http":
            return False
        path: str = scope["path"]
        return path.startswith("/api/") and path.rstrip("/") not in EXEMPT_PATHS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._limited(scope):
            await self.app(scope, receive, send)
            return
        gate = self.reads if scope["method"] in _READ_METHODS else self.writes
        if not await gate.acquire():
            response = overload_response(
                _busy_detail(self.retry_after_s), retry_after_s=self.retry_after_s
            )
            await response(scope, receive, send)
            return
        started = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            gate.release(time.monotonic() - started)


def install_limits(app: FastAPI) -> None:
    """The limiter, and 503 answers for database time limits, lock waits and pool waits."""
    retry = get_limit_settings().retry_after_s

    @app.exception_handler(OperationalError)
    async def _database_busy(_request: Request, exc: OperationalError) -> JSONResponse:
        if is_statement_timeout(exc):
            logger.warning("statement timeout: %s", exc.orig)
            return overload_response(
                "Het opvragen duurde te lang en is afgebroken; probeer het zo opnieuw.",
                retry_after_s=retry,
            )
        if is_lock_error(exc):
            logger.warning("write lock not obtained: %s", exc.orig)
            return overload_response(
                "De database is bezet met een andere wijziging (bijvoorbeeld een import); "
                "probeer het zo opnieuw.",
                retry_after_s=retry,
            )
        raise exc

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(_request: Request, exc: PoolTimeout) -> JSONResponse:
        logger.warning("database pool timeout: %s", exc)
        return overload_response(_busy_detail(retry), retry_after_s=retry)

    app.add_middleware(ConcurrencyLimit)
    _document_overload(app)


def _document_overload(app: FastAPI) -> None:
    """Every limited operation may answer 503 (problem+json, Retry-After)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        response = {
            "description": OVERLOAD_TITLE,
            "headers": {
                "Retry-After": {
                    "description": "Seconden tot een nieuwe poging zin heeft",
                    "schema": {"type": "integer"},
                }
            },
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for path, path_item in schema.get("paths", {}).items():
            if not path.startswith("/api/") or path.rstrip("/") in EXEMPT_PATHS:
                continue
            for operation in path_item.values():
                operation.setdefault("responses", {}).setdefault("503", response)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
