"""The Alembic migrations build the models' schema and tear it down again, on this test run's
database (SQLite, or PostgreSQL when POHCONNECT_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

import migrations
from models import Base
from models.db import make_engine
from tests.conftest import _create_pg_database, _drop_pg_database


@pytest.fixture
def scratch_url(database_url: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A second empty database, so that downgrading does not disturb the shared one."""
    if make_url(database_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    url = _create_pg_database(database_url)
    try:
        yield url
    finally:
        _drop_pg_database(url)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_check_downgrade_roundtrip(scratch_url: str) -> None:
    migrations.upgrade(scratch_url)
    assert _tables(scratch_url) == set(Base.metadata.tables)
    migrations.check(scratch_url)  # raises if the models and head differ

    migrations.downgrade(scratch_url)
    assert _tables(scratch_url) == set()

    migrations.upgrade(scratch_url)
    migrations.check(scratch_url)
    assert _tables(scratch_url) == set(Base.metadata.tables)


def test_single_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
