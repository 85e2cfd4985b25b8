"""A POH's caseload by pseudonym: hand-computed on a small fixture, the same patients as the
caseload KPIs, who may ask (poh, huisarts with the grant), and one audit event per answer.

Fixture, period 2025Q3 (E = 2025-09-30, caseload window (2025-04-01, E]); POH-A works in X
and Y, POH-B in X and Z, POH-C in Z; dates 2025 unless given:

- p1 (X): A 07-01, 07-15, 09-20; GP P74 06-20 → last 09-20, start 07-01, 3 contacts, wait 11.
- p2 (X): A 06-15, 07-10, B 08-01; poh-ggz referral 06-01, s-ggz 07-01 → last 07-10 (82 days:
  8 weeks), start 06-15, 3 contacts (both POHs), wait 14, bridging (07-10), GGZ referral 07-01.
- p3 (Y): A 2023-01-05 | 2024-01-10, 2024-05-01, 2024-10-01, 2025-02-01, 06-01, 09-01 | 10-15
  → last 09-01, start 2024-01-10 (> 1 year), 6 contacts up to E (not the one after E).
- p4 (X): A 2025-03-01 → not in the list (213 days before E).
- p5 (Z): B 09-01 → not in POH-A's list.
- p6 (Y): A 04-15; gb-ggz referral 04-01 → last 04-15 (8 weeks), start 04-15, 1 contact,
  GGZ referral 04-01, not bridging in Q3 (its bridging contact lies before the period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.kpi import service
from api.kpi.caseload import get_caseload
from api.kpi.scope import CallerScope, ScopeRef
from models import AuditLog
from tests.auth import conftest as auth_fixtures
from tests.auth import test_cli
from tests.auth.conftest import add_user, login
from tests.factories import (
    make_contact,
    make_patient,
    make_practice,
    make_provider,
    make_referral,
    make_region,
)

client = auth_fixtures.client  # the API client of tests/auth, not logged in
scratch_db = test_cli.scratch_db  # a scratch SQLite database for the command line

D = dt.date
Q = "2025Q3"
X, Y, Z = "05000001", "05000002", "05000003"


@dataclass
class Fixture:
    pseudonyms: dict[str, str]


@pytest.fixture
def caseload_world(session: Session) -> Fixture:
    region = make_region(session, slug="caseload", name="Caseload")
    x, y, z = (make_practice(session, agb=a, region=region) for a in (X, Y, Z))
    poh_a = make_provider(session, code="POH-A", practices=(x, y))
    poh_b = make_provider(session, code="POH-B", practices=(x, z))
    make_provider(session, code="POH-C", practices=(z,))
    gp = make_provider(session, code="HA-X", functie="huisarts", practices=(x,))
    p = {
        name: make_patient(session, practice=practice, pseudonym=f"pseudo-{name}")
        for name, practice in (("p1", x), ("p2", x), ("p3", y), ("p4", x), ("p5", z), ("p6", y))
    }

    def contacts(name: str, provider, *days: dt.date) -> None:  # type: ignore[no-untyped-def]
        for day in days:
            make_contact(session, patient=p[name], provider=provider, date=day)

    contacts("p1", poh_a, D(2025, 7, 1), D(2025, 7, 15), D(2025, 9, 20))
    make_contact(session, patient=p["p1"], provider=gp, date=D(2025, 6, 20), icpc="P74")
    contacts("p2", poh_a, D(2025, 6, 15), D(2025, 7, 10))
    contacts("p2", poh_b, D(2025, 8, 1))
    make_referral(session, patient=p["p2"], date=D(2025, 6, 1), destination="poh-ggz")
    make_referral(session, patient=p["p2"], date=D(2025, 7, 1), destination="s-ggz")
    contacts("p3", poh_a, D(2023, 1, 5), D(2024, 1, 10), D(2024, 5, 1), D(2024, 10, 1))
    contacts("p3", poh_a, D(2025, 2, 1), D(2025, 6, 1), D(2025, 9, 1), D(2025, 10, 15))
    contacts("p4", poh_a, D(2025, 3, 1))
    contacts("p5", poh_b, D(2025, 9, 1))
    contacts("p6", poh_a, D(2025, 4, 15))
    make_referral(session, patient=p["p6"], date=D(2025, 4, 1), destination="gb-ggz")
    session.commit()  # a savepoint release
    return Fixture(pseudonyms={name: patient.pseudonym for name, patient in p.items()})


EXPECTED_POH_A = [
    # pseudonym, agb, last, start, contacts, wait, bridging, ggz ref, 8 weeks, > 1 year
    ("pseudo-p6", Y, D(2025, 4, 15), D(2025, 4, 15), 1, None, False, D(2025, 4, 1), True, False),
    ("pseudo-p2", X, D(2025, 7, 10), D(2025, 6, 15), 3, 14, True, D(2025, 7, 1), True, False),
    ("pseudo-p3", Y, D(2025, 9, 1), D(2024, 1, 10), 6, None, False, None, False, True),
    ("pseudo-p1", X, D(2025, 9, 20), D(2025, 7, 1), 3, 11, False, None, False, False),
]


def _rows(items) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (
            i.pseudonym,
            i.practice_agb,
            i.last_contact,
            i.episode_start,
            i.episode_contacts,
            i.wait_days_intake,
            i.bridging,
            i.ggz_referral_date,
            i.no_contact_8_weeks,
            i.episode_over_1_year,
        )
        for i in items
    ]


def test_caseload_hand_computed(session: Session, caseload_world: Fixture) -> None:
    result = get_caseload(session, provider_code="POH-A", period=Q)
    assert _rows(result.items) == EXPECTED_POH_A
    assert (result.total, result.no_contact_8_weeks, result.episode_over_1_year) == (4, 2, 1)
    assert result.bridging == 1 and result.reference_date == D(2025, 9, 30)
    assert result.practices == [X, Y]


def test_caseload_limited_to_practices(session: Session, caseload_world: Fixture) -> None:
    only_x = get_caseload(session, provider_code="POH-A", period=Q, practices=frozenset({X}))
    assert [i.pseudonym for i in only_x.items] == ["pseudo-p2", "pseudo-p1"]
    assert only_x.practices == [X]
    b = get_caseload(session, provider_code="POH-B", period=Q, practices=frozenset({X}))
    # POH-B's last contact with p2 (60 days before E: 8 weeks); the episode is the
    # practice's, over both POHs
    assert _rows(b.items) == [
        ("pseudo-p2", X, D(2025, 8, 1), D(2025, 6, 15), 3, 14, True, D(2025, 7, 1), True, False)
    ]
    from api.errors import NotFound

    with pytest.raises(NotFound) as missing:
        get_caseload(session, provider_code="POH-XX", period=Q, practices=frozenset({X}))
    with pytest.raises(NotFound) as outside:
        get_caseload(session, provider_code="POH-C", period=Q, practices=frozenset({X}))
    assert str(outside.value.detail) == str(missing.value.detail).replace("POH-XX", "POH-C")


def test_caseload_is_the_patients_of_the_caseload_kpis(
    session: Session, caseload_world: Fixture
) -> None:
    def kpi(slug: str) -> float:
        value = service.get_values(
            session,
            slug=slug,
            scope=ScopeRef("provider", "POH-A"),
            period=Q,
            caller=CallerScope(own_all=True),
        ).value
        assert value is not None
        return value

    result = get_caseload(session, provider_code="POH-A", period=Q)
    assert result.total == kpi("caseload_active") + kpi("caseload_stale")
    assert result.no_contact_8_weeks == kpi("caseload_stale")
    assert result.bridging == kpi("bridging_patients")


def _events(session: Session, action: str = "caseload.view") -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_poh_sees_own_caseload_with_one_audit_event(  # type: ignore[no-untyped-def]
    session: Session, caseload_world: Fixture, client
) -> None:
    add_user(session, "poh-a", "poh", ("provider", "POH-A"))
    h = login(client, "poh-a")
    before = session.scalar(select(func.count()).select_from(AuditLog))
    res = client.get("/api/v1/providers/POH-A/caseload", params={"period": Q}, headers=h)
    assert res.status_code == 200, res.text
    body = res.json()
    assert [i["pseudonym"] for i in body["items"]] == [r[0] for r in EXPECTED_POH_A]
    assert body["items"][1]["wait_days_intake"] == 14 and body["items"][1]["bridging"]
    assert session.scalar(select(func.count()).select_from(AuditLog)) == before + 1
    (event,) = _events(session)
    assert (event.username, event.role, event.outcome) == ("poh-a", "poh", "success")
    assert event.resource == "caseload:POH-A:2025Q3" and event.scope == "provider:POH-A"
    assert event.pseudonyms == sorted(r[0] for r in EXPECTED_POH_A)
    assert event.ip
    # another POH's caseload: 404 as for one that does not exist, no event
    other = client.get("/api/v1/providers/POH-B/caseload", params={"period": Q}, headers=h)
    missing = client.get("/api/v1/providers/POH-XX/caseload", params={"period": Q}, headers=h)
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"] == missing.json()["detail"].replace("POH-XX", "POH-B")
    assert "pseudo-" not in other.text
    assert len(_events(session)) == 1


def test_huisarts_only_with_grant_and_only_own_practice(  # type: ignore[no-untyped-def]
    session: Session, caseload_world: Fixture, client
) -> None:
    add_user(session, "ha-x", "huisarts", ("practice", X))
    granted = add_user(session, "ha-x-caseload", "huisarts", ("practice", X))
    granted.caseload_grant = True
    session.commit()
    res = client.get(
        "/api/v1/providers/POH-A/caseload", params={"period": Q}, headers=login(client, "ha-x")
    )
    assert res.status_code == 403 and "pseudo-" not in res.text
    h = login(client, "ha-x-caseload")
    res = client.get("/api/v1/providers/POH-A/caseload", params={"period": Q}, headers=h)
    assert res.status_code == 200, res.text
    assert [i["pseudonym"] for i in res.json()["items"]] == ["pseudo-p2", "pseudo-p1"]
    (event,) = _events(session)
    assert event.pseudonyms == ["pseudo-p1", "pseudo-p2"]
    assert event.scope == f"provider:POH-A practice:{X}"
    res = client.get("/api/v1/providers/POH-C/caseload", params={"period": Q}, headers=h)
    assert res.status_code == 404 and "pseudo-" not in res.text and Z not in res.text
    assert len(_events(session)) == 1


@pytest.mark.parametrize(
    ("role", "grants"),
    [
        ("teamleider", ()),
        ("regio", (("region", "caseload"),)),
        ("beheerder", (("all", "own"),)),
    ],
)
def test_other_roles_get_403(  # type: ignore[no-untyped-def]
    session: Session, caseload_world: Fixture, client, role, grants
) -> None:
    add_user(session, f"x-{role}", role, *grants)
    res = client.get(
        "/api/v1/providers/POH-A/caseload",
        params={"period": Q},
        headers=login(client, f"x-{role}"),
    )
    assert res.status_code == 403 and "pseudo-" not in res.text
    assert client.get("/api/v1/providers/POH-A/caseload", params={"period": Q}).status_code == 401
    assert _events(session) == []


def test_bad_period_is_422_without_event(  # type: ignore[no-untyped-def]
    session: Session, caseload_world: Fixture, client
) -> None:
    add_user(session, "poh-a", "poh", ("provider", "POH-A"))
    h = login(client, "poh-a")
    res = client.get("/api/v1/providers/POH-A/caseload", params={"period": "2025Q9"}, headers=h)
    assert res.status_code == 422
    assert _events(session) == []


def test_grant_only_for_huisarts_and_audited(session: Session, caseload_world: Fixture) -> None:
    from api.audit import Actor
    from api.auth.users import Grants, UserCreate, UserUpdate, create_user, update_user
    from api.errors import Invalid

    actor = Actor.command_line()
    pw = "een-lang-wachtwoord-1"
    with pytest.raises(Invalid):
        create_user(
            session,
            data=UserCreate(username="r.x", role="regio", password=pw, caseload_grant=True),
            actor=actor,
        )
    user = create_user(
        session,
        data=UserCreate(
            username="dr.x",
            role="huisarts",
            password=pw,
            grants=Grants(practices=[X]),
            caseload_grant=True,
        ),
        actor=actor,
    )
    assert user.caseload_grant
    off = update_user(session, username="dr.x", data=UserUpdate(caseload_grant=False), actor=actor)
    assert not off.caseload_grant
    assert len(_events(session, "user.set_caseload_grant")) == 1
    update_user(session, username="dr.x", data=UserUpdate(caseload_grant=True), actor=actor)
    # another role drops the grant, said in the role change's event
    moved = update_user(
        session,
        username="dr.x",
        data=UserUpdate(role="poh", grants=Grants(providers=["POH-A"])),
        actor=actor,
    )
    assert not moved.caseload_grant
    (role_event,) = _events(session, "user.set_role")
    assert role_event.detail == {"from": "huisarts", "to": "poh", "caseload_grant": False}
    assert len(_events(session, "user.set_caseload_grant")) == 2


def test_cli_grant_caseload(scratch_db: str) -> None:
    run = test_cli.run
    pw = "een-lang-wachtwoord-1\n"
    code, out = run(
        "users", "add", "dr.y", "--role", "huisarts", "--practice", "01000001",
        "--grant-caseload", "--password-stdin", stdin=pw,
    )  # fmt: skip
    assert code == 0, out
    assert "caseloadlijsten" in out
    code, out = run("users", "set-role", "dr.y", "huisarts", "--no-grant-caseload")
    assert code == 0 and "caseloadlijsten" not in out, out
    code, out = run(
        "users", "add", "r.y", "--role", "regio", "--grant-caseload", "--password-stdin", stdin=pw
    )
    assert code == 1 and "caseloadlijsten" in out
