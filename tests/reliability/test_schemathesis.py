"""schemathesis on the OpenAPI: every operation, a few hundred generated requests in total,
against the ASGI app on a small seeded database (no network). No 500, no response that
violates the schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from sqlalchemy.orm import Session

from api.deps import get_session
from api.main import create_app
from tests.factories import (
    make_contact,
    make_hours,
    make_patient,
    make_practice,
    make_provider,
    make_region,
    make_superuser,
)

pytestmark = pytest.mark.schemathesis

APP = create_app()
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
EXAMPLES_PER_OPERATION = 25
# What a response must honour. Left out: positive_data_acceptance (the schema cannot say that
# a period must be a quarter of 2000..2100 or an AGB one that exists, so a 422 or 404 for a
# schema-valid value is right) and the OPTIONS/unsupported-method checks.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


@pytest.fixture
def seeded_app(session: Session) -> Iterator[dict[str, str]]:
    """The app on a small seeded database; yields the headers of a user who may do everything
    (the role-specific access rules are tested in tests/auth/)."""
    _user, token = make_superuser(session)
    region = make_region(session, slug="regio-schema", name="Regio Schema")
    practices = [make_practice(session, agb=f"0188000{i}", region=region) for i in range(3)]
    poh = make_provider(session, code="POH900", functie="poh-ggz", practices=tuple(practices))
    for i, practice in enumerate(practices):
        patient = make_patient(session, practice=practice)
        for day in range(0, 120, 15):
            make_contact(
                session,
                patient=patient,
                provider=poh,
                date=dt.date(2025, 1, 2) + dt.timedelta(days=day + i),
                duration_min=30,
            )
        make_hours(
            session, practice=practice, provider=poh, week_start=dt.date(2025, 1, 6), contract=8
        )

    session.commit()  # a savepoint release: kept when a failed import rolls its own work back

    def _session() -> Iterator[Session]:
        yield session
        session.flush()

    APP.dependency_overrides[get_session] = _session
    yield {"Authorization": f"Bearer {token}"}
    APP.dependency_overrides.clear()


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, seeded_app: dict[str, str]) -> None:
    case.call_and_validate(headers=seeded_app, checks=CHECKS)
