"""Benchmark: time from navigation to the first chart with data on a dashboard page, in a warm
headless Chromium (Debian's chromium and chromium-driver; no browser is downloaded).

    python benchmarks/first_paint.py --url http://127.0.0.1:8000 --user demo-huisarts \\
        --password … --page praktijk --runs 15

A running server is needed (``pohconnect demo`` or ``pohconnect serve``); only 127.0.0.1 or
localhost is accepted. The script logs in through the login form, opens the page once to warm
the browser (scripts, styles, the API's cache), then opens it ``--runs`` times and measures, in
the page itself, the time from the navigation's start (``performance.timeOrigin``) to the first
animation frame in which a Plotly graph on the page holds a trace with data points. It prints
the median, the 90th percentile and the maximum. Target (issue 10): the Praktijk page's first
chart within 1 s.

``--against URL`` compares with a second server (e.g. the previous commit on a copy of the same
database, with the same users): a browser per server, the runs interleaved (A, B, A, B …), so
that both see the same machine load — on a shared machine the only fair comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from urllib.parse import urlsplit

# In the page: resolve with the ms since navigation start at the first frame with a chart that
# has data; give up after the timeout.
WAIT_FOR_CHART = """
const done = arguments[arguments.length - 1];
const limit = arguments[0];
function hasData(el) {
  return (el.data || []).some(t => ['x', 'y', 'values', 'value', 'link']
    .some(k => t[k] && (t[k].length > 0 || (k === 'link' && t.link.value && t.link.value.length))));
}
function check() {
  const graphs = Array.from(document.querySelectorAll('.js-plotly-plot'));
  if (graphs.some(hasData)) { done(performance.now()); return; }
  if (performance.now() > limit) { done(-1); return; }
  requestAnimationFrame(check);
}
check();
"""


def browser():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,900",
    ):
        options.add_argument(flag)
    options.binary_location = os.environ.get("POHCONNECT_CHROMIUM", "/usr/bin/chromium")
    driver_path = os.environ.get("POHCONNECT_CHROMEDRIVER", "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=Service(driver_path))


def login(driver, base: str, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/dashboard/login")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    deadline = time.monotonic() + 20
    while "/login" in driver.current_url and time.monotonic() < deadline:
        time.sleep(0.1)
    if "/login" in driver.current_url:
        raise SystemExit("Inloggen mislukt: controleer --user en --password")


def first_chart_ms(driver, url: str, timeout_ms: int) -> float:  # type: ignore[no-untyped-def]
    driver.get(url)
    driver.set_script_timeout(timeout_ms / 1000 + 5)
    return float(driver.execute_async_script(WAIT_FOR_CHART, timeout_ms))


def summary(times: list[float]) -> str:
    ok = sorted(t for t in times if t >= 0)
    if not ok:
        return "no chart with data"
    p90 = ok[min(len(ok) - 1, round(0.9 * (len(ok) - 1)))]
    return (
        f"median {statistics.median(ok):.0f} ms, p90 {p90:.0f} ms, "
        f"max {ok[-1]:.0f} ms ({len(ok)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--against", help="a second server to compare with, runs interleaved")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", default=os.environ.get("POHCONNECT_BENCH_PASSWORD"))
    parser.add_argument("--page", default="praktijk", help="path below /dashboard/")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per run")
    args = parser.parse_args()
    bases = [args.url.rstrip("/")] + ([args.against.rstrip("/")] if args.against else [])
    if any(urlsplit(b).hostname not in {"127.0.0.1", "localhost"} for b in bases):
        raise SystemExit("Alleen 127.0.0.1 of localhost.")
    if not args.password:
        raise SystemExit("Geef --password of POHCONNECT_BENCH_PASSWORD.")
    timeout_ms = int(args.timeout * 1000)
    pages = [f"{b}/dashboard/{args.page.lstrip('/')}" for b in bases]
    drivers = []
    times: list[list[float]] = [[] for _ in bases]
    warm: list[float] = []
    loads = [os.getloadavg()[0]]
    try:
        for base, page in zip(bases, pages, strict=True):
            driver = browser()
            drivers.append(driver)
            login(driver, base, args.user, args.password)
            warm.append(first_chart_ms(driver, page, timeout_ms))
        for _ in range(args.runs):
            for i, (driver, page) in enumerate(zip(drivers, pages, strict=True)):
                times[i].append(first_chart_ms(driver, page, timeout_ms))
        loads.append(os.getloadavg()[0])
    finally:
        for driver in drivers:
            driver.quit()
    print(f"load average (1 min) {loads[0]:.2f} at the start, {loads[-1]:.2f} at the end")
    failed = 0
    for page, w, ts in zip(pages, warm, times, strict=True):
        print(f"page {page}")
        print(f"  warm-up run: {w:.0f} ms" if w >= 0 else "  warm-up run: no chart with data")
        print(f"  first chart with data: {summary(ts)}")
        bad = [t for t in ts if t < 0]
        if bad:
            print(f"  {len(bad)} run(s) without a chart with data within {args.timeout:.0f} s")
        failed += len(bad)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
