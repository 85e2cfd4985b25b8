"""Regional benchmark: distribution, percent rank, funnel limits, minimum denominator,
the small-number rule and the five-practice minimum (domain.md §6)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from sqlalchemy.orm import Session

from api.kpi import service
from api.kpi.benchmark import Z95, Z998, classify, distribution, funnel_limits, percent_ranks
from tests.factories import make_contact, make_patient, make_practice, make_provider, make_region

PATIENTS = {
    "02000001": 5,
    "02000002": 12,
    "02000003": 12,
    "02000004": 20,
    "02000005": 30,
    "02000006": 50,
}


@pytest.fixture
def region(session: Session):  # type: ignore[no-untyped-def]
    region = make_region(session, slug="noord", name="Noord")
    poh = make_provider(session, code="POHN")
    for agb, n in [*PATIENTS.items(), ("02000007", 8)]:
        pr = make_practice(
            session, agb=agb, region=region, listed=300 if agb == "02000007" else 1000
        )
        for _ in range(n):
            make_contact(
                session,
                patient=make_patient(session, practice=pr),
                provider=poh,
                date=dt.date(2025, 8, 1),
            )
    return region


def test_distribution_ranks_and_funnel(session: Session, region) -> None:  # type: ignore[no-untyped-def]
    everything = service.CallerScope(own_all=True)  # no small-number rule: the real figures
    bm = service.get_benchmark(
        session, slug="poh_reach_per_1000", region="noord", period="2025Q3", caller=everything
    )
    values = [5.0, 12.0, 12.0, 20.0, 30.0, 50.0]
    d = bm.distribution
    assert d is not None and d.n == 6
    for q, got in zip((10, 25, 50, 75, 90), (d.p10, d.p25, d.median, d.p75, d.p90), strict=True):
        assert got == pytest.approx(float(np.percentile(values, q)))
    assert d.mean == pytest.approx(sum(values) / 6)
    rows = {r.agb: r for r in bm.practices}
    assert [rows[a].percent_rank for a in PATIENTS] == [0.0, 0.2, 0.2, 0.6, 0.8, 1.0]
    assert [rows[a].rank for a in PATIENTS] == [1, 2, 2, 4, 5, 6]
    small = rows["02000007"]  # 300 listed < minimum denominator 500: shown, not ranked
    assert small.value == pytest.approx(8 / 300 * 1000, abs=1e-6)
    assert not small.ranked and small.rank is None and small.status == "below_min_denominator"
    assert small.funnel is not None and small.funnel.class95 is None
    # pooled regional value and binomial funnel limits
    theta = 137 / 6300
    assert bm.region_value == pytest.approx(1000 * theta, abs=1e-6)
    sd = math.sqrt(theta * (1 - theta) / 1000)
    f = rows["02000006"].funnel
    assert f.upper95 == pytest.approx(1000 * (theta + Z95 * sd))
    assert f.lower998 == pytest.approx(1000 * (theta - Z998 * sd))
    assert (f.class95, f.class998) == ("above", "above")  # 50 > 36.0
    f5 = rows["02000001"].funnel
    assert (f5.class95, f5.class998) == ("below", "below")  # 5 < 7.5
    f12 = rows["02000002"].funnel
    assert (f12.class95, f12.class998) == ("below", "within")  # 7.5 < 12 < 12.7
    assert rows["02000004"].funnel.class95 == "within"


def test_small_number_rule_and_own_scope(session: Session, region) -> None:  # type: ignore[no-untyped-def]
    bm = service.get_benchmark(session, slug="poh_patients", region="noord", period="2025Q3")
    rows = {r.agb: r for r in bm.practices}
    assert rows["02000001"].value is None and rows["02000001"].value_display == "<10"
    assert rows["02000001"].suppressed and rows["02000007"].suppressed
    assert rows["02000002"].value == 12 and not rows["02000002"].suppressed
    assert bm.region_value == 137
    # ranks still use the real values
    assert rows["02000001"].percent_rank == 0.0
    own = service.CallerScope(own_practices=frozenset({"02000001"}))
    bm = service.get_benchmark(
        session, slug="poh_patients", region="noord", period="2025Q3", caller=own
    )
    rows = {r.agb: r for r in bm.practices}
    assert rows["02000001"].value == 5 and rows["02000001"].own_scope
    assert rows["02000007"].value is None
    # reach: the patient numerator is masked, and so is the rate (rate × listed ÷ 1000 would
    # give it back), with the listed patients
    bm = service.get_benchmark(session, slug="poh_reach_per_1000", region="noord", period="2025Q3")
    r = next(x for x in bm.practices if x.agb == "02000001")
    assert r.value is None and r.numerator is None and r.denominator is None and r.suppressed


def test_fewer_than_five_practices_no_distribution(session: Session) -> None:
    region = make_region(session, slug="klein", name="Klein")
    poh = make_provider(session, code="POHK")
    for i in range(4):
        pr = make_practice(session, agb=f"0300000{i}", region=region)
        make_contact(
            session,
            patient=make_patient(session, practice=pr),
            provider=poh,
            date=dt.date(2025, 8, 1),
        )
    bm = service.get_benchmark(session, slug="poh_contacts", region="klein", period="2025Q3")
    assert bm.distribution is None and "5" in (bm.distribution_note or "")
    assert all(not r.ranked and r.percent_rank is None for r in bm.practices)
    assert bm.region_value == 4


def test_maths_units() -> None:
    d = distribution([1.0, 2.0, 3.0, 4.0])
    assert (d.p10, d.p25, d.median, d.p75, d.p90) == pytest.approx((1.3, 1.75, 2.5, 3.25, 3.7))
    assert distribution([]).median is None
    assert percent_ranks({1: 3.0, 2: 3.0, 3: 1.0}) == {1: (2, 0.5), 2: (2, 0.5), 3: (1, 0.0)}
    assert percent_ranks({1: 7.0}) == {1: (1, None)}
    f = funnel_limits("rate", 2.0, 50.0, 1.0)
    assert f.upper95 == pytest.approx(2 + Z95 * math.sqrt(2 / 50))
    assert funnel_limits("proportion", 0.01, 10, 100).lower95 == 0.0  # clipped at 0
    assert funnel_limits("rate", 1.0, 0.0, 1.0) is None
    assert classify(5.0, 1.0, 5.0) == "within"
