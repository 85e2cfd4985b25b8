"""Every parameter is validated at the edge: out-of-range periods, pagination and ids are a
422 with a Dutch message (never a 500); odd dashboard paths are a 404; timestamps carry a zone.
"""

from __future__ import annotations

import datetime as dt

import pytest

from api.kpi.periods import MAX_YEAR, MIN_YEAR, PeriodError, parse_period
from models import ImportBatch
from tests.factories import make_practice, make_region

BAD_PERIODS = ["9999Q4", "0000", "0001-01-01..9999-12-31", "1999Q4", "2101", "2025-13"]


@pytest.mark.parametrize("text", ["9999Q4", "0000", "0001-01-01..9999-12-31", "2101-01", "1999"])
def test_period_outside_the_window_is_a_period_error(text: str) -> None:
    with pytest.raises(PeriodError, match=f"jaren {MIN_YEAR} t/m {MAX_YEAR}"):
        parse_period(text)


def test_period_window_edges_parse() -> None:
    assert parse_period("2000Q1").start == dt.date(2000, 1, 1)
    assert parse_period("2100-12").end == dt.date(2100, 12, 31)
    assert parse_period("2000-01-01..2100-12-31").days == 36890


@pytest.fixture
def seeded(session):  # type: ignore[no-untyped-def]
    region = make_region(session, slug="regio-rand", name="Regio Rand")
    practice = make_practice(session, agb="01990001", region=region)
    return region.slug, practice.agb


@pytest.mark.parametrize("period", BAD_PERIODS)
def test_bad_periods_are_422_in_dutch_on_every_kpi_route(api_client, seeded, period) -> None:  # type: ignore[no-untyped-def]
    region, agb = seeded
    urls = [
        f"/api/v1/kpis/poh_contacts?level=region&id={region}&period={period}",
        f"/api/v1/kpis/poh_contacts/series?level=region&id={region}&from={period}&to=2025Q4",
        f"/api/v1/kpis?level=region&id={region}&period={period}",
        f"/api/v1/benchmarks/poh_contacts?region={region}&period={period}",
        f"/api/v1/practices/{agb}/scorecard?period={period}",
        f"/api/v1/referrals/flows?level=region&id={region}&period={period}",
    ]
    for url in urls:
        res = api_client.get(url)
        if url.startswith("/api/v1/kpis?") and res.status_code == 200:
            continue  # the catalogue takes no period
        assert res.status_code == 422, (url, res.status_code, res.text)
        body = res.json()
        assert res.headers["content-type"].startswith("application/problem+json")
        assert body["title"] == "Ongeldige invoer"
        assert "periode" in body["detail"].lower() or "maand" in body["detail"].lower(), body


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/imports?offset=1e20", "offset: moet een geheel getal zijn"),
        ("/api/v1/imports?offset=100000000000000000000", "offset: mag hoogstens 1000000000 zijn"),
        ("/api/v1/imports?offset=-1", "offset: moet minstens 0 zijn"),
        ("/api/v1/imports?limit=0", "limit: moet minstens 1 zijn"),
        ("/api/v1/imports/9223372036854775808", "import_id: mag hoogstens 2147483647 zijn"),
        ("/api/v1/imports/2147483648", "import_id: mag hoogstens 2147483647 zijn"),
        ("/api/v1/imports/0", "import_id: moet minstens 1 zijn"),
        ("/api/v1/imports/abc", "import_id: moet een geheel getal zijn"),
    ],
)
def test_pagination_and_ids_out_of_range_are_422(api_client, url: str, detail: str) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get(url)
    assert res.status_code == 422, res.text
    assert res.json()["detail"] == detail


def test_largest_valid_id_is_a_plain_404(api_client) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get("/api/v1/imports/2147483647")
    assert res.status_code == 404
    assert res.json()["detail"] == "Import 2147483647 bestaat niet."


def test_import_timestamps_are_utc_with_zone(api_client, session) -> None:  # type: ignore[no-untyped-def]
    batch = ImportBatch(
        kind="uren",
        source_format="csv",
        filename="uren.csv",
        status="committed",
        started_at=dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 1, 2, 11, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    )
    session.add(batch)
    session.flush()
    item = api_client.get("/api/v1/imports").json()["items"][0]
    assert item["started_at"] == "2026-01-02T10:00:00Z"
    assert item["finished_at"] == "2026-01-02T10:00:05Z"
    one = api_client.get(f"/api/v1/imports/{batch.id}").json()
    assert one["started_at"] == "2026-01-02T10:00:00Z"


def test_dashboard_dot_segments_are_404() -> None:
    from fastapi.testclient import TestClient

    from pohconnect.server import create_server_app

    with TestClient(create_server_app(api_base_url="http://127.0.0.1:9")) as client:
        for path in (
            "/dashboard/..%2F..%2Fetc%2Fpasswd",
            "/dashboard/_dash-component-suites/..%2F..%2Fsecret.js",
            "/dashboard/_dash-component-suites/geen_bibliotheek/x.js",
            "/dashboard/assets/..%2F..%2Fpyproject.toml",
        ):
            res = client.get(path)
            assert res.status_code == 404, (path, res.status_code)
            assert res.text == "Niet gevonden"
        assert client.get("/dashboard/").status_code == 200
