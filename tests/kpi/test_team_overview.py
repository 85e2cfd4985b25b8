"""The team overview: every POH and practice of a team with the key KPIs, equal to each
member's own value, the overload and long-wait flags from the registry's norms, and the caller's
scope and small-number rule applied after the cache."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from api.errors import NotFound
from api.kpi import service
from api.kpi.schemas import TeamOverviewRead
from api.kpi.scope import CallerScope, ScopeRef
from api.kpi.team import SLUGS
from models import Team
from tests.factories import (
    make_contact,
    make_hours,
    make_patient,
    make_practice,
    make_provider,
    make_region,
)

D = dt.date
Q = "2025Q3"
ALL = CallerScope(own_all=True)  # every scope visible and own: no small-number rule


@pytest.fixture
def team(session: Session) -> str:
    """Team Noord: practices A and B. POH Anna works in A and B (busy: 12 face-to-face
    consults on 8 contracted hours, one workday); POH Bram in B and C (C is not in the team)."""
    region = make_region(session, slug="noord", name="Noord")
    a = make_practice(session, agb="01000001", name="Praktijk A", region=region, listed=2350)
    b = make_practice(session, agb="01000002", name="Praktijk B", region=region, listed=2350)
    c = make_practice(session, agb="01000003", name="Praktijk C", region=region, listed=2350)
    anna = make_provider(session, code="POH-ANNA", name="Anna", practices=(a, b))
    bram = make_provider(session, code="POH-BRAM", name="Bram", practices=(b, c))
    for day in range(12):
        patient = make_patient(session, practice=a)
        make_contact(
            session, patient=patient, provider=anna, date=D(2025, 7, 7) + dt.timedelta(day % 5)
        )
    make_hours(session, provider=anna, practice=a, week_start=D(2025, 7, 7), contract=8)
    for day in range(3):
        patient = make_patient(session, practice=b)
        make_contact(session, patient=patient, provider=bram, date=D(2025, 8, 4 + day))
    make_hours(session, provider=bram, practice=b, week_start=D(2025, 8, 4), contract=16)
    make_hours(session, provider=bram, practice=c, week_start=D(2025, 8, 4), contract=8)
    team = Team(slug="team-noord", name="Team Noord", region_id=region.id)
    team.practices.extend([a, b])
    session.add(team)
    session.flush()
    return team.slug


def _cells(overview: TeamOverviewRead) -> dict[tuple[str, str], dict]:
    return {(row.kind, row.id): row.values for row in overview.rows}


def test_members_columns_and_values_equal_each_members_own_value(
    session: Session, team: str
) -> None:
    overview = service.get_team_overview(session, team=team, period=Q, caller=ALL)
    assert [(row.kind, row.id) for row in overview.rows] == [
        ("provider", "POH-ANNA"),
        ("provider", "POH-BRAM"),
        ("practice", "01000001"),
        ("practice", "01000002"),
    ]
    anna = overview.rows[0]
    assert anna.practices == ["01000001", "01000002"]
    assert overview.rows[1].practices == ["01000002"]  # C is not in the team
    assert [column.slug for column in overview.columns] == list(SLUGS)
    ftf = next(column for column in overview.columns if column.slug == "ftf_per_workday")
    assert ftf.norm_high == 9.0 and ftf.flag == "overloaded"
    assert anna.values["poh_contacts"].value == 12
    assert anna.values["ftf_per_workday"].value == 12.0  # 12 consults on one 8-hour day
    checked = 0
    for (kind, key), values in _cells(overview).items():
        for slug, cell in values.items():
            own = service.get_values(
                session, slug=slug, scope=ScopeRef(kind, key), period=Q, caller=ALL
            )
            assert (cell.value, cell.status) == (own.value, own.status), (kind, key, slug)
            checked += 1
    assert checked >= 30


def test_flags_follow_the_norms(session: Session, team: str) -> None:
    overview = service.get_team_overview(session, team=team, period=Q, caller=ALL)
    by_id = {row.id: row for row in overview.rows}
    assert by_id["POH-ANNA"].flags == ["overloaded"]
    assert by_id["POH-ANNA"].values["ftf_per_workday"].flagged is True
    bram = by_id["POH-BRAM"]
    assert "overloaded" not in bram.flags and not bram.values["ftf_per_workday"].flagged
    for row in overview.rows:
        wait = row.values.get("wait_days_intake")
        if wait is not None:
            assert ("long_wait" in row.flags) == (wait.value is not None and wait.value > 14)


def test_the_caller_sees_only_the_scope_and_small_numbers_hidden(
    session: Session, team: str
) -> None:
    teamleider = CallerScope(
        visible_all=False,
        visible=frozenset(
            {
                ("team", team),
                ("practice", "01000001"),
                ("practice", "01000002"),
                ("provider", "POH-ANNA"),
                ("provider", "POH-BRAM"),
            }
        ),
        own_practices=frozenset({"01000001", "01000002"}),
        own_providers=frozenset({"POH-ANNA", "POH-BRAM"}),
    )
    own = service.get_team_overview(session, team=team, period=Q, caller=teamleider)
    assert _cells(own)[("provider", "POH-BRAM")]["poh_contacts"].value == 3  # unmasked

    regio = CallerScope(
        visible_all=False,
        visible=frozenset({("team", team), ("practice", "01000001"), ("practice", "01000002")}),
    )
    seen = service.get_team_overview(session, team=team, period=Q, caller=regio)
    assert [row.kind for row in seen.rows] == ["practice", "practice"]  # POHs not in scope
    unmasked = _cells(service.get_team_overview(session, team=team, period=Q, caller=ALL))
    assert unmasked[("practice", "01000002")]["poh_new_episodes"].value == 3
    assert unmasked[("practice", "01000001")]["poh_new_episodes"].value == 12
    b = _cells(seen)[("practice", "01000002")]
    # a patient count below 10 outside the caller's own scope
    assert b["poh_new_episodes"].value is None and b["poh_new_episodes"].value_display == "<10"
    # the complement: A's count is hidden too, or the team total − A would give B
    a = _cells(seen)[("practice", "01000001")]
    assert a["poh_new_episodes"].value is None and a["poh_new_episodes"].suppressed
    assert b["poh_contacts"].value == 3  # contacts are not patients: shown

    stranger = CallerScope(visible_all=False, visible=frozenset({("practice", "01000001")}))
    with pytest.raises(NotFound, match="Team team-noord bestaat niet"):
        service.get_team_overview(session, team=team, period=Q, caller=stranger)


def test_the_api_route(api_client, team) -> None:  # type: ignore[no-untyped-def]
    res = api_client.get(f"/api/v1/teams/{team}/overview", params={"period": Q})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["name"] == "Team Noord" and len(body["rows"]) == 4
    assert (
        api_client.get("/api/v1/teams/geen-team/overview", params={"period": Q}).status_code == 404
    )
    assert (
        api_client.get(f"/api/v1/teams/{team}/overview", params={"period": "2025Q5"}).status_code
        == 422
    )
