"""The real dashboard in headless Chromium: server in a subprocess, numbers from its own API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard import ids
from dashboard.periods import quarters_back
from tests.dashboard.data import QUARTERS, REGION_NAME

pytestmark = pytest.mark.browser

TIMEOUT = 60


def _wait(driver: Any, script: str, *args: Any, timeout: float = TIMEOUT) -> Any:
    """Run ``script`` until it returns something truthy; return that."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.3).until(
            lambda d: d.execute_script(script, *args)
        )
    except TimeoutException:
        from tests.dashboard.conftest import SCREENSHOT_DIR

        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT_DIR / "failed-wait.png"))
        raise


_FIGURE = """
const el = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!el || !el.data || !el.data.length) return null;
return el.data.map(t => ({type: t.type, name: t.name || null, meta: t.meta || null,
                          x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null,
                          text: t.text ? Array.from(t.text) : null}));
"""


def _figure(driver: Any, graph_id: str, predicate: str = "true") -> list[dict[str, Any]]:
    script = (
        "const data = (function(){" + _FIGURE + "}).apply(null, arguments);"
        "if (!data) return null; const ok = (" + predicate + "); return ok ? data : null;"
    )
    return _wait(driver, script, graph_id)


def _no_error(driver: Any) -> None:
    alerts = driver.find_elements("css selector", ".alert-danger")
    assert not alerts, [a.text for a in alerts]


def _switch_language(driver: Any, label: str) -> None:
    xpath = f"//*[@id='{ids.LANG_SWITCH}']//label[normalize-space()='{label}']"
    label_el = driver.find_element("xpath", xpath)
    driver.execute_script("arguments[0].click();", label_el)


def _shot(driver: Any, directory: Path, name: str) -> None:
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1440, max(1000, min(int(height) + 40, 4000)))
    driver.save_screenshot(str(directory / f"{name}.png"))
    driver.set_window_size(1440, 1000)


def _shots_at_widths(driver: Any, directory: Path, name: str) -> None:
    """Full-page screenshots at a laptop's (1366) and a phone's (390 px) width, once the
    graphs have followed the new width."""
    import time

    for width in (1366, 390):
        driver.set_window_size(width, 768)
        time.sleep(1.0)  # the graphs resize on the window's resize event
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(width, max(768, min(int(height) + 40, 6000)))
        time.sleep(1.0)
        driver.save_screenshot(str(directory / f"{name}-{width}.png"))
    driver.set_window_size(1440, 1000)


def test_practice_page_shows_poh_contacts_per_quarter(live_server, driver, screenshot_dir):  # type: ignore[no-untyped-def]
    agb = live_server.agbs[1]
    url = f"{live_server.url}/dashboard/praktijk?agb={agb}&period=2025Q3"
    # start without the choices (and language) other tests left in this browser's storage
    driver.get(url)
    driver.execute_script("window.sessionStorage.clear(); window.localStorage.clear();")
    driver.get(url)
    data = _figure(
        driver, ids.PRACTICE_CONTACTS, "data.some(t => t.meta === 'totals' && t.y.length === 8)"
    )
    totals = next(t for t in data if t.get("meta") == "totals")
    expected = [float(live_server.contacts.get((agb, q), 0)) for q in quarters_back("2025Q3", 8)]
    assert totals["y"] == expected
    assert totals["x"][-3:] == ["K1 2025", "K2 2025", "K3 2025"]
    # Dutch thousands separators in the labels above the bars; bars split by contactvorm
    assert totals["text"][-1] == str(live_server.contacts[(agb, "2025Q3")])
    assert {t["name"] for t in data if t["type"] == "bar"} >= {"Consult"}
    # the scorecard lists the KPIs with the region
    _wait(driver, "return document.querySelectorAll('.scorecard tbody tr').length > 10")
    header = driver.find_element("id", ids.PRACTICE_HEADER).text
    assert "Gezondheidscentrum Het Anker" in header and REGION_NAME in header
    # hours against the norm: 6 contracted (and worked) hours in 12 of the 13 ISO weeks of Q3
    hours = _figure(driver, ids.PRACTICE_HOURS_CHART, "data.some(t => t.type === 'bar')")
    bars = next(t for t in hours if t["type"] == "bar")
    assert bars["y"] == ["Contract", "Gewerkt"]
    assert bars["x"] == pytest.approx([72 / 13, 72 / 13])
    assert any((t["name"] or "").startswith("Norm: ") for t in hours)
    stats = driver.find_element("id", ids.PRACTICE_HOURS).text
    assert "5,5" in stats and "100% van de contracturen" in stats
    assert "16 uur per week per 2.350 ingeschrevenen" in stats  # the norm from the API
    assert "direct 83% · indirect 17%" in stats  # 5 direct, 1 indirect hour a week
    # the profile: a dot per KPI with a regional distribution, within the bands' scale
    profile = _figure(
        driver, ids.PRACTICE_PROFILE, "data.some(t => t.meta === 'practice' && t.x.length > 10)"
    )
    dots = next(t for t in profile if t.get("meta") == "practice")
    assert all(-1 <= x <= 1 for x in dots["x"])
    assert {"Regio P10–P90", "Regio P25–P75", "Regiomediaan", "Deze praktijk"} <= {
        t["name"] for t in profile
    }
    assert "← ongunstiger" in driver.find_element("id", ids.PRACTICE_PROFILE).text
    _no_error(driver)
    _shot(driver, screenshot_dir, "praktijk")
    _shots_at_widths(driver, screenshot_dir, "praktijk")


def test_region_page_renders_the_benchmark(live_server, driver, screenshot_dir):  # type: ignore[no-untyped-def]
    driver.get(f"{live_server.url}/dashboard/?kpi=poh_contacts&period=2025Q2")
    data = _figure(driver, ids.REGION_BAR, "data.some(t => t.type === 'bar' && t.y.length === 6)")
    bars = next(t for t in data if t["type"] == "bar")
    expected = sorted(float(live_server.contacts[(a, "2025Q2")]) for a in live_server.agbs)
    assert bars["y"] == expected
    # median line and P25–P75 band are in the legend
    assert {"Mediaan", "P25–P75 regio"} <= {t["name"] for t in data}
    rows = _wait(
        driver,
        "const r = document.querySelectorAll('#" + ids.REGION_GRID + " .ag-center-cols-container"
        " .ag-row'); return r.length >= 6 ? r.length : null;",
    )
    assert rows == 6
    # each practice name links to its Praktijk page for the same period
    links = driver.find_elements("css selector", f"#{ids.REGION_GRID} a[href*='praktijk?agb=']")
    assert len(links) == 6
    assert all(link.get_attribute("href").endswith("&period=2025Q2") for link in links)
    info = driver.find_element("id", ids.REGION_INFO).text
    assert REGION_NAME in info and "K2 2025" in info
    _no_error(driver)
    _shot(driver, screenshot_dir, "regio")
    # a rate KPI gets a funnel plot
    driver.get(f"{live_server.url}/dashboard/?kpi=ftf_per_workday&period=2025Q2")
    _figure(driver, ids.REGION_FUNNEL, "data.some(t => t.type === 'scatter' && t.y.length === 6)")
    _no_error(driver)
    _shot(driver, screenshot_dir, "regio-trechter")


def test_language_switch_changes_the_labels(live_server, driver, screenshot_dir):  # type: ignore[no-untyped-def]
    agb = live_server.agbs[0]
    driver.get(f"{live_server.url}/dashboard/praktijk?agb={agb}&period=2025Q3")
    _figure(driver, ids.PRACTICE_CONTACTS, "data.some(t => t.meta === 'totals')")
    nav = driver.find_element("id", ids.NAV_LINKS)
    assert "Regio-overzicht" in nav.text
    _switch_language(driver, "EN")
    _wait(
        driver,
        "return document.getElementById(arguments[0]).innerText.includes('Region overview')",
        ids.NAV_LINKS,
    )
    _wait(driver, "return document.body.innerText.includes('Scorecard')")
    data = _figure(
        driver,
        ids.PRACTICE_CONTACTS,
        "data.some(t => t.meta === 'totals' && t.x[t.x.length - 1] === 'Q3 2025')",
    )
    assert next(t for t in data if t.get("meta") == "totals")["x"][-1] == "Q3 2025"
    assert "POH-GGZ contacts per quarter" in driver.find_element("tag name", "body").text
    # reference texts and breakdown labels come from the API in English too
    _wait(driver, "return document.body.innerText.includes('Norm ≤ 8–9 a day')")
    assert {t["name"] for t in data if t["type"] == "bar"} >= {"Consultation", "Telephone"}
    hours = _figure(
        driver, ids.PRACTICE_HOURS_CHART, "data.some(t => t.y && t.y[0] === 'Contracted')"
    )
    assert next(t for t in hours if t["type"] == "bar")["y"] == ["Contracted", "Worked"]
    _figure(driver, ids.PRACTICE_PROFILE, "data.some(t => t.name === 'This practice')")
    _wait(driver, "return document.body.innerText.includes('hours per week per 2,350 listed')")
    _shot(driver, screenshot_dir, "praktijk-en")
    _shots_at_widths(driver, screenshot_dir, "praktijk-en")
    _switch_language(driver, "NL")
    _wait(
        driver,
        "return document.getElementById(arguments[0]).innerText.includes('Regio-overzicht')",
        ids.NAV_LINKS,
    )
    _wait(driver, "return document.body.innerText.includes('Scorekaart')")


def test_poh_page_picks_a_poh_from_the_providers_list(live_server, driver, screenshot_dir):  # type: ignore[no-untyped-def]
    """The POH picker lists every POH of GET /api/v1/providers (no teams exist here)."""
    url = f"{live_server.url}/dashboard/poh?level=provider&period=2025Q2"
    # start without the choices (and language) other tests left in this browser's storage
    driver.get(url)
    driver.execute_script("window.sessionStorage.clear(); window.localStorage.clear();")
    driver.get(url)
    _wait(
        driver,
        "return (document.getElementById(arguments[0]) || {}).innerText === 'POH 1 (POHD001)'",
        f"{ids.POH_SCOPE}-value",
    )
    driver.find_element("id", ids.POH_SCOPE).click()
    labels = _wait(
        driver,
        "const o = Array.from(document.querySelectorAll('[role=option]'));"
        "return o.length >= 6 ? o.map(e => e.innerText.trim()) : null;",
    )
    assert labels == [f"POH {i} (POHD00{i})" for i in range(1, 7)]
    driver.execute_script(
        "Array.from(document.querySelectorAll('[role=option]'))"
        ".find(e => e.innerText.trim() === 'POH 3 (POHD003)').click();"
    )
    # the POH's practices are shown …
    text = _wait(
        driver,
        "const e = document.querySelector('#' + arguments[0] + ' [data-provider=POHD003]');"
        "return e ? e.innerText : null;",
        ids.POH_PRACTICES,
    )
    assert text == f"Werkt in: Praktijk Oosterpark ({live_server.agbs[2]})"
    # … and the cards are that POH's: POH 3 (practice index 2) in 2025Q2 has 98 contacts of which
    # every fourth is by telephone (74 face to face) over 12 weeks of 7 hours = 10.5 workdays
    n = live_server.contacts[(live_server.agbs[2], "2025Q2")]
    ftf = n - len(range(3, n, 4))
    expected = f"{ftf / (12 * 7 / 8):.1f}".replace(".", ",")
    shown = _wait(
        driver,
        "const e = document.querySelector('[data-slug=ftf_per_workday] .fs-3');"
        "return e && e.innerText === arguments[0] ? e.innerText : null;",
        expected,
    )
    assert shown == expected == "7,0"
    _no_error(driver)
    _shot(driver, screenshot_dir, "poh-provider")


@pytest.mark.parametrize(
    ("path", "graph_id", "name"),
    [
        ("poh?level=practice&period=2025Q2", ids.POH_FTF, "poh"),
        ("wachttijden?period=2025Q1", ids.WAIT_MEDIAN, "wachttijden"),
        ("verwijzingen?level=region&period=2025Q1", ids.REF_SANKEY, "verwijzingen"),
        ("uren?period=2025Q2", ids.HOURS_CHART, "uren"),
    ],
)
def test_other_pages_render(live_server, driver, screenshot_dir, path, graph_id, name):  # type: ignore[no-untyped-def]
    driver.get(f"{live_server.url}/dashboard/{path}")
    _figure(
        driver,
        graph_id,
        "data.some(t => t.type !== 'scatter' || (t.y && t.y.some(v => v !== null)))",
    )
    _no_error(driver)
    _shot(driver, screenshot_dir, name)


def test_unreachable_api_is_explained_in_dutch(server_without_api, browser):  # type: ignore[no-untyped-def]
    from tests.dashboard.conftest import BROWSER_PASSWORD, BROWSER_USER, login

    browser.get(f"{server_without_api}/dashboard/praktijk")
    # cookies ignore the port: the live server's session may be valid here too (same secret);
    # without one the login itself says the API is not reachable
    if "/dashboard/login" in browser.current_url:
        login(browser, server_without_api, BROWSER_USER, BROWSER_PASSWORD)
    text = _wait(
        browser,
        "const a = document.querySelector('.alert-danger'); return a ? a.innerText : null;",
    )
    assert "De API is niet bereikbaar op http://127.0.0.1:" in text
    assert "POHCONNECT_API_URL" in text


def test_quarters_fixture_is_consistent() -> None:
    assert QUARTERS == ("2025Q1", "2025Q2", "2025Q3")


def test_login_page_in_dutch_and_english(live_server, browser, screenshot_dir):  # type: ignore[no-untyped-def]
    """The login page as a logged-out user sees it (a fresh cookie jar is not needed: the page
    itself is open to everyone)."""
    browser.get(f"{live_server.url}/dashboard/login")
    assert browser.find_element("css selector", "label[for=username]").text == "Gebruikersnaam"
    assert browser.find_element("id", "login-submit").text == "Inloggen"
    _shot(browser, screenshot_dir, "login-nl")
    browser.find_element("id", "login-lang").click()
    _wait(browser, "return document.documentElement.lang === 'en';")
    assert browser.find_element("css selector", "label[for=password]").text == "Password"
    _shot(browser, screenshot_dir, "login-en")


def test_wrong_password_is_said_in_dutch(live_server, browser):  # type: ignore[no-untyped-def]
    from tests.dashboard.conftest import BROWSER_USER, login

    login(browser, live_server.url, BROWSER_USER, "niet-het-wachtwoord")
    text = _wait(
        browser,
        "const a = document.querySelector('.alert-danger'); return a ? a.innerText : null;",
    )
    assert "Onjuiste gebruikersnaam of wachtwoord" in text
    assert "/dashboard/login" in browser.current_url


def test_header_shows_the_user_and_the_report_download(live_server, driver, screenshot_dir):  # type: ignore[no-untyped-def]
    import tempfile
    import time

    from tests.dashboard.conftest import BROWSER_USER

    agb = live_server.agbs[1]
    driver.get(f"{live_server.url}/dashboard/praktijk?agb={agb}&period=2025Q3")
    _figure(driver, ids.PRACTICE_CONTACTS, "data.some(t => t.meta === 'totals')")
    user = driver.find_element("id", ids.NAV_USER).text
    assert BROWSER_USER in user and "regio" in user and "Uitloggen" in user
    # no graph offers "Edit in Chart Studio" / send data to the cloud
    titles = driver.execute_script(
        "return Array.from(document.querySelectorAll('.modebar-btn')).map(b =>"
        " (b.getAttribute('data-title') || '') + '|' + (b.getAttribute('data-attr') || ''));"
    )
    assert titles and not [x for x in titles if "Cloud" in x or "Chart Studio" in x]
    # the report button: the PDF arrives in the download directory
    downloads = tempfile.mkdtemp(prefix="pohconnect-downloads-")
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads}
    )
    button = driver.find_element("id", ids.PRACTICE_REPORT_PDF)
    assert (
        "Download kwartaalrapportage"
        in driver.find_element("css selector", ".report-download").text
    )
    _shot(driver, screenshot_dir, "praktijk-rapport-knop")
    driver.save_screenshot(str(screenshot_dir / "praktijk-kop.png"))
    button.click()
    deadline = time.monotonic() + TIMEOUT
    pdfs: list[Path] = []
    while time.monotonic() < deadline:
        pdfs = [p for p in Path(downloads).glob("*.pdf")]
        if pdfs and pdfs[0].stat().st_size > 0:
            break
        time.sleep(0.3)
    assert pdfs, (
        "no PDF downloaded: " + driver.find_element("css selector", ".report-download").text
    )
    assert pdfs[0].read_bytes()[:5] == b"%PDF-"
    _no_error(driver)


def test_an_ended_session_leads_back_to_the_login_page(live_server, driver):  # type: ignore[no-untyped-def]
    """Without its session cookie the next callback gets 401 and the page goes to the login
    page; logging in again brings the user back."""
    from dashboard.auth import SESSION_COOKIE
    from tests.dashboard.conftest import BROWSER_PASSWORD, BROWSER_USER, login

    driver.get(f"{live_server.url}/dashboard/uren?period=2025Q2")
    _figure(driver, ids.HOURS_CHART)
    driver.delete_cookie(SESSION_COOKIE)
    _switch_language(driver, "EN")  # a callback
    _wait(driver, "return location.pathname.endsWith('/dashboard/login');")
    assert "reason=expired" in driver.current_url
    text = driver.find_element("css selector", ".alert-info").text
    assert "Uw sessie is verlopen" in text
    login(driver, live_server.url, BROWSER_USER, BROWSER_PASSWORD)
    _wait(driver, "return !location.pathname.endsWith('/login');")
    _wait(driver, "return document.getElementById(arguments[0]);", ids.LANG_SWITCH)
    _switch_language(driver, "NL")
