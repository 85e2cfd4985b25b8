"""KPI result cache in the database, keyed on data version + request.

Shared by every API worker process behind one database: nothing is kept in process memory.
The *data version* is read on each request in one cheap query:

* the id and number of committed import batches (the loader commits a batch with its rows),
* the ``kpi_data_version`` counter (bumped by team changes and :func:`invalidate`),
* the highest id of every table a KPI reads (rows added without an import batch — tests,
  demo data — still change the version).

The cache holds **one entry per request** (kind + parameters, hashed into ``key``) with the
data version it was computed at. A request whose entry has the current version is a hit. When
the version has moved on (an import committed, a team changed):

* **stale-while-revalidate** — while the current result is being computed, every other
  request for it gets the older entry at once (its ``data_version`` says which version it is);
  the older entry is replaced only when the new one is stored;
* **single flight** — one computation per key at a time, across the threads of a process (a
  lock per key) and across worker processes (a row in ``kpi_cache_flights``, inserted with
  ``ON CONFLICT DO NOTHING``, visible to every worker because it is committed on its own short
  connection). A request without an older entry waits for the computing one at most
  ``FLIGHT_WAIT_S`` and then computes itself; a marker older than ``FLIGHT_TAKEOVER_S``
  belongs to a crashed worker and is taken over.

Markers and entries are written in short transactions of their own (not the request's), so
that other workers see them at once; in a session bound to one connection (tests, jobs given a
connection) they are written in a savepoint of that connection instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import (
    Contact,
    HoursWeek,
    ImportBatch,
    KpiCacheEntry,
    KpiCacheFlight,
    KpiDataVersion,
    Patient,
    Practice,
    PracticeListSize,
    Provider,
    Referral,
    Team,
)
from models.enums import ImportStatus

logger = logging.getLogger(__name__)
Cached = TypeVar("Cached", bound=BaseModel)


def data_version(session: Session) -> str:
    committed = ImportBatch.status == ImportStatus.COMMITTED.value
    parts = [
        select(func.max(ImportBatch.id)).where(committed).scalar_subquery(),
        select(func.count(ImportBatch.id)).where(committed).scalar_subquery(),
        select(func.max(KpiDataVersion.counter)).scalar_subquery(),
        *[
            select(func.max(m.id)).scalar_subquery()
            for m in (Contact, Referral, HoursWeek, PracticeListSize, Patient, Practice, Provider)
        ],
        select(func.max(Team.id)).scalar_subquery(),
    ]
    row = session.execute(select(*parts)).one()
    return ".".join(str(x or 0) for x in row)


def bump(session: Session) -> None:
    """Invalidate every cached KPI result (call after anything that changes KPI inputs)."""
    updated = session.execute(update(KpiDataVersion).values(counter=KpiDataVersion.counter + 1))
    if not updated.rowcount:  # type: ignore[attr-defined]
        session.add(KpiDataVersion(id=1, counter=1))
    session.flush()


def invalidate(session: Session) -> None:
    """Bump the version and drop every cached entry (the loader may call this after a commit)."""
    bump(session)
    session.execute(delete(KpiCacheEntry))
    session.execute(delete(KpiCacheFlight))


# Bump when the engine's definitions or response shapes change, so that entries computed by an
# older release are never served by a newer one.
ENGINE_VERSION = "2026-12-02.1"  # flows: afgerond-poh node, link shares

# How long a request without an older entry waits for another worker's computation of the
# same key before computing itself, how often it looks, and when a marker counts as abandoned.
FLIGHT_WAIT_S = float(os.environ.get("POHCONNECT_KPI_FLIGHT_WAIT_S", "3"))
FLIGHT_POLL_S = 0.05
FLIGHT_TAKEOVER_S = float(os.environ.get("POHCONNECT_KPI_FLIGHT_TAKEOVER_S", "60"))
# SQLite: how long a marker or entry write waits for the write lock (ms); a failed write only
# costs speed (the result is already computed, the marker is taken over later).
SIDE_BUSY_TIMEOUT_MS = 500

OWNER = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

_locks_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}


def cache_key(kind: str, params: dict[str, Any]) -> str:
    """The key of a request: the same for every data version (the version is a column)."""
    raw = json.dumps([ENGINE_VERSION, kind, params], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _local_lock(key: str) -> threading.Lock:
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            if len(_locks) > 50_000:  # bounded; a lock in use is kept by its holder
                _locks.clear()
            lock = _locks[key] = threading.Lock()
        return lock


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@contextmanager
def _side(session: Session) -> Iterator[Connection]:
    """A short committed transaction beside the request's (see the module docstring)."""
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        with session.begin_nested():
            yield session.connection()
        return
    with bind.connect() as conn:
        raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
        if raw is not None:  # outside any transaction, on the driver's connection
            raw.execute(f"PRAGMA busy_timeout={SIDE_BUSY_TIMEOUT_MS}")
        try:
            with conn.begin():
                yield conn
        finally:
            if raw is not None:
                from models.db import get_database_settings

                timeout = get_database_settings().db_read_busy_timeout_ms
                raw.execute(f"PRAGMA busy_timeout={int(timeout)}")


def _insert(conn: Connection | Session, table: Any) -> Any:
    dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def get(session: Session, *, key: str) -> tuple[str, str] | None:
    """The latest entry of a key as (data_version, payload), read in the request's snapshot."""
    row = session.execute(
        select(KpiCacheEntry.data_version, KpiCacheEntry.payload).where(KpiCacheEntry.key == key)
    ).first()
    return (row[0], row[1]) if row else None


def _get_fresh(session: Session, key: str) -> tuple[tuple[str, str] | None, bool]:
    """The latest entry and whether a computation is under way, as committed right now."""
    with _side(session) as conn:
        row = conn.execute(
            select(KpiCacheEntry.data_version, KpiCacheEntry.payload).where(
                KpiCacheEntry.key == key
            )
        ).first()
        flying = conn.scalar(select(KpiCacheFlight.key).where(KpiCacheFlight.key == key))
    return ((row[0], row[1]) if row else None), flying is not None


def claim(session: Session, *, key: str, version: str) -> bool:
    """Become the one computing ``key``: insert its marker, or take over an abandoned one."""
    now = _now()
    try:
        with _side(session) as conn:
            values = {"key": key, "data_version": version, "owner": OWNER, "started_at": now}
            # RETURNING rather than rowcount: psycopg reports -1 for ON CONFLICT DO NOTHING
            stmt = _insert(conn, KpiCacheFlight).values(**values).on_conflict_do_nothing()
            if conn.execute(stmt.returning(KpiCacheFlight.key)).first() is not None:
                return True
            taken = conn.execute(
                update(KpiCacheFlight)
                .where(
                    KpiCacheFlight.key == key,
                    KpiCacheFlight.started_at < now - dt.timedelta(seconds=FLIGHT_TAKEOVER_S),
                )
                .values(data_version=version, owner=OWNER, started_at=now)
                .returning(KpiCacheFlight.key)
            ).first()
            if taken is not None:
                logger.warning("KPI cache: abandoned computation of %s taken over", key[:12])
                return True
            return False
    except OperationalError as exc:
        # cannot coordinate (SQLite write lock held by an import): compute without a marker
        logger.info("KPI cache marker not written (%s)", exc.orig)
        return True


def put(
    session: Session,
    *,
    key: str,
    version: str,
    kind: str,
    payload: str,
    release: bool = False,
) -> None:
    """Store the entry of a key, replacing its older one (and drop the marker if ``release``).

    The cache is best-effort: the answer is already computed, a failed write only costs speed.
    """
    values = {
        "key": key,
        "data_version": version,
        "kind": kind,
        "payload": payload,
        "created_at": _now(),
    }
    try:
        with _side(session) as conn:
            stmt = _insert(conn, KpiCacheEntry).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[KpiCacheEntry.key],
                set_={
                    k: stmt.excluded[k] for k in ("data_version", "kind", "payload", "created_at")
                },
            )
            conn.execute(stmt)
            if release:
                conn.execute(
                    delete(KpiCacheFlight).where(
                        KpiCacheFlight.key == key, KpiCacheFlight.owner == OWNER
                    )
                )
    except OperationalError as exc:
        logger.info("KPI cache entry not stored (%s)", exc.orig)
        if release:
            _release(session, key)


def _release(session: Session, key: str) -> None:
    try:
        with _side(session) as conn:
            conn.execute(
                delete(KpiCacheFlight).where(
                    KpiCacheFlight.key == key, KpiCacheFlight.owner == OWNER
                )
            )
    except OperationalError as exc:  # taken over after FLIGHT_TAKEOVER_S
        logger.info("KPI cache marker not removed (%s)", exc.orig)


def _wait(session: Session, key: str, version: str) -> tuple[str, str] | None:
    """Wait (bounded) for another worker's computation of ``key``: its entry, or None when it
    is abandoned or takes too long."""
    deadline = time.monotonic() + FLIGHT_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(FLIGHT_POLL_S)
        entry, flying = _get_fresh(session, key)
        if entry is not None and entry[0] == version:
            return entry
        if not flying:
            return entry if entry is not None and entry[0] != version else None
    return None


def cached(
    session: Session,
    *,
    kind: str,
    params: dict[str, Any],
    model: type[Cached],
    build: Callable[[], Cached],
    version: str | None = None,
    usable: Callable[[Cached], bool] | None = None,
) -> Cached:
    """The cached response of this kind and parameters at the current data version, or an
    older one while the current one is being computed elsewhere, or ``build()`` stored with
    its ``data_version`` set. The one way results are cached.

    An older entry is served only if ``usable(entry)`` (e.g. a benchmark that has the practice
    asked for: a practice added by the import is not in the older one). A ``build()`` that
    returns a ``data_version`` other than ``version`` (a scorecard assembled
    from older benchmarks) is answered but not stored.
    """
    version = version or data_version(session)
    key = cache_key(kind, params)
    entry = get(session, key=key)
    if entry is not None and entry[0] == version:
        return model.model_validate_json(entry[1])
    stale: Cached | None = None
    if entry is not None:
        older = model.model_validate_json(entry[1])
        stale = older if usable is None or usable(older) else None

    local = _local_lock(key)
    held = local.acquire(blocking=False)
    if not held:
        # another thread of this process computes it
        if stale is not None:
            return stale
        held = local.acquire(timeout=FLIGHT_WAIT_S)
        entry, _ = _get_fresh(session, key)
        if entry is not None and entry[0] == version:
            if held:
                local.release()
            return model.model_validate_json(entry[1])
    try:
        if not claim(session, key=key, version=version):
            # another worker computes it
            if stale is not None:
                return stale
            waited = _wait(session, key, version)
            if waited is not None:
                answer = model.model_validate_json(waited[1])
                if waited[0] == version or usable is None or usable(answer):
                    return answer
            return _compute(session, key, kind, version, build, release=False)
        return _compute(session, key, kind, version, build, release=True)
    finally:
        if held:
            local.release()


def _compute(
    session: Session,
    key: str,
    kind: str,
    version: str,
    build: Callable[[], Cached],
    *,
    release: bool,
) -> Cached:
    try:
        response = build()
    except BaseException:
        if release:
            _release(session, key)
        raise
    built = getattr(response, "data_version", None)
    if built is not None and built != version:
        if release:
            _release(session, key)
        return response
    response.data_version = version  # type: ignore[attr-defined]
    put(
        session,
        key=key,
        version=version,
        kind=kind,
        payload=response.model_dump_json(),
        release=release,
    )
    return response
