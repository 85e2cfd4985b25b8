"""The dashboard's HTTP client against the real API app (FastAPI TestClient injected)."""

from __future__ import annotations

import httpx
import pytest

from dashboard.client import ApiClient, ApiProblem, ApiUnavailable
from tests.dashboard.data import REGION, REGION_NAME, build_region


@pytest.fixture
def client(api_client) -> ApiClient:  # type: ignore[no-untyped-def]
    return ApiClient(http=api_client)


def test_health(client: ApiClient) -> None:
    health = client.health()
    assert health.status == "ok"
    assert health.database in {"sqlite", "postgresql"}


def test_practices_typed(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    built = build_region(session)
    practices = client.practices(region=REGION)
    assert [p.agb for p in sorted(practices, key=lambda p: p.agb)] == built.agbs
    first = next(p for p in practices if p.agb == built.agbs[0])
    assert first.region_name == REGION_NAME
    assert first.listed == 1800
    assert first.listed_peildatum is not None and first.listed_peildatum.year == 2025
    assert client.practices(region="bestaat-niet") == []


def test_not_found_is_a_dutch_problem(client: ApiClient) -> None:
    with pytest.raises(ApiProblem) as info:
        client._get("/api/v1/bestaat-niet")
    assert info.value.status == 404
    assert "404 Niet gevonden" in str(info.value)


def test_problem_json_detail_is_shown() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={
                "type": "about:blank",
                "title": "Ongeldige invoer",
                "status": 422,
                "detail": "Onbekende periode: 2025Q5",
            },
            headers={"content-type": "application/problem+json"},
        )

    client = ApiClient(
        http=httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    )
    with pytest.raises(ApiProblem) as info:
        client.scorecard("01990001", period="2025Q5")
    assert (
        str(info.value) == "De API gaf een fout (422 Ongeldige invoer): Onbekende periode: 2025Q5"
    )
    assert info.value.detail == "Onbekende periode: 2025Q5"


def test_fastapi_validation_errors_are_summarised() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={"detail": [{"loc": ["query", "period"], "msg": "Field required", "type": "x"}]},
        )

    client = ApiClient(
        http=httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    )
    with pytest.raises(ApiProblem, match=r"422 Ongeldige invoer\): period: Field required"):
        client.benchmark("poh_contacts", region=REGION, period="")


def test_unreachable_api_gives_a_dutch_message() -> None:
    client = ApiClient("http://127.0.0.1:9", timeout=2)
    with pytest.raises(ApiUnavailable) as info:
        client.health()
    message = str(info.value)
    assert "niet bereikbaar" in message
    assert "http://127.0.0.1:9" in message
    assert "POHCONNECT_API_URL" in message
    client.close()


def test_unexpected_shape_is_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [{"agb": "1"}], "total": 1})

    client = ApiClient(
        http=httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    )
    with pytest.raises(ApiProblem, match="onverwachte vorm"):
        client.practices()


def test_query_parameters_sent_as_the_api_expects() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(
            200,
            json={
                "slug": "poh_contacts",
                "level": "practice",
                "id": "01990001",
                "grain": "quarter",
                "start": "2025-01-01",
                "end": "2025-09-30",
                "points": [],
            },
        )

    client = ApiClient(
        http=httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    )
    series = client.kpi_series(
        "poh_contacts", level="practice", id="01990001", start="2025Q1", end="2025Q3"
    )
    assert series.points == []
    url = seen[0]
    assert url.path == "/api/v1/kpis/poh_contacts/series"
    assert dict(url.params) == {
        "level": "practice",
        "id": "01990001",
        "from": "2025Q1",
        "to": "2025Q3",
        "grain": "quarter",
    }
