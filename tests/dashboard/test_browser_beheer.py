"""The Import and Datakwaliteit pages in headless Chromium, logged in as a beheerder.

Its own database and server (an upload changes the data, which the other browser tests count)
and its own Chromium (logged in as another user, with the console log kept to check that no
SEVERE errors are logged). Screenshots (nl and en, 1366 px wide) go to
``$POHCONNECT_TEST_ARTIFACTS/dashboard/`` (default tests/artifacts/dashboard/, not in git).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import ids
from tests.dashboard.conftest import Browsers, _server, login
from tests.dashboard.data import REGION

pytestmark = pytest.mark.browser

TIMEOUT = 60
USER, PASSWORD = "browser-beheer", "browser-beheer-wachtwoord-2025"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
WIDTH, HEIGHT = 1366, 768


@pytest.fixture(scope="module")
def artifacts() -> Path:
    root = os.environ.get("POHCONNECT_TEST_ARTIFACTS")
    base = Path(root) if root else Path(__file__).resolve().parents[1] / "artifacts"
    path = base / "dashboard"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def beheer_server(browsers: Browsers) -> Iterator[str]:
    """A migrated SQLite database with the dashboard tests' region, a beheerder with the
    installation-wide grant ``all:visible``, and the server on it."""
    from sqlalchemy.orm import Session

    import migrations
    from api.auth.passwords import hash_password
    from models import User, UserScope
    from models.db import make_engine
    from tests.dashboard.data import build_region
    from tests.factories import make_practice, make_region

    tmp = Path(tempfile.mkdtemp(prefix="pohconnect-beheer-"))
    url = f"sqlite:///{tmp / 'beheer.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        build_region(session)
        # the practice of tests/fixtures/ingest/bad_rows.csv, in a region of its own
        make_practice(
            session,
            agb="01000001",
            name="Praktijk Import",
            region=make_region(session, slug="regio-import", name="Regio Import"),
        )
        user = User(
            username=USER,
            display_name="Browser Beheer",
            role="beheerder",
            password_hash=hash_password(PASSWORD),
            is_active=True,
        )
        user.scopes.append(UserScope(level="all", key="visible"))
        session.add(user)
        session.commit()
    engine.dispose()
    try:
        with _server(url) as base:
            yield base
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def beheer(browsers: Browsers, beheer_server: str) -> Iterator[Any]:
    """Chromium (the same flags as the other browser tests, plus the console log), logged in
    as the beheerder through the login page."""
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    profile = tempfile.mkdtemp(prefix="pohconnect-chromium-beheer-")
    options = webdriver.ChromeOptions()
    options.binary_location = browsers.chromium
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=browsers.chromedriver), options=options)
    drv.set_page_load_timeout(60)
    try:
        login(drv, beheer_server, USER, PASSWORD)
        WebDriverWait(drv, 60).until(lambda d: "/login" not in d.current_url)
        drv.get_log("browser")  # start with an empty console log
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: Any, script: str, *args: Any, timeout: float = TIMEOUT) -> Any:
    """Run ``script`` until it returns something truthy; a screenshot when it never does."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.3).until(
            lambda d: d.execute_script(script, *args)
        )
    except TimeoutException:
        root = os.environ.get("POHCONNECT_TEST_ARTIFACTS")
        base = Path(root) if root else Path(__file__).resolve().parents[1] / "artifacts"
        (base / "dashboard").mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(base / "dashboard" / "beheer-failed-wait.png"))
        raise


def _severe(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def _shot(driver: Any, directory: Path, name: str) -> Path:
    """A full-page screenshot at 1366 px wide (the window back to 1366×768 afterwards)."""
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(WIDTH, max(HEIGHT, min(int(height) + 40, 5000)))
    driver.execute_script("window.scrollTo(0, 0)")
    path = directory / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(WIDTH, HEIGHT)
    return path


def _no_horizontal_scroll(driver: Any) -> None:
    """Legible at 1366×768: nothing wider than the window (no horizontal scrolling)."""
    widths = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];"
    )
    assert widths[0] <= widths[1], widths


def _switch_language(driver: Any, label: str) -> None:
    xpath = f"//*[@id='{ids.LANG_SWITCH}']//label[normalize-space()='{label}']"
    driver.execute_script("arguments[0].click();", driver.find_element("xpath", xpath))


def test_quality_page_shows_the_heat_map(beheer, beheer_server, artifacts):  # type: ignore[no-untyped-def]
    driver = beheer
    driver.get(f"{beheer_server}/dashboard/datakwaliteit?region={REGION}")
    data = _wait(
        driver,
        f"const el = document.querySelector('#{ids.QUALITY_HEATMAP} .js-plotly-plot');"
        "if (!el || !el.data || !el.data.length || el.data[0].type !== 'heatmap') return null;"
        "return {x: Array.from(el.data[0].x), y: Array.from(el.data[0].y),"
        " z: el.data[0].z.map(r => Array.from(r))};",
    )
    assert len(data["x"]) == 12 and len(data["y"]) == 6
    assert any(v > 0 for row in data["z"] for v in row)
    assert data["x"][-1] == "sep 2025"
    rule = driver.find_element("id", ids.QUALITY_RULE).text
    assert "minder dan 50% of meer dan 200%" in rule
    _wait(driver, f"return document.querySelectorAll('#{ids.QUALITY_GRID} .ag-row').length >= 6")
    _wait(
        driver,
        f"const el = document.querySelector('#{ids.QUALITY_ICPC} .js-plotly-plot');"
        "return el && el.data && el.data.length;",
    )
    _no_horizontal_scroll(driver)
    _shot(driver, artifacts, "datakwaliteit-nl")
    _switch_language(driver, "EN")
    _wait(
        driver,
        f"const el = document.querySelector('#{ids.QUALITY_HEATMAP} .js-plotly-plot');"
        "return el && el.data && el.data.length && Array.from(el.data[0].x).includes('Sep 2025');",
    )
    _wait(driver, f"return document.querySelectorAll('#{ids.QUALITY_GRID} .ag-row').length >= 6")
    _shot(driver, artifacts, "datakwaliteit-en")
    _switch_language(driver, "NL")
    assert not _severe(driver)


def test_upload_shows_progress_report_rejects_and_history(beheer, beheer_server, artifacts):  # type: ignore[no-untyped-def]
    driver = beheer
    driver.get(f"{beheer_server}/dashboard/import")
    nav = _wait(driver, "return document.querySelector('#" + ids.NAV_LINKS + "')?.innerText")
    assert "Import" in nav and "Datakwaliteit" in nav
    _wait(driver, f"return document.querySelector('#{ids.IMPORT_UPLOAD} input[type=file]')")
    field = driver.find_element("css selector", f"#{ids.IMPORT_UPLOAD} input[type=file]")
    names = ("garbage.bin", "bad_rows.csv")
    field.send_keys("\n".join(str(FIXTURES / n) for n in names))
    # the spinner line while files are pending (it may already be done on a fast machine)
    first = _wait(
        driver, f"return document.querySelector('#{ids.IMPORT_PROGRESS}')?.innerText || null"
    )
    assert "Bezig met importeren van 2 bestanden…" in first or "Klaar" in first
    done = _wait(
        driver,
        f"const t = document.querySelector('#{ids.IMPORT_PROGRESS}')?.innerText || '';"
        "return t.includes('Klaar') ? t : null;",
    )
    assert "Klaar: 2 bestand(en) verwerkt, 1 niet geïmporteerd." in done
    assert "10 regels gelezen, 2 nieuw, 0 bijgewerkt, 8 afgekeurd" in done
    assert "Bestandsformaat van garbage.bin niet herkend" in done
    reports = driver.find_element("id", ids.IMPORT_REPORTS).text
    assert "bad_rows.csv" in reports and "Afgekeurde regels (9)" in reports
    assert "0100A001" in reports and "ongeldige AGB-code" in reports and "•••" in reports
    assert "30007" not in reports and "9999999999" not in reports  # patient values masked
    # the history, newest first, and a click through to a batch's report
    rows = _wait(
        driver,
        f"const r = document.querySelectorAll('#{ids.IMPORT_HISTORY} .ag-center-cols-container "
        ".ag-row'); return r.length >= 2 ? r.length : null;",
    )
    assert rows == 2
    # newest first: the browser may hand the two files over in either order, so the page's own
    # progress list says which one was imported last
    order = driver.execute_script(
        f"return Array.from(document.querySelectorAll('#{ids.IMPORT_PROGRESS} li strong'))"
        ".map(e => e.innerText.trim());"
    )
    assert sorted(order) == sorted(names)
    top = _wait(
        driver,
        f"return document.querySelector('#{ids.IMPORT_HISTORY} .ag-row[row-index=\"0\"]')"
        "?.innerText || null",
    )
    second = driver.execute_script(
        f"return document.querySelector('#{ids.IMPORT_HISTORY} .ag-row[row-index=\"1\"]')"
        "?.innerText || null"
    )
    newest, older = order[-1], order[0]
    assert newest in top and older in second
    assert ("Geslaagd" if newest == "bad_rows.csv" else "Mislukt") in top
    cell = driver.find_element(
        "xpath",
        f"//*[@id='{ids.IMPORT_HISTORY}']//div[@col-id='filename']"
        "[normalize-space()='bad_rows.csv']",
    )
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
    try:
        ActionChains(driver).move_to_element(cell).click().perform()
    except Exception as exc:
        print("CLICK", str(exc)[:600])
        raise
    detail = _wait(
        driver, f"return document.querySelector('#{ids.IMPORT_DETAIL} .import-report')?.innerText"
    )
    assert "bad_rows.csv" in detail and "0100A001" in detail
    driver.execute_script("window.scrollTo(0, 0)")
    _no_horizontal_scroll(driver)
    _shot(driver, artifacts, "import-nl")
    _switch_language(driver, "EN")
    _wait(
        driver,
        "return document.querySelector('h1, .h3, h2')?.innerText && "
        f"document.querySelector('#{ids.IMPORT_UPLOAD}')?.innerText.includes('Drop export')",
    )
    _wait(
        driver,
        f"return document.querySelectorAll('#{ids.IMPORT_HISTORY} .ag-row').length >= 2",
    )
    _shot(driver, artifacts, "import-en")
    _switch_language(driver, "NL")
    assert not _severe(driver)
