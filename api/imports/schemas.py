"""Response models of the import reports (the writing side is the ingest loader's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from api.timestamps import UtcDateTime


class ImportRejectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line: int
    column: str | None
    value: str | None
    reason: str


class ImportSummary(BaseModel):
    """One import (file or pull) as listed."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    source_format: str
    filename: str
    status: str
    started_at: UtcDateTime | None  # UTC, with its zone
    finished_at: UtcDateTime | None
    rows_read: int
    rows_new: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    period_start: dt.date | None
    period_end: dt.date | None
    practices: list[str] | None
    unknown_columns: list[str] | None
    message: str | None


class ImportRead(ImportSummary):
    """An import report with its rejected rows (patient values redacted)."""

    details: dict[str, Any] | None
    rejects: list[ImportRejectRead]
    rejects_total: int


class ImportList(BaseModel):
    items: list[ImportSummary]
    total: int
