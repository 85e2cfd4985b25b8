"""Every KPI on small hand-computed tables, with the edges of domain.md §4–§5."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from api.kpi import service
from api.kpi.schemas import KpiValueRead
from tests.factories import (
    add_list_size,
    make_contact,
    make_hours,
    make_patient,
    make_practice,
    make_provider,
    make_referral,
    make_region,
)

D = dt.date
OWN = service.CallerScope(own_all=True)
Q3_END = D(2025, 9, 30)


def days(n: int, before: dt.date = Q3_END) -> dt.date:
    return before - dt.timedelta(days=n)


def kpi(
    session: Session, slug: str, key: str, period: str = "2025Q3", level: str = "practice"
) -> KpiValueRead:
    return service.get_values(
        session, slug=slug, scope=service.ScopeRef(level, key), period=period, caller=OWN
    )


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    region = make_region(session, slug="west", name="West")
    pr = make_practice(session, agb="01000001", region=region, listed=2000)
    poh = make_provider(session, code="POH1", practices=(pr,))
    jeugd = make_provider(session, code="POHJ", functie="poh-ggz-jeugd", practices=(pr,))
    ha = make_provider(session, code="HA1", functie="huisarts", practices=(pr,))
    som = make_provider(session, code="SOM1", functie="poh-somatiek", practices=(pr,))
    return {"region": region, "pr": pr, "poh": poh, "jeugd": jeugd, "ha": ha, "som": som}


def test_contacts_ftf_breakdown_and_functie(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh, jeugd = world["pr"], world["poh"], world["jeugd"]
    pat = make_patient(session, practice=pr)
    for vorm in ("consult", "consult", "visite", "groep", "telefonisch", "video", "e-consult"):
        make_contact(session, patient=pat, provider=poh, date=D(2025, 8, 1), contactvorm=vorm)
    make_contact(session, patient=pat, provider=jeugd, date=D(2025, 9, 30))  # counts (jeugd)
    make_contact(session, patient=pat, provider=world["ha"], date=D(2025, 8, 1))  # huisarts
    make_contact(session, patient=pat, provider=world["som"], date=D(2025, 8, 1))  # somatiek
    make_contact(session, patient=pat, provider=poh, date=D(2025, 6, 30))  # previous quarter
    make_contact(session, patient=pat, provider=poh, date=D(2025, 10, 1))  # next quarter

    v = kpi(session, "poh_contacts", "01000001")
    assert v.value == 8
    assert {b.key: b.value for b in v.breakdown} == {
        "consult": 3,
        "visite": 1,
        "telefonisch": 1,
        "video": 1,
        "e-consult": 1,
        "groep": 1,
    }
    assert kpi(session, "poh_ftf_contacts", "01000001").value == 5
    # per POH
    assert kpi(session, "poh_contacts", "POH1", level="provider").value == 7
    assert kpi(session, "poh_contacts", "POHJ", level="provider").value == 1
    # month with no data is 0, not missing
    s = service.get_series(
        session,
        slug="poh_contacts",
        scope=service.ScopeRef("practice", "01000001"),
        start="2025-06",
        end="2025Q4",
        grain="month",
        caller=OWN,
    )
    assert [(p.period.label, p.value) for p in s.points] == [
        ("2025-06", 1),
        ("2025-07", 0),
        ("2025-08", 7),
        ("2025-09", 1),
        ("2025-10", 1),
        ("2025-11", 0),
        ("2025-12", 0),
    ]
    # icpc coverage: 2 of 8 with a code
    make_contact(session, patient=pat, provider=poh, date=D(2025, 7, 2), icpc="P76")
    make_contact(session, patient=pat, provider=poh, date=D(2025, 7, 3), icpc="  ")
    v = kpi(session, "icpc_coverage_pct", "01000001")
    assert (v.numerator, v.denominator) == (1, 10)
    assert v.value == pytest.approx(10.0)
    assert v.status == "below_min_denominator"  # minimum 20 contacts


def test_ftf_per_workday_hours_and_iso_week_straddling_quarter(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]
    pat = make_patient(session, practice=pr)
    for d in range(1, 11):
        make_contact(session, patient=pat, provider=poh, date=D(2025, 7, d))
    make_hours(session, provider=poh, practice=pr, week_start=D(2025, 7, 7), contract=16, worked=12)
    make_hours(session, provider=poh, practice=pr, week_start=D(2025, 7, 14), contract=8)
    # Monday 2025-06-30: its Thursday is 3 July → Q3
    make_hours(session, provider=poh, practice=pr, week_start=D(2025, 6, 30), contract=4, worked=4)
    # Monday 2025-09-29: its Thursday is 2 October → Q4, not Q3
    make_hours(session, provider=poh, practice=pr, week_start=D(2025, 9, 29), contract=40)
    v = kpi(session, "ftf_per_workday", "01000001")
    assert v.denominator == pytest.approx(3.0)  # (12 + 8 + 4) h / 8
    assert v.value == pytest.approx(10 / 3, abs=1e-6)
    hv = kpi(session, "hours_contract_per_week", "01000001")
    assert hv.numerator == 28 and hv.denominator == 13  # 13 ISO weeks have a Thursday in Q3
    assert hv.value == pytest.approx(28 / 13, abs=1e-6)
    q4 = kpi(session, "hours_contract_per_week", "01000001", period="2025Q4")
    assert q4.numerator == 40 and q4.denominator == 13
    # same by POH
    assert kpi(session, "hours_contract_per_week", "POH1", level="provider").numerator == 28
    # zero denominator: no hours in 2024Q1 → no value
    z = kpi(session, "ftf_per_workday", "01000001", period="2024Q1")
    assert z.value is None and z.status == "no_data"


def test_hours_worked_per_week_falls_back_to_contract(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]
    make_hours(session, provider=poh, practice=pr, week_start=D(2025, 7, 7), contract=16, worked=12)
    make_hours(
        session, provider=poh, practice=pr, week_start=D(2025, 7, 14), contract=8
    )  # no gewerkt
    make_hours(session, provider=poh, practice=pr, week_start=D(2025, 6, 30), contract=4, worked=5)
    # Monday 2025-09-29: its Thursday is 2 October → Q4, not Q3
    make_hours(
        session, provider=poh, practice=pr, week_start=D(2025, 9, 29), contract=40, worked=30
    )
    v = kpi(session, "hours_worked_per_week", "01000001")
    # (12 + 8 + 5) h over the 13 ISO weeks of 2025Q3
    assert (v.numerator, v.denominator) == (25, 13)
    assert v.value == pytest.approx(25 / 13, abs=1e-6)
    assert kpi(session, "hours_worked_per_week", "01000001", period="2025Q4").numerator == 30
    assert kpi(session, "hours_worked_per_week", "POH1", level="provider").numerator == 25
    contract = kpi(session, "hours_contract_per_week", "01000001")
    assert contract.numerator == 28  # the same weeks, contracted


def test_hours_norm_change_on_1_january_2024(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr = make_practice(session, agb="01000009", region=world["region"], listed=2350)
    assert kpi(session, "hours_norm_per_week", pr.agb, period="2023Q4").value == 12
    assert kpi(session, "hours_norm_per_week", pr.agb, period="2024Q1").value == 16
    # 13 weeks at 12 h and 13 weeks at 16 h
    v = kpi(session, "hours_norm_per_week", pr.agb, period="2023-10-01..2024-03-31")
    assert v.value == pytest.approx(14.0)
    # ISO week 2024-W01 starts Monday 1 January 2024; 2023-W52 (Thursday 28 Dec) is 2023
    assert kpi(session, "hours_norm_per_week", pr.agb, period="2023-12").value == 12
    # hours vs norm: 2000 listed → 16 × 2000/2350 h norm in 2025
    poh = world["poh"]
    for w in range(13):
        make_hours(
            session,
            provider=poh,
            practice=world["pr"],
            week_start=D(2025, 6, 30) + dt.timedelta(weeks=w),
            contract=10,
        )
    hv = kpi(session, "hours_vs_norm_pct", "01000001")
    norm = 16 * 2000 / 2350
    assert hv.value == pytest.approx(100 * 10 / norm, abs=1e-6)
    assert hv.denominator == pytest.approx(norm, abs=1e-6)


def test_direct_time_pct_only_where_both_given(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]
    make_hours(
        session,
        provider=poh,
        practice=pr,
        week_start=D(2025, 7, 7),
        contract=20,
        direct=15,
        indirect=5,
    )
    make_hours(
        session, provider=poh, practice=pr, week_start=D(2025, 7, 14), contract=20, direct=12
    )  # indirect missing → ignored
    make_hours(
        session,
        provider=poh,
        practice=pr,
        week_start=D(2025, 7, 21),
        contract=20,
        direct=3,
        indirect=1,
    )
    v = kpi(session, "direct_time_pct", "01000001")
    assert (v.numerator, v.denominator) == (18, 24)
    assert v.value == pytest.approx(75.0)


def test_listed_latest_peildatum_else_earliest(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr = make_practice(
        session, agb="01000010", region=world["region"], listed=1000, peildatum=D(2025, 1, 1)
    )
    add_list_size(session, practice=pr, peildatum=D(2025, 9, 30), listed=1200)
    add_list_size(session, practice=pr, peildatum=D(2025, 10, 1), listed=5000)
    poh = world["poh"]
    for _i in range(12):
        make_contact(
            session, patient=make_patient(session, practice=pr), provider=poh, date=D(2025, 8, 1)
        )
    v = kpi(session, "poh_reach_per_1000", pr.agb)
    assert (v.numerator, v.denominator, v.value) == (12, 1200, 10.0)
    early = kpi(session, "poh_reach_per_1000", pr.agb, period="2024Q4")  # before any peildatum
    assert early.denominator == 1000
    c = kpi(session, "poh_contacts_per_1000_year", pr.agb)
    assert c.numerator == 12
    assert c.denominator == pytest.approx(1200 * 92 / 365.25, abs=1e-6)
    assert c.value == pytest.approx(1000 * 12 / (1200 * 92 / 365.25), abs=1e-6)


def test_patients_and_age_groups(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]
    births = [2010, 2008, 2007, 2003, 2002, 1961, 1960, None]  # ages at 2025-09-30 by year
    for by in births:
        p = make_patient(session, practice=pr, birth_year=by)
        make_contact(session, patient=p, provider=poh, date=D(2025, 7, 1))
        make_contact(session, patient=p, provider=poh, date=D(2025, 8, 1))
    v = kpi(session, "poh_patients", "01000001")
    assert v.value == 8
    assert {b.key: b.value for b in v.breakdown} == {
        "<18": 2,
        "18-22": 2,
        "23-64": 2,
        "65+": 1,
        "onbekend": 1,
    }  # 2007 → 18, 2003 → 22, 2002 → 23, 1960 → 65


def test_episode_gap_182_vs_183_and_contacts_per_episode(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]
    a = make_patient(session, practice=pr)
    b = make_patient(session, practice=pr)
    start = D(2025, 1, 20)
    make_contact(session, patient=a, provider=poh, date=start)
    make_contact(session, patient=a, provider=poh, date=start + dt.timedelta(days=182))  # same
    make_contact(session, patient=b, provider=poh, date=start)
    make_contact(session, patient=b, provider=poh, date=start + dt.timedelta(days=183))  # new
    make_contact(session, patient=b, provider=poh, date=D(2025, 12, 1))  # after Q3, same episode
    assert start + dt.timedelta(days=183) == D(2025, 7, 22)
    v = kpi(session, "poh_new_episodes", "01000001")
    assert v.value == 1
    q1 = kpi(session, "poh_new_episodes", "01000001", period="2025Q1")
    assert q1.value == 2
    cpe = kpi(session, "contacts_per_episode", "01000001")
    assert (cpe.numerator, cpe.denominator, cpe.value) == (2, 1, 2.0)  # counts the December one
    q1c = kpi(session, "contacts_per_episode", "01000001", period="2025Q1")
    assert (q1c.numerator, q1c.denominator, q1c.value) == (3, 2, 1.5)
    assert q1c.extra["median"] == 1.5
    assert q1c.status == "below_min_denominator"


def test_waiting_time_referral_vs_gp_contact_vs_none(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh, ha = world["pr"], world["poh"], world["ha"]
    intake = D(2025, 8, 15)
    # 1. internal referral 10 days before wins over a P-contact 20 days before → 10
    p1 = make_patient(session, practice=pr)
    make_contact(session, patient=p1, provider=ha, date=intake - dt.timedelta(days=20), icpc="P03")
    make_referral(session, patient=p1, date=intake - dt.timedelta(days=10), destination="poh-ggz")
    make_contact(session, patient=p1, provider=poh, date=intake)
    # 2. only a huisarts contact with Z-code 5 days before (a K-code 2 days before is ignored)
    p2 = make_patient(session, practice=pr)
    make_contact(
        session, patient=p2, provider=ha, date=intake - dt.timedelta(days=5), icpc="z29.01"
    )
    make_contact(session, patient=p2, provider=ha, date=intake - dt.timedelta(days=2), icpc="K86")
    make_contact(session, patient=p2, provider=poh, date=intake)
    # 3. neither: referral 91 days before is outside the 90-day window → no waiting time
    p3 = make_patient(session, practice=pr)
    make_referral(session, patient=p3, date=intake - dt.timedelta(days=91), destination="poh-ggz")
    make_contact(session, patient=p3, provider=poh, date=intake)
    # 4. referral exactly 90 days before the intake → 90
    p4 = make_patient(session, practice=pr)
    make_referral(session, patient=p4, date=intake - dt.timedelta(days=90), destination="poh-ggz")
    make_contact(session, patient=p4, provider=poh, date=intake)
    # 5. GP P-contact on the intake day → 0
    p5 = make_patient(session, practice=pr)
    make_contact(session, patient=p5, provider=ha, date=intake, icpc="P74")
    make_contact(session, patient=p5, provider=poh, date=intake)
    # 6. a later referral (after the intake) does not count → no wait
    p6 = make_patient(session, practice=pr)
    make_contact(session, patient=p6, provider=poh, date=intake)
    make_referral(session, patient=p6, date=intake + dt.timedelta(days=1), destination="poh-ggz")

    v = kpi(session, "wait_days_intake", "01000001")
    # waits: 10, 5, 90, 0 → median 7.5; p90 = 10 + 0.7 × (90 − 10) = 66
    assert v.denominator == 4
    assert v.value == 7.5
    assert v.extra["p90"] == pytest.approx(66.0)
    assert v.extra["mean"] == pytest.approx(26.25)
    w = kpi(session, "wait_within_14d_pct", "01000001")
    assert (w.numerator, w.denominator, w.value) == (3, 4, 75.0)
    none = kpi(session, "wait_days_intake", "01000001", period="2025Q2")
    assert none.value is None and none.status == "no_data"


def test_referrals_share_and_bridging(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]
    # referrals in Q3: 2 gb-ggz, 1 s-ggz, 1 sociaal-domein, 1 ehealth, 1 poh-ggz (internal)
    x = make_patient(session, practice=pr)
    for dest in ("gb-ggz", "gb-ggz", "s-ggz", "sociaal-domein", "ehealth", "poh-ggz"):
        make_referral(session, patient=x, date=D(2025, 9, 1), destination=dest)
    v = kpi(session, "referrals_ggz", "01000001")
    assert v.value == 3
    assert {b.key: b.value for b in v.breakdown} == {
        "gb-ggz": 2,
        "s-ggz": 1,
        "sociaal-domein": 1,
        "ehealth": 1,
        "anders": 0,
    }
    r = kpi(session, "referrals_ggz_per_1000_year", "01000001")
    assert r.value == pytest.approx(1000 * 3 / (2000 * 92 / 365.25), abs=1e-6)

    # episodes starting in Q3 for referral share
    e1, e2, e3 = (make_patient(session, practice=pr) for _ in range(3))
    make_contact(session, patient=e1, provider=poh, date=D(2025, 7, 1))
    make_contact(session, patient=e1, provider=poh, date=D(2025, 7, 10))
    make_referral(session, patient=e1, date=D(2025, 8, 9), destination="s-ggz")  # last + 30
    make_contact(session, patient=e2, provider=poh, date=D(2025, 7, 1))
    make_referral(
        session, patient=e2, date=D(2025, 7, 31) + dt.timedelta(days=1), destination="gb-ggz"
    )  # last + 31 → not
    make_referral(session, patient=e3, date=D(2025, 6, 30), destination="gb-ggz")  # before intake
    make_contact(session, patient=e3, provider=poh, date=D(2025, 7, 1))
    make_contact(session, patient=e3, provider=poh, date=D(2025, 12, 27))  # 179 days later
    sh = kpi(session, "poh_referral_share", "01000001")
    assert (sh.numerator, sh.denominator) == (1, 3)
    assert sh.value == pytest.approx(100 / 3, abs=1e-6)

    # bridging in Q3: e3 has contact 2025-07-01, 1 day after a GGZ referral → yes
    # e1 contacts before its referral → no; x has no POH contact
    br = kpi(session, "bridging_patients", "01000001")
    assert br.value == 1 and br.extra["contacts"] == 1
    # a contact on the referral day is not "after"; 183 days after is too late
    y = make_patient(session, practice=pr)
    make_referral(session, patient=y, date=D(2025, 3, 1), destination="gb-ggz")
    make_contact(session, patient=y, provider=poh, date=D(2025, 3, 1) + dt.timedelta(days=183))
    make_contact(session, patient=y, provider=poh, date=D(2025, 3, 1) + dt.timedelta(days=182))
    make_contact(session, patient=y, provider=poh, date=D(2025, 8, 30))  # ≤182 → counts
    make_referral(session, patient=y, date=D(2025, 9, 5), destination="s-ggz")
    make_contact(session, patient=y, provider=poh, date=D(2025, 9, 5))  # same day → no
    br = kpi(session, "bridging_patients", "01000001")
    assert br.value == 2 and br.extra["contacts"] == 3  # e3 once; y on 30-8 and 182 d later


def test_caseload_and_long_episodes(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]

    def pat_with(*ds: dt.date) -> None:
        p = make_patient(session, practice=pr)
        for d in ds:
            make_contact(session, patient=p, provider=poh, date=d)

    pat_with(days(55))  # active
    pat_with(days(0))  # active (E itself)
    pat_with(days(56))  # stale (E − 56 belongs to the stale window)
    pat_with(days(181))  # stale
    pat_with(days(182))  # neither
    pat_with(days(300), days(10))  # active
    pat_with(days(100), Q3_END + dt.timedelta(days=1))  # stale: contacts after E don't count
    assert kpi(session, "caseload_active", "01000001").value == 3
    assert kpi(session, "caseload_stale", "01000001").value == 3
    # long episodes at E: started > 365 days before E and last contact ≤ 182 days before E
    pat_with(days(366), days(200), days(30))  # long
    pat_with(days(365), days(30))  # started exactly 365 days before → not long
    pat_with(days(500), days(320), days(182))  # last contact 182 days before → still open: long
    pat_with(days(500), days(320), days(183))  # last contact 183 days before → closed
    pat_with(days(700), days(400))  # gap 300 → episode restarted 400 days before, closed
    assert kpi(session, "long_episodes", "01000001").value == 2


def test_case_mix(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    pr, poh = world["pr"], world["poh"]
    codes = ["P01", "P74.01", "P76", "P03", "P78", "Z29.01", "Z29", "P02.01", "P06", "A01", None]
    for code in codes:
        p = make_patient(session, practice=pr)
        make_contact(session, patient=p, provider=poh, date=D(2025, 8, 1), icpc=code)
        make_contact(session, patient=p, provider=poh, date=D(2025, 8, 8), icpc="P76")
    v = kpi(session, "case_mix", "01000001")
    assert v.value == 11
    got = {b.key: b.value for b in v.breakdown}
    assert got == {
        "angst": 2,
        "depressie": 2,
        "overspanning": 2,
        "stress": 1,
        "slaap": 1,
        "sociaal": 1,
        "overig": 1,
        "onbekend": 1,
    }
    assert next(b for b in v.breakdown if b.key == "angst").share_pct == pytest.approx(
        200 / 11, abs=1e-5
    )


def test_region_ratio_aggregated_before_dividing_and_team(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    region, poh = world["region"], world["poh"]
    a = make_practice(session, agb="01000002", region=region, listed=1000)
    b = make_practice(session, agb="01000003", region=region, listed=3000)
    poh2 = make_provider(session, code="POH2", practices=(b,))
    pa, pb = make_patient(session, practice=a), make_patient(session, practice=b)
    for _ in range(8):
        make_contact(session, patient=pa, provider=poh, date=D(2025, 7, 2))
    for _ in range(2):
        make_contact(session, patient=pb, provider=poh2, date=D(2025, 7, 2))
    make_hours(session, provider=poh, practice=a, week_start=D(2025, 7, 7), contract=8)
    make_hours(session, provider=poh2, practice=b, week_start=D(2025, 7, 7), contract=32)
    # practice a: 8 per day; practice b: 0.5 per day; mean of ratios would be 4.25
    assert kpi(session, "ftf_per_workday", "01000002").value == 8
    assert kpi(session, "ftf_per_workday", "01000003").value == 0.5
    reg = kpi(session, "ftf_per_workday", "west", level="region")
    assert (reg.numerator, reg.denominator, reg.value) == (10, 5, 2.0)
    # region hours per week is the total over practices ÷ weeks, not summed over weeks
    hv = kpi(session, "hours_contract_per_week", "west", level="region")
    assert hv.value == pytest.approx(40 / 13, abs=1e-6)
    # a team: practice a and b, only POH2 → only b's contacts
    from api.org import service as teams
    from api.org.schemas import TeamCreate, TeamUpdate

    teams.create_team(
        session,
        data=TeamCreate(
            slug="t1",
            name="T1",
            region="west",
            practices=["01000002", "01000003"],
            providers=["POH2"],
        ),
    )
    t = kpi(session, "poh_contacts", "t1", level="team")
    assert t.value == 2
    assert kpi(session, "poh_reach_per_1000", "t1", level="team").denominator == 4000
    teams.update_team(session, slug="t1", data=TeamUpdate(providers=["POH1", "POH2"]))
    assert kpi(session, "poh_contacts", "t1", level="team").value == 10  # cache invalidated


def test_not_applicable_and_errors(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    from api.errors import Invalid, NotFound

    v = kpi(session, "poh_reach_per_1000", "POH1", level="provider")
    assert v.status == "not_applicable" and v.value is None
    with pytest.raises(NotFound):
        kpi(session, "nope", "01000001")
    with pytest.raises(NotFound):
        kpi(session, "poh_contacts", "09999999")
    with pytest.raises(Invalid):
        kpi(session, "poh_contacts", "01000001", period="2025Q5")
