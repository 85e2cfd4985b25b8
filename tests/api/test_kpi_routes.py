"""The KPI API: catalogue, values, series, benchmarks, scorecard, flows, exports, teams."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from api.kpi.definitions import REGISTRY
from tests.factories import (
    make_contact,
    make_hours,
    make_patient,
    make_practice,
    make_provider,
    make_referral,
    make_region,
)

D = dt.date


@pytest.fixture
def data(session: Session):  # type: ignore[no-untyped-def]
    region = make_region(session, slug="west", name="West")
    poh = make_provider(session, code="POH1", name="Petra")
    ha = make_provider(session, code="HA1", functie="huisarts")
    practices = []
    for i in range(6):
        name = '=HYPERLINK("http://x")' if i == 0 else f"Praktijk {i}"
        pr = make_practice(session, agb=f"0100000{i}", name=name, region=region, listed=2000)
        practices.append(pr)
        for j in range(10 + i):
            pat = make_patient(session, practice=pr)
            make_contact(session, patient=pat, provider=poh, date=D(2025, 7, 1 + j))
        make_hours(session, provider=poh, practice=pr, week_start=D(2025, 7, 7), contract=8)
    # flows in practice 1: a POH patient referred to gb-ggz, a direct referral to s-ggz
    p1 = practices[1]
    pat = make_patient(session, practice=p1)
    make_contact(session, patient=pat, provider=poh, date=D(2025, 3, 1))
    make_referral(session, patient=pat, date=D(2025, 8, 1), destination="gb-ggz")
    other = make_patient(session, practice=p1)
    make_contact(session, patient=other, provider=ha, date=D(2025, 8, 1), icpc="P76")
    make_referral(session, patient=other, date=D(2025, 8, 2), destination="s-ggz", referrer=ha)
    return practices


def test_catalogue(api_client) -> None:  # type: ignore[no-untyped-def]
    body = api_client.get("/api/v1/kpis").json()
    assert body["total"] == len(REGISTRY) == 24
    item = next(i for i in body["items"] if i["slug"] == "ftf_per_workday")
    assert item["polarity"] == "neutral" and item["funnel"] == "rate"
    assert item["title_en"] == "Face-to-face consults per workday"


def test_value_series_and_problems(api_client, data) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get(
        "/api/v1/kpis/poh_contacts",
        params={"level": "practice", "id": "01000003", "period": "2025Q3"},
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["value"] == 13 and body["period"]["label"] == "2025Q3"
    assert body["benchmark"]["n"] == 6 and body["benchmark"]["percent_rank"] == 0.6
    assert body["breakdown"][0] == {
        "dimension": "contactvorm",
        "key": "consult",
        "label": "Consult",
        "label_en": "Consultation",
        "value": 13.0,
        "share_pct": 100.0,
        "suppressed": False,
    }
    s = api_client.get(
        "/api/v1/kpis/poh_contacts/series",
        params={
            "level": "region",
            "id": "west",
            "from": "2025-06",
            "to": "2025-08",
            "grain": "month",
        },
    ).json()
    assert [p["value"] for p in s["points"]] == [0, 75, 0]  # 10 + 11 + … + 15
    prov = api_client.get(
        "/api/v1/kpis/poh_contacts", params={"level": "provider", "id": "POH1", "period": "2025"}
    ).json()
    assert prov["value"] == 76
    bad = api_client.get(
        "/api/v1/kpis/nope", params={"level": "region", "id": "west", "period": "2025Q3"}
    )
    assert bad.status_code == 404
    assert bad.headers["content-type"].startswith("application/problem+json")
    bad = api_client.get(
        "/api/v1/kpis/poh_contacts", params={"level": "region", "id": "west", "period": "2025Q9"}
    )
    assert bad.status_code == 422 and bad.json()["title"] == "Ongeldige invoer"
    missing = api_client.get(
        "/api/v1/kpis/poh_contacts", params={"level": "team", "id": "x", "period": "2025Q3"}
    )
    assert missing.status_code == 404


def test_benchmark_json_csv_xlsx(api_client, data) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/benchmarks/poh_contacts_per_1000_year"
    body = api_client.get(url, params={"region": "west", "period": "2025Q3"}).json()
    assert body["distribution"]["n"] == 6 and len(body["practices"]) == 6
    assert body["funnel_kind"] == "rate"
    res = api_client.get(url, params={"region": "west", "period": "2025Q3", "format": "csv"})
    assert res.headers["content-type"].startswith("text/csv")
    assert res.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["agb", "naam", "waarde"]
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # formula injection neutralised
    res = api_client.get(
        url,
        params={"region": "west", "period": "2025Q3"},
        headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    assert res.status_code == 200
    ws = load_workbook(io.BytesIO(res.content)).active
    cells = [c.value for c in ws["B"]]
    assert '\'=HYPERLINK("http://x")' in cells
    assert (
        api_client.get(
            "/api/v1/benchmarks/case_mix", params={"region": "west", "period": "2025Q3"}
        ).status_code
        == 422
    )


def test_scorecard_and_flows(api_client, data) -> None:  # type: ignore[no-untyped-def]
    sc = api_client.get("/api/v1/practices/01000001/scorecard", params={"period": "2025Q3"})
    assert sc.status_code == 200, sc.text
    items = {i["slug"]: i for i in sc.json()["items"]}
    assert "poh_reach_per_1000" in items and "hours_norm_per_week" in items
    assert items["poh_contacts"]["value"] == 11 and items["poh_contacts"]["region_n"] == 6
    assert items["referrals_ggz"]["value"] == 2
    assert items["ftf_per_workday"]["value"] == 11.0
    csv_res = api_client.get(
        "/api/v1/practices/01000001/scorecard", params={"period": "2025Q3", "format": "csv"}
    )
    assert "poh_contacts" in csv_res.content.decode("utf-8-sig")
    flows = api_client.get(
        "/api/v1/referrals/flows",
        params={"level": "practice", "id": "01000001", "period": "2025Q3"},
    )
    links = {(x["source"], x["target"]): x["value"] for x in flows.json()["links"]}
    assert links == {
        ("huisarts", "poh-ggz"): 11,
        ("poh-ggz", "gb-ggz"): 1,
        ("huisarts", "s-ggz"): 1,
        ("poh-ggz", "afgerond-poh"): 10,  # 11 new episodes − 1 referral via the POH
    }
    shares = {(x["source"], x["target"]): x["share_pct"] for x in flows.json()["links"]}
    assert shares[("poh-ggz", "gb-ggz")] == pytest.approx(100 / 11)
    assert shares[("poh-ggz", "afgerond-poh")] == pytest.approx(1000 / 11)
    assert shares[("huisarts", "poh-ggz")] == pytest.approx(1100 / 12)


def test_teams_crud(api_client, data) -> None:  # type: ignore[no-untyped-def]
    res = api_client.post(
        "/api/v1/teams",
        json={
            "slug": "team-a",
            "name": "Team A",
            "region": "west",
            "practices": ["01000000", "01000001"],
            "providers": ["POH1"],
        },
    )
    assert res.status_code == 201, res.text
    assert res.json()["practices"] == ["01000000", "01000001"]
    assert api_client.post("/api/v1/teams", json={"slug": "team-a", "name": "x"}).status_code == 409
    assert (
        api_client.post(
            "/api/v1/teams", json={"slug": "team-b", "name": "x", "practices": ["09999999"]}
        ).status_code
        == 422
    )
    v = api_client.get(
        "/api/v1/kpis/poh_contacts", params={"level": "team", "id": "team-a", "period": "2025Q3"}
    ).json()
    assert v["value"] == 21
    res = api_client.patch("/api/v1/teams/team-a", json={"practices": ["01000000"]})
    assert res.json()["practices"] == ["01000000"]
    v = api_client.get(
        "/api/v1/kpis/poh_contacts", params={"level": "team", "id": "team-a", "period": "2025Q3"}
    ).json()
    assert v["value"] == 10
    assert api_client.get("/api/v1/teams").json()["total"] == 1
    assert api_client.delete("/api/v1/teams/team-a").status_code == 204
    assert api_client.get("/api/v1/teams/team-a").status_code == 404


def test_openapi_documents_problems(api_client) -> None:  # type: ignore[no-untyped-def]
    spec = api_client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/kpis/{slug}"]["get"]
    assert {"404", "422", "403"} <= set(op["responses"])
    assert "/api/v1/practices/{agb}/scorecard" in spec["paths"]


def test_caller_scope_dependency(api_client, data) -> None:  # type: ignore[no-untyped-def]
    """Access control only has to fill in the caller: one dependency for every KPI route."""
    from api.access import get_caller_scope
    from api.kpi.service import CallerScope

    app = api_client.app
    app.dependency_overrides[get_caller_scope] = lambda: CallerScope(
        visible_all=False,
        visible=frozenset({("practice", "01000000"), ("region", "west")}),
        own_practices=frozenset({"01000000"}),
    )
    ok = api_client.get(
        "/api/v1/kpis/poh_patients",
        params={"level": "practice", "id": "01000000", "period": "2025Q3"},
    )
    assert ok.status_code == 200 and ok.json()["value"] == 10
    denied = api_client.get(
        "/api/v1/kpis/poh_patients",
        params={"level": "practice", "id": "01000001", "period": "2025Q3"},
    )
    assert denied.status_code == 404  # outside the scope: as if it did not exist
    assert denied.headers["content-type"].startswith("application/problem+json")
    bm = api_client.get(
        "/api/v1/benchmarks/poh_patients", params={"region": "west", "period": "2025Q3"}
    ).json()
    own = [r for r in bm["practices"] if r["own_scope"]]
    assert [r["agb"] for r in own] == ["01000000"]
    assert (
        api_client.get(
            "/api/v1/practices/01000002/scorecard", params={"period": "2025Q3"}
        ).status_code
        == 404
    )
    del app.dependency_overrides[get_caller_scope]


def test_csv_opens_in_dutch_excel_and_has_an_international_form(api_client, data) -> None:  # type: ignore[no-untyped-def]
    """Dutch Excel splits on ';' and reads a decimal comma; dialect=international is the
    comma/point form. Same figures in both, and in the JSON."""
    url = "/api/v1/practices/01000001/scorecard"
    body = api_client.get(url, params={"period": "2025Q3"}).json()
    by_slug = {i["slug"]: i for i in body["items"]}
    dutch = api_client.get(url, params={"period": "2025Q3", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(dutch.content.decode("utf-8-sig")), delimiter=";"))
    international = api_client.get(
        url, params={"period": "2025Q3", "format": "csv", "dialect": "international"}
    )
    rows_int = list(csv.DictReader(io.StringIO(international.content.decode("utf-8-sig"))))
    assert [r["kpi"] for r in rows] == [r["kpi"] for r in rows_int] == list(by_slug)
    fractional = [r for r in rows_int if r["waarde"] and "." in r["waarde"]]
    assert fractional, "the scorecard has values with decimals"
    for nl_row, int_row in zip(rows, rows_int, strict=True):
        assert nl_row["waarde"] == int_row["waarde"].replace(".", ",")
        value = by_slug[int_row["kpi"]]["value"]
        if value is not None and int_row["waarde"]:
            assert float(int_row["waarde"]) == value
    # Dutch words, not the API's English codes
    contacts = next(r for r in rows if r["kpi"] == "poh_contacts")
    assert contacts["eenheid"] != "contacts" and contacts["status"] in {"ok", "afgeschermd (< 10)"}
    assert all(r["funnel_95"] in {"", "binnen", "boven", "onder"} for r in rows)
    assert (
        api_client.get(
            url, params={"period": "2025Q3", "format": "csv", "dialect": "fr"}
        ).status_code
        == 422
    )


def test_a_region_can_be_named_by_its_name(api_client, data) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/benchmarks/poh_contacts_per_1000_year"
    by_slug = api_client.get(url, params={"region": "west", "period": "2025Q3"})
    region_name = by_slug.json()["region_name"]
    assert region_name and region_name != "west"
    for spelled in (region_name, region_name.upper()):
        by_name = api_client.get(url, params={"region": spelled, "period": "2025Q3"})
        assert by_name.status_code == 200, by_name.text
        assert by_name.json() == by_slug.json()
    unknown = api_client.get(url, params={"region": "Nergensland", "period": "2025Q3"})
    assert unknown.status_code == 404 and "Nergensland" in unknown.text
    series = api_client.get(
        "/api/v1/kpis/poh_contacts",
        params={"level": "region", "id": region_name, "period": "2025Q3"},
    )
    assert series.status_code == 200 and series.json()["id"] == "west"


def test_several_values_with_their_metadata_in_one_call(api_client, data) -> None:  # type: ignore[no-untyped-def]
    params = {"level": "practice", "id": "01000003", "period": "2025Q3"}
    res = api_client.get(
        "/api/v1/values",
        params=[("slug", "wait_days_intake"), ("slug", "poh_contacts"), *params.items()],
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert [i["definition"]["slug"] for i in body["items"]] == ["wait_days_intake", "poh_contacts"]
    wait = body["items"][0]["definition"]
    assert wait["polarity"] == "lower_better" and wait["norm_high"] == 14.0
    for item in body["items"]:
        single = api_client.get(f"/api/v1/kpis/{item['definition']['slug']}", params=params)
        assert item["value"] == single.json()
    assert body["items"][1]["value"]["value"] == 13
    unknown = api_client.get("/api/v1/values", params=[("slug", "nope"), *params.items()])
    assert unknown.status_code == 404
    none = api_client.get("/api/v1/values", params=params)
    assert none.status_code == 422
