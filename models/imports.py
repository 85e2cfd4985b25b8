"""Import batches (one per file or pull), their rejected rows, and pull bookmarks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, IdMixin


class ImportBatch(IdMixin, Base):
    """The import report of one file: what was read, what changed, what was rejected."""

    __tablename__ = "import_batches"

    kind: Mapped[str] = mapped_column(String(16))
    source_format: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    practices: Mapped[list[str] | None] = mapped_column(JSON)
    unknown_columns: Mapped[list[str] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    rejects: Mapped[list[ImportReject]] = relationship(
        back_populates="batch", order_by="ImportReject.line", cascade="all, delete-orphan"
    )


class ImportReject(IdMixin, Base):
    """A row that failed validation, kept with where and why (patient values redacted)."""

    __tablename__ = "import_rejects"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)

    batch: Mapped[ImportBatch] = relationship(back_populates="rejects")


class PullState(IdMixin, Base):
    """Bookmark of an incremental pull (e.g. a FHIR base URL): the last successful pull."""

    __tablename__ = "pull_states"

    source: Mapped[str] = mapped_column(String(500), unique=True)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
