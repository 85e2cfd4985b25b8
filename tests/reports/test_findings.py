"""Generated findings on hand-made cases: stated only when the numbers carry them."""

from __future__ import annotations

from api.reports.findings import (
    KpiFacts,
    RegionKpiFacts,
    practice_findings,
    region_findings,
    share_lower_higher,
)

# nine other practices with waits of 10..18 days (median wait: lower is better)
PEERS = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0]


def wait(value: float, *, status: str = "ok", ranked: bool = True, **kw: object) -> KpiFacts:
    return KpiFacts("wait_days_intake", value, status=status, ranked=ranked, peers=PEERS, **kw)  # type: ignore[arg-type]


def test_above_p90_on_a_lower_is_better_kpi_gets_the_sentence() -> None:
    # 19 days: longer than every other practice, and above the two-week norm
    found = practice_findings([wait(19.0)])
    assert len(found) == 1
    f = found[0]
    assert f.slug == "wait_days_intake" and f.tone == "worse"
    assert f.text == (
        "De wachttijd tot intake (mediaan 19,0 dagen) is langer dan bij 90% van de praktijken "
        "in de regio."
    )


def test_english_wording() -> None:
    (f,) = practice_findings([wait(19.0)], lang="en")
    assert f.text == (
        "The waiting time to intake (median 19.0 days) is longer than in 90% of the practices "
        "in the region."
    )


def test_below_p10_on_a_lower_is_better_kpi_is_favourable() -> None:
    (f,) = practice_findings([wait(9.0)])
    assert f.tone == "better"
    assert "korter dan bij 90% van de praktijken" in f.text


def test_inside_p25_p75_gets_nothing() -> None:
    assert practice_findings([wait(14.0)]) == []
    assert practice_findings([wait(12.5)]) == []


def test_below_the_minimum_denominator_gets_nothing() -> None:
    # extreme, but too few episodes: the engine marks it below_min_denominator, not ranked
    assert practice_findings([wait(40.0, status="below_min_denominator", ranked=False)]) == []


def test_not_ranked_gets_no_benchmark_finding_but_the_norm_still_counts() -> None:
    # fewer than five practices in the region: no ranking, yet the norm of 14 days holds
    (f,) = practice_findings([wait(19.0, ranked=False)])
    assert (
        f.text
        == "De wachttijd tot intake (mediaan 19,0 dagen) is langer dan de norm van twee weken."
    )


def test_exactly_90_percent_is_enough_and_ties_do_not_count() -> None:
    # value 18 with peers 10..18: 8 of 9 lower (89%) → no extreme; 14 days norm → norm finding
    (f,) = practice_findings([wait(18.0)])
    assert "norm" in f.text
    assert share_lower_higher(18.0, PEERS) == (8 / 9, 0.0)


def test_funnel_outside_998_is_the_strongest_and_one_finding_per_kpi() -> None:
    facts = [
        KpiFacts(
            "referrals_ggz_per_1000_year",
            60.0,
            ranked=True,
            peers=[20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0],
            class95="above",
            class998="above",
        ),
        wait(19.0),
    ]
    found = practice_findings(facts)
    assert [f.slug for f in found] == ["referrals_ggz_per_1000_year", "wait_days_intake"]
    assert found[0].text == (
        "Het aantal GGZ-verwijzingen per 1.000 ingeschrevenen (60,0 per jaar) ligt boven de "
        "99,8%-controlegrens van de funnelplot: hoger dan op grond van toeval te verwachten is."
    )
    assert found[0].tone == "worse"


def test_counts_never_give_findings() -> None:
    # a count reflects the practice's size: no finding however extreme
    facts = [KpiFacts("poh_contacts", 5000.0, ranked=True, peers=PEERS, class998="above")]
    assert practice_findings(facts) == []


def test_neutral_kpi_is_worded_without_judgement() -> None:
    facts = [KpiFacts("poh_referral_share", 80.0, ranked=True, peers=PEERS)]
    (f,) = practice_findings(facts)
    assert f.tone == "neutral"
    assert f.text.startswith("Het aandeel trajecten met een GGZ-verwijzing (80,0%) is hoger")


def test_hours_against_the_funding_norm() -> None:
    (f,) = practice_findings([KpiFacts("hours_vs_norm_pct", 71.2)], norm_hours=16)
    assert f.text == (
        "De POH-uren liggen op 71% van de financieringsnorm (16 uur per 2.350 ingeschrevenen)."
    )
    assert f.tone == "worse"
    assert practice_findings([KpiFacts("hours_vs_norm_pct", 95.0)], norm_hours=16) == []
    # no hours registered at all is missing data, not "0% of the norm"
    assert practice_findings([KpiFacts("hours_vs_norm_pct", 0.0)], norm_hours=16) == []


def test_at_most_six_findings() -> None:
    slugs = [
        "ftf_per_workday",
        "poh_reach_per_1000",
        "poh_contacts_per_1000_year",
        "contacts_per_episode",
        "wait_within_14d_pct",
        "referrals_ggz_per_1000_year",
        "poh_referral_share",
        "direct_time_pct",
    ]
    facts = [KpiFacts(s, 1000.0, ranked=True, peers=PEERS) for s in slugs]
    assert len(practice_findings(facts)) == 6


def test_region_findings_count_practices_outside_the_limits() -> None:
    facts = [
        RegionKpiFacts("wait_within_14d_pct", 60.0, n_ranked=25, above998=1, below998=2),
        RegionKpiFacts("poh_reach_per_1000", 30.0, n_ranked=25, above95=1),
        RegionKpiFacts("direct_time_pct", 80.0, n_ranked=25),
        RegionKpiFacts("hours_vs_norm_pct", 69.4, n_ranked=25),
    ]
    texts = [f.text for f in region_findings(facts, norm_hours=16)]
    assert texts == [
        "Bij 3 van de 25 praktijken ligt het aandeel intakes binnen 14 dagen buiten de "
        "99,8%-controlegrenzen van de funnelplot (1 boven en 2 onder).",
        "De POH-uren in de regio liggen op 69% van de financieringsnorm (16 uur per 2.350 "
        "ingeschrevenen).",
        "Bij 1 van de 25 praktijken ligt het bereik van de POH-GGZ buiten de "
        "95%-controlegrenzen van de funnelplot (1 boven).",
    ]
