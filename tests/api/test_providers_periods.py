"""Providers list, periods with data, per-practice extra in benchmarks, English texts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from api.access import get_caller_scope
from api.kpi import service
from api.kpi.definitions import REGISTRY
from api.kpi.service import CallerScope
from tests.factories import (
    make_contact,
    make_patient,
    make_practice,
    make_provider,
    make_referral,
    make_region,
)

D = dt.date


@pytest.fixture
def org(session: Session):  # type: ignore[no-untyped-def]
    west = make_region(session, slug="west", name="West")
    oost = make_region(session, slug="oost", name="Oost")
    a = make_practice(session, agb="02000001", name="A", region=west)
    b = make_practice(session, agb="02000002", name="B", region=west)
    c = make_practice(session, agb="02000003", name="C", region=oost)
    make_provider(session, code="P-ZW", name="Zwaan", practices=(a, c))
    make_provider(session, code="P-AB", name="abels", functie="poh-ggz-jeugd", practices=(b,))
    make_provider(session, code="P-MI", name="Mol", practices=(c,))
    make_provider(session, code="HA1", name="Aarts", functie="huisarts", practices=(a,))
    make_provider(session, code="P-NONE", name=None, practices=())
    return west, oost, (a, b, c)


def test_providers_default_is_poh_ggz_sorted_by_name(api_client, org) -> None:  # type: ignore[no-untyped-def]
    body = api_client.get("/api/v1/providers").json()
    assert body["total"] == 4
    assert [(i["code"], i["name"], i["functie"], i["practices"]) for i in body["items"]] == [
        ("P-AB", "abels", "poh-ggz-jeugd", ["02000002"]),
        ("P-MI", "Mol", "poh-ggz", ["02000003"]),
        ("P-NONE", None, "poh-ggz", []),
        ("P-ZW", "Zwaan", "poh-ggz", ["02000001", "02000003"]),
    ]


def test_providers_filters(api_client, org) -> None:  # type: ignore[no-untyped-def]
    def codes(**params: object) -> list[str]:
        res = api_client.get("/api/v1/providers", params=params)
        assert res.status_code == 200, res.text
        return [i["code"] for i in res.json()["items"]]

    # a POH working in two regions appears in both, with all its practices
    assert codes(region="west") == ["P-AB", "P-ZW"]
    assert codes(region="oost") == ["P-MI", "P-ZW"]
    west = api_client.get("/api/v1/providers", params={"region": "west"}).json()
    assert west["items"][1]["practices"] == ["02000001", "02000003"]
    assert codes(practice="02000003") == ["P-MI", "P-ZW"]
    assert codes(region="west", practice="02000003") == []
    assert codes(functie="huisarts") == ["HA1"]
    assert codes(functie=["huisarts", "poh-ggz-jeugd"], region="west") == ["HA1", "P-AB"]
    assert codes(region="bestaat-niet") == []
    bad = api_client.get("/api/v1/providers", params={"functie": "tandarts"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")


def test_providers_respect_the_caller_scope(api_client, org) -> None:  # type: ignore[no-untyped-def]
    caller = CallerScope(
        visible_all=False, visible=frozenset({("region", "west"), ("provider", "P-ZW")})
    )
    api_client.app.dependency_overrides[get_caller_scope] = lambda: caller
    try:
        body = api_client.get("/api/v1/providers", params={"region": "west"}).json()
        assert [i["code"] for i in body["items"]] == ["P-ZW"]
        denied = api_client.get("/api/v1/providers", params={"region": "oost"})
        # outside the scope: 404, as for a region that does not exist
        assert denied.status_code == 404
        assert denied.json()["detail"] == "Regio oost bestaat niet"
        assert api_client.get("/api/v1/periods", params={"region": "oost"}).status_code == 404
    finally:
        del api_client.app.dependency_overrides[get_caller_scope]


def test_periods_newest_first(api_client, session, org) -> None:  # type: ignore[no-untyped-def]
    _west, _oost, (a, _b, c) = org
    poh = make_provider(session, code="P-X")
    ha = make_provider(session, code="HA-X", functie="huisarts")
    pa, pc = make_patient(session, practice=a), make_patient(session, practice=c)
    make_contact(session, patient=pa, provider=ha, date=D(2024, 11, 30))  # any functie counts
    make_contact(session, patient=pa, provider=poh, date=D(2025, 4, 1))
    make_contact(session, patient=pc, provider=poh, date=D(2023, 12, 31))
    make_contact(session, patient=pc, provider=poh, date=D(2025, 7, 1))

    west = api_client.get("/api/v1/periods", params={"region": "west"}).json()
    assert west == {
        "region": "west",
        "first_date": "2024-11-30",
        "last_date": "2025-04-01",
        "latest_quarter": "2025Q2",
        "quarters": ["2025Q2", "2025Q1", "2024Q4"],
        "years": ["2025", "2024"],
    }
    everything = api_client.get("/api/v1/periods").json()
    assert everything["region"] is None
    assert everything["latest_quarter"] == "2025Q3" == service.latest_quarter(session)
    assert everything["quarters"][0] == "2025Q3" and everything["quarters"][-1] == "2023Q4"
    assert len(everything["quarters"]) == 8
    assert everything["years"] == ["2025", "2024", "2023"]
    res = api_client.get("/api/v1/periods", params={"region": "bestaat-niet"})
    assert res.status_code == 404


def test_periods_without_contacts(api_client, org) -> None:  # type: ignore[no-untyped-def]
    body = api_client.get("/api/v1/periods", params={"region": "west"}).json()
    assert body["quarters"] == [] and body["years"] == [] and body["latest_quarter"] is None


def test_benchmark_rows_carry_the_practice_extra(api_client, session) -> None:  # type: ignore[no-untyped-def]
    """P90 and mean wait per practice in one benchmark request, equal to the value endpoint."""
    region = make_region(session, slug="wacht", name="Wacht")
    poh = make_provider(session, code="P-W")
    practices = []
    for i in range(5):
        pr = make_practice(session, agb=f"0300000{i}", region=region)
        practices.append(pr)
        # waits (days from a poh-ggz referral to the intake): 1..(6 + i) × (i + 1)
        for j in range(6 + i):
            pat = make_patient(session, practice=pr)
            intake = D(2025, 8, 1)
            make_referral(
                session,
                patient=pat,
                date=intake - dt.timedelta(days=(j + 1) * (i + 1)),
                destination="poh-ggz",
            )
            make_contact(session, patient=pat, provider=poh, date=intake)
    bm = api_client.get(
        "/api/v1/benchmarks/wait_days_intake", params={"region": "wacht", "period": "2025Q3"}
    ).json()
    rows = {r["agb"]: r for r in bm["practices"]}
    # practice 0: waits 1..6 → median 3.5, P90 5.5, mean 3.5
    assert rows["03000000"]["value"] == 3.5
    assert rows["03000000"]["extra"]["p90"] == pytest.approx(5.5)
    assert rows["03000000"]["extra"]["mean"] == 3.5
    # practice 4: waits 5, 10, …, 50 → median 27.5, P90 45.5
    assert rows["03000004"]["value"] == 27.5
    assert rows["03000004"]["extra"]["p90"] == pytest.approx(45.5)
    assert rows["03000004"]["extra"]["within_14d"] == 2.0
    for pr in practices:
        one = api_client.get(
            "/api/v1/kpis/wait_days_intake",
            params={"level": "practice", "id": pr.agb, "period": "2025Q3"},
        ).json()
        assert one["extra"] == rows[pr.agb]["extra"]


def test_english_reference_and_labels(api_client, session) -> None:  # type: ignore[no-untyped-def]
    items = {i["slug"]: i for i in api_client.get("/api/v1/kpis").json()["items"]}
    ftf = items["ftf_per_workday"]
    assert ftf["reference"].startswith("Norm ≤ 8–9 per dag")
    assert ftf["reference_en"] == "Norm ≤ 8–9 a day; Trimbos mean 9.2, 46% of POHs ≥ 10"
    assert ftf["reference_source_en"].startswith("LV POH-GGZ, in Trimbos Institute")
    for d in REGISTRY.values():
        assert bool(items[d.slug]["reference_en"]) == bool(d.reference), d.slug

    region = make_region(session, slug="taal", name="Taal")
    pr = make_practice(session, agb="04000001", region=region)
    poh = make_provider(session, code="P-T")
    pat = make_patient(session, practice=pr)
    make_contact(session, patient=pat, provider=poh, date=D(2025, 7, 2), contactvorm="visite")
    make_referral(session, patient=pat, date=D(2025, 7, 3), destination="sociaal-domein")
    value = api_client.get(
        "/api/v1/kpis/poh_contacts", params={"level": "region", "id": "taal", "period": "2025Q3"}
    ).json()
    visite = next(b for b in value["breakdown"] if b["key"] == "visite")
    assert (visite["label"], visite["label_en"], visite["value"]) == ("Visite", "Home visit", 1.0)
    refs = api_client.get(
        "/api/v1/kpis/referrals_ggz", params={"level": "region", "id": "taal", "period": "2025Q3"}
    ).json()
    social = next(b for b in refs["breakdown"] if b["key"] == "sociaal-domein")
    assert (social["label"], social["label_en"], social["value"]) == (
        "Sociaal domein",
        "Social domain",
        1.0,
    )
    card = api_client.get(
        "/api/v1/practices/04000001/scorecard", params={"period": "2025Q3"}
    ).json()
    wait = next(i for i in card["items"] if i["slug"] == "wait_days_intake")
    assert wait["reference_en"] == "Norm 1–2 weeks; Trimbos: 62% ≤ 2 weeks, 14% ≥ 3 weeks"
    assert wait["reference_source_en"] == "Trimbos Institute, study of the POH-GGZ (79 POHs)"
    flows = api_client.get(
        "/api/v1/referrals/flows", params={"level": "region", "id": "taal", "period": "2025Q3"}
    ).json()
    labels = {n["id"]: (n["label"], n["label_en"]) for n in flows["nodes"]}
    assert labels["huisarts"] == ("Huisarts", "GP")
    assert labels["sociaal-domein"] == ("Sociaal domein", "Social domain")
    assert flows["note_en"].startswith("GP → POH-GGZ counts new episodes")
