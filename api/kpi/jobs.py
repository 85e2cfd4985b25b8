"""Jobs around the KPI engine that own their transaction (unlike services, which never commit).

After an import has committed, :func:`warm_after_import` computes the regional benchmarks and
practice scorecards of every quarter the import's rows touched (``ImportBatch.period_start``
… ``period_end``), for the regions of the practices it touched (``ImportBatch.practices``),
newest quarter first, and always the latest quarter of the data; then, for those quarters and
regions at once, what the dashboards and the quarterly reports read besides: the regions'
values and the quarter and month series of the regions and their practices
(api/kpi/warm.py). So what the dashboard and `pohconnect report` ask after an import comes
from the cache, and requests in the meantime get the previous results (stale-while-revalidate,
api/kpi/cache.py) instead of computing cold. Warming is idempotent: an entry that is already
current costs one primary-key lookup. It is called by `pohconnect import`/`pull`/`demo` and,
as a background task, by `POST /api/v1/imports` (docs/kpis.md, "Caching and invalidation").
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.orm import Session

from api.kpi import cache, service
from api.kpi.periods import quarter
from models import ImportBatch, KpiCacheFlight, Practice, Region
from models.db import get_engine
from models.enums import ImportStatus

logger = logging.getLogger(__name__)

# A batch spanning more quarters than this warms its newest ones only (a history import of
# many years is computed on demand for its older quarters).
MAX_QUARTERS = 12


def _session(bind: Engine | Connection | None) -> Session:
    return Session(
        bind=bind or get_engine(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def _quarters(start: dt.date, end: dt.date) -> list[str]:
    """The quarters from ``start`` to ``end``, newest first."""
    out: list[str] = []
    year, number = end.year, (end.month + 2) // 3
    while (year, number) >= (start.year, (start.month + 2) // 3):
        out.append(quarter(year, number).label)
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
    return out


def touched(
    session: Session, import_ids: Iterable[int] | None = None
) -> tuple[list[str], list[str] | None]:
    """The quarters (newest first, the data's latest quarter included) and region slugs (None:
    every region) that committed imports touched; without ids, the latest committed import."""
    committed = ImportBatch.status == ImportStatus.COMMITTED.value
    stmt = select(ImportBatch).where(committed)
    if import_ids is None:
        stmt = stmt.order_by(ImportBatch.id.desc()).limit(1)
    else:
        stmt = stmt.where(ImportBatch.id.in_(list(import_ids)))
    batches = list(session.scalars(stmt))
    quarters: set[str] = set()
    agbs: set[str] = set()
    every_region = False
    for batch in batches:
        if batch.period_start and batch.period_end:
            quarters.update(_quarters(batch.period_start, batch.period_end)[:MAX_QUARTERS])
        if batch.practices:
            agbs.update(batch.practices)
        else:
            every_region = True
    latest = service.latest_quarter(session)
    if latest is not None:
        quarters.add(latest)
    ordered = sorted(quarters, reverse=True)  # "2025Q3" sorts as a quarter
    if every_region or not agbs:
        return ordered, None
    regions = session.scalars(
        select(Region.slug).join(Practice).where(Practice.agb.in_(agbs)).distinct()
    )
    return ordered, sorted(regions)


def warm_after_import(
    import_ids: Iterable[int] | None = None, *, bind: Engine | Connection | None = None
) -> tuple[list[str], int]:
    """Warm the cache for what the imports touched; returns (quarters, entries)."""
    with _session(bind) as session:
        quarters, regions = touched(session, import_ids)
        session.rollback()  # each quarter in its own read transaction (a fresh snapshot)
        total = 0
        if not quarters:
            return quarters, total
        with warming(session):  # the servers' revalidation waits for this
            for label in quarters:
                total += service.warm_cache(session, period=label, regions=regions, views=False)
                session.commit()
            # values and series of all the quarters at once (grouped over the quarters)
            total += service.warm_views(session, quarters=quarters, regions=regions)
            session.commit()
        logger.info("KPI cache warmed for %s: %d entries", ", ".join(quarters), total)
        return quarters, total


def warm_after_import_quietly(
    import_ids: Iterable[int] | None = None, *, bind: Engine | Connection | None = None
) -> None:
    """Background-task variant: the cache is best-effort, a failure only costs speed."""
    try:
        warm_after_import(import_ids, bind=bind)
    except Exception:  # pragma: no cover - logged, never raised into the server
        logger.exception("Warming the KPI cache after an import failed")


# One warm-up at a time, on a thread of its own (see warm_after_import_later).
_WARM_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pohconnect-warm-up")


def warm_after_import_later(
    import_ids: Iterable[int], *, bind: Engine | Connection | None = None
) -> None:
    """Start :func:`warm_after_import_quietly` on the warm-up thread and return at once.

    For a request's background task: FastAPI ends the request's session (a dependency with
    yield) only after its background tasks have run, and on SQLite an upload's session holds
    the write lock until then — a warm-up run inside the task made every other writer wait for
    it, and its own cache writes waited for the lock until they timed out. One bound to a
    connection (the tests' session) runs at once instead: a connection is not shared between
    threads."""
    if isinstance(bind, Connection):
        warm_after_import_quietly(import_ids, bind=bind)
        return
    _WARM_POOL.submit(warm_after_import_quietly, list(import_ids), bind=bind)


def warm_latest_quarter(*, bind: Engine | Connection | None = None) -> tuple[str | None, int]:
    """Warm the cache for the quarter of the latest contact; returns (quarter, entries)."""
    with _session(bind) as session:
        q = service.latest_quarter(session)
        if q is None:
            return None, 0
        n = service.warm_cache(session, period=q)
        session.commit()
        logger.info("KPI cache warmed for %s: %d entries", q, n)
        return q, n


def warm_latest_quarter_quietly(*, bind: Engine | Connection | None = None) -> None:
    """Background-task variant of :func:`warm_latest_quarter`."""
    try:
        warm_latest_quarter(bind=bind)
    except Exception:  # pragma: no cover - logged, never raised into the server
        logger.exception("Warming the KPI cache after an import failed")


# -- the warm-up's marker ------------------------------------------------------------------

WARMING_PREFIX = "warm-up:"
# a warm-up marker older than this belongs to an import that died: ignored
WARMING_STALE_S = float(os.environ.get("POHCONNECT_KPI_WARMING_STALE_S", "900"))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)  # as kpi_cache_flights stores it


@contextmanager
def _committed(session: Session) -> Iterator[Connection | Session]:
    """A short transaction of its own, committed at once (on one connection: a savepoint)."""
    bind = session.get_bind()
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
    else:
        with session.begin_nested():
            yield session


@contextmanager
def warming(session: Session) -> Iterator[None]:
    """Mark a warm-up (after an import) as under way while the block runs: a row in
    ``kpi_cache_flights`` under a key of its own, so that the servers' background revalidation
    (api/kpi/revalidate.py) waits for the warm-up instead of computing the same results a
    second time, key by key, beside it. Best-effort: a marker that cannot be written only
    costs that sharing."""
    key = f"{WARMING_PREFIX}{uuid.uuid4().hex}"
    owner = f"warm-up {os.getpid()}"
    try:
        with _committed(session) as conn:
            conn.execute(
                insert(KpiCacheFlight).values(
                    key=key, data_version="", owner=owner, started_at=_utcnow()
                )
            )
    except Exception:
        logger.warning("KPI cache: could not mark the warm-up", exc_info=True)
        key = ""
    try:
        yield
    finally:
        if key:
            try:
                with _committed(session) as conn:
                    conn.execute(delete(KpiCacheFlight).where(KpiCacheFlight.key == key))
            except Exception:  # left behind: ignored after WARMING_STALE_S
                logger.warning("KPI cache: could not unmark the warm-up", exc_info=True)


def warming_elsewhere(bind: Engine) -> bool:
    """Whether an import's warm-up is under way (a fresh marker of :func:`warming`)."""
    since = _utcnow() - dt.timedelta(seconds=WARMING_STALE_S)
    with bind.connect() as conn:
        found = conn.execute(
            select(KpiCacheFlight.key)
            .where(KpiCacheFlight.key.like(WARMING_PREFIX + "%"))
            .where(KpiCacheFlight.started_at > since)
            .limit(1)
        ).first()
        conn.rollback()
    return found is not None


# -- a worker's first requests ---------------------------------------------------------------


def prepare_process(*, bind: Engine | None = None) -> None:
    """Do once, before a server process takes requests, what its first requests would each do
    for the first time: import the modules of the KPI path, compile its SQL statements, read
    the data version's region table. One answer of each kind (scorecard, benchmark, value,
    series) for the first practice and the latest quarter, as a caller without a scope of
    their own, read like an API request (an older result is served, never computed here).
    Without it the first half second of a burst of traffic took 200+ ms per request and
    filled the admission queue (docs/benchmarks.md). Best-effort: a failure is logged."""
    from api.kpi.scope import CallerScope, ScopeRef

    token = cache.READER.set(True)
    try:
        with _session(bind) as session:
            period = service.latest_quarter(session)
            first = session.execute(
                select(Practice.agb, Region.slug)
                .join(Region, Region.id == Practice.region_id)
                .order_by(Practice.agb)
                .limit(1)
            ).first()
            if period is None or first is None:
                return
            agb, region = first
            caller = CallerScope()
            scope = ScopeRef("practice", agb)
            service.get_scorecard(session, agb=agb, period=period, caller=caller)
            service.get_benchmark(
                session, slug="poh_contacts", region=region, period=period, caller=caller
            )
            service.get_values(
                session, slug="poh_patients", scope=scope, period=period, caller=caller
            )
            service.get_series(
                session, slug="poh_contacts", scope=scope, start=period, end=period, caller=caller
            )
            session.rollback()
    except Exception:
        logger.warning(
            "Preparing the server process failed (only its first requests are slower)",
            exc_info=True,
        )
    finally:
        cache.READER.reset(token)
