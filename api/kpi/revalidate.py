"""Stale-while-revalidate in the background: a reader that finds an older KPI result gets it at
once, and the current one is computed here — never by the reader's request.

:func:`install` gives ``cache.cached`` its scheduler (the API does, api/main.py). A stale key
is queued at most once per process (``_pending``) in a bounded pool of its own threads
(``POHCONNECT_KPI_REVALIDATE_WORKERS``, default 1 per worker process; at most
``MAX_PENDING`` keys queued, beyond that a later reader queues the key again). Each job opens
its own session on the engine and asks the public service function for the key's request
again; ``cache.cached`` then computes it under the flight marker (another worker process
already computing it: this job stops, the other stores it) and stores it, replacing the older
entry. Kinds without a rebuilder here are computed by the caller, as before. While an import's
warm-up is under way (its marker, ``jobs.warming``), a job waits for it (at most
``POHCONNECT_KPI_WARM_UP_WAIT_S``, 120 s): the warm-up computes the same results grouped.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.kpi import cache, jobs, regional, service
from api.kpi.definitions import REGISTRY
from api.kpi.engine import Engine as KpiEngine
from api.kpi.periods import Period, parse_period
from api.kpi.scope import ScopeRef, region_by_slug

logger = logging.getLogger(__name__)

WORKERS = max(1, int(os.environ.get("POHCONNECT_KPI_REVALIDATE_WORKERS", "1")))
MAX_PENDING = 1024
# how long a job waits for an import's warm-up (cache.warming) before computing itself
WARM_UP_WAIT_S = float(os.environ.get("POHCONNECT_KPI_WARM_UP_WAIT_S", "120"))
WARM_UP_POLL_S = 0.5


def _period(bounds: list[dt.date]) -> Period:
    return parse_period(f"{bounds[0].isoformat()}..{bounds[1].isoformat()}")


def _benchmark(s: Session, p: dict[str, Any]) -> object:
    definition = REGISTRY[p["slug"]]
    region = region_by_slug(s, p["region"])
    return regional.benchmark(s, KpiEngine(s), definition, region, _period(p["p"]))


def _scorecard(s: Session, p: dict[str, Any]) -> object:
    return regional.scorecard(s, KpiEngine(s), agb=p["agb"], period=_period(p["p"]))


def _value(s: Session, p: dict[str, Any]) -> object:
    scope = ScopeRef(p["level"], p["id"])
    return service.get_values(s, slug=p["slug"], scope=scope, period=_period(p["p"]))


def _series(s: Session, p: dict[str, Any]) -> object:
    scope = ScopeRef(p["level"], p["id"])
    return service.get_series(
        s, slug=p["slug"], scope=scope, start=p["s"], end=p["e"], grain=p["g"]
    )


def _flows(s: Session, p: dict[str, Any]) -> object:
    scope = ScopeRef(p["level"], p["id"])
    return service.get_referral_flows(s, scope=scope, period=_period(p["p"]))


REBUILD: dict[str, Callable[[Session, dict[str, Any]], object]] = {
    "benchmark": _benchmark,
    "scorecard": _scorecard,
    "value": _value,
    "series": _series,
    "flows": _flows,
}


class Revalidator:
    """The bounded pool (daemon threads: a computation under way at exit is dropped, its
    marker is taken over later) and the keys queued in it (each once)."""

    def __init__(self, workers: int = WORKERS, max_pending: int = MAX_PENDING) -> None:
        self.workers = max(1, workers)
        self.max_pending = max_pending
        self.guard = threading.Lock()
        self.pending: set[str] = set()
        self.jobs: queue.Queue[tuple[str, Callable[..., object], dict[str, Any], Engine] | None]
        self.jobs = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.done = 0
        self.failed = 0
        self.waited = 0  # polls spent waiting for an import's warm-up
        self.stopping = False

    def schedule(self, key: str, kind: str, params: dict[str, Any], bind: Engine) -> bool:
        rebuild = REBUILD.get(kind)
        if rebuild is None:
            return False
        with self.guard:
            if key in self.pending:
                return True
            if len(self.pending) >= self.max_pending:
                return False
            self.pending.add(key)
            if len(self.threads) < self.workers:
                thread = threading.Thread(target=self._loop, name="kpi-revalidate", daemon=True)
                self.threads.append(thread)
                thread.start()
        self.jobs.put((key, rebuild, dict(params), bind))
        return True

    def _loop(self) -> None:
        while (job := self.jobs.get()) is not None:
            self._run(*job)

    def _run(
        self,
        key: str,
        rebuild: Callable[[Session, dict[str, Any]], object],
        params: dict[str, Any],
        bind: Engine,
    ) -> None:
        try:
            self._wait_for_warm_up(bind)
            with Session(bind=bind, expire_on_commit=False) as session:
                rebuild(session, params)
                session.rollback()  # it only read; entries are stored on their own
            self.done += 1
        except Exception:  # best-effort: the older entry stays, a later reader queues it again
            self.failed += 1
            logger.warning("KPI cache: revalidating %s failed", key[:12], exc_info=True)
        finally:
            with self.guard:
                self.pending.discard(key)

    def _wait_for_warm_up(self, bind: Engine) -> None:
        """While an import's warm-up is under way (it computes these results grouped, far
        cheaper than key by key), wait for it — at most ``WARM_UP_WAIT_S`` — and then find
        the result current. Readers are served the older result meanwhile, as always."""
        deadline = time.monotonic() + WARM_UP_WAIT_S
        while time.monotonic() < deadline and not self.stopping:
            try:
                if not jobs.warming_elsewhere(bind):
                    return
            except Exception:  # the marker cannot be read: revalidate now
                return
            self.waited += 1
            time.sleep(WARM_UP_POLL_S)

    def idle(self) -> bool:
        with self.guard:
            return not self.pending

    def shutdown(self) -> None:
        """Drop the queued keys and stop the threads after their current job."""
        self.stopping = True
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                with self.guard:
                    self.pending.discard(job[0])
        for _ in self.threads:
            self.jobs.put(None)


_revalidator: Revalidator | None = None


def install(workers: int = WORKERS) -> Revalidator:
    """Revalidate stale entries read by readers in the background (once per process)."""
    global _revalidator
    if _revalidator is None:
        _revalidator = Revalidator(workers)
    cache.set_scheduler(_revalidator.schedule)
    return _revalidator


def uninstall() -> None:
    global _revalidator
    cache.set_scheduler(None)
    if _revalidator is not None:
        _revalidator.shutdown()
        _revalidator = None
