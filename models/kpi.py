"""KPI result cache, keyed on data version (see api/kpi/cache.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class KpiCacheEntry(Base):
    """A computed KPI response (JSON), valid only for the data version it was computed at."""

    __tablename__ = "kpi_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class KpiDataVersion(Base):
    """A counter bumped by anything that changes KPI results without an import (teams, fixes).

    One row (id = 1). The loader may bump it too; a committed ImportBatch already changes the
    data version on its own.
    """

    __tablename__ = "kpi_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(Integer, default=0)
