"""Import batches for the API: read services. Never commits.

Writing is the ingest loader's job (ingest.loader.load_bytes); these only read.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import NotFound
from api.imports.schemas import ImportList, ImportRead, ImportRejectRead, ImportSummary
from ingest.pseudonym import is_bsn
from ingest.validate import REDACTED
from models import ImportBatch, ImportReject


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
        rejects=[_masked(ImportRejectRead.model_validate(r)) for r in rejects],
        rejects_total=total or 0,
    )


def _masked(reject: ImportRejectRead) -> ImportRejectRead:
    """A BSN-like value (nine digits passing the 11-proef) is masked in any column: the loader
    redacts patient columns, this also covers a BSN typed into another field."""
    value = (reject.value or "").strip()
    if len(value) == 9 and is_bsn(value):  # not 8 digits: an AGB code may pass the 11-proef
        return reject.model_copy(update={"value": REDACTED})
    return reject
