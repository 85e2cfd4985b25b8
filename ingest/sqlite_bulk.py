"""Bulk appends on SQLite, for the loader.

Python's sqlite3 binds every value from a Python object while holding the GIL; the
statement itself runs without it. Two things make a million rows cheap:

- multi-row ``INSERT … VALUES (…), (…), …`` statements (one step per few hundred rows),
  fed from one flat list per chunk that is filled column by column;
- for a large append, a pipeline over two cores: a helper thread writes the rows, part by
  part, into scratch database files with its own connection (binding, GIL held), while the
  import's connection copies each finished part into the table with one
  ``INSERT … SELECT`` (no GIL). The parts are ATTACHed inside the import's transaction, so
  the file still goes in whole or not at all; SQLite cannot DETACH inside a transaction, so
  they are detached and deleted when the connection goes back to the pool.

The scratch directory (``pohconnect-import-…`` in the system's temporary directory) holds
a lock file its process keeps locked (flock) while it exists. A process killed hard leaves
its directory behind; :func:`remove_stale_scratch`, run at the start of every import, removes
the directories whose lock nobody holds any more.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import os
import queue
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import event
from sqlalchemy.pool import Pool

CHUNK_ROWS = 50_000
# Rows per multi-row INSERT (fewer if the bound-parameter limit says so).
ROWS_PER_INSERT = 200
# An append of at least this many rows goes through the scratch-file pipeline.
PIPELINE_MIN_ROWS = 200_000
# Parts per pipelined append; SQLite allows 10 attached databases per connection.
PIPELINE_MAX_PARTS = 8
_ATTACHED = "pohconnect_scratch"  # key in the pool record's info: [(alias, directory)]
_LOCKS = "pohconnect_scratch_locks"  # key in the pool record's info: [lock file descriptor]
SCRATCH_PREFIX = "pohconnect-import-"
LOCK_FILE = "owner.lock"
# A directory without a (written) lock file is only taken for stale after this long: its
# owner may be creating it right now (or it was left by a version without lock files).
STARTING_GRACE_S = 60.0
# Test hook: the path of a file to write (the scratch directory) before pausing in the write
# phase until a signal ends the import (tests/ingest/test_crash_cleanup.py).
PAUSE_ENV = "POHCONNECT_TEST_PAUSE_IN_WRITE"

try:
    import fcntl
except ImportError:  # not POSIX: no locks, and no clean-up of others' directories
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


def _q(name: str) -> str:
    return f'"{name}"'


def ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates and times as SQLAlchemy's SQLite storage formats."""
    conversions = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            conversions.append(pl.col(name).cast(pl.String))
        elif dtype == pl.Time:
            conversions.append(pl.col(name).cast(pl.String) + ".000000")
    return frame.with_columns(conversions) if conversions else frame


def columns(frame: pl.DataFrame) -> tuple[list[str], dict[str, int]]:
    """The columns an INSERT binds per row, and those it writes as literals. A column that
    is NULL in every row is left out (it stays NULL) and an integer column with one value
    in every row is written as a literal: neither is turned into a million Python objects
    and bound one by one. A frame with nothing varying binds every column."""
    bound: list[str] = []
    literal: dict[str, int] = {}
    for name in frame.columns:
        col = frame.get_column(name)
        if frame.height and col.null_count() == frame.height:
            continue
        if frame.height and col.dtype.is_integer() and col.null_count() == 0:
            low, high = col.min(), col.max()
            if low == high:
                literal[name] = int(low)  # type: ignore[arg-type]
                continue
        bound.append(name)
    if not bound:  # an INSERT needs at least one bound value per row
        return list(frame.columns), {}
    return bound, literal


def insert_rows(
    cursor: sqlite3.Cursor,
    table: str,
    frame: pl.DataFrame,
    advance: Callable[[int], None],
    *,
    plan: tuple[list[str], dict[str, int]] | None = None,
) -> None:
    """Append the frame's rows to ``table`` with multi-row INSERTs of up to ROWS_PER_INSERT
    rows each. The values of a chunk go into one flat list, column by column through slice
    assignment."""
    bound, literal = plan or columns(frame)
    names = ", ".join(_q(c) for c in [*bound, *literal])
    row = "(" + ", ".join(["?"] * len(bound) + [str(v) for v in literal.values()]) + ")"
    width = len(bound)
    limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_INSERT, limit // width))

    def statement(rows: int) -> str:
        return f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row] * rows)

    many = statement(per)
    step = per * width
    for raw in frame.select(bound).iter_slices(CHUNK_ROWS):
        chunk = ready(raw)
        values: list[Any] = [None] * (chunk.height * width)
        for j, name in enumerate(bound):
            values[j::width] = chunk.get_column(name).to_list()
        whole = chunk.height // per * step
        cursor.executemany(many, (values[i : i + step] for i in range(0, whole, step)))
        if whole < len(values):
            cursor.execute(statement((len(values) - whole) // width), values[whole:])
        advance(chunk.height)


def append(
    connection: sqlite3.Connection,
    info: dict[str, Any],
    table: str,
    frame: pl.DataFrame,
    advance: Callable[[int], None],
) -> None:
    """Append the frame's rows to ``table`` on ``connection`` (inside its transaction);
    ``info`` is the pool record's info dict of that connection. Large appends use the
    scratch-file pipeline when the connection has attach slots left, others
    :func:`insert_rows`."""
    attached = [alias for alias, _directory in info.get(_ATTACHED, []) if alias]
    slots = connection.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) - len(attached) - 1
    parts = min(PIPELINE_MAX_PARTS, slots, math.ceil(frame.height / CHUNK_ROWS))
    cursor = connection.cursor()
    try:
        if frame.height < PIPELINE_MIN_ROWS or parts < 2:
            insert_rows(cursor, table, frame, advance)
        else:
            _pipelined(cursor, info, table, frame, advance, parts)
    finally:
        cursor.close()


def _pipelined(
    cursor: sqlite3.Cursor,
    info: dict[str, Any],
    table: str,
    frame: pl.DataFrame,
    advance: Callable[[int], None],
    parts: int,
) -> None:
    bound, literal = columns(frame)
    directory, lock = new_scratch_dir()
    attached: list[tuple[str, Path]] = info.setdefault(_ATTACHED, [])
    attached.append(("", directory))  # the directory goes even if nothing gets attached
    info.setdefault(_LOCKS, []).append(lock)
    done: queue.Queue[tuple[Path, int] | BaseException | None] = queue.Queue()
    stop = threading.Event()
    # The first part is one chunk, so that the import's connection starts copying soon;
    # the rest is shared out evenly.
    rest = math.ceil((frame.height - CHUNK_ROWS) / (parts - 1))
    bounds = [0, CHUNK_ROWS, *range(CHUNK_ROWS + rest, frame.height, rest), frame.height]

    def write_parts() -> None:
        try:
            columns_only = frame.select(bound)
            for k, (start, end) in enumerate(itertools.pairwise(bounds)):
                part = columns_only.slice(start, end - start)
                if stop.is_set():
                    return
                path = directory / f"part{k}.sqlite3"
                scratch = sqlite3.connect(path, isolation_level=None)
                try:
                    scratch.execute("PRAGMA journal_mode = OFF")
                    scratch.execute("PRAGMA synchronous = OFF")
                    scratch.execute(f"CREATE TABLE s ({', '.join(_q(c) for c in bound)})")
                    scratch.execute("BEGIN")
                    insert_rows(scratch.cursor(), "s", part, lambda _n: None, plan=(bound, {}))
                    scratch.execute("COMMIT")
                finally:
                    scratch.close()
                done.put((path, part.height))
            done.put(None)
        except BaseException as exc:  # handed to the importing thread, which raises it
            done.put(exc)

    writer = threading.Thread(target=write_parts, name="pohconnect-import-writer", daemon=True)
    writer.start()
    names = ", ".join(_q(c) for c in [*bound, *literal])
    values = ", ".join([_q(c) for c in bound] + [str(v) for v in literal.values()])
    try:
        while (item := done.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            path, rows = item
            alias = f"pohconnect_part{sum(1 for a, _d in attached if a)}"
            cursor.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
            attached.append((alias, directory))
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {alias}.s")
            advance(rows)
            _pause_if_asked(directory)
    finally:
        stop.set()
        writer.join()


def _pause_if_asked(directory: Path) -> None:
    pause = os.environ.get(PAUSE_ENV)
    if not pause:
        return
    Path(pause).write_text(str(directory))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until a signal (SIGTERM, SIGKILL) ends the import
        time.sleep(0.05)


def new_scratch_dir() -> tuple[Path, int]:
    """A new scratch directory and the descriptor of its lock file, locked (the directory is
    this process's as long as the descriptor is open)."""
    directory = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    fd = os.open(directory / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o600)
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"{os.getpid()}\n".encode())
    return directory, fd


def remove_stale_scratch() -> list[Path]:
    """Remove the scratch directories of imports that died (killed hard): those whose lock
    file nobody holds. Returns what was removed."""
    if fcntl is None:
        return []
    removed = []
    for directory in Path(tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        try:
            if directory.is_dir() and _stale(directory):
                shutil.rmtree(directory, ignore_errors=True)
                removed.append(directory)
        except OSError:  # gone meanwhile, or not ours to read
            continue
    if removed:
        log.warning(
            "Kladmappen van afgebroken imports verwijderd: %s", ", ".join(map(str, removed))
        )
    return removed


def _stale(directory: Path) -> bool:
    lock = directory / LOCK_FILE
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return time.time() - directory.stat().st_mtime > STARTING_GRACE_S
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its import is running
        if os.fstat(fd).st_size == 0:  # locked by nobody, but its owner may be starting
            return time.time() - os.fstat(fd).st_mtime > STARTING_GRACE_S
        return True
    finally:
        os.close(fd)


@event.listens_for(Pool, "checkin")
def _detach_scratch(dbapi_connection: Any, record: Any) -> None:
    """Detach and delete the scratch parts once the connection's transaction is over."""
    locks = record.info.pop(_LOCKS, [])
    entries = record.info.pop(_ATTACHED, None)
    if not entries:
        for fd in locks:
            os.close(fd)
        return
    for alias, _directory in entries:
        if alias and dbapi_connection is not None:
            # A closed or invalidated connection has nothing attached any more.
            with contextlib.suppress(sqlite3.Error):
                dbapi_connection.execute(f"DETACH DATABASE {alias}")
    for directory in {d for _a, d in entries}:
        shutil.rmtree(directory, ignore_errors=True)
    for fd in locks:  # the lock goes last, so no one else takes the directory for stale
        os.close(fd)
