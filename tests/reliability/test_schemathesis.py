"""schemathesis on the OpenAPI: every operation, authenticated as each role in turn (poh,
huisarts, teamleider, regio, beheerder, each with a scope in the seeded region), against the ASGI
app on a small seeded database (no network). No 500, no response that violates the schema.

Every generated request is sent as each of the five roles in turn (the beheerder last: its
writes may change what the others see), five examples per operation, on one seeded database per
operation; a failure names the role. Measured serially on a loaded machine: 64 s CPU against
30 s for the former single superuser run with 25 examples (schemathesis' coverage cases are
sent as every role too); one pytest test per operation and role took 75 s. The role-specific
access rules themselves are tested in tests/auth/ (test_matrix.py)."""

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
)

pytestmark = pytest.mark.schemathesis

APP = create_app()
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
EXAMPLES_PER_OPERATION = 5  # each sent as every role: 25 calls per operation
ROLES = ("poh", "huisarts", "teamleider", "regio", "beheerder")
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


def _user(session: Session, role: str, *grants: tuple[str, str]) -> str:
    """A user of ``role`` with ``grants``, and a token for it (no password needed)."""
    from api.auth.tokens import issue_token
    from models import User, UserScope

    user = User(username=f"schema-{role}", display_name=role, role=role, is_active=True)
    user.caseload_grant = role == "huisarts"  # the caseload lists answer, not only refuse
    for level, key in grants:
        user.scopes.append(UserScope(level=level, key=key))
    session.add(user)
    session.flush()
    return issue_token(user.id).token


def seed_roles(session: Session) -> dict[str, dict[str, str]]:
    """A small region (three practices, a POH, a team) and a user of each role with a scope in
    it; returns each role's request headers (a bearer token). Flushes, does not commit."""
    from models import Team

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

    team = Team(slug="team-schema", name="Team Schema", region_id=region.id)
    team.providers.append(poh)
    session.add(team)
    session.flush()
    grants = {
        "poh": [("provider", "POH900")],
        "huisarts": [("practice", practices[0].agb)],
        "teamleider": [("team", "team-schema")],
        "regio": [("region", "regio-schema")],
        "beheerder": [],
    }
    tokens = {role: _user(session, role, *grants[role]) for role in ROLES}
    return {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}


@pytest.fixture
def seeded_app(session: Session) -> Iterator[dict[str, dict[str, str]]]:
    """The app on a small seeded database; yields the headers of a user of each role."""
    headers = seed_roles(session)
    session.commit()  # a savepoint release: kept when a failed import rolls its own work back

    def _session() -> Iterator[Session]:
        yield session
        session.flush()

    APP.dependency_overrides[get_session] = _session
    yield headers
    APP.dependency_overrides.clear()


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(
    case: schemathesis.Case, seeded_app: dict[str, dict[str, str]]
) -> None:
    for role, headers in seeded_app.items():
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as role {role}")
            raise
