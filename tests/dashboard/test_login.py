"""The dashboard's login: session cookie, CSRF, the guard, the user in the header, the menu per
role, and the quarterly report download — through the real server app (API + dashboard) on the
test database, the dashboard's client calling the API in-process with the user's own token."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.auth import CSRF_COOKIE, SESSION_COOKIE
from tests.dashboard.data import REGION, build_region

ORIGIN = "http://testserver"
PASSWORD = "een-lang-wachtwoord-42"


@dataclass
class Site:
    web: Any  # TestClient of the server app (API + dashboard)
    api: Any  # TestClient of the API the dashboard's client calls
    agbs: list[str]


def _add_user(session: Session, username: str, role: str, *grants: tuple[str, str]) -> None:
    from api.auth.passwords import hash_password
    from models import User, UserScope

    user = User(
        username=username,
        display_name=username,
        role=role,
        password_hash=hash_password(PASSWORD),
        is_active=True,
    )
    for level, key in grants:
        user.scopes.append(UserScope(level=level, key=key))
    session.add(user)
    session.commit()


@pytest.fixture
def site(session: Session) -> Iterator[Site]:
    from fastapi.testclient import TestClient

    from api.deps import get_session
    from api.main import create_app
    from dashboard.client import ApiClient
    from pohconnect.server import create_server_app

    built = build_region(session)
    session.commit()
    _add_user(session, "regio-dash", "regio", ("region", REGION))
    _add_user(session, "ha-dash", "huisarts", ("practice", built.agbs[1]))
    _add_user(session, "beheer-dash", "beheerder")

    def _session() -> Iterator[Session]:
        yield session
        session.flush()

    api = create_app()
    api.dependency_overrides[get_session] = _session
    with TestClient(api) as api_client:
        server = create_server_app(dashboard_client=ApiClient(http=api_client, retry_delays=()))
        server.dependency_overrides[get_session] = _session
        with TestClient(server, base_url=ORIGIN) as web:
            yield Site(web=web, api=api_client, agbs=built.agbs)


def _csrf(web: Any, lang: str = "nl") -> str:
    page = web.get(f"/dashboard/login?lang={lang}")
    assert page.status_code == 200
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def _login(web: Any, username: str, password: str = PASSWORD, **extra: str) -> Any:
    token = _csrf(web)
    return web.post(
        "/dashboard/login",
        data={"username": username, "password": password, "csrf": token, **extra},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )


def _layout(web: Any) -> str:
    res = web.get("/dashboard/_dash-layout")
    assert res.status_code == 200
    return json.dumps(res.json(), ensure_ascii=False, separators=(",", ":"))


def test_without_session_every_page_goes_to_login(site: Site) -> None:
    for path in ("/dashboard/", "/dashboard/praktijk", "/dashboard/uren?period=2025Q3"):
        res = site.web.get(path, follow_redirects=False)
        assert res.status_code == 302, path
        assert res.headers["location"].startswith("/dashboard/login")
    assert site.web.get("/dashboard/_dash-layout").status_code == 401
    res = site.web.post("/dashboard/_dash-update-component", json={}, headers={"Origin": ORIGIN})
    assert res.status_code == 401
    # the login page and its stylesheet are open
    assert site.web.get("/dashboard/assets/00-bootstrap.min.css").status_code == 200


def test_login_page_dutch_and_english(site: Site) -> None:
    nl = site.web.get("/dashboard/login")
    assert nl.status_code == 200
    assert "Gebruikersnaam" in nl.text and "Wachtwoord" in nl.text and 'lang="nl"' in nl.text
    assert "<script" not in nl.text  # nothing inline for the CSP
    en = site.web.get("/dashboard/login?lang=en")
    assert "Username" in en.text and "Password" in en.text and 'lang="en"' in en.text
    cookie = nl.headers["set-cookie"]
    assert CSRF_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_login_success_sets_a_safe_cookie_and_shows_the_user(site: Site) -> None:
    res = _login(site.web, "regio-dash")
    assert res.status_code == 303
    assert res.headers["location"] == "/dashboard/"
    cookie = next(c for c in res.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/dashboard/" in cookie
    assert "Secure" not in cookie  # plain http in the test; set over https
    page = site.web.get("/dashboard/")
    assert page.status_code == 200
    assert r'"requests_pathname_prefix":"\u002fdashboard\u002f"' in page.text
    assert '<meta name="referrer" content="same-origin">' in page.text
    layout = _layout(site.web)
    assert "regio-dash" in layout and " · regio" in layout
    assert ids.NAV_LOGOUT in layout and "Uitloggen" in layout
    # every menu entry of a regio user
    for label in ("Regio-overzicht", "Praktijk", "POH", "Wachttijden", "Verwijzingen", "Uren"):
        assert f'"children":"{label}"' in layout, label


def test_login_failure_is_said_in_dutch(site: Site) -> None:
    res = _login(site.web, "regio-dash", "fout-wachtwoord-123")
    assert res.status_code == 401
    assert "Onjuiste gebruikersnaam of wachtwoord" in res.text
    assert SESSION_COOKIE not in res.headers.get("set-cookie", "")
    assert site.web.get("/dashboard/", follow_redirects=False).status_code == 302
    res = _login(site.web, "niemand", "fout-wachtwoord-123", lang="en")
    assert res.status_code == 401 and "Wrong username or password" in res.text


def test_csrf_refused(site: Site) -> None:
    # the login form without its token, with a wrong one, and from another site
    _csrf(site.web)
    body = {"username": "regio-dash", "password": PASSWORD}
    res = site.web.post("/dashboard/login", data=body, headers={"Origin": ORIGIN})
    assert res.status_code == 403 and "verlopen" in res.text
    res = site.web.post(
        "/dashboard/login", data={**body, "csrf": "vals"}, headers={"Origin": ORIGIN}
    )
    assert res.status_code == 403
    token = _csrf(site.web)
    res = site.web.post(
        "/dashboard/login", data={**body, "csrf": token}, headers={"Origin": "https://evil.example"}
    )
    assert res.status_code == 403
    res = site.web.post("/dashboard/login", data={**body, "csrf": token})  # no Origin/Referer
    assert res.status_code == 403
    # logged in: Dash's POSTs and the logout need our origin, the logout its token
    assert _login(site.web, "regio-dash").status_code == 303
    res = site.web.post(
        "/dashboard/_dash-update-component", json={}, headers={"Origin": "https://evil.example"}
    )
    assert res.status_code == 403
    res = site.web.post("/dashboard/logout", data={"csrf": "vals"}, headers={"Origin": ORIGIN})
    assert res.status_code == 403
    assert site.web.get("/dashboard/", follow_redirects=False).status_code == 200


def test_logout_revokes_the_token_and_clears_the_cookie(site: Site) -> None:
    assert _login(site.web, "regio-dash").status_code == 303
    raw = site.web.cookies.get(SESSION_COOKIE)
    layout = json.loads(_layout(site.web))
    csrf = re.search(r"'value': '([^']+)', 'id': '" + ids.NAV_LOGOUT_CSRF, str(_find(layout)))
    assert csrf, "the logout form carries the session's CSRF token"
    res = site.web.post(
        "/dashboard/logout",
        data={"csrf": csrf.group(1)},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert res.status_code == 303 and res.headers["location"].endswith("login?reason=logout")
    assert site.web.get("/dashboard/", follow_redirects=False).status_code == 302
    # the old cookie, replayed, no longer opens anything: the API revoked its token
    site.web.cookies.set(SESSION_COOKIE, raw, path="/dashboard/")
    res = site.web.get("/dashboard/praktijk", follow_redirects=False)
    assert res.status_code == 302 and "reason=expired" in res.headers["location"]


def _find(node: Any) -> Any:
    """The props of the component with id NAV_LOGOUT_CSRF in a layout's JSON."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == ids.NAV_LOGOUT_CSRF:
            return {"value": node["props"]["value"], "id": ids.NAV_LOGOUT_CSRF}
        for v in node.values():
            found = _find(v)
            if found:
                return found
    if isinstance(node, list):
        for v in node:
            found = _find(v)
            if found:
                return found
    return None


def test_a_tampered_cookie_is_no_session(site: Site) -> None:
    site.web.cookies.set(SESSION_COOKIE, "eyJ0b2tlbiI6IngifQ.abc.def", path="/dashboard/")
    assert site.web.get("/dashboard/", follow_redirects=False).status_code == 302


def test_menu_and_pages_follow_the_role(site: Site) -> None:
    res = _login(site.web, "ha-dash")
    assert res.headers["location"] == "/dashboard/praktijk"  # the huisarts's first page
    layout = _layout(site.web)
    assert '"children":"Praktijk"' in layout and '"children":"Verwijzingen"' in layout
    assert '"children":"Uren"' not in layout  # a region page: not the huisarts's
    assert '"children":"Regio-overzicht"' not in layout
    assert '"children":"Wachttijden"' not in layout
    assert "ha-dash" in layout and "huisarts" in layout
    # a page outside the role redirects to one of its own
    res = site.web.get("/dashboard/wachttijden", follow_redirects=False)
    assert res.status_code == 302 and res.headers["location"] == "/dashboard/praktijk"
    # the picker values are what the API gives this user: one practice
    practices = site.api.get(
        "/api/v1/practices", headers={"Authorization": f"Bearer {_token(site)}"}
    ).json()
    assert [p["agb"] for p in practices["items"]] == [site.agbs[1]]


def test_beheerder_without_access_rule_has_only_the_import_page(site: Site) -> None:
    res = _login(site.web, "beheer-dash")
    assert res.status_code == 303 and res.headers["location"] == "/dashboard/import"
    for path in ("/dashboard/", "/dashboard/datakwaliteit"):
        page = site.web.get(path, follow_redirects=False)
        assert page.status_code == 302 and page.headers["location"] == "/dashboard/import"
    assert site.web.get("/dashboard/import", follow_redirects=False).status_code == 200
    layout = _layout(site.web)
    assert '"children":"Import"' in layout and '"children":"Datakwaliteit"' not in layout


def _token(site: Site) -> str:
    from itsdangerous import URLSafeTimedSerializer  # noqa: F401

    from dashboard.auth import Auth

    raw = site.web.cookies.get(SESSION_COOKIE)
    auth: Auth = next(
        r.app.config["POHCONNECT_AUTH"]  # type: ignore[attr-defined]
        for r in [_dash_server(site)]
    )
    return auth.sessions.loads(raw)["token"]


class _Holder:
    def __init__(self, app: Any) -> None:
        self.app = app


def _dash_server(site: Site) -> _Holder:
    from dashboard.auth import Auth

    for route in site.web.app.routes:
        inner = getattr(route, "app", None)
        while inner is not None and not hasattr(inner, "config"):
            inner = getattr(inner, "app", None)
        if inner is not None and isinstance(inner.config.get("POHCONNECT_AUTH"), Auth):
            return _Holder(inner)
    raise AssertionError("no dashboard server mounted")


def _callback(web: Any, output: str, inputs: list[dict[str, Any]], state: list[dict[str, Any]]):
    body = {
        "output": output,
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]}
            for o in output.strip(".").split("...")
        ],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    return web.post("/dashboard/_dash-update-component", json=body, headers={"Origin": ORIGIN})


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_download_button_gives_the_report_with_the_users_token(site: Site, fmt: str) -> None:
    assert _login(site.web, "ha-dash").status_code == 303
    agb = site.agbs[1]
    button = ids.PRACTICE_REPORT_PDF if fmt == "pdf" else ids.PRACTICE_REPORT_XLSX
    other = ids.PRACTICE_REPORT_XLSX if fmt == "pdf" else ids.PRACTICE_REPORT_PDF
    output = f"..{ids.PRACTICE_REPORT_DOWNLOAD}.data...{ids.PRACTICE_REPORT_MESSAGE}.children.."
    res = _callback(
        site.web,
        output,
        inputs=[
            {"id": button, "property": "n_clicks", "value": 1},
            {"id": other, "property": "n_clicks", "value": 0},
        ],
        state=[
            {"id": ids.PRACTICE_AGB, "property": "value", "value": agb},
            {"id": ids.PRACTICE_PERIOD, "property": "value", "value": "2025Q3"},
            {"id": ids.PRACTICE_INIT, "property": "data", "value": {"lang": "nl"}},
        ],
    )
    assert res.status_code == 200, res.text
    data = json.loads(res.text)["response"][ids.PRACTICE_REPORT_DOWNLOAD]["data"]
    content = base64.b64decode(data["content"])
    if fmt == "pdf":
        assert data["type"] == "application/pdf"
        assert content[:5] == b"%PDF-"
        assert data["filename"].endswith(".pdf")
    else:
        assert data["type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        assert content[:2] == b"PK"
    # the huisarts's token, not a service account's: another practice is refused by the API,
    # with the answer of a practice that does not exist (its existence does not leak)
    res = _callback(
        site.web,
        output,
        inputs=[
            {"id": button, "property": "n_clicks", "value": 2},
            {"id": other, "property": "n_clicks", "value": 0},
        ],
        state=[
            {"id": ids.PRACTICE_AGB, "property": "value", "value": site.agbs[0]},
            {"id": ids.PRACTICE_PERIOD, "property": "value", "value": "2025Q3"},
            {"id": ids.PRACTICE_INIT, "property": "data", "value": {"lang": "nl"}},
        ],
    )
    assert res.status_code == 200
    message = json.dumps(json.loads(res.text)["response"][ids.PRACTICE_REPORT_MESSAGE])
    assert f"AGB {site.agbs[0]} bestaat niet" in message
    assert ids.PRACTICE_REPORT_DOWNLOAD not in res.json()["response"]


def test_region_page_has_the_download_buttons(site: Site) -> None:
    from dashboard.pages import practice, region

    for page, pdf in (
        (region.PAGE, ids.REGION_REPORT_PDF),
        (practice.PAGE, ids.PRACTICE_REPORT_PDF),
    ):
        text = json.dumps(page.layout(lang="nl").to_plotly_json(), default=_plotly)
        assert pdf in text and "Download kwartaalrapportage" in text


def _plotly(obj: Any) -> Any:
    return obj.to_plotly_json() if hasattr(obj, "to_plotly_json") else str(obj)


def test_region_download_button_gives_the_region_report(site: Site) -> None:
    assert _login(site.web, "regio-dash").status_code == 303
    output = f"..{ids.REGION_REPORT_DOWNLOAD}.data...{ids.REGION_REPORT_MESSAGE}.children.."
    res = _callback(
        site.web,
        output,
        inputs=[
            {"id": ids.REGION_REPORT_PDF, "property": "n_clicks", "value": 1},
            {"id": ids.REGION_REPORT_XLSX, "property": "n_clicks", "value": 0},
        ],
        state=[
            {"id": ids.REGION_REGION, "property": "value", "value": REGION},
            {"id": ids.REGION_PERIOD, "property": "value", "value": "2025Q3"},
            {"id": ids.REGION_INIT, "property": "data", "value": {"lang": "nl"}},
        ],
    )
    assert res.status_code == 200, res.text
    data = res.json()["response"][ids.REGION_REPORT_DOWNLOAD]["data"]
    assert data["type"] == "application/pdf"
    assert base64.b64decode(data["content"])[:5] == b"%PDF-"


# -- OpenID Connect: the button, the round trip through a local fake provider, refusals ------


@pytest.fixture
def oidc(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """OIDC configured at the API, whose provider is the local fake of tests/auth/fake_oidc."""
    from api.auth.settings import get_auth_settings
    from api.routes.auth import get_oidc_http
    from tests.auth.fake_oidc import FakeProvider

    fake = FakeProvider(user={"sub": "u-7", "preferred_username": "ha-dash"})
    for key, value in fake.settings().items():
        monkeypatch.setenv(f"POHCONNECT_{key.upper()}", value)
    get_auth_settings.cache_clear()

    def _http() -> Iterator[Any]:
        with fake.http() as http:
            yield http

    site.api.app.dependency_overrides[get_oidc_http] = _http
    yield fake
    monkeypatch.undo()
    get_auth_settings.cache_clear()


def _to_provider(web: Any, query: str = "") -> Any:
    res = web.get("/dashboard/login/oidc" + query, follow_redirects=False)
    assert res.status_code == 302, res.text
    return res


def _back_from_provider(web: Any, oidc: Any, query: str = "") -> Any:
    res = _to_provider(web, query)
    back = oidc.authorize(res.headers["location"])
    assert back.startswith(ORIGIN + "/dashboard/login/oidc/callback?")
    return back[len(ORIGIN) :]


def test_without_oidc_no_button_and_no_routes(site: Site) -> None:
    page = site.web.get("/dashboard/login")
    assert "organisatie-account" not in page.text and "login/oidc" not in page.text
    assert site.web.get("/dashboard/login/oidc", follow_redirects=False).status_code == 404
    res = site.web.get("/dashboard/login/oidc/callback?code=x&state=y")
    assert res.status_code == 404


def test_oidc_button_in_dutch_and_english(site: Site, oidc: Any) -> None:
    nl = site.web.get("/dashboard/login?next=/verwijzingen")
    assert "Inloggen met de organisatie-account" in nl.text
    assert 'href="/dashboard/login/oidc?lang=nl&amp;next=/verwijzingen"' in nl.text
    en = site.web.get("/dashboard/login?lang=en")
    assert "Log in with your organisation account" in en.text
    assert "<script" not in nl.text


def test_oidc_login_sets_the_same_session_cookie(site: Site, oidc: Any) -> None:
    res = _to_provider(site.web, "?next=/verwijzingen")
    assert res.headers["location"].startswith("https://idp.test/realms/poh/authorize?")
    flow = next(c for c in res.headers.get_list("set-cookie") if c.startswith("pohconnect_oidc="))
    assert "HttpOnly" in flow and "SameSite=Lax" in flow and "Path=/dashboard/login/oidc" in flow
    callback = oidc.authorize(res.headers["location"])[len(ORIGIN) :]
    res = site.web.get(callback, follow_redirects=False)
    assert res.status_code == 200, res.text
    assert '<meta http-equiv="refresh" content="0;url=/dashboard/verwijzingen">' in res.text
    cookies = res.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/dashboard/" in session
    assert any(c.startswith('pohconnect_oidc=""') or "pohconnect_oidc=;" in c for c in cookies)
    page = site.web.get("/dashboard/verwijzingen")
    assert page.status_code == 200
    assert "ha-dash" in _layout(site.web)
    # a huisarts: the region page is not theirs, as after a password login
    res = site.web.get("/dashboard/", follow_redirects=False)
    assert res.status_code == 302 and res.headers["location"] == "/dashboard/praktijk"


def test_oidc_unknown_user_refused_in_dutch_and_audited(  # type: ignore[no-untyped-def]
    site: Site, oidc: Any, session
) -> None:
    from sqlalchemy import select

    from models import AuditLog

    oidc.user = {"sub": "u-8", "preferred_username": "onbekende-collega"}
    res = site.web.get(_back_from_provider(site.web, oidc), follow_redirects=False)
    assert res.status_code == 403
    assert "hoort niet bij een actief POH-Connect-account" in res.text
    assert SESSION_COOKIE not in res.headers.get("set-cookie", "")
    event = session.scalars(
        select(AuditLog).where(AuditLog.action == "login").order_by(AuditLog.id.desc())
    ).first()
    assert (event.outcome, event.username) == ("failure", "onbekende-collega")
    assert event.detail["reason"] == "unknown_user"


def test_oidc_refusals(site: Site, oidc: Any) -> None:
    # a state that is not this browser's
    callback = _back_from_provider(site.web, oidc)
    res = site.web.get(re.sub(r"state=[^&]+", "state=vals", callback), follow_redirects=False)
    assert res.status_code == 401 and "mislukt of verlopen" in res.text
    # the provider's redirect in another browser (no flow cookie)
    callback = _back_from_provider(site.web, oidc, "?lang=en")
    site.web.cookies.clear()
    res = site.web.get(callback, follow_redirects=False)
    assert res.status_code == 400 and "mislukt" in res.text
    # cancelled at the provider
    _to_provider(site.web, "?lang=en")
    res = site.web.get("/dashboard/login/oidc/callback?error=access_denied&state=x")
    assert res.status_code == 401 and "cancelled or refused" in res.text
    assert site.web.get("/dashboard/", follow_redirects=False).status_code == 302


@pytest.mark.browser
def test_oidc_login_in_chromium(  # type: ignore[no-untyped-def]
    browsers, live_database, monkeypatch: pytest.MonkeyPatch, screenshot_dir
) -> None:
    """The whole round trip in a real browser, the provider on another site (``localhost``
    against the dashboard's ``127.0.0.1``): the SameSite=Lax flow cookie comes back with the
    provider's redirect, and the SameSite=Strict session cookie goes with the next page."""
    import shutil
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.auth.fake_oidc import FakeProvider, serve
    from tests.dashboard.conftest import BROWSER_USER, _free_port, _server

    port = _free_port()
    fake = FakeProvider(
        issuer=f"http://localhost:{port}/realms/poh",
        user={"sub": "u-b", "preferred_username": BROWSER_USER.upper()},
    )
    for key, value in fake.settings().items():
        monkeypatch.setenv(f"POHCONNECT_{key.upper()}", value)
    profile = tempfile.mkdtemp(prefix="pohconnect-chromium-oidc-")
    options = webdriver.ChromeOptions()
    options.binary_location = browsers.chromium
    flags = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")
    for arg in (*flags, "--window-size=1200,900", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    with serve(fake, port), _server(live_database[0]) as base:
        drv = webdriver.Chrome(
            service=Service(executable_path=browsers.chromedriver), options=options
        )
        try:
            drv.set_page_load_timeout(60)
            drv.get(f"{base}/dashboard/login?next=/verwijzingen")
            button = drv.find_element("id", "login-oidc")
            assert button.text == "Inloggen met de organisatie-account"
            button.click()
            WebDriverWait(drv, 60).until(
                lambda d: d.current_url.startswith(f"{base}/dashboard/verwijzingen")
            )
            WebDriverWait(drv, 60).until(
                lambda d: BROWSER_USER in d.find_element("tag name", "body").text
            )
            assert "/realms/poh/authorize" in fake.calls and "/realms/poh/token" in fake.calls
            drv.save_screenshot(str(screenshot_dir / "oidc-login.png"))
        finally:
            drv.quit()
            shutil.rmtree(profile, ignore_errors=True)
