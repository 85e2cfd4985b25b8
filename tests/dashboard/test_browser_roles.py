"""The pages of the teamleider (Team) and of the POH (Mijn caseload) in headless Chromium, each
logged in as that role through the login page (issue 10): the menu of the role, the figures
and tables carry the API's data, every picker changes the figures and the URL, the URL opened
in a new browser shows the same, an unknown id in the link is said, no SEVERE console message,
and screenshots in both languages (``$POHCONNECT_TEST_ARTIFACTS/dashboard/``).

Its own server on a copy of the session's browser database (SQLite backup), to which two teams,
an overloaded POH, a teamleider and a POH user are added; one Chromium for the module, logging
in as one role after the other.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboard import ids
from tests.dashboard.conftest import Browsers, _server, chromium, login
from tests.dashboard.data import PRACTICE_NAMES
from tests.dashboard.test_browser import _wait
from tests.dashboard.test_browser_state import (
    _choose,
    _language,
    _query,
    _settle,
    _severe,
    _shot,
    _shown_value,
)

pytestmark = pytest.mark.browser

TEAMLEIDER = ("browser-teamleider", "browser-teamleider-wachtwoord-2025")
POH = ("browser-poh", "browser-poh-wachtwoord-2025")
# Team Noord: practices 1–3 of tests/dashboard/data.py and the overloaded POH; Team Zuid: 4–6
TEAMS = {"team-noord": ("Team Noord", (0, 1, 2)), "team-zuid": ("Team Zuid", (3, 4, 5))}
BUSY = "POHD099"  # 30 consults in one week of 8 contracted hours: 30 a workday, > 9
POH_CODE = "POHD006"  # the logged-in POH: practice 6 (Praktijk Noorderhaven, AGB 01990006)


@dataclass(frozen=True)
class RolesServer:
    url: str
    agbs: list[str]
    database: Path


def _add_teams_and_users(url: str, agbs: list[str]) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from api.auth.passwords import hash_password
    from api.org.schemas import TeamCreate
    from api.org.service import create_team
    from models import Practice, User, UserScope
    from models.db import make_engine
    from tests.factories import make_contact, make_hours, make_patient, make_provider

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            first = session.scalar(select(Practice).where(Practice.agb == agbs[0]))
            busy = make_provider(session, code=BUSY, name="POH Druk", practices=(first,))
            week = dt.date(2025, 5, 5)
            for k in range(30):
                patient = make_patient(session, practice=first)
                make_contact(
                    session, patient=patient, provider=busy, date=week + dt.timedelta(k % 5)
                )
            make_hours(session, provider=busy, practice=first, week_start=week, contract=8.0)
            for slug, (name, members) in TEAMS.items():
                create_team(
                    session,
                    data=TeamCreate(
                        slug=slug,
                        name=name,
                        region="regio-dash",
                        practices=[agbs[i] for i in members],
                    ),
                )
            for (username, password), role, scopes in (
                (TEAMLEIDER, "teamleider", [("team", slug) for slug in TEAMS]),
                (POH, "poh", [("provider", POH_CODE)]),
            ):
                user = User(
                    username=username,
                    display_name=username,
                    role=role,
                    password_hash=hash_password(password),
                    is_active=True,
                )
                user.scopes.extend(UserScope(level=lv, key=key) for lv, key in scopes)
                session.add(user)
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def roles_server(live_database: tuple[str, Any]) -> Iterator[RolesServer]:
    url, built = live_database
    tmp = Path(tempfile.mkdtemp(prefix="pohconnect-roles-"))
    target = tmp / "roles.sqlite3"
    # a consistent copy even while the session's server writes its KPI cache
    with sqlite3.connect(url.removeprefix("sqlite:///")) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    copy = f"sqlite:///{target}"
    _add_teams_and_users(copy, built.agbs)
    try:
        with _server(copy) as base:
            yield RolesServer(url=base, agbs=built.agbs, database=target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def role_browser(browsers: Browsers) -> Iterator[Any]:
    with chromium(browsers) as drv:
        yield drv


def _login_as(driver: Any, server: RolesServer, user: tuple[str, str]) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    login(driver, server.url, *user)
    WebDriverWait(driver, 60).until(lambda d: "/login" not in d.current_url)


def _nav(driver: Any) -> list[str]:
    return _wait(
        driver,
        "const n = document.getElementById(arguments[0]);"
        "const a = n ? Array.from(n.querySelectorAll('a')).map(e => e.innerText.trim()) : [];"
        "return a.length ? a.filter(t => t) : null;",
        ids.NAV_LINKS,
    )


def _grid_rows(driver: Any, grid_id: str, predicate: str = "true") -> list[dict[str, str]]:
    """The rows of an AG Grid as {col-id: text}, once ``predicate`` (on ``rows``) holds."""
    return _wait(
        driver,
        "const rows = Array.from(document.querySelectorAll('#' + arguments[0] +"
        " ' .ag-center-cols-container .ag-row, #' + arguments[0] + ' .ag-pinned-left-cols-container"
        " .ag-row'));"
        "const byIndex = {};"
        "for (const r of rows) { const i = r.getAttribute('row-index');"
        "  byIndex[i] = byIndex[i] || {};"
        "  for (const c of r.querySelectorAll('[col-id]'))"
        "    byIndex[i][c.getAttribute('col-id')] = c.innerText.trim(); }"
        "const out = Object.keys(byIndex).sort((a, b) => a - b).map(k => byIndex[k]);"
        "if (!out.length) return null;"
        "return (" + predicate + ") ? out : null;",
        grid_id,
    )


def _grid_data(driver: Any, grid_id: str, predicate: str = "true") -> list[dict[str, Any]]:
    """Every row of an AG Grid (its data, through the grid's API: the grid draws only the rows
    in view), once ``predicate`` (on ``out``) holds."""
    return _wait(
        driver,
        "let api; try { api = dash_ag_grid.getApi(arguments[0]); } catch (e) { return null; }"
        "if (!api) return null; const out = []; api.forEachNode(n => out.push(n.data));"
        "return out.length && (" + predicate + ") ? out : null;",
        grid_id,
    )


def _row(rows: list[dict[str, str]], name: str) -> dict[str, str]:
    return next(r for r in rows if r.get("link") == name)


def _team_rows(driver: Any, name: str) -> list[dict[str, str]]:
    """The Team grid once it shows the row ``name`` and no callback runs."""
    _grid_rows(driver, ids.TEAM_GRID, "out.some(r => r.link === " + repr(name) + ")")
    _settle(driver)
    return _grid_rows(driver, ids.TEAM_GRID)


@contextmanager
def _logged_in_copy(
    browsers: Browsers, server: RolesServer, user: tuple[str, str]
) -> Iterator[Any]:
    """A new Chromium (own profile), logged in as ``user``: someone opening a copied link."""
    with chromium(browsers) as driver:
        _login_as(driver, server, user)
        _severe(driver)  # the login page's messages
        yield driver


def test_team_page_for_the_teamleider(  # type: ignore[no-untyped-def]
    roles_server, role_browser, browsers, artifacts_dir
):
    driver, base = role_browser, roles_server.url
    agbs = roles_server.agbs
    _login_as(driver, roles_server, TEAMLEIDER)
    assert _nav(driver) == ["Praktijk", "POH", "Team", "Verwijzingen"]
    _severe(driver)  # the login page's messages
    driver.get(f"{base}/dashboard/team?team=team-noord&period=2025Q2")
    _language(driver, "NL")
    rows = _team_rows(driver, "POH Druk")
    # the team's POHs (the three of its practices and the busy one) and its three practices
    assert sorted((r["kind"], r["link"]) for r in rows) == sorted(
        [("POH", f"POH {i}") for i in (1, 2, 3)]
        + [("POH", "POH Druk")]
        + [("Praktijk", n) for n in PRACTICE_NAMES[:3]]
    )
    # figures are the API's: POH 1 had 60 + 8 = 68 contacts in 2025Q2 (tests/dashboard/data.py);
    # the busy POH 30 consults on one workday of 8 hours: overloaded, flagged, named on the card
    assert _row(rows, "POH 1")["poh_contacts"] == "68"
    busy = _row(rows, "POH Druk")
    assert (busy["ftf_per_workday"], busy["flags"]) == ("30,0", "⚠ overbelast")
    assert [r["link"] for r in rows if r["kind"] == "POH" and r["flags"]] == ["POH Druk"]
    cards = driver.find_element("id", ids.TEAM_CARDS).text
    assert "Team Noord · K2 2025" in cards and "POH Druk" in cards
    # a name links to the POH's or the practice's page for the same period
    hrefs = driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' a'))"
        ".map(a => a.getAttribute('href'));",
        ids.TEAM_GRID,
    )
    assert f"/dashboard/poh?level=provider&id={BUSY}&period=2025Q2" in hrefs
    assert f"/dashboard/praktijk?agb={agbs[0]}&period=2025Q2" in hrefs
    # the period picker changes the figures and the URL
    _choose(driver, ids.TEAM_PERIOD, "K1 2025")
    _wait(driver, "return location.search.includes('period=2025Q1');")
    rows = _grid_rows(
        driver, ids.TEAM_GRID, "out.some(r => r.link === 'POH 1' && r.poh_contacts === '60')"
    )
    assert _query(driver) == {"team": "team-noord", "period": "2025Q1"}
    # the team picker too: Team Zuid, where Praktijk Noorderhaven's median wait is 15 days
    _choose(driver, ids.TEAM_TEAM, "Team Zuid")
    _wait(driver, "return location.search.includes('team=team-zuid');")
    rows = _team_rows(driver, "Praktijk Noorderhaven")
    assert _query(driver) == {"team": "team-zuid", "period": "2025Q1"}
    far = _row(rows, "Praktijk Noorderhaven")
    assert (far["wait_days_intake"], far["flags"]) == ("15,0", "◷ lange wachttijd")
    assert {r["link"] for r in rows if "lange wachttijd" in r["flags"]} == {
        "POH 6",
        "Praktijk Noorderhaven",
    }
    _shot(driver, artifacts_dir, "team-nl")
    # the link in a new browser shows the same
    link = driver.current_url
    with _logged_in_copy(browsers, roles_server, TEAMLEIDER) as other:
        other.get(link)
        assert _team_rows(other, "Praktijk Noorderhaven") == rows
        assert _shown_value(other, ids.TEAM_TEAM) == "Team Zuid"
        assert _shown_value(other, ids.TEAM_PERIOD) == "K1 2025"
        assert _severe(other) == []
    # an unknown team in the link is said, and no team is shown instead
    driver.get(f"{base}/dashboard/team?team=team-bestaat-niet&period=2025Q1")
    text = _wait(
        driver, "const e = document.querySelector('.link-unknown'); return e ? e.innerText : null;"
    )
    assert "Onbekend team in de link: „team-bestaat-niet”" in text
    _settle(driver)
    assert driver.find_element("id", ids.TEAM_CARDS).text == ""
    # a click on a POH opens that POH's page
    driver.get(f"{base}/dashboard/team?team=team-noord&period=2025Q2")
    _team_rows(driver, "POH Druk")
    driver.execute_script(
        "Array.from(document.querySelectorAll('#' + arguments[0] + ' a'))"
        ".find(a => a.innerText.trim() === 'POH Druk').click();",
        ids.TEAM_GRID,
    )
    _wait(driver, "return location.pathname.endsWith('/poh');")
    _wait(
        driver,
        "const e = document.getElementById(arguments[0]);"
        "return e && e.innerText.includes('POH Druk');",
        ids.POH_SCOPE,
    )
    assert _query(driver) == {"level": "provider", "id": BUSY, "period": "2025Q2"}
    assert _severe(driver) == []
    # English
    driver.get(f"{base}/dashboard/team?team=team-zuid&period=2025Q1")
    _language(driver, "EN")
    rows = _grid_rows(driver, ids.TEAM_GRID, "out.some(r => r.flags === '◷ long wait')")
    assert _row(rows, "Praktijk Noorderhaven")["kind"] == "Practice"
    _shot(driver, artifacts_dir, "team-en")
    _language(driver, "NL")


def test_caseload_page_for_the_poh(  # type: ignore[no-untyped-def]
    roles_server, role_browser, browsers, artifacts_dir, live_database
):
    driver, base = role_browser, roles_server.url
    _login_as(driver, roles_server, POH)
    assert _nav(driver) == ["Praktijk", "POH", "Mijn caseload"]
    _severe(driver)
    driver.get(f"{base}/dashboard/caseload?poh={POH_CODE}&period=2025Q1")
    _language(driver, "NL")
    _grid_data(driver, ids.CASELOAD_GRID, "out.length >= 50")
    _settle(driver)
    rows = _grid_data(driver, ids.CASELOAD_GRID)
    cards = driver.find_element("id", ids.CASELOAD_CARDS).text
    # practice 6 has 50 patients, all with a POH contact in 2025Q1 (tests/dashboard/data.py)
    assert f"{POH_CODE} · K1 2025 · Peildatum 31-03-2025" in cards
    assert "PATIËNTEN IN ZORG\n50" in cards.upper()
    assert len(rows) == 50
    # pseudonyms only: 32 hex characters, the own practice; no name or patient number
    assert all(len(r["pseudonym"]) == 32 and int(r["pseudonym"], 16) >= 0 for r in rows)
    assert {r["practice"] for r in rows} == {roles_server.agbs[5]}
    stale = [r for r in rows if "8 wk geen contact" in r["signals"]]
    listed = driver.find_element("id", ids.CASELOAD_STALE).text
    assert stale and all(r["pseudonym"][:12] in listed for r in stale)
    assert "8 WEKEN GEEN CONTACT\n" + str(len(stale)) in cards.upper()
    # the period picker changes the list and the URL
    _choose(driver, ids.CASELOAD_PERIOD, "K2 2025")
    _wait(driver, "return location.search.includes('period=2025Q2');")
    cards = _wait(
        driver,
        "const e = document.getElementById(arguments[0]);"
        "return e && e.innerText.includes('Peildatum 30-06-2025') ? e.innerText : null;",
        ids.CASELOAD_CARDS,
    )
    _settle(driver)
    assert _query(driver) == {"poh": POH_CODE, "period": "2025Q2"}
    later = _grid_data(driver, ids.CASELOAD_GRID)
    assert later != rows
    cards = driver.find_element("id", ids.CASELOAD_CARDS).text
    _shot(driver, artifacts_dir, "caseload-nl")
    # the link in a new browser (the same POH, logged in there) shows the same
    link = driver.current_url
    with _logged_in_copy(browsers, roles_server, POH) as other:
        other.get(link)
        _wait(
            other,
            "const e = document.getElementById(arguments[0]);"
            "return e && e.innerText.includes('Peildatum 30-06-2025');",
            ids.CASELOAD_CARDS,
        )
        _settle(other)
        assert other.find_element("id", ids.CASELOAD_CARDS).text == cards
        assert _grid_data(other, ids.CASELOAD_GRID) == later
        assert _severe(other) == []
    # another POH's caseload in the link: said, nothing shown
    driver.get(f"{base}/dashboard/caseload?poh=POHD001&period=2025Q2")
    text = _wait(
        driver, "const e = document.querySelector('.link-unknown'); return e ? e.innerText : null;"
    )
    assert "er is geen POH met code POHD001 die u mag zien" in text
    _settle(driver)
    assert driver.find_element("id", ids.CASELOAD_CARDS).text == ""
    assert _severe(driver) == []
    # every list shown is in the audit log, with its pseudonyms
    with sqlite3.connect(roles_server.database) as con:
        events = con.execute(
            "SELECT resource FROM audit_log WHERE action = 'caseload.view'"
            " AND username = ? AND outcome = 'success'",
            (POH[0],),
        ).fetchall()
    assert {f"caseload:{POH_CODE}:2025Q1", f"caseload:{POH_CODE}:2025Q2"} <= {e[0] for e in events}
    # English
    driver.get(link)
    _language(driver, "EN")
    _wait(
        driver,
        "const e = document.getElementById(arguments[0]);"
        "return e && e.innerText.includes('Reference date 30/06/2025');",
        ids.CASELOAD_CARDS,
    )
    _shot(driver, artifacts_dir, "caseload-en")
    _language(driver, "NL")
