"""Data quality (GET /api/v1/quality): row counts per practice-month, the outlier rule
against the practice's own previous 6 months, the last committed import per practice and the
caller's scope — every expected value worked out by hand below."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from api.errors import Invalid, NotFound
from api.kpi.quality import data_quality as quality
from api.kpi.quality import judge, parse_month
from api.kpi.scope import CallerScope
from models import ImportBatch
from tests.factories import (
    make_contact,
    make_hours,
    make_patient,
    make_practice,
    make_provider,
    make_referral,
    make_region,
)

A, B, C = "01000001", "01000002", "01000003"
# Practice A, contacts per month: Jan–Jun 2025 four each, then Jul 1, Aug 9, Sep 0, Oct 2.
A_CONTACTS = {1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4, 7: 1, 8: 9, 9: 0, 10: 2}


@pytest.fixture
def region(session: Session) -> str:
    kw = make_region(session, slug="kwaliteit", name="Kwaliteit")
    other = make_region(session, slug="elders", name="Elders")
    a = make_practice(session, agb=A, name="Praktijk A", region=kw)
    b = make_practice(session, agb=B, name="Praktijk B", region=kw)
    c = make_practice(session, agb=C, name="Praktijk C", region=other)
    poh = make_provider(session, code="POH-Q", practices=(a, b, c))
    pa, pb, pc = (make_patient(session, practice=p) for p in (a, b, c))
    for month, n in A_CONTACTS.items():
        for day in range(1, n + 1):
            make_contact(session, patient=pa, provider=poh, date=dt.date(2025, month, day))
    for month in (8, 9):  # B: three contacts in Aug and Sep only
        for day in (2, 3, 4):
            make_contact(session, patient=pb, provider=poh, date=dt.date(2025, month, day))
    make_contact(session, patient=pc, provider=poh, date=dt.date(2025, 12, 1))  # other region
    # B's hour weeks count in the month of their Monday: Jul 1, Aug 2, Sep 1
    for monday in ("2025-07-28", "2025-08-04", "2025-08-11", "2025-09-01"):
        make_hours(
            session, provider=poh, practice=b, week_start=dt.date.fromisoformat(monday), contract=8
        )
    make_referral(session, patient=pa, date=dt.date(2025, 8, 5))
    make_referral(session, patient=pa, date=dt.date(2025, 8, 6))
    for kind, status, practices in (
        ("contacten", "committed", [A, B]),  # id 1
        ("uren", "committed", [A]),  # id 2: A's last
        ("contacten", "failed", [B]),  # id 3: failed, never "last"
    ):
        session.add(
            ImportBatch(
                kind=kind,
                source_format="csv",
                filename=f"{kind}.csv",
                status=status,
                practices=practices,
                started_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC),
            )
        )
    session.flush()
    return "kwaliteit"


def _cells(practice) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (c.month, c.contacts, c.hours_weeks, c.referrals, c.baseline, c.outlier)
        for c in practice.cells
    ]


def test_counts_outliers_and_last_import(session: Session, region: str) -> None:
    out = quality(session, region=region, first="2025-07", last="2025-10")
    assert out.months == ["2025-07", "2025-08", "2025-09", "2025-10"]
    assert [p.agb for p in out.practices] == [A, B]  # C is in another region
    a, b = out.practices
    # A: Jul history Jan–Jun [4]*6, median 4: 1 < 2 (50 %) → low.
    #    Aug history Feb–Jul [4,4,4,4,4,1], median 4: 9 > 8 (200 %) → high.
    #    Sep history Mar–Aug [4,4,4,4,1,9], median 4: 0 < 2 → low.
    #    Oct history Apr–Sep [4,4,4,1,9,0], median 4: 2 is not below 2 → no outlier.
    assert _cells(a) == [
        ("2025-07", 1, 0, 0, 4.0, "low"),
        ("2025-08", 9, 0, 2, 4.0, "high"),
        ("2025-09", 0, 0, 0, 4.0, "low"),
        ("2025-10", 2, 0, 0, 4.0, None),
    ]
    assert (a.months_without_contacts, a.outliers) == (1, 3)
    # B: fewer than 3 of the previous 6 months with contacts → never judged.
    assert _cells(b) == [
        ("2025-07", 0, 1, 0, None, None),
        ("2025-08", 3, 2, 0, None, None),
        ("2025-09", 3, 1, 0, None, None),
        ("2025-10", 0, 0, 0, None, None),
    ]
    assert (b.months_without_contacts, b.outliers) == (2, 0)
    assert a.last_import is not None and a.last_import.kind == "uren"
    assert b.last_import is not None and b.last_import.kind == "contacten"
    assert b.last_import.status == "committed" and b.last_import.id < a.last_import.id
    assert out.rule.history_months == 6 and (out.rule.low_pct, out.rule.high_pct) == (50, 200)


def test_default_is_twelve_months_up_to_the_last_contact(session: Session, region: str) -> None:
    out = quality(session, region="Kwaliteit")  # by name, too
    assert out.region == "kwaliteit" and out.region_name == "Kwaliteit"
    assert out.months[0] == "2024-11" and out.months[-1] == "2025-10" and len(out.months) == 12


def test_scope_of_the_caller(session: Session, region: str) -> None:
    team = CallerScope(visible_all=False, visible=frozenset({("practice", A)}))
    assert [p.agb for p in quality(session, region=region, caller=team).practices] == [A]
    # a regio user: the region and (api/auth/scope.py) every practice in it
    regio = CallerScope(
        visible_all=False,
        visible=frozenset({("region", region), ("practice", A), ("practice", B)}),
    )
    assert len(quality(session, region=region, caller=regio).practices) == 2
    # a POH sees the region (benchmarks, anonymised) but other practices not by name
    poh = CallerScope(visible_all=False, visible=frozenset({("region", region), ("practice", A)}))
    assert [p.agb for p in quality(session, region=region, caller=poh).practices] == [A]
    nobody = CallerScope(visible_all=False)
    with pytest.raises(NotFound, match="Regio kwaliteit bestaat niet"):
        quality(session, region=region, caller=nobody)
    with pytest.raises(NotFound):
        quality(session, region="bestaat-niet")


@pytest.mark.parametrize(
    ("first", "last"), [("2025-13", "2025-10"), ("2025-7", None), ("2025-10", "2025-07")]
)
def test_bad_months_are_invalid(session: Session, region: str, first: str, last: str) -> None:
    with pytest.raises(Invalid):
        quality(session, region=region, first=first, last=last)


def test_too_many_months_are_refused(session: Session, region: str) -> None:
    with pytest.raises(Invalid, match="36"):
        quality(session, region=region, first="2020-01", last="2025-10")


def test_judge_boundaries() -> None:
    assert judge(5, [10] * 6) == (10.0, None)  # exactly 50 %: not below
    assert judge(4, [10] * 6) == (10.0, "low")
    assert judge(20, [10] * 6) == (10.0, None)  # exactly 200 %: not above
    assert judge(21, [10] * 6) == (10.0, "high")
    assert judge(0, [0, 0, 0, 0, 10, 10]) == (None, None)  # two months with data: not judged
    assert judge(0, [0, 0, 0, 10, 10, 10]) == (5.0, "low")  # median of [0,0,0,10,10,10]
    assert parse_month("2025-07", "from") == (2025, 7)


def test_route(api_client, session: Session, region: str) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get(
        "/api/v1/quality", params={"region": region, "from": "2025-07", "to": "2025-10"}
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert [c["outlier"] for c in body["practices"][0]["cells"]] == ["low", "high", "low", None]
    bad = api_client.get("/api/v1/quality", params={"region": region, "from": "juli"})
    assert bad.status_code == 422
    assert "JJJJ-MM" in bad.json()["detail"]
    assert api_client.get("/api/v1/quality", params={"region": "nergens"}).status_code == 404


def test_months_before_the_first_contact_do_not_count(session: Session, region: str) -> None:
    """D starts in March 2025 with 4 contacts a month, then 1 in June. June's history is
    Mar–May [4, 4, 4] (Dec–Feb are before D's first contact), median 4: 1 < 2 → low. Counted
    as zeros, [0, 0, 0, 4, 4, 4] would give median 2 and no outlier."""
    from sqlalchemy import select

    from models import Region

    kw = session.scalar(select(Region).where(Region.slug == region))
    d = make_practice(session, agb="01000004", name="Praktijk D", region=kw)
    poh = make_provider(session, code="POH-D", practices=(d,))
    patient = make_patient(session, practice=d)
    for month, n in {3: 4, 4: 4, 5: 4, 6: 1}.items():
        for day in range(1, n + 1):
            make_contact(session, patient=patient, provider=poh, date=dt.date(2025, month, day))
    out = quality(session, region=region, first="2025-05", last="2025-06")
    cells = next(p for p in out.practices if p.agb == "01000004").cells
    assert [(c.contacts, c.baseline, c.outlier) for c in cells] == [
        (4, None, None),
        (1, 4.0, "low"),
    ]
