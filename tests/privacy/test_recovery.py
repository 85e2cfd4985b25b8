"""The small-number rule cannot be undone (docs/security.md, "Kleine aantallen").

A seeded region with small practices; for every KPI a practice has, as a regio user (for whom
no practice is own), this tries to recover each hidden patient count from: the numerator or
denominator of a related KPI (the same measure), a ratio times its denominator, share × total,
total − the other items of a breakdown, and the region total − the other benchmark rows. It
finds none. A huisarts of the small practice sees its exact counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from api.auth.scope import build_grant
from api.kpi import present, service
from api.kpi.definitions import REGISTRY
from api.kpi.regional import practice_kpis, uses_patient_counts
from api.kpi.scope import CallerScope, ScopeRef
from models import User, UserScope
from tests.factories import (
    make_contact,
    make_patient,
    make_practice,
    make_provider,
    make_referral,
    make_region,
)

D = dt.date
Q = "2025Q3"
REGION = "klein"
# AGB -> (ICPC of each new episode's intake, patients continuing an episode, GGZ referrals)
PRACTICES: dict[str, tuple[list[str], int, int]] = {
    "05000000": (["P01"] * 2 + ["P03"] * 2, 0, 1),  # 4 patients: everything small
    "05000001": (["P01"] * 6 + ["P03"] * 2, 5, 2),  # 13 patients, 8 new episodes
    "05000002": (["P01"] * 6 + ["P03"] * 14 + ["P78"] * 14, 0, 3),  # one small case-mix item
    "05000003": (["P01"] * 10 + ["P03"] * 10, 2, 12),
    "05000004": (["P01"] * 12 + ["P03"] * 9, 0, 4),
    "05000005": (["P01"] * 15 + ["P03"] * 15 + ["P78"] * 15, 3, 11),
    "05000006": (["P01"] * 20 + ["P03"] * 11 + ["P78"] * 3, 0, 5),
}
SMALL = "05000000"
BIRTH_YEARS = (1950, 1990, 1990, 2010, 1975)


@pytest.fixture
def region(session: Session) -> str:
    region = make_region(session, slug=REGION, name="Klein")
    for n, (agb, (icpcs, continuing, referrals)) in enumerate(PRACTICES.items()):
        practice = make_practice(session, agb=agb, name=f"Huisartsen {agb}", region=region)
        poh = make_provider(session, code=f"POH-{n}", practices=(practice,))
        for j, icpc in enumerate(icpcs):
            patient = make_patient(
                session, practice=practice, birth_year=BIRTH_YEARS[(j + n) % len(BIRTH_YEARS)]
            )
            make_contact(
                session, patient=patient, provider=poh, date=D(2025, 7, 1 + j % 28), icpc=icpc
            )
            make_contact(session, patient=patient, provider=poh, date=D(2025, 8, 1 + j % 28))
            if j < referrals:
                make_referral(session, patient=patient, date=D(2025, 8, 10))
        for j in range(continuing):  # an episode begun in May goes on in the quarter
            patient = make_patient(session, practice=practice, birth_year=1960)
            make_contact(session, patient=patient, provider=poh, date=D(2025, 5, 2), icpc="P03")
            make_contact(session, patient=patient, provider=poh, date=D(2025, 7, 20 + j))
    session.flush()
    return REGION


def caller_of(session: Session, role: str, *grants: tuple[str, str]) -> CallerScope:
    """The CallerScope a user of ``role`` with ``grants`` gets (as api/access.py builds it)."""
    user = User(username=f"u-{role}", display_name=role, role=role, is_active=True)
    user.scopes = [UserScope(level=level, key=key) for level, key in grants]
    g = build_grant(session, user)
    return CallerScope(
        visible_all=g.visible_all,
        visible=g.visible,
        own_all=g.own_all,
        own_practices=g.own_practices,
        own_providers=g.own_providers,
        anonymise_others=g.anonymise_others,
        anonymise_key=b"test-key" if g.anonymise_others else b"",
    )


TRUTH = CallerScope(own_all=True)


def _figures(shown: Any) -> list[float]:
    """Every number a value-like model shows."""
    out = [getattr(shown, name, None) for name in ("value", "numerator", "denominator")]
    out += list((shown.extra or {}).values())
    for item in shown.breakdown or []:
        out += [item.value, item.share_pct]
    return [x for x in out if x is not None]


def test_no_hidden_count_can_be_recovered(session: Session, region: str) -> None:
    regio = caller_of(session, "regio", ("region", REGION))
    assert not regio.is_own("practice", SMALL) and regio.can_see("practice", SMALL)
    hidden_seen = 0
    for definition in practice_kpis():
        true_bm = (
            service.get_benchmark(
                session, slug=definition.slug, region=region, period=Q, caller=TRUTH
            )
            if definition.benchmarkable
            else None
        )
        shown_bm = (
            service.get_benchmark(
                session, slug=definition.slug, region=region, period=Q, caller=regio
            )
            if definition.benchmarkable
            else None
        )
        per_practice: dict[str, Any] = {}
        for agb in PRACTICES:
            truth = service.get_values(
                session,
                slug=definition.slug,
                scope=ScopeRef("practice", agb),
                period=Q,
                caller=TRUTH,
            )
            value = service.get_values(
                session,
                slug=definition.slug,
                scope=ScopeRef("practice", agb),
                period=Q,
                caller=regio,
            )
            card = service.get_scorecard(session, agb=agb, period=Q, caller=regio)
            item = next(i for i in card.items if i.slug == definition.slug)
            views = [value, item]
            if shown_bm is not None:
                views.append(next(r for r in shown_bm.practices if r.agb == agb))
            per_practice[agb] = (truth, views)
            small = {
                m: c
                for m, c in present.patient_figures(definition, truth).items()
                if present.is_small(c)
            }
            for view in views:
                # (1) a hidden count hides every figure of every KPI that carries it: no
                # numerator, denominator, ratio (× denominator) or extra gives it back
                if small:
                    hidden_seen += 1
                    assert view.suppressed and _figures(view) == [], (definition.slug, agb, view)
                # (2) breakdowns: no item below 10 shown, no share of a hidden item, and
                # never exactly one item hidden next to a shown total
                _check_breakdown(definition, truth, view)
            # the same practice reads the same in its value, its scorecard and its row
            assert len({(v.value, v.numerator, v.denominator, v.suppressed) for v in views}) == 1
        if shown_bm is not None and uses_patient_counts(definition):
            _check_benchmark(definition, per_practice, shown_bm)
        if true_bm is not None and shown_bm is not None:
            assert [r.agb for r in true_bm.practices] == [r.agb for r in shown_bm.practices]
    assert hidden_seen > 50  # the test region does exercise the rule


def _check_breakdown(definition: Any, truth: Any, view: Any) -> None:
    if not definition.patient_count or view.suppressed:
        return
    true_items = {i.key: i.value for i in truth.breakdown}
    hidden = [i for i in view.breakdown if i.value is None]
    for item in view.breakdown:
        if present.is_small(true_items[item.key]):
            assert item.value is None and item.share_pct is None and item.suppressed
        if item.value is None:
            assert item.share_pct is None  # share × total
    if view.value is not None and any(true_items[i.key] for i in hidden):
        # total − the other items: never one hidden non-zero item alone
        assert len([i for i in hidden if true_items[i.key]]) >= 2


def _check_benchmark(definition: Any, per_practice: dict[str, Any], bm: Any) -> None:
    """Region total − the shown rows: never one hidden row alone."""
    rows = {r.agb: r for r in bm.practices}
    truths = {agb: present.patient_figures(definition, t) for agb, (t, _v) in per_practice.items()}
    measures = {m for f in truths.values() for m in f}
    for measure in measures:
        small = [a for a, f in truths.items() if present.is_small(f.get(measure))]
        hidden = [a for a, r in rows.items() if r.suppressed]
        assert set(small) <= set(hidden), (definition.slug, measure)
        if any(truths[a].get(measure) for a in small):
            nonzero = [a for a in hidden if truths[a].get(measure)]
            assert len(nonzero) >= 2 or bm.region_value is None, (definition.slug, hidden)
    if any(r.suppressed for r in bm.practices) and bm.distribution is not None:
        # percentiles only over what is shown
        assert bm.distribution.n == len(
            [r for r in bm.practices if r.ranked and r.value is not None]
        )


def test_complements_are_the_same_in_every_kpi_of_a_measure(session: Session, region: str) -> None:
    """poh_new_episodes, contacts_per_episode and poh_referral_share hide the same practices,
    else the complement of one KPI would be undone by the denominator of another."""
    regio = caller_of(session, "regio", ("region", REGION))
    hidden = {}
    for slug in ("poh_new_episodes", "contacts_per_episode", "poh_referral_share"):
        bm = service.get_benchmark(session, slug=slug, region=region, period=Q, caller=regio)
        hidden[slug] = {r.agb for r in bm.practices if r.suppressed}
    assert hidden["poh_new_episodes"] == {"05000000", "05000001"}
    # the 4 reads "<10"; the complement (8: also small) too — a complement of 10 or more
    # reads "afgeschermd", never a false "<10"
    bm = service.get_benchmark(
        session, slug="poh_new_episodes", region=region, period=Q, caller=regio
    )
    shown = {r.agb: r.value_display for r in bm.practices if r.suppressed}
    assert shown == {"05000000": "<10", "05000001": "<10"}
    month = service.get_values(
        session,
        slug="poh_new_episodes",
        scope=ScopeRef("practice", "05000005"),
        period="2025-07",
        caller=regio,
    )
    assert (month.value, month.value_display) == (None, present.WITHHELD_DISPLAY)
    assert len({frozenset(h) for h in hidden.values()}) == 1
    # one practice below 10 patients: the smallest other one is hidden with it
    bm = service.get_benchmark(session, slug="poh_patients", region=region, period=Q, caller=regio)
    assert {r.agb for r in bm.practices if r.suppressed} == {"05000000", "05000001"}
    assert bm.region_value == sum(len(i) + c for i, c, _r in PRACTICES.values())


def test_case_mix_hides_a_second_item(session: Session, region: str) -> None:
    regio = caller_of(session, "regio", ("region", REGION))
    v = service.get_values(
        session, slug="case_mix", scope=ScopeRef("practice", "05000002"), period=Q, caller=regio
    )
    assert v.value == 34 and not v.suppressed
    items = {i.key: i for i in v.breakdown if i.value is not None or i.suppressed}
    hidden = sorted(k for k, i in items.items() if i.suppressed)
    assert {"angst"} < set(hidden) and all(items[k].share_pct is None for k in hidden)
    assert {"depressie", "overspanning"} & set(hidden)  # the complement of the 6
    # and across the practices: 05000006's 3 of P78 is hidden there, so the smallest other
    # practice's P78 item (this one's 14) too, else the region's item − the shown ones gives
    # the 3 back; nothing of the 34 is left to subtract
    assert {"angst", "depressie", "overspanning"} <= set(hidden)
    assert [i.value for i in v.breakdown if i.value is not None] == []


def test_own_caller_sees_exact_counts(session: Session, region: str) -> None:
    huisarts = caller_of(session, "huisarts", ("practice", SMALL))
    scope = ScopeRef("practice", SMALL)

    def value(slug: str) -> Any:
        return service.get_values(session, slug=slug, scope=scope, period=Q, caller=huisarts)

    assert value("poh_patients").value == 4 and not value("poh_patients").suppressed
    assert value("poh_new_episodes").value == 4
    assert value("contacts_per_episode").denominator == 4
    assert value("contacts_per_episode").value == 2
    assert value("poh_referral_share").numerator == 1
    ages = {i.key: i.value for i in value("poh_patients").breakdown}
    assert sum(v for v in ages.values() if v) == 4
    card = service.get_scorecard(session, agb=SMALL, period=Q, caller=huisarts)
    assert next(i for i in card.items if i.slug == "poh_new_episodes").value == 4
    # the region's context on the own scorecard comes only from the figures shown to them
    item = next(i for i in card.items if i.slug == "contacts_per_episode")
    # hidden for them: 05000001 (8 episodes) and, as its complement, 05000003; their own has
    # too few episodes to be ranked: 4 ranked practices shown, fewer than 5, so no distribution
    assert item.region_n == 0 and item.region_median is None


def test_kpis_of_patient_measures_come_from_the_registry() -> None:
    assert {"poh_patients", "new_episodes", "bridging_patients"} <= present.PATIENT_MEASURES
    for slug in ("contacts_per_episode", "poh_referral_share", "poh_reach_per_1000", "case_mix"):
        assert uses_patient_counts(REGISTRY[slug]), slug
    assert not uses_patient_counts(REGISTRY["poh_contacts"])


# --- across practices, periods and levels (api/kpi/disclosure.py) ---------------------------


def test_region_breakdown_minus_the_practices_gives_nothing_back(
    session: Session, region: str
) -> None:
    """The region's breakdown item minus the items the practices show: never exactly one
    practice hides a non-zero item of a key."""
    regio = caller_of(session, "regio", ("region", REGION))
    for slug in ("case_mix", "poh_patients"):
        truth = {
            agb: service.get_values(
                session, slug=slug, scope=ScopeRef("practice", agb), period=Q, caller=TRUTH
            )
            for agb in PRACTICES
        }
        shown = {
            agb: service.get_values(
                session, slug=slug, scope=ScopeRef("practice", agb), period=Q, caller=regio
            )
            for agb in PRACTICES
        }
        keys = {i.key for v in truth.values() for i in v.breakdown}
        seen = 0
        for key in keys:
            hidden = [
                agb
                for agb in PRACTICES
                if next(i for i in shown[agb].breakdown if i.key == key).value is None
                and next(i for i in truth[agb].breakdown if i.key == key).value
            ]
            seen += len(hidden)
            assert len(hidden) != 1, (slug, key, hidden)
        assert seen >= 2, slug


MONTHS = ("2025-07", "2025-08", "2025-09")


def test_months_and_years_of_a_masked_practice_hide_patient_counts(
    session: Session, region: str
) -> None:
    """A quarter minus its shown months, a year minus its shown quarters: a regio user gets a
    practice's patient counts per quarter only (as the benchmark shows them)."""
    regio = caller_of(session, "regio", ("region", REGION))
    huisarts = caller_of(session, "huisarts", ("practice", "05000005"))
    big = "05000005"  # 45 new episodes in the quarter: shown per quarter
    for period in (*MONTHS, "2025"):
        for definition in practice_kpis():
            value = service.get_values(
                session,
                slug=definition.slug,
                scope=ScopeRef("practice", big),
                period=period,
                caller=regio,
            )
            if uses_patient_counts(definition):
                assert value.suppressed and _figures(value) == [], (definition.slug, period)
            bm = (
                service.get_benchmark(
                    session, slug=definition.slug, region=region, period=period, caller=regio
                )
                if definition.benchmarkable
                else None
            )
            if bm is not None and uses_patient_counts(definition):
                assert all(r.suppressed for r in bm.practices), (definition.slug, period)
        # the practice itself still sees its months
        own = service.get_values(
            session,
            slug="poh_new_episodes",
            scope=ScopeRef("practice", big),
            period=period,
            caller=huisarts,
        )
        assert not own.suppressed
    quarter = service.get_values(
        session, slug="poh_new_episodes", scope=ScopeRef("practice", big), period=Q, caller=regio
    )
    assert quarter.value == 45 and not quarter.suppressed
    # a monthly series: every point hidden; a quarterly one: the benchmark's figures
    months = service.get_series(
        session,
        slug="poh_new_episodes",
        scope=ScopeRef("practice", big),
        start="2025-07",
        end="2025-09",
        grain="month",
        caller=regio,
    )
    assert [p.value for p in months.points] == [None, None, None]
    quarters = service.get_series(
        session,
        slug="case_mix",
        scope=ScopeRef("practice", "05000002"),
        start="2025Q2",
        end="2025Q3",
        grain="quarter",
        caller=regio,
    )
    row = service.get_values(
        session, slug="case_mix", scope=ScopeRef("practice", "05000002"), period=Q, caller=regio
    )
    point = quarters.points[-1]
    assert (point.value, point.suppressed) == (row.value, row.suppressed) == (34, False)
    assert [i.value for i in point.breakdown] == [i.value for i in row.breakdown]


def test_a_team_minus_its_shown_practices_gives_nothing_back(session: Session, region: str) -> None:
    from models import Practice, Region, Team

    practices = {p.agb: p for p in session.query(Practice)}
    klein = session.query(Region).filter_by(slug=REGION).one()
    # 05000000 is hidden (4 new episodes), 05000003 is shown (20): team − 05000003 = 4
    mixed = Team(slug="t-mixed", name="Gemengd", region_id=klein.id)
    mixed.practices = [practices["05000000"], practices["05000003"]]
    # 05000003 and 05000004: nothing of theirs is hidden
    shown = Team(slug="t-shown", name="Zichtbaar", region_id=klein.id)
    shown.practices = [practices["05000003"], practices["05000004"]]
    session.add_all([mixed, shown])
    session.flush()
    regio = caller_of(session, "regio", ("region", REGION))
    teamleider = caller_of(session, "teamleider", ("team", "t-mixed"))

    def value(team: str, caller: CallerScope, period: str = Q) -> Any:
        return service.get_values(
            session,
            slug="poh_new_episodes",
            scope=ScopeRef("team", team),
            period=period,
            caller=caller,
        )

    assert value("t-mixed", regio).suppressed and value("t-mixed", regio).value is None
    assert value("t-shown", regio).value == 20 + 21
    assert value("t-shown", regio, "2025-08").value is None  # months: per quarter only
    assert value("t-mixed", teamleider).value == 4 + 20  # their own team: exact
    overview = service.get_team_overview(session, team="t-mixed", period=Q, caller=regio)
    cells = {row.id: row.values.get("poh_new_episodes") for row in overview.rows}
    assert cells["05000000"].value is None
    # the flows of a practice whose new episodes are hidden: nothing to balance against
    flows = service.get_referral_flows(
        session, scope=ScopeRef("practice", "05000001"), period=Q, caller=regio
    )
    assert all(link.value is None for link in flows.links)
    flows = service.get_referral_flows(
        session, scope=ScopeRef("practice", "05000005"), period="2025-08", caller=regio
    )
    assert all(link.value is None for link in flows.links)
