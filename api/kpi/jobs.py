"""Jobs around the KPI engine that own their transaction (unlike services, which never commit).

After an import has committed, :func:`warm_latest_quarter` computes the latest quarter's
regional benchmarks and practice scorecards, so that the dashboard's first pages come from the
cache (docs/kpis.md, "Caching and invalidation"). It is called by `pohconnect import`/`pull`/
`demo` and, as a background task, by `POST /api/v1/imports`.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from api.kpi import service
from models.db import get_engine

logger = logging.getLogger(__name__)


def warm_latest_quarter(*, bind: Engine | Connection | None = None) -> tuple[str | None, int]:
    """Warm the cache for the quarter of the latest contact; returns (quarter, entries)."""
    with Session(
        bind=bind or get_engine(), join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        q = service.latest_quarter(session)
        if q is None:
            return None, 0
        n = service.warm_cache(session, period=q)
        session.commit()
        logger.info("KPI cache warmed for %s: %d entries", q, n)
        return q, n


def warm_latest_quarter_quietly(*, bind: Engine | Connection | None = None) -> None:
    """Background-task variant: the cache is best-effort, a failure only costs speed."""
    try:
        warm_latest_quarter(bind=bind)
    except Exception:  # pragma: no cover - logged, never raised into the server
        logger.exception("Warming the KPI cache after an import failed")
