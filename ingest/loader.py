"""The entry points of an import, and the one commit per file.

A file is parsed (``registry`` and ``adapters/``), validated (``validate``: rows → valid rows +
rejects) and handed to the writer of its kind (``writers``), which pseudonymises, looks up ids
and upserts by natural key in bulk (``bulk``, ``keys``) through the session's own connection.
A row whose content hash is unchanged is not written, so re-importing a file changes nothing.
The loader commits once per file, with the file's ImportBatch and import report (``report``);
when a file fails everything is rolled back and a failed ImportBatch is recorded on its own.
This module is the only one in ingest that commits; the FHIR pull (``pull``) writes through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ingest.adapters.base import ParseOptions
from ingest.bulk import WriteContext, bulk_cache
from ingest.contract import KIND_ORDER
from ingest.errors import ImportInterrupted, IngestError
from ingest.mapping import Mapping, load_mapping
from ingest.registry import parse
from ingest.report import (
    ImportListener,
    ImportReport,
    Progress,
    Written,
    batch_details,
    fill_batch,
    no_progress,
    reject_rows,
    summarise,
)
from ingest.settings import get_ingest_settings
from ingest.sqlite_bulk import remove_stale_scratch
from ingest.validate import validate
from ingest.writers import WRITERS
from models import ImportBatch, ImportReject
from models.enums import ImportStatus

__all__ = [
    "ImportReport",
    "load_bytes",
    "load_file",
    "load_paths",
    "ordered_paths",
    "record_failure",
    "record_without_rows",
]


def load_file(
    session: Session,
    path: str | Path,
    *,
    kind: str | None = None,
    mapping: Mapping | str | Path | None = None,
    source_name: str | None = None,
    progress: Progress | None = None,
    sheet: str | None = None,
) -> ImportReport:
    """Import one file and commit; raises IngestError (with ``.report``) when refused."""
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"Bestand {path} bestaat niet of is geen bestand.")
    return load_bytes(
        session,
        path.read_bytes(),  # not kept here: load_bytes frees it after parsing
        filename=source_name or path.name,
        kind=kind,
        mapping=mapping,
        progress=progress,
        sheet=sheet,
    )


def load_paths(
    session: Session,
    paths: Iterable[str | Path],
    *,
    kind: str | None = None,
    mapping: Mapping | str | Path | None = None,
    progress: Progress | ImportListener | bool | None = None,
    stop_on_error: bool = True,
) -> list[ImportReport]:
    """Import several files in dependency order: praktijken → contacten → verwijzingen → uren
    (recognised from each header). A refused file raises unless ``stop_on_error`` is off, in
    which case its failed report is in the list and the next file goes on.

    ``progress``: a callback ``(stage, fraction)`` for every file, an
    :class:`~ingest.report.ImportListener`, or True for the console's (progress bars and the
    summary table)."""
    mapping = load_mapping(mapping) if isinstance(mapping, str | Path) else mapping
    ordered = ordered_paths(paths, kind=kind, mapping=mapping)
    if progress is True:
        from ingest.console import ConsoleListener  # drawing is the console's job

        progress = ConsoleListener()
    if not isinstance(progress, ImportListener):
        return _load_each(
            session,
            ordered,
            kind=kind,
            mapping=mapping,
            progress=progress or None,
            stop_on_error=stop_on_error,
        )
    reports: list[ImportReport] = []
    progress.run_started()
    try:
        for path in ordered:
            reports += _load_each(
                session,
                [path],
                kind=kind,
                mapping=mapping,
                progress=progress.file_started(path.name),
                stop_on_error=stop_on_error,
            )
    finally:
        progress.run_finished(reports)
    return reports


def _load_each(
    session: Session,
    paths: list[Path],
    *,
    kind: str | None,
    mapping: Mapping | None,
    progress: Progress | None,
    stop_on_error: bool,
) -> list[ImportReport]:
    reports = []
    for path in paths:
        try:
            reports.append(load_file(session, path, kind=kind, mapping=mapping, progress=progress))
        except IngestError as exc:
            if stop_on_error or exc.report is None:
                raise
            reports.append(exc.report)
    return reports


def ordered_paths(
    paths: Iterable[str | Path], *, kind: str | None = None, mapping: Mapping | None = None
) -> list[Path]:
    """Files in import order: praktijken, contacten, verwijzingen, uren (from their headers);
    files whose kind cannot be recognised last, where their import will explain why."""
    return sorted((Path(p) for p in paths), key=lambda p: (_kind_rank(p, kind, mapping), str(p)))


def _kind_rank(path: Path, kind: str | None, mapping: Mapping | None) -> int:
    if kind or mapping:
        return KIND_ORDER.index(kind or mapping.soort)  # type: ignore[union-attr]
    try:
        tables = parse(_head(path), filename=path.name)
        return min(KIND_ORDER.index(t.kind) for t in tables)
    except Exception:  # whatever is wrong with the file, its own import will say it
        return len(KIND_ORDER)


def _head(path: Path) -> bytes:
    """Enough of a file to recognise its kind (whole file for XLSX/JSON, a few lines for CSV)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
        if head.startswith(b"PK") or head.lstrip().startswith(b"{"):
            return head + fh.read()
    lines = head.split(b"\n")
    return b"\n".join(lines[: min(len(lines) - 1, 20)] or lines) + b"\n"


def load_bytes(
    session: Session,
    data: bytes,
    *,
    filename: str,
    kind: str | None = None,
    mapping: Mapping | str | Path | None = None,
    progress: Progress | None = None,
    sheet: str | None = None,
    user_id: int | None = None,
    before_commit: Callable[[Session, ImportBatch], None] | None = None,
) -> ImportReport:
    """Import the contents of one file; see :func:`load_file`. ``before_commit`` runs inside
    the file's transaction once everything is written (e.g. to move a pull bookmark)."""
    settings = get_ingest_settings()
    key = settings.pseudonym_key_bytes()  # refuses to run without a key (outside demo mode)
    remove_stale_scratch()  # what imports killed hard (kill -9) left in the temp directory
    started = time.perf_counter()
    sha = hashlib.sha256(data).hexdigest()
    report = ImportReport(
        filename=filename, kind=kind or "onbekend", source_format="onbekend", status="running"
    )
    step = progress or no_progress
    try:
        if isinstance(mapping, str | Path):
            mapping = load_mapping(mapping)
        step("inlezen", 0.0)
        tables = parse(
            data,
            filename=filename,
            kind=kind,
            mapping=mapping,
            options=ParseOptions(
                kind=kind,
                sheet=sheet,
                max_unpacked_bytes=settings.xlsx_max_unpacked_mb * 1024 * 1024,
                max_ratio=settings.xlsx_max_ratio,
            ),
        )
        del data  # the parsed frames are all that is needed from here on
        report.source_format = tables[0].source_format
        report.kind = tables[0].kind if len(tables) == 1 else "gemengd"
        report.unknown_columns = list(dict.fromkeys(c for t in tables for c in t.unknown_columns))
        step("controleren", 0.1)
        validated = [validate(t) for t in tables]
        del tables
        batch = ImportBatch(
            kind=report.kind,
            source_format=report.source_format,
            filename=filename[:500],
            file_sha256=sha,
            status=ImportStatus.RUNNING.value,
            user_id=user_id,
        )
        session.add(batch)
        session.flush()
        ctx = WriteContext(
            session=session,
            conn=session.connection(),
            batch_id=batch.id,
            key=key,
            progress=step,
        )
        written: list[Written] = []
        with bulk_cache(ctx):
            while validated:  # popped, so that each table's frames are freed once written
                table = validated.pop(0)
                written.append(WRITERS[table.kind](ctx, table))
                del table
        summarise(report, written)
        report.import_id = batch.id
        rejects = reject_rows(batch.id, written)
        if rejects:
            ctx.conn.execute(insert(ImportReject), rejects)
        fill_batch(batch, report, status=ImportStatus.COMMITTED.value)
        batch.details = batch_details(report, written)
        report.status = ImportStatus.COMMITTED.value
        report.seconds = round(time.perf_counter() - started, 3)
        batch.finished_at = dt.datetime.now(dt.UTC)
        if before_commit is not None:
            before_commit(session, batch)
        session.commit()
        step("klaar", 1.0)
        return report
    except IngestError as exc:
        session.rollback()
        report.message = exc.message
        exc.report = record_failure(session, report, sha=sha, user_id=user_id)
        raise
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM as ImportInterrupted
        session.rollback()
        how = exc.signal_name if isinstance(exc, ImportInterrupted) else "Ctrl-C"
        report.message = f"Import onderbroken ({how}): niets van dit bestand is opgeslagen."
        record_failure(session, report, sha=sha, user_id=user_id)
        raise
    except BaseException as exc:
        session.rollback()
        report.message = f"Import afgebroken door een interne fout ({type(exc).__name__}): {exc}"
        record_failure(session, report, sha=sha, user_id=user_id)
        raise


def record_failure(
    session: Session, report: ImportReport, *, sha: str, user_id: int | None
) -> ImportReport:
    """After the rollback: a failed ImportBatch with the message, in a transaction of its own."""
    report.status = ImportStatus.FAILED.value
    report.rows_new = report.rows_updated = report.rows_unchanged = 0
    try:
        batch = ImportBatch(
            kind=report.kind[:16],
            source_format=report.source_format[:16],
            filename=report.filename[:500],
            file_sha256=sha,
            status=ImportStatus.FAILED.value,
            message=report.message,
            unknown_columns=report.unknown_columns or None,
            finished_at=dt.datetime.now(dt.UTC),
            user_id=user_id,
        )
        session.add(batch)
        session.commit()
        report.import_id = batch.id
    except Exception:  # the database itself is gone: the caller still gets the message
        session.rollback()
    return report


def record_without_rows(
    session: Session,
    *,
    filename: str,
    kind: str,
    source_format: str,
    message: str,
    before_commit: Callable[[Session, ImportBatch], None] | None = None,
) -> ImportReport:
    """A committed import that brought no rows (a pull with nothing new), in a transaction of
    its own; ``before_commit`` as for :func:`load_bytes`."""
    batch = ImportBatch(
        kind=kind,
        source_format=source_format,
        filename=filename,
        status=ImportStatus.COMMITTED.value,
        finished_at=dt.datetime.now(dt.UTC),
        message=message,
    )
    session.add(batch)
    session.flush()
    if before_commit is not None:
        before_commit(session, batch)
    session.commit()
    return ImportReport(
        import_id=batch.id,
        filename=filename,
        kind=kind,
        source_format=source_format,
        status=ImportStatus.COMMITTED.value,
        message=batch.message,
    )
