"""The only code that writes imported rows: one transaction per file, an import report each.

A file is parsed (adapter), validated (rows → valid rows + rejects), pseudonymised (unique
patient numbers only) and upserted by natural key in bulk through the session's own
connection. Rows of practices the table holds nothing of yet are appended straight to it
(multi-row INSERTs on SQLite, see ingest.sqlite_bulk; COPY on PostgreSQL); others go
through a temp table, one UPDATE of changed rows and one INSERT … SELECT of new ones. A row
whose content hash is unchanged is not written, so re-importing a file changes nothing. The
loader commits once per file; when a file fails everything is rolled back and a failed
ImportBatch is recorded on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import polars as pl
from pydantic import BaseModel
from sqlalchemy import Connection, Table, UniqueConstraint, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from ingest import sqlite_bulk
from ingest.adapters.base import LINE, ParseOptions
from ingest.contract import KIND_ORDER
from ingest.errors import IngestError
from ingest.keys import natural_key
from ingest.keys import row_hash as keys_row_hash
from ingest.mapping import Mapping, load_mapping
from ingest.pseudonym import pseudonyms_of
from ingest.pull import PullConfig, fetch
from ingest.registry import parse
from ingest.settings import get_ingest_settings
from ingest.validate import ValidatedTable, validate
from models import (
    Base,
    Contact,
    HoursWeek,
    ImportBatch,
    ImportReject,
    Patient,
    Practice,
    PracticeListSize,
    Provider,
    PullState,
    Referral,
    Region,
)
from models.enums import ImportKind, ImportStatus

Progress = Callable[[str, float], None]

CHUNK_ROWS = 50_000
SQLITE_CACHE_KIB = 64 * 1024
# Page cache while SQLite builds indexes with sorter threads (see _sqlite_sort_threads).
SQLITE_SORT_CACHE_KIB = 4 * 1024
# Rebuild secondary indexes instead of maintaining them when a file of at least this many rows
# goes into a table holding fewer than half as many (first loads).
BULK_REBUILD_MIN_ROWS = 100_000
MAX_STORED_REJECTS = 10_000
REPORT_REJECTS = 50
UNKNOWN_PRACTICE = "praktijk met deze AGB-code is onbekend: importeer eerst het praktijkenbestand"


class RejectRead(BaseModel):
    line: int
    column: str | None
    value: str | None
    reason: str


class ImportReport(BaseModel):
    """What one file did: counts, period covered, practices seen, ignored columns, rejects."""

    import_id: int | None = None
    filename: str
    kind: str
    source_format: str
    status: str
    rows_read: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    practices: list[str] = []
    unknown_columns: list[str] = []
    reject_reasons: dict[str, int] = {}
    rejects: list[RejectRead] = []  # the first few; all (up to a cap) are stored
    message: str | None = None
    seconds: float = 0.0


# --------------------------------------------------------------------------------- entry points


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
    progress: Progress | bool | None = None,
    stop_on_error: bool = True,
) -> list[ImportReport]:
    """Import several files in dependency order: praktijken → contacten → verwijzingen → uren
    (recognised from each header). A refused file raises unless ``stop_on_error`` is off, in
    which case its failed report is in the list and the next file goes on.

    ``progress``: a callback ``(stage, fraction)``, or True for progress bars and the summary
    table on the console."""
    mapping = load_mapping(mapping) if isinstance(mapping, str | Path) else mapping
    ordered = ordered_paths(paths, kind=kind, mapping=mapping)
    if progress is not True:
        return _load_each(
            session,
            ordered,
            kind=kind,
            mapping=mapping,
            progress=progress or None,
            stop_on_error=stop_on_error,
        )
    from rich.console import Console

    from ingest.console import print_details, progress_bars, summary_table

    console = Console(highlight=False)
    reports: list[ImportReport] = []
    try:
        with progress_bars(console) as start:
            for path in ordered:
                reports += _load_each(
                    session,
                    [path],
                    kind=kind,
                    mapping=mapping,
                    progress=start(path.name),
                    stop_on_error=stop_on_error,
                )
    finally:
        console.print(summary_table(reports))
        print_details(console, reports)
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
    except (IngestError, OSError, ValueError, pl.exceptions.PolarsError):
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
    started = time.perf_counter()
    sha = hashlib.sha256(data).hexdigest()
    report = ImportReport(
        filename=filename, kind=kind or "onbekend", source_format="onbekend", status="running"
    )
    step = progress or (lambda _stage, _fraction: None)
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
        ctx = _Context(
            session=session,
            conn=session.connection(),
            batch_id=batch.id,
            key=key,
            progress=step,
        )
        written: list[_Written] = []
        with _bulk_cache(ctx):
            while validated:  # popped, so that each table's frames are freed once written
                table = validated.pop(0)
                written.append(_WRITERS[table.kind](ctx, table))
                del table
        _finish(report, written)
        report.import_id = batch.id
        _store_rejects(ctx, written)
        _fill_batch(batch, report, status=ImportStatus.COMMITTED.value)
        batch.details = {
            "reject_reasons": report.reject_reasons,
            "per_kind": {
                w.kind: {
                    "read": w.read,
                    "new": w.new,
                    "updated": w.updated,
                    "unchanged": w.unchanged,
                    "rejected": w.rejected,
                }
                for w in written
            },
            "rejects_stored": min(sum(w.rejects.height for w in written), MAX_STORED_REJECTS),
        }
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
        exc.report = _record_failure(session, report, sha=sha, user_id=user_id)
        raise
    except BaseException as exc:
        session.rollback()
        report.message = f"Import afgebroken door een interne fout ({type(exc).__name__}): {exc}"
        _record_failure(session, report, sha=sha, user_id=user_id)
        raise


def _record_failure(
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


def pull_fhir(
    session: Session,
    *,
    config: PullConfig,
    full: bool = False,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Progress | None = None,
) -> ImportReport:
    """Fetch Encounters and ServiceRequests changed since the last successful pull of this
    base URL (everything when ``full``), load them as one file, and move the bookmark in the
    same transaction. A failed pull leaves the bookmark where it was."""
    key_check = get_ingest_settings()
    key_check.pseudonym_key_bytes()
    source = config.base_url.rstrip("/")
    state = session.scalar(select(PullState).where(PullState.source == source))
    since = None if full or state is None else state.last_success_at
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC
    started = dt.datetime.now(dt.UTC)
    filename = f"FHIR-pull {source}"[:500]
    step = progress or (lambda _stage, _fraction: None)
    try:
        result = fetch(
            config,
            since=since,
            client=client,
            sleep=sleep,
            on_page=lambda n: step(f"ophalen, pagina {n}", 0.05),
        )
    except IngestError as exc:
        report = ImportReport(
            filename=filename,
            kind="gemengd",
            source_format="fhir",
            status="running",
            message=exc.message,
        )
        exc.report = _record_failure(session, report, sha="", user_id=None)
        raise
    pull_details = {
        "pages": result.pages,
        "retries": result.retries,
        "resources": len(result.entries),
        "since": since.isoformat() if since else None,
    }

    def bookmark(session: Session, batch: ImportBatch) -> None:
        batch.details = {**(batch.details or {}), "pull": pull_details}
        current = session.scalar(select(PullState).where(PullState.source == source))
        if current is None:
            current = PullState(source=source)
            session.add(current)
        current.last_success_at = started
        current.last_import_id = batch.id

    kinds = {e["resource"].get("resourceType") for e in result.entries}
    if not kinds & {"Encounter", "ServiceRequest"}:  # nothing changed since the last pull
        batch = ImportBatch(
            kind="gemengd",
            source_format="fhir",
            filename=filename,
            status=ImportStatus.COMMITTED.value,
            finished_at=dt.datetime.now(dt.UTC),
            message="Geen nieuwe of gewijzigde gegevens.",
        )
        session.add(batch)
        session.flush()
        bookmark(session, batch)
        session.commit()
        return ImportReport(
            import_id=batch.id,
            filename=filename,
            kind="gemengd",
            source_format="fhir",
            status="committed",
            message=batch.message,
        )
    entries = [{k: v for k, v in e.items() if v is not None} for e in result.entries]
    data = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()
    del result
    return load_bytes(session, data, filename=filename, progress=progress, before_commit=bookmark)


# ----------------------------------------------------------------------------- the report


@dataclass
class _Written:
    kind: str
    read: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: pl.DataFrame = field(default_factory=pl.DataFrame)
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    practices: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.rejects.get_column("line").n_unique() if self.rejects.height else 0


def _finish(report: ImportReport, written: list[_Written]) -> None:
    report.rows_read = sum(w.read for w in written)
    report.rows_new = sum(w.new for w in written)
    report.rows_updated = sum(w.updated for w in written)
    report.rows_unchanged = sum(w.unchanged for w in written)
    report.rows_rejected = sum(w.rejected for w in written)
    starts = [w.period[0] for w in written if w.period[0]]
    ends = [w.period[1] for w in written if w.period[1]]
    report.period_start = min(starts) if starts else None
    report.period_end = max(ends) if ends else None
    report.practices = sorted({p for w in written for p in w.practices})
    reasons: Counter[str] = Counter()
    firsts: list[RejectRead] = []
    for w in written:
        if w.rejects.height:
            reasons.update(dict(w.rejects.group_by("reason").len().iter_rows()))
            head = w.rejects.head(REPORT_REJECTS)
            firsts += [RejectRead(**r) for r in head.iter_rows(named=True)]
    report.reject_reasons = dict(reasons.most_common())
    report.rejects = sorted(firsts, key=lambda r: r.line)[:REPORT_REJECTS]


def _fill_batch(batch: ImportBatch, report: ImportReport, *, status: str) -> None:
    batch.status = status
    batch.rows_read = report.rows_read
    batch.rows_new = report.rows_new
    batch.rows_updated = report.rows_updated
    batch.rows_unchanged = report.rows_unchanged
    batch.rows_rejected = report.rows_rejected
    batch.period_start = report.period_start
    batch.period_end = report.period_end
    batch.practices = report.practices
    batch.unknown_columns = report.unknown_columns
    batch.message = report.message


def _store_rejects(ctx: _Context, written: list[_Written]) -> None:
    frames = [w.rejects for w in written if w.rejects.height]
    if not frames:
        return
    rejects = pl.concat(frames).head(MAX_STORED_REJECTS)
    rows = [
        {"import_id": ctx.batch_id, **r}
        for r in rejects.select("line", "column", "value", "reason").iter_rows(named=True)
    ]
    ctx.conn.execute(insert(ImportReject), rows)


# ------------------------------------------------------------------------------- bulk writes


@dataclass
class _Context:
    session: Session
    conn: Connection
    batch_id: int
    key: bytes
    progress: Progress

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name


def _q(name: str) -> str:
    return f'"{name}"'


def _distinct(ctx: _Context, a: str, b: str) -> str:
    return f"{a} IS NOT {b}" if ctx.dialect == "sqlite" else f"{a} IS DISTINCT FROM {b}"


def bulk_upsert(
    ctx: _Context,
    table: str,
    frame: pl.DataFrame,
    *,
    conflict: Sequence[str],
    update: dict[str, str] | None = None,
    when: str | None = None,
) -> None:
    """INSERT the frame's rows into ``table``; on a conflict of ``conflict`` set ``update``
    (column → SQL expression over ``excluded``) where ``when`` holds, else do nothing."""
    if frame.height == 0 or _append_if_fresh(ctx, Base.metadata.tables[table], frame, conflict):
        return
    collist = ", ".join(_q(c) for c in frame.columns)
    target = ", ".join(_q(c) for c in conflict)
    if update:
        sets = ", ".join(f"{_q(c)} = {expr}" for c, expr in update.items())
        action = f"DO UPDATE SET {sets}" + (f" WHERE {when}" if when else "")
    else:
        action = "DO NOTHING"
    stage_table = _stage_rows(ctx, table, frame)
    ctx.conn.exec_driver_sql(
        f"INSERT INTO {table} ({collist}) SELECT {collist} FROM {stage_table} "
        f"WHERE true ON CONFLICT ({target}) {action}"
    )
    ctx.conn.exec_driver_sql(f"DROP TABLE {stage_table}")


def _stage_rows(
    ctx: _Context,
    table: str,
    frame: pl.DataFrame,
    *,
    stage: str = "",
    fraction: tuple[float, float] | None = None,
) -> str:
    """Put the rows in an index-free temp table shaped like ``table``; one statement then
    moves them on (on SQLite about three times faster than writing them one by one into
    the indexed table)."""
    cols = frame.columns
    collist = ", ".join(_q(c) for c in cols)
    stage_table = f"_stage_{table}"
    ctx.conn.exec_driver_sql(
        f"CREATE TEMP TABLE {stage_table} AS SELECT {collist} FROM {table} WHERE 1 = 0"
    )
    _write_rows(ctx, stage_table, frame, stage=stage, fraction=fraction)
    return stage_table


def _write_rows(
    ctx: _Context,
    table: str,
    frame: pl.DataFrame,
    *,
    stage: str = "",
    fraction: tuple[float, float] | None = None,
) -> None:
    """Append the frame's rows to ``table`` in chunks: see ingest.sqlite_bulk for SQLite,
    ``COPY`` on PostgreSQL."""
    lo, hi = fraction or (0.0, 0.0)
    total = max(frame.height, 1)
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        if fraction:
            ctx.progress(stage, lo + (hi - lo) * done / total)

    driver = ctx.conn.connection.driver_connection
    if ctx.dialect == "sqlite":
        sqlite_bulk.append(driver, ctx.conn.connection.info, table, frame, advance)  # type: ignore[arg-type]
        return
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        collist = ", ".join(_q(c) for c in frame.columns)
        with cursor.copy(f"COPY {table} ({collist}) FROM STDIN (FORMAT csv)") as copy:
            for chunk in frame.iter_slices(CHUNK_ROWS):
                copy.write(chunk.write_csv(include_header=False, null_value=""))
                advance(chunk.height)
    finally:
        cursor.close()


@contextmanager
def _bulk_cache(ctx: _Context) -> Iterator[None]:
    """On SQLite, a larger page cache while a file is written (index inserts stay in memory)."""
    if ctx.dialect != "sqlite":
        yield
        return
    previous = ctx.conn.exec_driver_sql("PRAGMA cache_size").scalar()
    ctx.conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        ctx.conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def _any_existing(ctx: _Context, table: Table, column: str, values: list[Any]) -> bool:
    """Whether any row of ``table`` has one of ``values`` in ``column``."""
    col = table.c[column]
    for start in range(0, len(values), 10_000):
        chunk = values[start : start + 10_000]
        if ctx.conn.execute(select(col).where(col.in_(chunk)).limit(1)).first() is not None:
            return True
    return False


def _rebuild(ctx: _Context, table: Table, frame: pl.DataFrame) -> bool:
    """A large load into a table that is small next to it: rebuild the secondary indexes
    (and on PostgreSQL the constraints) afterwards instead of maintaining them per row."""
    if frame.height < BULK_REBUILD_MIN_ROWS:
        return False
    count = ctx.conn.execute(select(func.count()).select_from(table)).scalar_one()
    return 2 * count < frame.height


def _append_if_fresh(
    ctx: _Context,
    table: Table,
    frame: pl.DataFrame,
    conflict: Sequence[str],
    *,
    stage: str = "",
    fraction: tuple[float, float] | None = None,
) -> bool:
    """When no stored row shares a value of the key's leading column with the frame (a
    first import of these practices), nothing can conflict: the rows, unique by key, are
    appended straight to the table, with no staging, ON CONFLICT, UPDATE or anti-join per
    row. Returns whether it did so."""
    if ctx.dialect == "postgresql":
        # One import at a time per table: the check below must not race another import.
        ctx.conn.exec_driver_sql(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE")
    first = conflict[0]
    if _any_existing(ctx, table, first, frame.get_column(first).unique().to_list()):
        return False
    with _constraints_dropped(ctx, table, active=_rebuild(ctx, table, frame), unique=True):
        _write_rows(ctx, table.name, frame, stage=stage, fraction=fraction)
    return True


def _upsert_counted(
    ctx: _Context,
    model: Any,
    frame: pl.DataFrame,
    *,
    conflict: Sequence[str],
    stage: str,
    fraction: tuple[float, float],
) -> tuple[int, int, int]:
    """Upsert rows that carry row_hash and import_id by their natural key; returns
    (new, updated, unchanged). Changed rows are updated, new rows inserted, rows with the
    same hash left alone. The rows are in natural-key order, so they reach the unique
    index in order."""
    if frame.height == 0:
        return 0, 0, 0
    table = model.__table__
    if _append_if_fresh(ctx, table, frame, conflict, stage=stage, fraction=fraction):
        return frame.height, 0, 0
    lo, hi = fraction
    mid = lo + (hi - lo) * 0.4
    stage_table = _stage_rows(ctx, table.name, frame, stage=stage, fraction=(lo, mid))
    on = " AND ".join(f"t.{_q(c)} = s.{_q(c)}" for c in conflict)
    payload = [c for c in frame.columns if c not in conflict]
    sets = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in payload)
    updated = ctx.conn.exec_driver_sql(
        f"UPDATE {table.name} AS t SET {sets} FROM {stage_table} AS s "
        f"WHERE {on} AND {_distinct(ctx, 't.row_hash', 's.row_hash')}"
    ).rowcount
    ctx.progress(stage, lo + (hi - lo) * 0.5)
    collist = ", ".join(_q(c) for c in frame.columns)
    with _constraints_dropped(ctx, table, active=_rebuild(ctx, table, frame), unique=False):
        new = ctx.conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({collist}) SELECT {collist} FROM {stage_table} AS s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} AS t WHERE {on})"
        ).rowcount
    ctx.conn.exec_driver_sql(f"DROP TABLE {stage_table}")
    ctx.progress(stage, hi)
    return new, updated, frame.height - new - updated


@contextmanager
def _sqlite_sort_threads(ctx: _Context) -> Iterator[None]:
    """On SQLite, CREATE INDEX with two sorter threads and a small page cache: the sort
    then spills into runs that helper threads sort and merge on the second core (1,000,000
    contacts: the three indexes in about 3.0 s instead of 4.2 s). PostgreSQL builds its
    indexes in parallel by itself."""
    if ctx.dialect != "sqlite":
        yield
        return
    threads = ctx.conn.exec_driver_sql("PRAGMA threads").scalar()
    cache = ctx.conn.exec_driver_sql("PRAGMA cache_size").scalar()
    ctx.conn.exec_driver_sql("PRAGMA threads = 2")
    ctx.conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_SORT_CACHE_KIB}")
    try:
        yield
    finally:
        ctx.conn.exec_driver_sql(f"PRAGMA threads = {int(threads or 0)}")
        ctx.conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000)}")


@contextmanager
def _constraints_dropped(
    ctx: _Context, table: Table, *, active: bool, unique: bool
) -> Iterator[None]:
    """Drop the table's non-unique indexes for the block and build them again after it,
    inside the same transaction. On PostgreSQL also its foreign keys (a re-added foreign
    key is checked in one pass over the table instead of by a trigger per inserted row)
    and, with ``unique``, its unique constraints (built by one sort instead of a million
    index inserts; only where nothing can conflict). SQLite cannot drop those."""
    if not active:
        yield
        return
    indexes = [ix for ix in table.indexes if not ix.unique]
    constraints: list[Any] = []
    if ctx.dialect == "postgresql":
        constraints = list(table.foreign_key_constraints)
        if unique:
            constraints += [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    for constraint in constraints:
        ctx.conn.execute(DropConstraint(constraint))
    for ix in indexes:
        ix.drop(ctx.conn)
    yield
    with _sqlite_sort_threads(ctx):
        for ix in indexes:
            ix.create(ctx.conn)
    for constraint in reversed(constraints):
        ctx.conn.execute(AddConstraint(constraint))


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _practice_ids(ctx: _Context, agbs: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in _chunks(agbs):
        found.update(
            ctx.conn.execute(select(Practice.agb, Practice.id).where(Practice.agb.in_(part))).all()
        )
    return found


def _with_practices(ctx: _Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Add practice_id (a column lookup, no copy of the frame); rows of unknown practices
    become rejects."""
    agb = frame.get_column("praktijk_agb")
    ids = _practice_ids(ctx, agb.unique().to_list())
    frame = frame.with_columns(
        agb.replace_strict(ids, default=None, return_dtype=pl.Int64).alias("practice_id")
    )
    unknown = frame.filter(pl.col("practice_id").is_null()).select(
        pl.col(LINE).alias("line"),
        pl.lit("praktijk_agb").alias("column"),
        pl.col("praktijk_agb").alias("value"),
        pl.lit(UNKNOWN_PRACTICE).alias("reason"),
    )
    if unknown.height:
        frame = frame.filter(pl.col("practice_id").is_not_null())
    return frame, unknown


def _with_pseudonyms(ctx: _Context, frame: pl.DataFrame) -> pl.DataFrame:
    """Replace patientnummer by its keyed pseudonym, hashing each distinct number once."""
    message = frame.select(
        pl.concat_str([pl.col("praktijk_agb"), pl.lit(":"), pl.col("patientnummer")])
    ).to_series()
    distinct = message.unique().to_list()
    mapping = dict(zip(distinct, pseudonyms_of(ctx.key, distinct), strict=True))
    return frame.with_columns(
        message.replace_strict(mapping, return_dtype=pl.String).alias("pseudonym")
    ).drop("patientnummer")


def _patient_ids(ctx: _Context, frame: pl.DataFrame, *, with_details: bool) -> pl.DataFrame:
    """Upsert the file's patients; add patient_id."""
    if with_details:
        patients = frame.group_by("practice_id", "pseudonym").agg(
            pl.col("birth_year").drop_nulls().last().alias("birth_year"),
            pl.col("sex").drop_nulls().last().alias("sex"),
        )
        bulk_upsert(
            ctx,
            "patients",
            patients,
            conflict=["practice_id", "pseudonym"],
            update={
                "birth_year": "coalesce(excluded.birth_year, patients.birth_year)",
                "sex": "coalesce(excluded.sex, patients.sex)",
            },
            when=" OR ".join(
                [
                    "(excluded.birth_year IS NOT NULL AND "
                    + _distinct(ctx, "patients.birth_year", "excluded.birth_year")
                    + ")",
                    "(excluded.sex IS NOT NULL AND "
                    + _distinct(ctx, "patients.sex", "excluded.sex")
                    + ")",
                ]
            ),
        )
    else:
        patients = frame.select("practice_id", "pseudonym").unique()
        bulk_upsert(ctx, "patients", patients, conflict=["practice_id", "pseudonym"])
    practice_ids = frame.get_column("practice_id").unique().to_list()
    # A pseudonym is keyed on the practice's AGB too, so it names one patient on its own.
    ids: dict[str, int] = {}
    for part in _chunks(practice_ids):
        ids.update(
            (pseudonym, pid)
            for pid, pseudonym in ctx.conn.execute(
                select(Patient.id, Patient.pseudonym).where(Patient.practice_id.in_(part))
            )
        )
    return frame.with_columns(
        pl.col("pseudonym")
        .replace_strict(ids, default=None, return_dtype=pl.Int64)
        .alias("patient_id")
    ).filter(pl.col("patient_id").is_not_null())


def _provider_ids(ctx: _Context, codes: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for part in _chunks(codes):
        ids.update(
            ctx.conn.execute(
                select(Provider.code, Provider.id).where(Provider.code.in_(part))
            ).all()
        )
    return ids


def _link_providers(ctx: _Context, frame: pl.DataFrame) -> None:
    links = frame.select("provider_id", "practice_id").unique()
    bulk_upsert(ctx, "provider_practices", links, conflict=["provider_id", "practice_id"])


def _period(col: pl.Series) -> tuple[dt.date | None, dt.date | None]:
    return (col.min(), col.max()) if col.len() else (None, None)  # type: ignore[return-value]


# ------------------------------------------------------------------------------ per kind


def _write_contacten(ctx: _Context, v: ValidatedTable) -> _Written:
    frame, unknown = _with_practices(ctx, v.frame)
    kind, read, rejects = v.kind, v.rows_read, _all_rejects(v.rejects, unknown)
    del v
    ctx.progress("opslaan", 0.2)
    frame = _with_pseudonyms(ctx, frame)
    providers = (
        frame.group_by("zorgverlener_code", maintain_order=True)
        .agg(
            pl.col("zorgverlener_naam").drop_nulls().first().alias("name"),
            pl.col("functie").first(),
        )
        .rename({"zorgverlener_code": "code"})
    )
    bulk_upsert(
        ctx,
        "providers",
        providers,
        conflict=["code"],
        update={"name": "coalesce(excluded.name, providers.name)", "functie": "excluded.functie"},
        when=_distinct(ctx, "providers.functie", "excluded.functie")
        + " OR (excluded.name IS NOT NULL AND "
        + _distinct(ctx, "providers.name", "excluded.name")
        + ")",
    )
    provider_ids = _provider_ids(ctx, providers.get_column("code").to_list())
    frame = frame.with_columns(
        pl.col("zorgverlener_code")
        .replace_strict(provider_ids, default=None, return_dtype=pl.Int64)
        .alias("provider_id")
    )
    _link_providers(ctx, frame)
    frame = _patient_ids(ctx, frame, with_details=True)
    ctx.progress("opslaan", 0.3)
    natural, row_hash = natural_key(kind), keys_row_hash(kind)
    ctx.progress("opslaan", 0.4)
    rows = frame.select(
        "practice_id",
        "patient_id",
        "provider_id",
        pl.col("datum").alias("date"),
        pl.col("tijd").alias("time"),
        "functie",
        "contactvorm",
        pl.col("verrichtingcode"),
        pl.col("duur_minuten").alias("duration_min"),
        "icpc",
        pl.col("episode_id").alias("source_episode_id"),
        pl.col("contact_id").alias("source_id"),
        natural.alias("natural_key"),
        row_hash.alias("row_hash"),
        pl.lit(ctx.batch_id, dtype=pl.Int64).alias("import_id"),
    ).sort("practice_id", "natural_key")
    period = _period(frame.get_column("datum"))
    practices = frame.get_column("praktijk_agb").unique().sort().to_list()
    del frame
    return _store_keyed(ctx, Contact, rows, kind, read, rejects, period, practices)


def _store_keyed(
    ctx: _Context,
    model: Any,
    rows: pl.DataFrame,
    kind: str,
    read: int,
    rejects: pl.DataFrame,
    period: tuple[dt.date | None, dt.date | None],
    practices: list[str],
) -> _Written:
    """Upsert rows keyed by (practice_id, natural_key) and report what they did."""
    new, updated, unchanged = _upsert_counted(
        ctx,
        model,
        rows,
        conflict=["practice_id", "natural_key"],
        stage="opslaan",
        fraction=(0.4, 0.95),
    )
    return _Written(
        kind=kind,
        read=read,
        new=new,
        updated=updated,
        unchanged=unchanged,
        rejects=rejects,
        period=period,
        practices=practices,
    )


def _all_rejects(rejects: pl.DataFrame, *extra: pl.DataFrame) -> pl.DataFrame:
    frames = [f for f in (rejects, *extra) if f.height]
    if not frames:
        return rejects
    return pl.concat(frames, how="vertical").sort("line", maintain_order=True)


def _write_verwijzingen(ctx: _Context, v: ValidatedTable) -> _Written:
    frame, unknown = _with_practices(ctx, v.frame)
    kind, read, rejects = v.kind, v.rows_read, _all_rejects(v.rejects, unknown)
    del v
    frame = _with_pseudonyms(ctx, frame)
    frame = _patient_ids(ctx, frame, with_details=False)
    codes = frame.get_column("verwijzer_code").drop_nulls().unique().to_list()
    referrers = _provider_ids(ctx, codes)
    frame = frame.with_columns(
        pl.col("verwijzer_code")
        .replace_strict(referrers, default=None, return_dtype=pl.Int64)
        .alias("referrer_provider_id")
    )
    natural, row_hash = natural_key(kind), keys_row_hash(kind)
    rows = frame.select(
        "practice_id",
        "patient_id",
        pl.col("datum").alias("date"),
        "referrer_provider_id",
        pl.col("verwijzer_functie").alias("referrer_functie"),
        "destination",
        "destination_code",
        "echelon",
        pl.col("instelling").alias("institution"),
        "icpc",
        pl.col("verwijzing_id").alias("source_id"),
        natural.alias("natural_key"),
        row_hash.alias("row_hash"),
        pl.lit(ctx.batch_id, dtype=pl.Int64).alias("import_id"),
    ).sort("practice_id", "natural_key")
    period = _period(frame.get_column("datum"))
    practices = frame.get_column("praktijk_agb").unique().sort().to_list()
    del frame
    return _store_keyed(ctx, Referral, rows, kind, read, rejects, period, practices)


def _write_uren(ctx: _Context, v: ValidatedTable) -> _Written:
    frame, unknown = _with_practices(ctx, v.frame)
    codes = frame.get_column("zorgverlener_code").unique().to_list()
    # Hours are kept per POH: a provider first seen here is a POH-GGZ until contacts say more.
    bulk_upsert(
        ctx,
        "providers",
        pl.DataFrame(
            {"code": codes, "functie": ["poh-ggz"] * len(codes)},
            schema={"code": pl.String, "functie": pl.String},
        ),
        conflict=["code"],
    )
    provider_ids = _provider_ids(ctx, codes)
    frame = frame.with_columns(
        pl.col("zorgverlener_code")
        .replace_strict(provider_ids, default=None, return_dtype=pl.Int64)
        .alias("provider_id")
    )
    _link_providers(ctx, frame)
    rows = frame.select(
        "provider_id",
        "practice_id",
        "week_start",
        pl.col("uren_contract_f").alias("hours_contract"),
        pl.col("uren_gewerkt_f").alias("hours_worked"),
        pl.col("uren_direct_f").alias("hours_direct"),
        pl.col("uren_indirect_f").alias("hours_indirect"),
    )
    rows = rows.with_columns(
        keys_row_hash(v.kind).alias("row_hash"),
        pl.lit(ctx.batch_id, dtype=pl.Int64).alias("import_id"),
    )
    new, updated, unchanged = _upsert_counted(
        ctx,
        HoursWeek,
        rows,
        conflict=["provider_id", "practice_id", "week_start"],
        stage="opslaan",
        fraction=(0.4, 0.95),
    )
    weeks = frame.get_column("week_start")
    return _Written(
        kind=v.kind,
        read=v.rows_read,
        new=new,
        updated=updated,
        unchanged=unchanged,
        rejects=_all_rejects(v.rejects, unknown),
        period=(weeks.min(), weeks.max() + dt.timedelta(days=6)) if weeks.len() else (None, None),  # type: ignore[operator]
        practices=frame.get_column("praktijk_agb").unique().sort().to_list(),
    )


def region_slug(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:64] or "regio"


def _write_praktijken(ctx: _Context, v: ValidatedTable) -> _Written:
    """Small table: regions, practices and list sizes row by row (Core statements)."""
    frame = v.frame.sort(LINE)
    conn = ctx.conn
    regions = dict(conn.execute(select(Region.slug, Region.id)).all())
    for name in frame.get_column("regio").unique(maintain_order=True).to_list():
        slug = region_slug(name)
        if slug not in regions:
            regions[slug] = conn.execute(
                insert(Region).values(slug=slug, name=name).returning(Region.id)
            ).scalar_one()
    agbs = frame.get_column("praktijk_agb").unique().to_list()
    practices = {
        p.agb: p
        for part in _chunks(agbs)
        for p in conn.execute(
            select(Practice.agb, Practice.id, Practice.name, Practice.region_id).where(
                Practice.agb.in_(part)
            )
        )
    }
    # The latest row of a practice names it (highest peildatum, then last line).
    latest = frame.sort("peildatum", LINE).unique("praktijk_agb", keep="last")
    changed_practice: set[str] = set()
    ids: dict[str, int] = {}
    for agb, name, regio in latest.select("praktijk_agb", "praktijk_naam", "regio").iter_rows():
        region_id = regions[region_slug(regio)]
        current = practices.get(agb)
        if current is None:
            ids[agb] = conn.execute(
                insert(Practice)
                .values(agb=agb, name=name, region_id=region_id)
                .returning(Practice.id)
            ).scalar_one()
            continue
        ids[agb] = current.id
        if (current.name, current.region_id) != (name, region_id):
            conn.execute(
                Practice.__table__.update()
                .where(Practice.id == current.id)
                .values(name=name, region_id=region_id)
            )
            changed_practice.add(agb)
    existing = {
        (pid, peil): (lid, listed)
        for part in _chunks(list(ids.values()))
        for lid, pid, peil, listed in conn.execute(
            select(
                PracticeListSize.id,
                PracticeListSize.practice_id,
                PracticeListSize.peildatum,
                PracticeListSize.listed,
            ).where(PracticeListSize.practice_id.in_(part))
        )
    }
    new = updated = unchanged = 0
    first_row_of: set[str] = set()
    for agb, peildatum, listed in frame.select("praktijk_agb", "peildatum", "listed").iter_rows():
        pid = ids[agb]
        practice_changed = agb in changed_practice and agb not in first_row_of
        first_row_of.add(agb)
        found = existing.get((pid, peildatum))
        if found is None:
            conn.execute(
                insert(PracticeListSize).values(
                    practice_id=pid, peildatum=peildatum, listed=listed, import_id=ctx.batch_id
                )
            )
            new += 1
        elif found[1] != listed:
            conn.execute(
                PracticeListSize.__table__.update()
                .where(PracticeListSize.id == found[0])
                .values(listed=listed, import_id=ctx.batch_id)
            )
            updated += 1
        elif practice_changed:
            updated += 1
        else:
            unchanged += 1
    return _Written(
        kind=v.kind,
        read=v.rows_read,
        new=new,
        updated=updated,
        unchanged=unchanged,
        rejects=v.rejects,
        period=_period(frame.get_column("peildatum")),
        practices=sorted(ids),
    )


_WRITERS: dict[str, Callable[[_Context, ValidatedTable], _Written]] = {
    ImportKind.PRAKTIJKEN.value: _write_praktijken,
    ImportKind.CONTACTEN.value: _write_contacten,
    ImportKind.VERWIJZINGEN.value: _write_verwijzingen,
    ImportKind.UREN.value: _write_uren,
}
