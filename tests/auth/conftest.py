"""Users of every role on a small two-region data set, and a client that is not logged in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from api.auth.settings import get_auth_settings
from models import Team, User, UserScope
from tests.factories import make_contact, make_patient, make_practice, make_provider, make_region

D = dt.date
PASSWORD = "een-lang-wachtwoord-1"
# practice AGB -> patients with a POH contact in 2025Q3 (A has fewer than 10)
PATIENTS = {
    "03000000": 4,
    "03000001": 12,
    "03000002": 11,
    "03000003": 13,
    "03000004": 14,
    "03000005": 15,
}
A, B, C = "03000000", "03000001", "03000002"
ZUID = "04000000"


@dataclass
class World:
    pohs: dict[str, int]
    team: str


@pytest.fixture
def world(session: Session) -> World:
    noord = make_region(session, slug="noord", name="Noord")
    zuid = make_region(session, slug="zuid", name="Zuid")
    practices = {
        agb: make_practice(session, agb=agb, name=f"Praktijk {agb}", region=noord)
        for agb in PATIENTS
    }
    practices[ZUID] = make_practice(session, agb=ZUID, name="Zuiderpraktijk", region=zuid)
    poh_a = make_provider(session, code="POH-A", practices=(practices[A], practices[B]))
    poh_c = make_provider(session, code="POH-C", practices=(practices[C],))
    poh_z = make_provider(session, code="POH-Z", practices=(practices[ZUID],))
    for agb, n in {**PATIENTS, ZUID: 3}.items():
        poh = {A: poh_a, B: poh_a, ZUID: poh_z}.get(agb, poh_c)
        for j in range(n):
            patient = make_patient(session, practice=practices[agb])
            make_contact(session, patient=patient, provider=poh, date=D(2025, 7, 1 + j))
    team = Team(slug="team-a", name="Team A", region_id=noord.id)
    team.providers.append(poh_a)
    session.add(team)
    session.add(Team(slug="team-geheim", name="Team Geheim", region_id=zuid.id))
    session.flush()
    return World(pohs={"POH-A": poh_a.id, "POH-C": poh_c.id}, team="team-a")


def add_user(
    session: Session,
    username: str,
    role: str,
    *grants: tuple[str, str],
    password: str | None = PASSWORD,
    active: bool = True,
) -> User:
    from api.auth.passwords import hash_password

    user = User(
        username=username,
        display_name=username,
        role=role,
        password_hash=hash_password(password) if password else None,
        is_active=active,
    )
    for level, key in grants:
        user.scopes.append(UserScope(level=level, key=key))
    session.add(user)
    session.commit()  # a savepoint release: survives a handler's own rollback
    return user


@pytest.fixture
def users(session: Session, world: World) -> dict[str, User]:
    return {
        "poh": add_user(session, "poh-a", "poh", ("provider", "POH-A")),
        "huisarts": add_user(session, "ha-a", "huisarts", ("practice", A)),
        "teamleider": add_user(session, "tl-a", "teamleider", ("team", "team-a")),
        "regio": add_user(session, "regio-noord", "regio", ("region", "noord")),
        "beheerder": add_user(session, "beheer", "beheerder"),
    }


@pytest.fixture
def client(session: Session) -> Iterator[object]:
    """The API on the test session, not logged in (client.headers carry no token)."""
    from fastapi.testclient import TestClient

    from api.deps import get_session
    from api.main import create_app

    app = create_app()

    def _session() -> Iterator[Session]:
        yield session
        session.flush()

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as c:
        yield c


def login(client, username: str, password: str = PASSWORD) -> dict[str, str]:  # type: ignore[no-untyped-def]
    res = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert res.status_code == 200, res.text
    return {"Authorization": f"Bearer {res.json()['access_token']}"}


@pytest.fixture
def auth_settings(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Set auth settings through the environment for one test: ``auth_settings(KEY=value)``."""

    def set_(**values: object) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"POHCONNECT_{key.upper()}", str(value))
        get_auth_settings.cache_clear()

    yield set_
    monkeypatch.undo()
    get_auth_settings.cache_clear()
