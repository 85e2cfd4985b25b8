"""Screenshot every dashboard page of a running POH-Connect server (headless Chromium).

    pohconnect serve --port 8000 &          # with data, e.g. an imported demo region
    python scripts/dashboard_screenshots.py http://127.0.0.1:8000 --out /tmp/shots [--lang en]

Uses the system's Chromium and chromedriver (Debian: chromium, chromium-driver); Selenium
Manager never runs. Each page is captured at full height once its charts have data and no
callback is loading; errors shown on a page are printed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

PAGES = {
    "regio": "",
    "regio-ftf": "?kpi=ftf_per_workday",
    "praktijk": "praktijk",
    "poh": "poh",
    "wachttijden": "wachttijden",
    "verwijzingen": "verwijzingen",
    "uren": "uren",
}
READY = """
if (document.querySelector('[data-dash-is-loading="true"]')) return false;
const plots = Array.from(document.querySelectorAll('.js-plotly-plot')).filter(e => e.offsetParent);
return plots.length > 0 && plots.every(e => e.data && e.data.length);
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="base URL of the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("/tmp/pohconnect-screenshots"))
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    args.out.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
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
        f"--user-data-dir={tempfile.mkdtemp(prefix='pohconnect-shots-')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
    try:
        base = args.url.rstrip("/") + "/dashboard/"
        if args.lang == "en":  # click the switch once; the choice persists in localStorage
            driver.get(base)
            WebDriverWait(driver, 120, 0.5).until(lambda d: d.execute_script(READY))
            label = driver.find_element("xpath", "//*[@id='lang-switch']//label[.='EN']")
            driver.execute_script("arguments[0].click();", label)
            time.sleep(2)
        for name, path in PAGES.items():
            started = time.monotonic()
            driver.get(base + path)
            time.sleep(1)
            WebDriverWait(driver, 120, 0.5).until(lambda d: d.execute_script(READY))
            time.sleep(1)
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1440, min(int(height) + 40, 5000))
            target = args.out / f"{name}-{args.lang}.png"
            driver.save_screenshot(str(target))
            driver.set_window_size(1440, 1000)
            errors = [e.text for e in driver.find_elements("css selector", ".alert-danger")]
            print(f"{target}  {time.monotonic() - started:.1f} s  {errors or ''}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
