"""KPI result cache, keyed on data version (see api/kpi/cache.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class KpiCacheEntry(Base):
    """The latest computed KPI response (JSON) of one request (kind + parameters).

    One row per request: ``data_version`` says which data it was computed from. An entry of an
    older version is served while the current one is computed (stale-while-revalidate) and is
    replaced by it (api/kpi/cache.py).
    """

    __tablename__ = "kpi_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class KpiCacheFlight(Base):
    """A computation in progress (single flight across worker processes): one row per cache
    key while one worker computes it; others serve the older entry or wait briefly. A row
    older than ``cache.FLIGHT_TAKEOVER_S`` belongs to a crashed worker and is taken over."""

    __tablename__ = "kpi_cache_flights"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class KpiDataVersion(Base):
    """A counter bumped by anything that changes KPI results without an import (teams, fixes).

    One row (id = 1). The loader may bump it too; a committed ImportBatch already changes the
    data version on its own.
    """

    __tablename__ = "kpi_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(Integer, default=0)
