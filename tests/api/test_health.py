from __future__ import annotations

import datetime as dt

from tests.factories import add_list_size, make_practice, make_region


def test_health(api_client) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get("/health")
    assert res.status_code == 200
    assert res.json()["status"] == "ok"


def test_practices_with_latest_list_size(api_client, session) -> None:  # type: ignore[no-untyped-def]
    region = make_region(session, slug="west", name="Regio West")
    p = make_practice(session, agb="01000001", name="De Linde", region=region, listed=2000)
    add_list_size(session, practice=p, peildatum=dt.date(2025, 1, 1), listed=2100)
    make_practice(session, agb="01000002", name="Het Anker", region=region, listed=None)

    body = api_client.get("/api/v1/practices", params={"region": "west"}).json()
    assert body["total"] == 2
    by_agb = {i["agb"]: i for i in body["items"]}
    assert by_agb["01000001"]["listed"] == 2100
    assert by_agb["01000001"]["listed_peildatum"] == "2025-01-01"
    assert by_agb["01000002"]["listed"] is None
    assert api_client.get("/api/v1/practices", params={"region": "oost"}).json()["total"] == 0


def test_invalid_parameters_are_problem_json(api_client) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get("/api/v1/kpis/poh_contacts/series", params={"level": "practice"})
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
    body = res.json()
    assert body["title"] == "Ongeldige invoer"
    assert "id" in body["detail"]
