"""Browser fixtures: the real server (uvicorn in a subprocess) on a migrated, filled SQLite
database, and headless Chromium driven by Selenium with the system's chromedriver.

Without chromium/chromedriver the browser tests are skipped — except under CI=true, where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

SCREENSHOT_DIR = Path(os.environ.get("POHCONNECT_SCREENSHOT_DIR", "/tmp/pohconnect-screenshots"))


def _find(*candidates: str) -> str | None:
    for name in candidates:
        path = shutil.which(name) or (name if Path(name).is_file() else None)
        if path:
            return path
    return None


@dataclass(frozen=True)
class Browsers:
    chromium: str
    chromedriver: str


@pytest.fixture(scope="session")
def browsers() -> Browsers:
    chromium = _find("/usr/bin/chromium", "chromium", "chromium-browser")
    driver = _find("/usr/bin/chromedriver", "chromedriver")
    if chromium and driver:
        try:
            import selenium  # noqa: F401
        except ImportError:
            chromium = None
    if not (chromium and driver):
        reason = (
            "browser tests need chromium and chromedriver (Debian: apt-get install chromium "
            "chromium-driver) and selenium"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return Browsers(chromium=chromium, chromedriver=driver)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    agbs: list[str]
    contacts: dict[tuple[str, str], int]


BROWSER_USER = "browser-regio"
BROWSER_PASSWORD = "browser-wachtwoord-2025"


def _add_browser_user(database_url: str) -> None:
    """The user the browser tests log in as through the login page: role regio with the
    installation-wide grant ``all:visible`` (every practice and POH visible, small counts
    masked), what the dashboard's service account had before the login existed."""
    from sqlalchemy.orm import Session

    from api.auth.passwords import hash_password
    from models import User, UserScope
    from models.db import make_engine

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            user = User(
                username=BROWSER_USER,
                display_name="Browser Regio",
                role="regio",
                password_hash=hash_password(BROWSER_PASSWORD),
                is_active=True,
            )
            user.scopes.append(UserScope(level="all", key="visible"))
            session.add(user)
            session.commit()
    finally:
        engine.dispose()


@contextmanager
def _server(database_url: str, *, api_url: str | None = None) -> Iterator[str]:
    """Run ``pohconnect.server.run_server`` in a subprocess; yield its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "POHCONNECT_DATABASE_URL": database_url,
        "POHCONNECT_API_URL": api_url or base,
        "PYTHONUNBUFFERED": "1",
    }
    log_path = Path(tempfile.mkstemp(prefix="pohconnect-server-", suffix=".log")[1])
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from pohconnect.server import run_server; run_server('127.0.0.1', {port})",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    try:
        # a loaded machine (load 13 on 2 cores) once took over a minute to answer /health
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text()}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {log_path.read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        log_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def live_database(browsers: Browsers) -> Iterator[tuple[str, object]]:
    """A migrated temporary SQLite database holding tests/dashboard/data.py's region."""
    from sqlalchemy.orm import Session

    import migrations
    from models.db import make_engine
    from tests.dashboard.data import build_region

    tmp = Path(tempfile.mkdtemp(prefix="pohconnect-browser-"))
    url = f"sqlite:///{tmp / 'dashboard.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        built = build_region(session)
        session.commit()
    engine.dispose()
    _add_browser_user(url)
    try:
        yield url, built
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(live_database: tuple[str, Any]) -> Iterator[LiveServer]:
    """``pohconnect``'s server (API + dashboard) in a subprocess on a free localhost port."""
    url, built = live_database
    with _server(url) as base:
        yield LiveServer(url=base, agbs=built.agbs, contacts=built.contacts)


@pytest.fixture
def server_without_api(live_database: tuple[str, Any]) -> Iterator[str]:
    """The server, but its dashboard's client points at a port where no API listens."""
    with _server(live_database[0], api_url=f"http://127.0.0.1:{_free_port()}") as base:
        yield base


def login(driver: Any, base_url: str, username: str, password: str) -> None:
    """Log in through the dashboard's login page, as a user would."""
    driver.get(f"{base_url}/dashboard/login")
    driver.find_element("id", "username").send_keys(username)
    driver.find_element("id", "password").send_keys(password)
    driver.find_element("id", "login-submit").click()


@pytest.fixture(scope="session")
def driver(live_server: LiveServer, browser: Any) -> Any:
    """Chromium, logged in to the live server (as BROWSER_USER) through the login page."""
    from selenium.webdriver.support.ui import WebDriverWait

    login(browser, live_server.url, BROWSER_USER, BROWSER_PASSWORD)
    WebDriverWait(browser, 60).until(lambda d: "/login" not in d.current_url)
    return browser


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1440,1000",
)


@contextmanager
def chromium(browsers: Browsers) -> Iterator[Any]:
    """A new headless Chromium with its own profile (no cookies, no storage)."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="pohconnect-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browsers.chromium
    for arg in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(arg)
    # the console log (level SEVERE = errors) is read by the tests
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=browsers.chromedriver), options=options)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(browsers: Browsers) -> Iterator[object]:
    with chromium(browsers) as drv:
        yield drv


@pytest.fixture
def second_browser(browsers: Browsers, live_server: LiveServer) -> Iterator[Any]:
    """Another Chromium, logged in on its own: opening a copied link as someone else would."""
    from selenium.webdriver.support.ui import WebDriverWait

    with chromium(browsers) as drv:
        login(drv, live_server.url, BROWSER_USER, BROWSER_PASSWORD)
        WebDriverWait(drv, 60).until(lambda d: "/login" not in d.current_url)
        yield drv


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Screenshots of the dashboard kept for review and CI: ``$POHCONNECT_TEST_ARTIFACTS/
    dashboard`` (default tests/artifacts/dashboard, ignored by git)."""
    root = os.environ.get("POHCONNECT_TEST_ARTIFACTS")
    base = Path(root) if root else Path(__file__).resolve().parents[1] / "artifacts"
    directory = base / "dashboard"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
