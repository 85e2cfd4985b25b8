"""Each role's allowed and refused calls: the scope comes from the role and the grants."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.auth.conftest import ZUID, A, B, C, add_user, login

Q = "2025Q3"


def kpi(client, headers, level: str, key: str, slug: str = "poh_patients"):  # type: ignore[no-untyped-def]
    return client.get(
        f"/api/v1/kpis/{slug}", params={"level": level, "id": key, "period": Q}, headers=headers
    )


def _no_leak(res, *secrets: str) -> None:  # type: ignore[no-untyped-def]
    assert res.status_code in (403, 404), res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    for s in secrets:
        assert s not in res.text


def test_huisarts_sees_exact_own_counts_and_nothing_else(client, users) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "ha-a")
    own = kpi(client, h, "practice", A).json()
    assert own["value"] == 4 and own["value_display"] == "4" and not own["suppressed"]
    sc = client.get(f"/api/v1/practices/{A}/scorecard", params={"period": Q}, headers=h).json()
    assert next(i for i in sc["items"] if i["slug"] == "poh_patients")["value"] == 4
    _no_leak(kpi(client, h, "practice", C), "Praktijk 03000002", "11")
    _no_leak(client.get(f"/api/v1/practices/{C}/scorecard", params={"period": Q}, headers=h))
    bm = {"region": "noord", "period": Q}
    _no_leak(client.get("/api/v1/benchmarks/poh_patients", params=bm, headers=h), B)
    _no_leak(kpi(client, h, "provider", "POH-A"))
    assert [p["agb"] for p in client.get("/api/v1/practices", headers=h).json()["items"]] == [A]
    assert client.get("/api/v1/teams", headers=h).json()["items"] == []
    for path in ("/api/v1/imports", "/api/v1/users", "/api/v1/audit"):
        _no_leak(client.get(path, headers=h))


def test_regio_sees_small_counts_suppressed(client, users) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "regio-noord")
    small = kpi(client, h, "practice", A).json()
    assert small["value"] is None and small["value_display"] == "<10" and small["suppressed"]
    assert kpi(client, h, "practice", B).json()["value"] == 12
    bm = client.get(
        "/api/v1/benchmarks/poh_patients", params={"region": "noord", "period": Q}, headers=h
    ).json()
    rows = {r["agb"]: r for r in bm["practices"]}
    assert rows[A]["value_display"] == "<10" and rows[A]["value"] is None
    assert not any(r["own_scope"] for r in bm["practices"])
    assert kpi(client, h, "region", "noord").json()["value"] == sum([4, 12, 11, 13, 14, 15])
    _no_leak(kpi(client, h, "region", "zuid"), "Zuid")
    _no_leak(kpi(client, h, "practice", ZUID), "Zuiderpraktijk")
    _no_leak(kpi(client, h, "provider", "POH-A"))  # aggregates of practices, not of POHs
    agbs = [p["agb"] for p in client.get("/api/v1/practices", headers=h).json()["items"]]
    assert sorted(agbs) == sorted([A, B, C, "03000003", "03000004", "03000005"])
    assert [t["slug"] for t in client.get("/api/v1/teams", headers=h).json()["items"]] == ["team-a"]
    assert client.get("/api/v1/teams/team-geheim", headers=h).status_code == 404
    _no_leak(client.get("/api/v1/periods", params={"region": "zuid"}, headers=h))


def test_poh_sees_own_figures_and_own_practices(client, users) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "poh-a")
    assert kpi(client, h, "provider", "POH-A").json()["value"] == 16  # 4 + 12 patients
    assert kpi(client, h, "practice", A).json()["value"] == 4  # works there: own, unsuppressed
    assert kpi(client, h, "practice", B).json()["value"] == 12
    _no_leak(kpi(client, h, "provider", "POH-C"))
    _no_leak(kpi(client, h, "practice", C))
    provs = client.get("/api/v1/providers", params={"region": "noord"}, headers=h).json()
    assert [p["code"] for p in provs["items"]] == ["POH-A"]
    # the region's benchmark is visible, the other practices anonymised (tests/privacy)
    res = client.get(
        "/api/v1/benchmarks/poh_patients", params={"region": "noord", "period": Q}, headers=h
    )
    assert res.status_code == 200
    rows = {r["agb"] or r["name"]: r for r in res.json()["practices"]}
    assert rows[A]["own_scope"] and rows[A]["value"] == 4 and C not in rows
    assert len([r for r in rows.values() if r["agb"] is None and not r["own_scope"]]) == 4


def test_teamleider_sees_team_practices_and_pohs(client, users) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "tl-a")
    assert kpi(client, h, "team", "team-a").json()["value"] == 16
    assert kpi(client, h, "practice", A).json()["value"] == 4  # the team's practice: own
    assert kpi(client, h, "provider", "POH-A").json()["value"] == 16
    _no_leak(kpi(client, h, "practice", C))
    _no_leak(kpi(client, h, "provider", "POH-C"))
    assert [t["slug"] for t in client.get("/api/v1/teams", headers=h).json()["items"]] == ["team-a"]
    assert client.get("/api/v1/teams/team-a", headers=h).status_code == 200
    _no_leak(client.get("/api/v1/teams/team-geheim", headers=h), "Geheim")
    _no_leak(client.patch("/api/v1/teams/team-a", json={"name": "X"}, headers=h))
    _no_leak(client.delete("/api/v1/teams/team-a", headers=h))


def test_beheerder_manages_but_sees_no_figures(client, users) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "beheer")
    _no_leak(kpi(client, h, "practice", A), "Praktijk")
    _no_leak(kpi(client, h, "region", "noord"))
    _no_leak(client.get(f"/api/v1/practices/{A}/scorecard", params={"period": Q}, headers=h))
    assert client.get("/api/v1/practices", headers=h).json()["items"] == []
    assert client.get("/api/v1/imports", headers=h).status_code == 200
    assert client.get("/api/v1/users", headers=h).json()["total"] == 5
    assert client.get("/api/v1/audit", headers=h).status_code == 200
    teams = client.get("/api/v1/teams", headers=h).json()["items"]
    assert {t["slug"] for t in teams} == {"team-a", "team-geheim"}
    res = client.patch("/api/v1/teams/team-a", json={"name": "Team A2"}, headers=h)
    assert res.status_code == 200


@pytest.mark.parametrize("who", ["poh-a", "ha-a", "tl-a", "regio-noord"])
def test_only_the_beheerder_changes_users_and_imports(client, users, who: str) -> None:  # type: ignore[no-untyped-def]
    h = login(client, who)
    new = {"username": "nieuw", "role": "huisarts", "password": "x" * 12}
    _no_leak(client.post("/api/v1/users", json=new, headers=h))
    _no_leak(client.patch("/api/v1/users/ha-a", json={"is_active": False}, headers=h))
    _no_leak(client.post("/api/v1/imports", files={"file": ("a.csv", b"x")}, headers=h))
    _no_leak(client.post("/api/v1/teams", json={"slug": "t", "name": "T"}, headers=h))


def test_a_team_of_practices_gives_its_teamleider_the_pohs_working_there(
    session, world, users
) -> None:  # type: ignore[no-untyped-def]
    """A team that lists practices and no POHs (as the demo's teams do): its teamleider sees
    and owns the POHs who work in those practices, and no other POH."""
    from api.auth.scope import build_grant
    from models import Practice, Team

    team = Team(slug="team-praktijken", name="Team Praktijken")
    team.practices.append(session.scalar(select(Practice).where(Practice.agb == C)))
    session.add(team)
    session.flush()
    leader = add_user(session, "tl-praktijken", "teamleider", ("team", "team-praktijken"))
    grant = build_grant(session, leader)
    assert grant.own_providers == frozenset({"POH-C"})
    assert ("provider", "POH-C") in grant.visible and ("provider", "POH-A") not in grant.visible
    assert grant.own_practices == frozenset({C})
