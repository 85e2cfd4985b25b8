"""KPI result cache in the database, keyed on data version + request.

Shared by every API worker process behind one database: nothing is kept in process memory.
The *data version* is read on each request in one cheap query:

* the id and number of committed import batches (the loader commits a batch with its rows),
* the ``kpi_data_version`` counter (bumped by team changes and :func:`invalidate`),
* the highest id of every table a KPI reads (rows added without an import batch — tests,
  demo data — still change the version).

A cached entry is used only when its version equals the current one; entries of older versions
are deleted the next time something is stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import (
    Contact,
    HoursWeek,
    ImportBatch,
    KpiCacheEntry,
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


# Bump when the engine's definitions or response shapes change, so that entries computed by an
# older release are never served by a newer one.
ENGINE_VERSION = "2026-11-22.3"


def cache_key(version: str, kind: str, params: dict[str, Any]) -> str:
    raw = json.dumps([ENGINE_VERSION, version, kind, params], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def get(session: Session, *, key: str) -> str | None:
    return session.scalar(select(KpiCacheEntry.payload).where(KpiCacheEntry.key == key))


def put(session: Session, *, key: str, version: str, kind: str, payload: str) -> None:
    """Store an entry; a concurrent insert of the same key by another worker is harmless."""
    dialect = session.get_bind().dialect.name
    values = {"key": key, "data_version": version, "kind": kind, "payload": payload}
    if dialect == "postgresql":
        stmt = postgresql.insert(KpiCacheEntry).values(**values).on_conflict_do_nothing()
    else:
        stmt = sqlite.insert(KpiCacheEntry).values(**values).on_conflict_do_nothing()
    # "<" or ">" rather than "!=" so that both databases can use the index on data_version;
    # SKIP LOCKED (PostgreSQL) so that concurrent workers never wait for, or deadlock on, each
    # other's clean-up. A batch at a time: old entries disappear over the next few stores.
    stale = (KpiCacheEntry.data_version < version) | (KpiCacheEntry.data_version > version)
    doomed = select(KpiCacheEntry.key).where(stale).limit(200).with_for_update(skip_locked=True)
    # The cache is best-effort: the answer is already computed. On SQLite a request whose read
    # snapshot predates another worker's commit cannot write (SQLITE_BUSY, no waiting helps);
    # the savepoint keeps the request's transaction usable and the next request stores it.
    try:
        with session.begin_nested():
            session.execute(delete(KpiCacheEntry).where(KpiCacheEntry.key.in_(doomed)))
            session.execute(stmt)
    except OperationalError as exc:
        logger.info("KPI cache entry not stored (%s)", exc.orig)


def cached(
    session: Session,
    *,
    kind: str,
    params: dict[str, Any],
    model: type[Cached],
    build: Callable[[], Cached],
    version: str | None = None,
) -> Cached:
    """The cached response of this kind and parameters at the current data version, or
    ``build()`` stored with its ``data_version`` set. The one way results are cached."""
    version = version or data_version(session)
    key = cache_key(version, kind, params)
    hit = get(session, key=key)
    if hit is not None:
        return model.model_validate_json(hit)
    response = build()
    response.data_version = version  # type: ignore[attr-defined]
    put(session, key=key, version=version, kind=kind, payload=response.model_dump_json())
    return response
