"""Imports: upload an export file, list imports, one import with its rejects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, FastAPI, File, Form, Path, Query, UploadFile, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from api import audit
from api.access import PrincipalDep
from api.deps import SessionDep
from api.errors import Invalid, NotFound, PayloadTooLarge, problem_responses
from api.handlers import problem_response
from api.imports import service
from api.imports.schemas import ImportList, ImportRead
from api.kpi import jobs
from ingest.contract import SPECS
from ingest.errors import IngestError
from ingest.settings import get_ingest_settings, require_pseudonym_key
from models import ImportBatch
from models.db import read_bind

_CHUNK = 1 << 20
# Ids are INTEGER columns: 32-bit in PostgreSQL (a larger value is "integer out of range"
# there), so an id beyond that cannot exist; pagination stops well before any overflow.
MAX_ID = 2**31 - 1
MAX_OFFSET = 1_000_000_000


@asynccontextmanager
async def _require_key(_app: FastAPI) -> AsyncIterator[None]:
    # Startup refuses a missing pseudonymisation key (except in demo mode).
    require_pseudonym_key()
    yield


router = APIRouter(prefix="/api/v1", tags=["imports"], lifespan=_require_key)


def _too_large(limit: int) -> str:
    return (
        f"Bestand is groter dan {limit // (1024 * 1024)} MB; splits de export of "
        "importeer hem met `pohconnect import` op de server."
    )


class UploadSizeLimit:
    """ASGI middleware: refuse an import upload by its Content-Length before the body is
    read or spooled to disk (413, problem+json). Uploads without a length are counted while
    they are read, in the handler."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].rstrip("/") == "/api/v1/imports"
        ):
            limit = get_ingest_settings().max_upload_mb * 1024 * 1024
            length = dict(scope["headers"]).get(b"content-length", b"")
            # The multipart envelope around the file is allowed one extra chunk.
            if length.isdigit() and int(length) > limit + _CHUNK:
                response = problem_response(PayloadTooLarge(_too_large(limit)).problem())
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _read_limited(upload: UploadFile, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := upload.file.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(_too_large(limit))
        parts.append(chunk)
    return b"".join(parts)


# A plain (sync) handler: FastAPI runs it in the thread pool, so a long import does not
# block the event loop.
@router.post(
    "/imports",
    response_model=ImportRead,
    status_code=status.HTTP_201_CREATED,
    summary="Upload an export file (CSV, XLSX or FHIR JSON) and import it",
    responses=problem_responses(Invalid, PayloadTooLarge),
)
def create_import(
    session: SessionDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File(description="Exportbestand")],
    kind: Annotated[
        str | None, Form(description="praktijken, contacten, verwijzingen of uren")
    ] = None,
    sheet: Annotated[str | None, Form(description="Werkblad van een XLSX")] = None,
    mapping: Annotated[UploadFile | None, File(description="Toewijzingsbestand (TOML)")] = None,
) -> ImportRead | JSONResponse:
    from ingest.loader import load_bytes
    from ingest.mapping import parse_mapping

    limit = get_ingest_settings().max_upload_mb * 1024 * 1024
    if kind is not None and kind not in SPECS:
        raise Invalid(f"Onbekende soort '{kind}'; kies uit: {', '.join(SPECS)}.")
    data = _read_limited(file, limit)

    def audited(_session: Session, batch: ImportBatch) -> None:  # in the import's transaction
        audit.record(
            session,
            action=audit.Action.IMPORT,
            actor=principal.actor,
            resource=f"import:{batch.id}",
            detail={"filename": file.filename, "kind": kind},
        )

    try:
        loaded_mapping = (
            parse_mapping(mapping.file.read().decode("utf-8"), name=mapping.filename or "")
            if mapping is not None
            else None
        )
        report = load_bytes(
            session,
            data,
            filename=file.filename or "upload",
            kind=kind,
            mapping=loaded_mapping,
            sheet=sheet,
            user_id=principal.user_id,
            before_commit=audited,
        )
    except IngestError as exc:
        import_id = exc.report.import_id if exc.report is not None else None
        audit.record(
            session,
            action=audit.Action.IMPORT,
            actor=principal.actor,
            outcome="failure",
            resource=f"import:{import_id}",
            detail={"filename": file.filename, "kind": kind, "message": exc.message[:300]},
        )
        # Answered, not raised: the session dependency then commits the audit event, which is
        # kept despite the 422 like the loader's own failed-import record.
        return problem_response(Invalid(exc.message, errors=[{"import_id": import_id}]).problem())
    assert report.import_id is not None
    # on the read engine (the request's write bind would hold SQLite's write lock: read_bind),
    # on the warm-up's own thread (this request's session ends only after its background tasks)
    bind = read_bind(session.get_bind())
    background.add_task(jobs.warm_after_import_later, [report.import_id], bind=bind)
    return service.get_import(session, import_id=report.import_id)


@router.get("/imports", response_model=ImportList, summary="Imports, newest first")
def list_imports(
    session: SessionDep,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ImportList:
    return service.list_imports(session, status=status_filter, limit=limit, offset=offset)


@router.get(
    "/imports/{import_id}",
    response_model=ImportRead,
    summary="One import report with its rejected rows",
    responses=problem_responses(NotFound),
)
def get_import(
    session: SessionDep,
    import_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    reject_limit: Annotated[int, Query(ge=0, le=10_000)] = 1000,
) -> ImportRead:
    return service.get_import(session, import_id=import_id, reject_limit=reject_limit)
