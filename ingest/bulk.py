"""Dialect bulk writes for the loader's writers: upserts and appends of whole frames.

Rows of practices a table holds nothing of yet are appended straight to it (multi-row
INSERTs on SQLite, see ingest.sqlite_bulk; COPY on PostgreSQL); others go through an
index-free temp table, one UPDATE of changed rows and one INSERT … SELECT of new ones. A large
first load rebuilds the secondary indexes (and on PostgreSQL the constraints) once, after it,
instead of maintaining them row by row. Everything runs on the import's own connection, inside
its transaction: nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, UniqueConstraint, func, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from ingest import sqlite_bulk
from ingest.report import Progress
from models import Base

CHUNK_ROWS = 50_000
SQLITE_CACHE_KIB = 64 * 1024
# Page cache while SQLite builds indexes with sorter threads (see _sqlite_sort_threads).
SQLITE_SORT_CACHE_KIB = 4 * 1024
# Rebuild secondary indexes instead of maintaining them when a file of at least this many rows
# goes into a table holding fewer than half as many (first loads).
BULK_REBUILD_MIN_ROWS = 100_000


@dataclass
class WriteContext:
    """One file's write: its session and connection, batch, pseudonym key and progress."""

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


def distinct(ctx: WriteContext, a: str, b: str) -> str:
    return f"{a} IS NOT {b}" if ctx.dialect == "sqlite" else f"{a} IS DISTINCT FROM {b}"


def bulk_upsert(
    ctx: WriteContext,
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
    ctx: WriteContext,
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
    ctx: WriteContext,
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
def bulk_cache(ctx: WriteContext) -> Iterator[None]:
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


def _any_existing(ctx: WriteContext, table: Table, column: str, values: list[Any]) -> bool:
    """Whether any row of ``table`` has one of ``values`` in ``column``."""
    col = table.c[column]
    for start in range(0, len(values), 10_000):
        chunk = values[start : start + 10_000]
        if ctx.conn.execute(select(col).where(col.in_(chunk)).limit(1)).first() is not None:
            return True
    return False


def _rebuild(ctx: WriteContext, table: Table, frame: pl.DataFrame) -> bool:
    """A large load into a table that is small next to it: rebuild the secondary indexes
    (and on PostgreSQL the constraints) afterwards instead of maintaining them per row."""
    if frame.height < BULK_REBUILD_MIN_ROWS:
        return False
    count = ctx.conn.execute(select(func.count()).select_from(table)).scalar_one()
    return 2 * count < frame.height


def _append_if_fresh(
    ctx: WriteContext,
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


def upsert_counted(
    ctx: WriteContext,
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
        f"WHERE {on} AND {distinct(ctx, 't.row_hash', 's.row_hash')}"
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
def _sqlite_sort_threads(ctx: WriteContext) -> Iterator[None]:
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
    ctx: WriteContext, table: Table, *, active: bool, unique: bool
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


def chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
