"""Database settings, engine and session factory.

SQLite (a file in the per-user data directory) is the embedded default; PostgreSQL is the
production database. ``POHCONNECT_DATABASE_URL`` chooses.

Concurrency (docs/operations.md):

* **Writers declare themselves.** A session from ``session_factory(write=True)`` (the API's
  POST/PUT/PATCH/DELETE requests, ``pohconnect import``, the demo, team commands) starts its
  transaction on SQLite with ``BEGIN IMMEDIATE``: it takes the one write lock before it reads
  anything, so its snapshot can never go stale under it (the cause of "database is locked"
  with a deferred transaction, whatever the busy timeout). Taking the lock is retried with
  backoff until ``POHCONNECT_DB_WRITE_LOCK_TIMEOUT_S``. Readers (plain ``BEGIN``) in WAL mode
  never wait for a writer and keep seeing the last committed data until it commits; an
  opportunistic write in a read transaction (the KPI cache) waits at most
  ``POHCONNECT_DB_READ_BUSY_TIMEOUT_MS`` for the lock.
* **Every statement has a time limit.** PostgreSQL: ``statement_timeout`` set at connect
  (``POHCONNECT_DB_STATEMENT_TIMEOUT_S``), raised with ``SET LOCAL`` for write transactions
  (``POHCONNECT_DB_WRITE_STATEMENT_TIMEOUT_S``, imports run long statements). SQLite: a
  progress handler aborts a read transaction's statement past the same limit (``interrupted``);
  write transactions run without one (the handler would take the GIL from the loader's
  pipeline thread every few thousand VM steps) and are bounded by the write lock instead.
* **The pool is sized to the worker's concurrency**: ``POHCONNECT_MAX_CONCURRENT_REQUESTS`` +
  ``POHCONNECT_MAX_CONCURRENT_WRITES`` (the API limiter's bounds, api/limits.py) plus two
  connections for background work, with a short ``pool_timeout``.
"""

from __future__ import annotations

import logging
import random
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker


def default_database_url() -> str:
    data_dir = Path(user_data_dir("pohconnect", appauthor=False))
    return f"sqlite:///{data_dir / 'pohconnect.sqlite3'}"


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POHCONNECT_")

    database_url: str = ""
    # The API limiter's bound per worker process (same variable as api/limits.py): the pool
    # holds that many connections plus a few for background work (KPI warm-up after imports).
    max_concurrent_requests: int = 4
    max_concurrent_writes: int = 4
    db_pool_size: int | None = None  # default: both bounds + 2
    db_max_overflow: int = 2
    db_pool_timeout_s: float = 10.0
    # Every statement's time limit; write transactions (imports) get a longer one.
    db_statement_timeout_s: float = 30.0
    db_write_statement_timeout_s: float = 900.0
    # SQLite: how long a writer waits for the one write lock (retried with backoff), and how
    # long a read transaction's opportunistic write (KPI cache) waits before giving up.
    db_write_lock_timeout_s: float = 60.0
    db_read_busy_timeout_ms: int = 100

    @property
    def pool_size(self) -> int:
        limit = max(1, self.max_concurrent_requests) + max(1, self.max_concurrent_writes)
        return self.db_pool_size or limit + 2

    @property
    def url(self) -> str:
        return normalise_url(self.database_url or default_database_url())


@cache
def get_database_settings() -> DatabaseSettings:
    return DatabaseSettings()


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def display_url(url: str) -> str:
    """The URL with its password masked, for messages and logs."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


logger = logging.getLogger(__name__)

WRITE_OPTION = "pohconnect_write"  # execution option marking a write transaction
_DEADLINE = "pohconnect_deadline"  # connection info: [deadline or None] for the progress handler
# SQLite VM steps between two calls of the progress handler (about 0.1–1 ms of work).
PROGRESS_STEPS = 20_000


class WriteLockTimeout(OperationalError):
    """SQLite's write lock could not be had within ``db_write_lock_timeout_s``."""


def is_lock_error(exc: BaseException) -> bool:
    """Whether an error is SQLite's "database is locked"/"busy" (or the write-lock timeout)."""
    if isinstance(exc, WriteLockTimeout):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def is_statement_timeout(exc: BaseException) -> bool:
    """Whether an error is a statement aborted by its time limit (either database)."""
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    if "canceling statement due to statement timeout" in text:
        return True
    return "interrupted" in text and orig.__class__.__module__.startswith("sqlite3")


def _sqlite_on_connect(settings: DatabaseSettings) -> Callable[..., None]:
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide where transactions begin (SAVEPOINTs and
        # transactional DDL work as on PostgreSQL).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(settings.db_read_busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Switching to WAL needs the write lock; asking does not. A new connection made while
        # an import holds the lock must not wait for it (the database is WAL after the first).
        if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            cursor.execute(f"PRAGMA busy_timeout={int(settings.db_write_lock_timeout_s * 1000)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(settings.db_read_busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        record.info[_DEADLINE] = [None]

    return on_connect


def _progress_handler(slot: list[float | None]) -> Callable[[], int]:
    monotonic = time.monotonic

    def handler() -> int:
        deadline = slot[0]
        return 1 if deadline is not None and monotonic() > deadline else 0

    return handler


def _sqlite_begin(settings: DatabaseSettings) -> Callable[[Connection], None]:
    def begin(conn: Connection) -> None:
        raw = conn.connection.dbapi_connection
        slot = conn.connection.info.setdefault(_DEADLINE, [None])
        slot[0] = None
        if conn.get_execution_options().get(WRITE_OPTION):
            raw.set_progress_handler(None, 0)
            _begin_immediate(conn, settings.db_write_lock_timeout_s)
        else:
            raw.execute(f"PRAGMA busy_timeout={int(settings.db_read_busy_timeout_ms)}")
            if settings.db_statement_timeout_s > 0:
                raw.set_progress_handler(_progress_handler(slot), PROGRESS_STEPS)
            conn.exec_driver_sql("BEGIN")

    return begin


def _begin_immediate(conn: Connection, timeout_s: float) -> None:
    """``BEGIN IMMEDIATE``, retried with exponential backoff and jitter until the deadline.

    Each attempt lets SQLite's own busy handler wait up to a second; an attempt that comes back
    "locked" sooner (SQLite does not always call the handler) sleeps 10 ms, 20 ms, … 0.5 s.
    """
    raw = conn.connection.dbapi_connection
    deadline = time.monotonic() + timeout_s
    delay = 0.01
    while True:
        remaining = deadline - time.monotonic()
        raw.execute(f"PRAGMA busy_timeout={max(1, int(min(remaining, 1.0) * 1000))}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if not is_lock_error(exc):
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WriteLockTimeout(
                    "BEGIN IMMEDIATE",
                    None,
                    Exception(f"database is locked (write lock not free after {timeout_s:g} s)"),
                ) from exc
            time.sleep(min(remaining, delay * (0.5 + random.random())))
            delay = min(delay * 2, 0.5)


def _sqlite_statement_start(settings: DatabaseSettings) -> Callable[..., None]:
    timeout = settings.db_statement_timeout_s

    def before_cursor_execute(conn: Connection, *_args: Any) -> None:
        slot = conn.connection.info.get(_DEADLINE)
        if slot is not None and not conn.get_execution_options().get(WRITE_OPTION):
            slot[0] = time.monotonic() + timeout if timeout > 0 else None

    return before_cursor_execute


def _pg_begin(settings: DatabaseSettings) -> Callable[[Connection], None]:
    ms = int(settings.db_write_statement_timeout_s * 1000)

    def begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {ms}")

    return begin


def make_engine(url: str, *, settings: DatabaseSettings | None = None, **kwargs: object) -> Engine:
    settings = settings or get_database_settings()
    url = normalise_url(url)
    parsed = make_url(url)
    in_memory = parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
    if not in_memory:
        kwargs.setdefault("pool_size", settings.pool_size)
        kwargs.setdefault("max_overflow", settings.db_max_overflow)
        kwargs.setdefault("pool_timeout", settings.db_pool_timeout_s)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and not in_memory:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
        event.listen(engine, "connect", _sqlite_on_connect(settings))
        event.listen(engine, "begin", _sqlite_begin(settings))
        event.listen(engine, "before_cursor_execute", _sqlite_statement_start(settings))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_backend_name() == "postgresql" and settings.db_statement_timeout_s > 0:
        connect_args = dict(kwargs.pop("connect_args", None) or {})  # type: ignore[call-overload]
        ms = int(settings.db_statement_timeout_s * 1000)
        connect_args["options"] = f"{connect_args.get('options', '')} -c statement_timeout={ms}"
        kwargs["connect_args"] = connect_args
    engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
    if parsed.get_backend_name() == "postgresql":
        event.listen(engine, "begin", _pg_begin(settings))
    return engine


@cache
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or get_database_settings().url)


def session_factory(engine: Engine | None = None, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``write=True`` for a session that writes (see the module doc)."""
    bind = engine or get_engine()
    makers = _makers.get(bind)
    if makers is None:  # one pair per engine: a sessionmaker is a class, costly to make
        writer = bind.execution_options(**{WRITE_OPTION: True})
        makers = _makers[bind] = (
            sessionmaker(bind=bind, expire_on_commit=False),
            sessionmaker(bind=writer, expire_on_commit=False),
        )
    return makers[1] if write else makers[0]


def read_bind(bind: Engine | Connection) -> Engine | Connection:
    """The bind a background job started from a request should use: the request's engine
    without the write option. A write session on SQLite begins with ``BEGIN IMMEDIATE``; a job
    on that bind would take the write lock for its reads and then wait on it from its own short
    side transactions (the KPI cache's writes) until the lock timeout, holding every other
    writer back meanwhile — what an upload's cache warm-up did."""
    if isinstance(bind, Engine) and bind.get_execution_options().get(WRITE_OPTION):
        return bind.execution_options(**{WRITE_OPTION: False})
    return bind


_makers: weakref.WeakKeyDictionary[Engine, tuple[sessionmaker[Session], sessionmaker[Session]]] = (
    weakref.WeakKeyDictionary()
)


@contextmanager
def session_scope(engine: Engine | None = None, *, write: bool = False) -> Iterator[Session]:
    """A session that commits at the end of the block, or rolls back on error."""
    session = session_factory(engine, write=write)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
