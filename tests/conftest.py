"""Database fixtures: SQLite always; PostgreSQL when POHCONNECT_TEST_DATABASE_URL is set.

On PostgreSQL every test run creates a database of its own (and drops it afterwards), so no
fixture ever touches rows of a developer's real database. The schema is built by running the
Alembic migrations. Each test gets one connection, an outer transaction and a session that
joins it with savepoints; everything is rolled back at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import migrations
from models.db import make_engine, normalise_url

TEST_URL_ENV = "POHCONNECT_TEST_DATABASE_URL"

# Pseudonymisation refuses to run without a key outside demo mode; tests use a fixed one.
os.environ.setdefault("POHCONNECT_PSEUDONYM_KEY", "test-only-pseudonym-key-0123456789")
# Tokens are signed with a test secret; Argon2 runs at its minimum cost so that the tests
# that log in by password stay fast (production keeps the settings' defaults).
os.environ.setdefault("POHCONNECT_TOKEN_SECRET", "test-only-token-secret-0123456789abcdef")
os.environ.setdefault("POHCONNECT_PASSWORD_TIME_COST", "1")
os.environ.setdefault("POHCONNECT_PASSWORD_MEMORY_KIB", "64")


def _create_pg_database(url: str) -> str:
    base = make_url(normalise_url(url))
    name = f"pohconnect_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this test run (not yet migrated)."""
    given = os.environ.get(TEST_URL_ENV)
    if not given:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    url = _create_pg_database(given)
    try:
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    migrations.upgrade(database_url)
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as conn:
        outer = conn.begin()
        s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield s
        finally:
            s.close()
            outer.rollback()


TEST_SUPERUSER = "test-beheerder-alles"


@pytest.fixture
def api_client(session: Session) -> Iterator[object]:
    """The FastAPI app on the test session (its commits become savepoint releases), logged in.

    The existing API tests check figures and routes, not access control, so they run as one
    user who may do everything: role ``beheerder`` (imports, users, teams, audit) with the
    installation-wide grant ``all:own`` (every scope visible and *own*, so no small-number
    suppression), exactly what `pohconnect users add … --role beheerder --all own` creates.
    That user has no password (it cannot log in by the form); its token is issued directly
    and is checked by the real access dependency on every request. The role-specific
    behaviour is tested in tests/auth/ with users of each role.
    """
    from fastapi.testclient import TestClient

    from api.deps import get_session
    from api.main import create_app
    from tests.factories import make_superuser

    _user, token = make_superuser(session, TEST_SUPERUSER)
    session.commit()  # a savepoint release: kept when a handler rolls its own work back
    app = create_app()

    def _session() -> Iterator[Session]:
        yield session
        session.flush()

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client
