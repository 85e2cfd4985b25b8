"""Every table and chart downloadable (issue 10), in headless Chromium: a click on a table's CSV
or XLSX button, or a chart's PNG or SVG button, and the file arrives in the browser's download
directory (Chromium's download preferences) holding the figures the page shows; an image holds
the chart's title and its source line.

Own browsers (a download directory each, and logins of their own: a POH for Mijn caseload, a
teamleider for Team), so that the session-wide browser stays logged in as the regio user.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dashboard import ids
from tests.dashboard.conftest import (
    BROWSER_PASSWORD,
    BROWSER_USER,
    CHROMIUM_FLAGS,
    Browsers,
    LiveServer,
    login,
)
from tests.dashboard.test_browser import _wait

pytestmark = pytest.mark.browser

TEAM = "team-downloads"
POH_USER, TEAMLEIDER_USER = "dl-poh", "dl-teamleider"
PASSWORD = "downloads-wachtwoord-2025"


@contextmanager
def _downloading_chromium(browsers: Browsers) -> Iterator[tuple[Any, Path]]:
    """A headless Chromium whose downloads go to a directory of its own (its preferences)."""
    import os

    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="pohconnect-chromium-dl-")
    downloads = Path(tempfile.mkdtemp(prefix="pohconnect-downloads-"))
    options = webdriver.ChromeOptions()
    options.binary_location = browsers.chromium
    for arg in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
            # several downloads from one page without a prompt ("download multiple files")
            "profile.default_content_setting_values.automatic_downloads": 1,
        },
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=browsers.chromedriver), options=options)
    drv.set_page_load_timeout(60)
    try:
        yield drv, downloads
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


@pytest.fixture(scope="module")
def team_and_users(live_database: tuple[str, Any]) -> Iterator[None]:
    """A team of the first two practices and their POHs, a POH user (POHD001) and a
    teamleider of the team; the team is removed afterwards (other tests expect none)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from api.auth.passwords import hash_password
    from api.org import service as teams
    from api.org.schemas import TeamCreate
    from models import User, UserScope
    from models.db import make_engine

    url, built = live_database
    engine = make_engine(url)
    with Session(engine) as session:
        teams.create_team(
            session,
            data=TeamCreate(
                slug=TEAM,
                name="Team Downloads",
                practices=built.agbs[:2],
                providers=["POHD001", "POHD002"],
            ),
        )
        for name, role, level, key in (
            (POH_USER, "poh", "provider", "POHD001"),
            (TEAMLEIDER_USER, "teamleider", "team", TEAM),
        ):
            if session.scalar(select(User.id).where(User.username == name)) is None:
                user = User(
                    username=name,
                    display_name=name,
                    role=role,
                    password_hash=hash_password(PASSWORD),
                    is_active=True,
                )
                user.scopes.append(UserScope(level=level, key=key))
                session.add(user)
        session.commit()
    try:
        yield
    finally:
        with Session(engine) as session:
            teams.delete_team(session, slug=TEAM)
            session.commit()
        engine.dispose()


def _logged_in(driver: Any, server: LiveServer, user: str, password: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    login(driver, server.url, user, password)
    WebDriverWait(driver, 60).until(lambda d: "/login" not in d.current_url)


def _settle(driver: Any) -> None:
    _wait(
        driver,
        "return !document.querySelector('[data-dash-is-loading=true]')"
        " && !document.querySelector('._dash-loading');",
    )


def _arrived(directory: Path, pattern: str, before: set[Path], timeout: float = 60) -> Path:
    """The new file matching ``pattern`` once Chromium has finished writing it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in directory.glob(pattern) if p not in before]
        if new and not list(directory.glob("*.crdownload")):
            return new[0]
        time.sleep(0.3)
    raise AssertionError(f"no {pattern} downloaded; there are {sorted(directory.iterdir())}")


def _click(driver: Any, kind: str, key: str, target: str, fmt: str) -> None:
    """Click the download button ``{"type": kind, key: target, "format": fmt}``."""
    _wait(
        driver,
        "return Array.from(document.querySelectorAll('button[id]')).find(b => {"
        " try { const i = JSON.parse(b.id); return i.type === arguments[0] &&"
        " i[arguments[1]] === arguments[2] && i.format === arguments[3]; }"
        " catch (e) { return false; } });",
        kind,
        key,
        target,
        fmt,
    )
    driver.execute_script(
        "Array.from(document.querySelectorAll('button[id]')).find(b => {"
        " try { const i = JSON.parse(b.id); return i.type === arguments[0] &&"
        " i[arguments[1]] === arguments[2] && i.format === arguments[3]; }"
        " catch (e) { return false; } }).click();",
        kind,
        key,
        target,
        fmt,
    )


def _download(
    driver: Any, directory: Path, kind: str, key: str, target: str, fmt: str, pattern: str
) -> Path:
    before = set(directory.iterdir())
    _click(driver, kind, key, target, fmt)
    try:
        return _arrived(directory, pattern, before)
    except AssertionError as exc:  # say what the page said
        alerts = [a.text for a in driver.find_elements("css selector", ".alert")]
        log = [e["message"] for e in driver.get_log("browser")]
        raise AssertionError(f"{exc}; alerts {alerts}; console {log}") from None


def _table(driver: Any, directory: Path, table_id: str, fmt: str) -> Path:
    return _download(driver, directory, "table-download", "table", table_id, fmt, f"*.{fmt}")


def _chart(driver: Any, directory: Path, graph_id: str, fmt: str) -> Path:
    return _download(driver, directory, "chart-download", "graph", graph_id, fmt, f"*.{fmt}")


def _cell(driver: Any, grid_id: str, col: str, row: int = 0) -> str:
    """The text AG Grid shows in a cell of the displayed row ``row``."""
    return _wait(
        driver,
        "const c = document.querySelector('#' + arguments[0] + ' "
        "[row-index=\"' + arguments[2] + '\"] [col-id=\"' + arguments[1] + '\"]');"
        "return c && c.innerText.trim() ? c.innerText.trim() : null;",
        grid_id,
        col,
        row,
    )


def _dutch_number(text: str) -> float:
    return float(re.sub(r"[^\d,\-]", "", text).replace(",", "."))


def _same_figure(shown: str, exported: Any) -> None:
    """A figure the page shows (Dutch, rounded) is the exported one (Dutch CSV text or a real
    number), rounded the same way."""
    digits = re.search(r",(\d+)", shown)
    decimals = len(digits.group(1)) if digits else 0
    value = exported if isinstance(exported, int | float) else _dutch_number(str(exported))
    assert round(value, decimals) == pytest.approx(_dutch_number(shown)), (shown, exported)


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Dutch Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture(scope="module")
def regio_browser(browsers: Browsers, live_server: LiveServer) -> Iterator[tuple[Any, Path]]:
    with _downloading_chromium(browsers) as (drv, directory):
        _logged_in(drv, live_server, BROWSER_USER, BROWSER_PASSWORD)
        yield drv, directory


def test_region_table_and_charts_download_with_the_figures_shown(  # type: ignore[no-untyped-def]
    live_server, regio_browser, screenshot_dir
):
    driver, directory = regio_browser
    driver.get(f"{live_server.url}/dashboard/?kpi=poh_contacts_per_1000_year&period=2025Q3")
    agb = _cell(driver, ids.REGION_GRID, "agb")
    shown = _cell(driver, ids.REGION_GRID, "value")
    _settle(driver)
    driver.save_screenshot(str(screenshot_dir / "downloads-regio.png"))

    # the table, as CSV from the API's benchmark export (Dutch dialect)
    path = _table(driver, directory, ids.REGION_GRID, "csv")
    assert re.fullmatch(
        r"regio-overzicht-regio-dash-poh_contacts_per_1000_year-2025Q3\.csv", path.name
    )
    rows = {row["agb"]: row for row in _csv(path)}
    _same_figure(shown, rows[agb]["waarde"])

    # … and as XLSX: real numbers
    path = _table(driver, directory, ids.REGION_GRID, "xlsx")
    sheet = load_workbook(path).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(table) if r and r[0] == "agb")
    by_agb = {r[0]: dict(zip(table[header], r, strict=True)) for r in table[header + 1 :]}
    assert isinstance(by_agb[agb]["waarde"], float)
    _same_figure(shown, by_agb[agb]["waarde"])

    # the bar chart as SVG: its title and the source line are in the image
    title = driver.execute_script(
        "return document.getElementById(arguments[0]).closest('.card')"
        ".querySelector('.card-header h3').innerText.trim();",
        ids.REGION_BAR,
    )
    path = _chart(driver, directory, ids.REGION_BAR, "svg")
    assert path.name.endswith("-2025Q3.svg")
    svg = path.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and title in svg
    assert "Bron: POH-Connect" in svg and "gedownload" in svg and "Regio Dashboard" in svg
    # the axis labels the page draws (practices, values) are drawn in the image too
    ticks = driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + "
        "' .xtick text, #' + arguments[0] + ' .ytick text')).map(t => t.textContent.trim())"
        ".filter(Boolean);",
        ids.REGION_BAR,
    )
    assert ticks and all(f">{tick}<" in svg for tick in ticks[:5]), ticks

    # … and as PNG: an image of the figure with room for the title (taller than the chart)
    path = _chart(driver, directory, ids.REGION_BAR, "png")
    png = path.read_bytes()
    shutil.copy(path, screenshot_dir / "downloads-regio-chart.png")  # for review
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    made = driver.execute_script("return window.pohconnectLastDownload;")
    assert made["title"] == title and made["filename"] == path.name
    assert made["source"].startswith("Bron: POH-Connect, Regio Dashboard")
    height = int.from_bytes(png[20:24], "big")
    chart = int(
        driver.execute_script(
            "return document.querySelector('#' + arguments[0] + ' .js-plotly-plot')"
            "._fullLayout.height;",
            ids.REGION_BAR,
        )
    )
    assert height == 2 * (chart + 90)  # scale 2, 90 px for the title and the source line


def test_other_page_tables_go_through_the_generic_export(  # type: ignore[no-untyped-def]
    live_server, regio_browser
):
    driver, directory = regio_browser
    driver.get(f"{live_server.url}/dashboard/wachttijden?period=2025Q1")
    first_col = _wait(
        driver,
        "const c = document.querySelector('#' + arguments[0] + ' .ag-center-cols-container "
        '[row-index="0"] [col-id]\'); return c && c.innerText.trim() ? '
        "[c.getAttribute('col-id'), c.innerText.trim()] : null;",
        ids.WAIT_GRID,
    )
    path = _table(driver, directory, ids.WAIT_GRID, "csv")
    assert path.name == "wachttijden-2025Q1.csv"
    text = path.read_bytes().decode("utf-8-sig")
    assert first_col[1] in text
    assert text.splitlines()[0].count(";") >= 2  # Dutch dialect: ; between the columns


def test_practice_scorecard_downloads_from_the_scorecard_export(  # type: ignore[no-untyped-def]
    live_server, regio_browser
):
    driver, directory = regio_browser
    agb = live_server.agbs[0]
    driver.get(f"{live_server.url}/dashboard/praktijk?agb={agb}&period=2025Q3")
    slug, shown = _wait(
        driver,
        "const rows = document.querySelectorAll('#' + arguments[0] + ' tr[data-slug]');"
        "for (const r of rows) { const v = r.children[1].innerText.trim();"
        " if (/^[0-9.]+(,[0-9]+)?$/.test(v)) return [r.dataset.slug, v]; } return null;",
        ids.PRACTICE_SCORECARD,
    )
    path = _table(driver, directory, ids.PRACTICE_SCORECARD, "csv")
    assert path.name == f"praktijk-scorecard-{agb}-2025Q3.csv"
    rows = {row["kpi"]: row for row in _csv(path)}
    _same_figure(shown, rows[slug]["waarde"])


def test_team_grid_downloads_as_csv_and_xlsx(  # type: ignore[no-untyped-def]
    live_server, browsers, team_and_users, screenshot_dir
):
    with _downloading_chromium(browsers) as (driver, directory):
        _logged_in(driver, live_server, TEAMLEIDER_USER, PASSWORD)
        driver.get(f"{live_server.url}/dashboard/team?team={TEAM}&period=2025Q3")
        name = _cell(driver, ids.TEAM_GRID, "link")
        cols = driver.execute_script(
            "return Array.from(document.querySelectorAll('#' + arguments[0] + "
            "' [row-index=\"0\"] [col-id]'))"
            ".map(c => [c.getAttribute('col-id'), c.innerText.trim()]);",
            ids.TEAM_GRID,
        )
        numeric = next((c, v) for c, v in cols if re.fullmatch(r"[0-9.]+(,[0-9]+)?", v))
        header = driver.execute_script(
            "const h = document.querySelector('#' + arguments[0] + "
            "' .ag-header-cell[col-id=\"' + arguments[1] + '\"] .ag-header-cell-text');"
            "return h ? h.innerText.trim() : null;",
            ids.TEAM_GRID,
            numeric[0],
        )
        _settle(driver)
        driver.save_screenshot(str(screenshot_dir / "downloads-team.png"))
        path = _table(driver, directory, ids.TEAM_GRID, "csv")
        assert path.name == "team-2025Q3.csv"
        rows = _csv(path)
        row = next(r for r in rows if name in r.values())
        _same_figure(numeric[1], row[header])
        path = _table(driver, directory, ids.TEAM_GRID, "xlsx")
        sheet = [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]
        at = next(i for i, r in enumerate(sheet) if header in r)
        col = sheet[at].index(header)
        found = next(r for r in sheet[at + 1 :] if name in r)
        assert isinstance(found[col], int | float)
        _same_figure(numeric[1], found[col])


def test_caseload_downloads_only_the_poh_own_patients(  # type: ignore[no-untyped-def]
    live_server, browsers, team_and_users, screenshot_dir
):
    with _downloading_chromium(browsers) as (driver, directory):
        _logged_in(driver, live_server, POH_USER, PASSWORD)
        driver.get(f"{live_server.url}/dashboard/caseload?poh=POHD001&period=2025Q3")
        pseudonym = _cell(driver, ids.CASELOAD_GRID, "pseudonym")
        contacts = _cell(driver, ids.CASELOAD_GRID, "contacts")
        total = driver.execute_script(
            "return document.querySelector('#' + arguments[0] + ' .ag-paging-row-summary-panel')"
            "?.innerText || '';",
            ids.CASELOAD_GRID,
        )
        _settle(driver)
        driver.save_screenshot(str(screenshot_dir / "downloads-caseload.png"))
        path = _table(driver, directory, ids.CASELOAD_GRID, "csv")
        assert path.name == "mijn-caseload-POHD001-2025Q3.csv"
        rows = {row["pseudoniem"]: row for row in _csv(path)}
        assert rows[pseudonym]["contacten_traject"] == contacts
        if total:  # "1 tot 25 van 40": the file holds every patient of the list
            assert str(len(rows)) in total.split()[-1]
