"""The dashboard's HTTP client against the real API app (FastAPI TestClient injected)."""

from __future__ import annotations

import statistics

import httpx
import pytest

from dashboard.client import ApiClient, ApiProblem, ApiUnavailable
from tests.dashboard.data import QUARTERS, REGION, REGION_NAME, build_region


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


# -- KPI endpoints (branch kpi) against the known region of tests/dashboard/data.py ------------


def test_kpi_catalogue(client: ApiClient) -> None:
    kpis = {k.slug: k for k in client.kpis()}
    assert {"poh_contacts", "ftf_per_workday", "wait_days_intake", "hours_vs_norm_pct"} <= set(kpis)
    ftf = kpis["ftf_per_workday"]
    assert ftf.title_nl and ftf.title_en and ftf.reference
    assert "practice" in ftf.levels


def test_poh_contacts_series_per_quarter(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    built = build_region(session)
    agb = built.agbs[2]
    series = client.kpi_series(
        "poh_contacts", level="practice", id=agb, start="2024Q4", end="2025Q3"
    )
    got = {p.period.label: p.value for p in series.points}
    assert got == {
        "2024Q4": 0.0,
        **{q: float(built.contacts[(agb, q)]) for q in QUARTERS},
    }
    q3 = next(p for p in series.points if p.period.label == "2025Q3")
    by_form = {b.key: b.value for b in q3.breakdown if b.dimension == "contactvorm"}
    assert sum(v or 0 for v in by_form.values()) == built.contacts[(agb, "2025Q3")]


def test_kpi_value_benchmark_scorecard_and_flows(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    built = build_region(session)
    agb = built.agbs[0]
    value = client.kpi("poh_contacts", level="practice", id=agb, period="2025Q2")
    assert value.value == built.contacts[(agb, "2025Q2")]
    assert value.period.start.isoformat() == "2025-04-01"

    bench = client.benchmark("poh_contacts", region=REGION, period="2025Q2")
    assert {r.agb: r.value for r in bench.practices} == {
        a: float(built.contacts[(a, "2025Q2")]) for a in built.agbs
    }
    assert bench.distribution is not None and bench.distribution.n == len(built.agbs)

    card = client.scorecard(agb, period="2025Q2")
    assert card.agb == agb
    item = next(i for i in card.items if i.slug == "poh_contacts")
    assert item.value == built.contacts[(agb, "2025Q2")]

    flows = client.referral_flows(level="region", id=REGION, period="2025Q1")
    assert flows.nodes and flows.links
    node_ids = {n.id for n in flows.nodes}
    assert all(link.source in node_ids and link.target in node_ids for link in flows.links)
    assert client.teams() == []


def test_unknown_kpi_is_a_dutch_problem(client: ApiClient) -> None:
    with pytest.raises(ApiProblem) as info:
        client.kpi("bestaat_niet", level="region", id=REGION, period="2025Q1")
    assert info.value.status in (404, 422)
    assert "De API gaf een fout" in str(info.value)


def test_transient_server_errors_are_retried() -> None:
    answers = iter([500, 503, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status != 200:
            return httpx.Response(status, json={"detail": "database is locked"})
        return httpx.Response(200, json={"status": "ok", "database": "sqlite", "version": "1"})

    http = httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    client = ApiClient(http=http, retry_delays=(0, 0))
    assert client.health().status == "ok"

    always = httpx.Client(
        base_url="http://api", transport=httpx.MockTransport(lambda r: httpx.Response(500))
    )
    with pytest.raises(ApiProblem, match="500 Interne fout van de server"):
        ApiClient(http=always, retry_delays=(0, 0)).health()


def test_a_dropped_keep_alive_connection_is_retried_once() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(200, json={"status": "ok", "database": "sqlite", "version": "1"})

    http = httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    assert ApiClient(http=http).health().status == "ok"
    assert calls["n"] == 2

    def always(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    http = httpx.Client(base_url="http://api", transport=httpx.MockTransport(always))
    with pytest.raises(ApiUnavailable, match="niet bereikbaar"):
        ApiClient(http=http).health()


def test_providers_with_their_practices(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    built = build_region(session)
    providers = client.providers(region=REGION)
    # the six POHs of the region, sorted by name; huisartsen only when asked for
    assert [(p.code, p.name, p.functie, p.practices) for p in providers] == [
        (f"POHD{i + 1:03d}", f"POH {i + 1}", "poh-ggz", [agb]) for i, agb in enumerate(built.agbs)
    ]
    assert [p.code for p in client.providers(practice=built.agbs[2])] == ["POHD003"]
    doctors = client.providers(region=REGION, functie=["huisarts"])
    assert [p.code for p in doctors] == [f"HAD{i + 1:03d}" for i in range(6)]
    assert client.providers(region="bestaat-niet") == []


def test_periods_newest_first(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    build_region(session)
    periods = client.periods(region=REGION)
    # huisarts contacts (aanmelding) start in December 2024, the last POH contact is in 2025Q3
    assert periods.quarters == ["2025Q3", "2025Q2", "2025Q1", "2024Q4"]
    assert periods.years == ["2025", "2024"]
    assert periods.latest_quarter == "2025Q3"
    assert periods.last_date is not None and periods.last_date.isoformat() == "2025-09-21"
    assert client.periods().quarters == periods.quarters
    with pytest.raises(ApiProblem) as info:
        client.periods(region="bestaat-niet")
    assert info.value.status == 404


def test_data_quarters_come_from_the_periods_endpoint(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from dashboard.lookups import data_quarters

    today = dt.date(2026, 2, 1)
    # no contacts yet: the last eight quarters up to today
    assert data_quarters(client, region=REGION, today=today) == [
        "2026Q1",
        "2025Q4",
        "2025Q3",
        "2025Q2",
        "2025Q1",
        "2024Q4",
        "2024Q3",
        "2024Q2",
    ]
    build_region(session)
    assert data_quarters(client, region=REGION, today=today)[0] == "2025Q3"
    # a region the user may not see as a whole (404): the quarters of all their data
    assert data_quarters(client, region="bestaat-niet", today=today)[0] == "2025Q3"


def test_benchmark_rows_carry_extra_and_english_labels(client: ApiClient, session) -> None:  # type: ignore[no-untyped-def]
    built = build_region(session)
    bench = client.benchmark("wait_days_intake", region=REGION, period="2025Q1")
    for row in bench.practices:
        one = client.kpi("wait_days_intake", level="practice", id=row.agb, period="2025Q1")
        assert row.extra == one.extra
        assert row.extra["p90"] is not None and row.extra["p90"] >= (row.value or 0)
    # practice 0 (data.py): patient p's aanmelding is 3 + p % 5 days before day 5p % 77 of the
    # quarter; it counts when that day is still the patient's first POH contact
    first_day = {p: min((5 * k) % 77 for k in range(60) if k % 25 == p) for p in range(25)}
    waits = sorted(
        3 + p % 5 for p in range(25) if (5 * p) % 77 - (3 + p % 5) <= first_day[p] <= (5 * p) % 77
    )
    assert waits == [3, 3, 3, 4, 4, 4, 5, 5, 6, 6, 7, 7]
    first = next(r for r in bench.practices if r.agb == built.agbs[0])
    assert first.value == 4.5 == statistics.median(waits)
    assert first.extra["p90"] == pytest.approx(6.9)  # 6 + 0.9 × (7 − 6), linear interpolation
    value = client.kpi("poh_contacts", level="practice", id=built.agbs[0], period="2025Q1")
    labels = {b.key: (b.label, b.label_en) for b in value.breakdown}
    assert labels["telefonisch"] == ("Telefonisch", "Telephone")
    kpis = {k.slug: k for k in client.kpis()}
    assert kpis["ftf_per_workday"].reference_en == (
        "Norm ≤ 8–9 a day; Trimbos mean 9.2, 46% of POHs ≥ 10"
    )
