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
from dataclasses import dataclass
from pathlib import Path

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


@pytest.fixture(scope="session")
def live_server(browsers: Browsers) -> Iterator[LiveServer]:
    """``pohconnect``'s server (API + dashboard) in a subprocess on a free localhost port."""
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

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "POHCONNECT_DATABASE_URL": url,
        "POHCONNECT_API_URL": base,
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp / "server.log").open("w")
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
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(tmp / 'server.log').read_text()}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {(tmp / 'server.log').read_text()}")
            time.sleep(0.3)
        yield LiveServer(url=base, agbs=built.agbs, contacts=built.contacts)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def driver(browsers: Browsers) -> Iterator[object]:
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="pohconnect-chromium-")
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
        "--window-size=1440,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    drv = webdriver.Chrome(service=Service(executable_path=browsers.chromedriver), options=options)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
