"""The role × page matrix of the dashboard (the API's is tests/auth/test_matrix.py): for every
role, and for a visitor who is not logged in, every page of the dashboard has an explicit entry.
A page the role may use is in its menu and opens; any other page is not in the menu and is
refused (redirected to one of the role's own pages, or 403 without any); the pickers of an
allowed page, filled through the API with the user's own token, offer only values in the scope.

Same world and users as tests/auth/test_matrix.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.auth.conftest import PASSWORD, A, B, login
from tests.auth.test_matrix import NOORD, SCOPES, USERNAMES, Scope

ORIGIN = "http://testserver"
REGION, PRACTICE, POH, WAITING, REFERRALS, HOURS, TEAM, CASELOAD, QUALITY, IMPORT = (
    "/",
    "/praktijk",
    "/poh",
    "/wachttijden",
    "/verwijzingen",
    "/uren",
    "/team",
    "/caseload",
    "/datakwaliteit",
    "/import",
)
# role → the pages it may use (the rest: not in the menu, refused)
PAGE_MATRIX: dict[str, set[str]] = {
    "poh": {POH, CASELOAD, PRACTICE},
    "huisarts": {PRACTICE, REFERRALS},
    "teamleider": {TEAM, PRACTICE, POH, REFERRALS},
    "regio": {REGION, PRACTICE, POH, TEAM, WAITING, REFERRALS, HOURS, QUALITY},
    "beheerder": {IMPORT},  # no access rule: no figures, only the import page
    "anonymous": set(),
}
# picker values a role may be offered, by the picker's query parameter (level → scope keys)
LEVEL_KEYS: dict[str, dict[str, set[str]]] = {
    "poh": {"provider": {"POH-A"}, "practice": {A, B}, "team": set(), "region": {"noord"}},
    "huisarts": {"provider": set(), "practice": {A}, "team": set(), "region": set()},
    "teamleider": {
        "provider": {"POH-A"},
        "practice": {A, B},
        "team": {"team-a"},
        "region": set(),
    },
    "regio": {"provider": set(), "practice": set(NOORD), "team": {"team-a"}, "region": {"noord"}},
}


@pytest.fixture
def site(session: Session, users) -> Iterator[tuple[Any, Any]]:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from api.deps import get_session
    from api.main import create_app
    from dashboard.client import ApiClient
    from pohconnect.server import create_server_app

    def _session() -> Iterator[Session]:
        yield session
        session.flush()

    api = create_app()
    api.dependency_overrides[get_session] = _session
    with TestClient(api) as api_client:
        server = create_server_app(dashboard_client=ApiClient(http=api_client, retry_delays=()))
        server.dependency_overrides[get_session] = _session
        with TestClient(server, base_url=ORIGIN) as web:
            yield web, api_client


def test_every_page_has_an_entry_for_every_role() -> None:
    from dashboard.app import PAGES
    from dashboard.auth import ROLE_PAGES

    paths = {p.path for p in PAGES}
    assert set().union(*PAGE_MATRIX.values()) <= paths
    assert paths == {
        REGION,
        PRACTICE,
        POH,
        WAITING,
        REFERRALS,
        HOURS,
        TEAM,
        CASELOAD,
        QUALITY,
        IMPORT,
    }, "a page without entries"
    for role, pages in PAGE_MATRIX.items():
        if role == "beheerder":  # with an access rule also Datakwaliteit (dashboard/auth.py)
            assert set(ROLE_PAGES[role]) == pages | {QUALITY}, role
        elif role != "anonymous":
            assert set(ROLE_PAGES[role]) == pages, role


def _login(web: Any, username: str) -> Any:
    page = web.get("/dashboard/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    return web.post(
        "/dashboard/login",
        data={"username": username, "password": PASSWORD, "csrf": token.group(1)},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )


def _values(options: list[dict[str, Any]]) -> set[str]:
    return {o["value"] for o in options if not o.get("disabled")}


# The region pickers list only the regions the user may see as a whole (GET /api/v1/regions);
# a region picker offering any other value is a gap and fails the test.
KNOWN_GAPS: set[tuple[str, str, str]] = set()


def _check_pickers(page: Any, role: str, token: str, api_client: Any) -> set[tuple[str, str, str]]:
    """Fill the page's pickers as its callback does, through the API with the user's token;
    the region pickers' out-of-scope values are returned (KNOWN_GAPS), all others asserted."""
    from dashboard.client import ApiClient
    from dashboard.page import Start

    client = ApiClient(http=api_client, token_provider=lambda: token, retry_delays=())
    filled = page.fill(client, Start({"lang": "nl"}, {}, "nl"))
    assert filled is not None, (role, page.path)
    scope: Scope = SCOPES[role]
    keys = LEVEL_KEYS.get(role, {})
    gaps: set[tuple[str, str, str]] = set()
    for query, (options, _value) in filled.pickers.items():
        values = _values(options)
        if query == "region":
            if not values <= keys["region"]:
                gaps.add((role, page.path, "region"))
        elif query == "agb":
            assert values and values <= scope.practices, (role, page.path, values)
        elif query == "level":
            for level in values:
                offered = _values(page.scope.options(client, level))
                if level == "region" and not offered <= keys[level]:
                    gaps.add((role, page.path, "region"))
                    continue
                assert offered <= keys[level], (role, page.path, level, offered)
        elif query == "kpi":
            continue  # the KPI catalogue: no data
        elif query == "team":
            assert values <= keys["team"], (role, page.path, values)
        elif query in ("months", "status"):
            continue  # a window length, an import status filter: no data
        elif query == "poh":
            assert values <= keys["provider"], (role, page.path, values)
        else:
            assert query == "period", query
    return gaps


@pytest.mark.parametrize("role", list(PAGE_MATRIX))
def test_role_page_matrix(site, role: str) -> None:  # type: ignore[no-untyped-def]
    from dashboard.app import PAGES
    from dashboard.i18n import t

    web, api_client = site
    allowed = PAGE_MATRIX[role]
    if role == "anonymous":
        for page in PAGES:
            res = web.get(f"/dashboard{page.path}", follow_redirects=False)
            assert res.status_code == 302 and "/dashboard/login" in res.headers["location"]
        assert web.get("/dashboard/_dash-layout").status_code == 401
        return
    res = _login(web, USERNAMES[role])
    assert res.status_code == 303, res.text
    layout = web.get("/dashboard/_dash-layout")
    if not allowed:  # a beheerder without an access rule: every page refused, no menu
        assert layout.status_code in (401, 403) or all(
            f'"children":"{t(p.nav_key, "nl")}"' not in layout.text for p in PAGES
        )
        for page in PAGES:
            assert web.get(f"/dashboard{page.path}", follow_redirects=False).status_code == 403
        return
    text = json.dumps(layout.json(), ensure_ascii=False, separators=(",", ":"))
    for secret in SCOPES[role].outside():
        assert not re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", text), secret
    # a token of the same user, as the dashboard's client sends it
    token = login(api_client, USERNAMES[role])["Authorization"].removeprefix("Bearer ")
    gaps: set[tuple[str, str, str]] = set()
    for page in PAGES:
        label = f'"children":"{t(page.nav_key, "nl")}"'
        res = web.get(f"/dashboard{page.path}", follow_redirects=False)
        if page.path in allowed:
            assert label in text, (role, page.path)
            assert res.status_code == 200, (role, page.path)
            gaps |= _check_pickers(page, role, token, api_client)
        else:
            assert label not in text, (role, page.path)
            assert res.status_code == 302, (role, page.path)
            target = res.headers["location"].removeprefix("/dashboard")
            assert target in allowed, (role, page.path, target)
    assert gaps == {g for g in KNOWN_GAPS if g[0] == role}


def test_no_picker_offers_a_region_outside_the_scope() -> None:
    assert not KNOWN_GAPS
