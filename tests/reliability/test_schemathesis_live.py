"""schemathesis against the running API: the production server (``pohconnect.server.run_server``:
uvicorn with the app's middleware, limits and headers) in a subprocess on 127.0.0.1, its OpenAPI
fetched over HTTP, every generated request sent over the network as each role in turn (poh,
huisarts, teamleider, regio, beheerder; the users and data of test_schemathesis.py, in a
migrated SQLite file of its own). No server error, no response that violates the schema.

The in-process run (test_schemathesis.py) sends more examples per operation; this one shows the
same of the server as it runs."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from tests.dashboard.conftest import _server
from tests.reliability.test_schemathesis import APP, CHECKS, ROLES, seed_roles

pytestmark = pytest.mark.schemathesis

EXAMPLES_PER_OPERATION = 2  # each sent as every role


@pytest.fixture(scope="module")
def live_server_url() -> Iterator[tuple[str, str]]:
    """The running server on a migrated, seeded SQLite file: its URL and the database's."""
    import migrations
    from models.db import make_engine

    tmp = Path(tempfile.mkdtemp(prefix="pohconnect-schemathesis-"))
    url = f"sqlite:///{tmp / 'api.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            seed_roles(session)
            session.commit()
    finally:
        engine.dispose()
    try:
        with _server(url) as base:
            served = httpx.get(f"{base}/openapi.json", timeout=30).json()
            assert served == APP.openapi()
            yield base, url
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def live_api(live_server_url: tuple[str, str]) -> tuple[str, dict[str, dict[str, str]]]:
    """The server's URL and a fresh token for each role's user: an earlier operation may have
    been a logout, which revokes the token it was sent with."""
    from api.auth.tokens import issue_token
    from models import User
    from models.db import make_engine

    base, url = live_server_url
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            users = {u.username: u.id for u in session.query(User)}
    finally:
        engine.dispose()
    return base, {
        role: {"Authorization": f"Bearer {issue_token(users[f'schema-{role}']).token}"}
        for role in ROLES
    }


# The schema the running server serves (the fixture checks that it is this one): the cases are
# generated at collection, before the server runs, and sent to it over HTTP (no app attached).
SCHEMA = schemathesis.openapi.from_dict(APP.openapi())


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_running_api_conforms_to_its_schema(
    case: schemathesis.Case, live_api: tuple[str, dict[str, dict[str, str]]]
) -> None:
    for role, headers in live_api[1].items():
        try:
            case.call_and_validate(base_url=live_api[0], headers=headers, checks=CHECKS, timeout=30)
        except Exception as exc:
            exc.add_note(f"as role {role}, against {live_api[0]}")
            raise
