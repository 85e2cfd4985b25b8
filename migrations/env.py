"""Alembic environment: the models' metadata; URL from the config or POHCONNECT_DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection

import models
from models.db import get_database_settings, make_engine

config = context.config
target_metadata = models.Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_database_settings().url


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite: foreign key enforcement off while migrating, as SQLite's own recipe for
    rebuilding a table requires (https://sqlite.org/lang_altertable.html#otheralter).

    Batch mode rebuilds a table by copying it and dropping the original; with enforcement on,
    that DROP TABLE deletes the rows of every ON DELETE CASCADE child (or fails on the
    others). The pragma is a no-op inside a transaction, so it is set on the driver connection
    before any begins; a migration that rebuilds tables runs ``PRAGMA foreign_key_check``
    before its transaction commits. Enforcement is back on afterwards.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    assert not connection.in_transaction()
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        raw.execute("PRAGMA foreign_keys=ON")


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # the caller's: its foreign key setting is the caller's too
        _configure(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn, _sqlite_foreign_keys_off(conn):
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
