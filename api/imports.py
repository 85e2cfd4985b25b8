"""Import batches for the API: schemas (ImportRead, ImportList) and read services.

Writing is the ingest loader's job (ingest.loader.load_bytes); these only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import NotFound
from models import ImportBatch, ImportReject


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
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
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

    @field_validator("started_at", "finished_at")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        """Timestamps are stored in UTC; SQLite hands them back without a zone."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class ImportRead(ImportSummary):
    """An import report with its rejected rows (patient values redacted)."""

    details: dict[str, Any] | None
    rejects: list[ImportRejectRead]
    rejects_total: int


class ImportList(BaseModel):
    items: list[ImportSummary]
    total: int


def list_imports(
    session: Session, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> ImportList:
    stmt = select(ImportBatch)
    count = select(func.count()).select_from(ImportBatch)
    if status is not None:
        stmt = stmt.where(ImportBatch.status == status)
        count = count.where(ImportBatch.status == status)
    rows = session.scalars(stmt.order_by(ImportBatch.id.desc()).limit(limit).offset(offset)).all()
    return ImportList(
        items=[ImportSummary.model_validate(r) for r in rows],
        total=session.scalar(count) or 0,
    )


def get_import(session: Session, *, import_id: int, reject_limit: int = 1000) -> ImportRead:
    batch = session.get(ImportBatch, import_id)
    if batch is None:
        raise NotFound(f"Import {import_id} bestaat niet.")
    rejects = session.scalars(
        select(ImportReject)
        .where(ImportReject.import_id == import_id)
        .order_by(ImportReject.line, ImportReject.id)
        .limit(reject_limit)
    ).all()
    total = session.scalar(
        select(func.count()).select_from(ImportReject).where(ImportReject.import_id == import_id)
    )
    summary = ImportSummary.model_validate(batch)
    return ImportRead(
        **summary.model_dump(),
        details=batch.details,
        rejects=[ImportRejectRead.model_validate(r) for r in rejects],
        rejects_total=total or 0,
    )
