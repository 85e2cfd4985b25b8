"""Open-loop load generator for a running POH-Connect server (docs/benchmarks.md, "Last onder
belasting").

    python benchmarks/load.py rate     --url http://127.0.0.1:8000 --rate 200 --duration 60
    python benchmarks/load.py overload --url http://127.0.0.1:8000 --rate 400 --duration 15
    python benchmarks/load.py import   --url http://127.0.0.1:8000 --rate 20 \\
        --database-url sqlite:////tmp/bench.sqlite3

Open loop: request *i* is scheduled at ``start + i / rate`` and sent then, whether or not the
earlier ones have been answered; its latency is measured from that scheduled time (so a client
that falls behind, or a server that queues, shows up in the figures instead of slowing the
offered load down — no coordinated omission). No client-side warm-up: before the run only the
catalogue is read (practices, KPI slugs, data periods), which computes nothing.

Requests are drawn uniformly from the demo's whole request space: every practice, every KPI,
the last 6 quarters, and the four kinds equally often — scorecard
(``/practices/{agb}/scorecard``), benchmark (``/benchmarks/{slug}``), KPI value
(``/kpis/{slug}``) and series (``/kpis/{slug}/series`` of the 8 quarters ending at the quarter
drawn, the window the dashboard's Praktijk and POH pages ask; until 2026-12-07 this was one
fixed window over the 6 quarters, which no page asks and nothing computes ahead).

Scenarios:

* ``rate``: ``--rate`` requests/s for ``--duration`` s.
* ``overload``: the same, then a recovery check: one request every 0.25 s until five in a row
  are answered 200 in under a second; prints how long after the load stopped that took.
* ``import``: ``--rate`` requests/s while ``pohconnect import`` loads a demo-sized region
  (another seed, so new rows) into ``--database-url``; runs until the import has committed
  plus ``--after`` seconds, and reports the reads during the import separately.

The API needs a login: ``--token`` (default: ``$POHCONNECT_BENCH_TOKEN``, else
``$POHCONNECT_API_TOKEN``) is sent as ``Authorization: Bearer …`` with every request; make one
with ``pohconnect users token USERNAME`` (e.g. a demo user printed by ``pohconnect demo``).

Bounded: only 127.0.0.1/localhost, at most ``--max-requests`` requests, every request with a
``--timeout``. Prints p50/p95/p99/max, status counts and the machine's load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
KINDS = ("scorecard", "benchmark", "kpi", "series")


def auth_headers() -> dict[str, str]:
    """The bearer token (set by ``main`` in the environment, so generator processes see it)."""
    token = os.environ.get("POHCONNECT_BENCH_TOKEN") or os.environ.get("POHCONNECT_API_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


@dataclass(frozen=True)
class Space:
    region: str
    practices: list[str]
    kpis: list[str]
    benchmarkable: list[str]
    quarters: list[str]  # the last 6, oldest first

    def draw(self, rng: random.Random) -> tuple[str, str, dict[str, str]]:
        kind = rng.choice(KINDS)
        agb = rng.choice(self.practices)
        quarter = rng.choice(self.quarters)
        if kind == "scorecard":
            return kind, f"/api/v1/practices/{agb}/scorecard", {"period": quarter}
        if kind == "benchmark":
            slug = rng.choice(self.benchmarkable)
            return kind, f"/api/v1/benchmarks/{slug}", {"region": self.region, "period": quarter}
        slug = rng.choice(self.kpis)
        if kind == "kpi":
            params = {"level": "practice", "id": agb, "period": quarter}
            return kind, f"/api/v1/kpis/{slug}", params
        params = {
            "level": "practice",
            "id": agb,
            "from": shift_quarter(quarter, -(SERIES_QUARTERS - 1)),
            "to": quarter,
            "grain": "quarter",
        }
        return kind, f"/api/v1/kpis/{slug}/series", params


SERIES_QUARTERS = 8  # the window the dashboard's Praktijk and POH pages ask (dashboard/pages)


def shift_quarter(label: str, n: int) -> str:
    """``2025Q3`` shifted by ``n`` quarters."""
    year, q = int(label[:4]), int(label[-1]) - 1 + n
    return f"{year + q // 4}Q{q % 4 + 1}"


class RawClient:
    """A minimal HTTP/1.1 keep-alive GET client on asyncio streams, for the hot path: httpx
    costs several milliseconds of CPU per request, more than this 2-core machine can give at
    400 requests/s, and a generator that falls behind measures itself, not the server.
    (``--client httpx`` uses httpx instead.) GET only, ``Content-Length`` bodies only."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self, path: str, params: dict[str, str]) -> int:
        target = f"{path}?{urlencode(params)}" if params else path
        auth = "".join(f"{k}: {v}\r\n" for k, v in auth_headers().items())
        request = f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{auth}\r\n".encode()
        return await asyncio.wait_for(self._roundtrip(request), self.timeout)

    async def _roundtrip(self, request: bytes) -> int:
        if self.idle:
            reader, writer = self.idle.pop()
            try:
                return await self._exchange(reader, writer, request)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                if getattr(exc, "partial", b""):
                    raise
                # the server had closed this idle keep-alive connection (uvicorn after 30 s
                # idle) as the request went out: a GET is sent again on a new connection, as
                # browsers and HTTP clients do (RFC 9112, 9.3.1)
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._exchange(reader, writer, request)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
    ) -> int:
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            await reader.readexactly(int(headers.get("content-length", "0")))
        except BaseException:
            writer.close()
            raise
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self.idle.append((reader, writer))
        return status

    async def aclose(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


@dataclass
class Result:
    scheduled: float  # seconds since the start of the run
    latency: float
    status: str  # "200", "503", … or "timeout" / "error"
    kind: str
    send_lag: float = 0.0  # how late the client itself got the request out


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    late_sends: int = 0  # requests sent more than 10 ms after their scheduled time


def check_local(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"weigert {url}: alleen 127.0.0.1/localhost")


def discover(url: str, timeout: float) -> Space:
    with httpx.Client(base_url=url, timeout=timeout, headers=auth_headers()) as c:
        practices = c.get("/api/v1/practices").raise_for_status().json()["items"]
        catalogue = c.get("/api/v1/kpis").raise_for_status().json()["items"]
        periods = c.get("/api/v1/periods").raise_for_status().json()
    kpis = [k["slug"] for k in catalogue if "practice" in k["levels"]]
    return Space(
        region=practices[0]["region"],
        practices=[p["agb"] for p in practices],
        kpis=kpis,
        benchmarkable=[k["slug"] for k in catalogue if k["benchmarkable"]],
        quarters=sorted(periods["quarters"])[-6:],
    )


async def one(
    client: httpx.AsyncClient | RawClient,
    run: Run,
    t0: float,
    at: float,
    req: tuple[str, str, dict],
) -> None:
    kind, path, params = req
    now = time.perf_counter()
    lag = now - (t0 + at)
    if lag > 0.010:
        run.late_sends += 1
    try:
        if isinstance(client, RawClient):
            status = str(await client.get(path, params))
        else:
            status = str((await client.get(path, params=params)).status_code)
    except (httpx.TimeoutException, TimeoutError):
        status = "timeout"
    except (httpx.HTTPError, OSError, ValueError, asyncio.IncompleteReadError):
        status = "error"
    run.results.append(Result(at, time.perf_counter() - (t0 + at), status, kind, lag))


async def open_loop(
    url: str,
    space: Space,
    *,
    rate: float,
    duration: float,
    timeout: float,
    max_requests: int,
    seed: int,
    stop: asyncio.Event | None = None,
    start_wall: float | None = None,
    part: tuple[int, int] = (0, 1),
    client_kind: str = "raw",
) -> tuple[Run, float]:
    """Send at ``rate``/s for ``duration`` s (or until ``stop``); returns the run and the
    wall-clock time the last request was scheduled. With ``part`` = (k, n) this process sends
    only requests k, k + n, k + 2n … of the common schedule starting at ``start_wall``."""
    rng = random.Random(seed)  # the same draw sequence in every part: request i is the same
    run = Run()
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    k, parts = part
    raw = RawClient(url, timeout) if client_kind == "raw" else None
    async with httpx.AsyncClient(
        base_url=url, timeout=timeout, limits=limits, headers=auth_headers()
    ) as hx:
        client: httpx.AsyncClient | RawClient = raw or hx
        wall = start_wall if start_wall is not None else time.time()
        t0 = time.perf_counter() + (wall - time.time())
        tasks: list[asyncio.Task[None]] = []
        n = min(max_requests, int(rate * duration))
        last = t0
        for i in range(n):
            req = space.draw(rng)
            if i % parts != k:
                continue
            at = i / rate
            delay = t0 + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if stop is not None and stop.is_set():
                break
            last = t0 + at
            tasks.append(asyncio.create_task(one(client, run, t0, at, req)))
        await asyncio.gather(*tasks)
        if raw is not None:
            await raw.aclose()
    return run, time.time() - (time.perf_counter() - last)


def _part(args: tuple[str, Space, float, float, float, int, int, float, int, int, str]) -> Run:
    url, space, rate, duration, timeout, max_requests, seed, start_wall, k, n, kind = args
    run, _ = asyncio.run(
        open_loop(
            url,
            space,
            rate=rate,
            duration=duration,
            timeout=timeout,
            max_requests=max_requests,
            seed=seed,
            start_wall=start_wall,
            part=(k, n),
            client_kind=kind,
        )
    )
    return run


def open_loop_processes(args: argparse.Namespace, space: Space) -> tuple[Run, float]:
    """The open loop split over ``--procs`` processes (one event loop each), so that the
    generator keeps to its schedule on a busy machine. Returns the merged run and the
    wall-clock time of the last scheduled send."""
    import multiprocessing

    start_wall = time.time() + 1.0
    jobs = [
        (
            args.url,
            space,
            args.rate,
            args.duration,
            args.timeout,
            args.max_requests,
            args.seed,
            start_wall,
            k,
            args.procs,
            args.client,
        )
        for k in range(args.procs)
    ]
    with multiprocessing.get_context("fork").Pool(args.procs) as pool:
        runs = pool.map(_part, jobs)
    merged = Run()
    for r in runs:
        merged.results.extend(r.results)
        merged.late_sends += r.late_sends
    n = min(args.max_requests, int(args.rate * args.duration))
    return merged, start_wall + (n - 1) / args.rate


async def recovery(url: str, space: Space, *, since: float, timeout: float, seed: int) -> float:
    """Seconds from ``since`` (wall clock) until five requests in a row were 200 within 1 s
    each."""
    rng = random.Random(seed + 1)
    streak = 0
    async with httpx.AsyncClient(base_url=url, timeout=timeout, headers=auth_headers()) as client:
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            _, path, params = space.draw(rng)
            t = time.perf_counter()
            try:
                res = await client.get(path, params=params)
                good = res.status_code == 200 and time.perf_counter() - t < 1.0
            except httpx.HTTPError:
                good = False
            streak = streak + 1 if good else 0
            if streak == 5:
                return time.time() - since
            await asyncio.sleep(0.25)
    return float("inf")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


def summary(label: str, results: list[Result], seconds: float) -> dict[str, object]:
    lat = [r.latency * 1000 for r in results]
    ok = [r.latency * 1000 for r in results if r.status == "200"]
    refused = [r.latency * 1000 for r in results if r.status == "503"]
    out: dict[str, object] = {
        "label": label,
        "sent": len(results),
        "rate_sent": round(len(results) / seconds, 1) if seconds else None,
        "status": dict(sorted(Counter(r.status for r in results).items())),
        "all_ms": {q: round(pct(lat, q), 1) for q in (50, 95, 99)} | {"max": round(max(lat), 1)}
        if lat
        else {},
        "ok_ms": {q: round(pct(ok, q), 1) for q in (50, 95, 99)} | {"max": round(max(ok), 1)}
        if ok
        else {},
    }
    if refused:
        out["503_ms"] = {q: round(pct(refused, q), 1) for q in (50, 90, 99)} | {
            "max": round(max(refused), 1)
        }
        out["503_within_50ms_pct"] = round(100 * sum(x <= 50 for x in refused) / len(refused), 1)
        # the same from the moment the request actually went out: without the generator's own
        # lag (on a starved machine the client itself is late), what the server took
        sent = [(r.latency - r.send_lag) * 1000 for r in results if r.status == "503"]
        out["503_from_send_ms"] = {q: round(pct(sent, q), 1) for q in (50, 90, 99)}
        out["503_from_send_within_50ms_pct"] = round(
            100 * sum(x <= 50 for x in sent) / len(sent), 1
        )
    out["over_5s"] = sum(1 for x in lat if x > 5000)
    by_kind: dict[str, object] = {}
    for kind in KINDS:
        mine = [r for r in results if r.kind == kind]
        if mine:
            ok_kind = [r.latency * 1000 for r in mine if r.status == "200"]
            by_kind[kind] = {
                "sent": len(mine),
                "200": len(ok_kind),
                "ok_p50_p99_ms": [round(pct(ok_kind, 50), 1), round(pct(ok_kind, 99), 1)],
            }
    out["by_kind"] = by_kind
    # when the answers other than 200 came: per 10 s of the schedule
    others = Counter(int(r.scheduled // 10) * 10 for r in results if r.status != "200")
    if others:
        out["not_200_by_10s"] = {f"{t}s": n for t, n in sorted(others.items())}
    lags = [r.send_lag * 1000 for r in results]
    if lags:
        out["send_lag_ms"] = {q: round(pct(lags, q), 1) for q in (50, 99)}
    return out


def report(items: list[dict[str, object]], extra: dict[str, object]) -> None:
    load = os.getloadavg()
    extra = extra | {"loadavg_1_5_15": [round(x, 2) for x in load]}
    for item in items:
        print(json.dumps(item, ensure_ascii=False))
    print(json.dumps(extra, ensure_ascii=False))


def run_import(args: argparse.Namespace, space: Space) -> None:
    """Reads at --rate during a demo-sized import (pohconnect import in a subprocess)."""
    tmp = Path(tempfile.mkdtemp(prefix="pohconnect-load-"))
    env = os.environ | {"POHCONNECT_ENVIRONMENT": "demo", "PYTHONPATH": str(ROOT)}
    env["POHCONNECT_DATABASE_URL"] = args.database_url
    cli = [sys.executable, "-c", "from pohconnect.cli import app; app()"]
    subprocess.run(
        [*cli, "demo", "--out", str(tmp), "--seed", str(args.import_seed)],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    files = sorted(str(p) for p in tmp.glob("*.csv"))

    async def scenario() -> tuple[Run, float, float, float, int]:
        stop = asyncio.Event()
        loop_task = asyncio.create_task(
            open_loop(
                args.url,
                space,
                rate=args.rate,
                duration=args.duration,
                timeout=args.timeout,
                max_requests=args.max_requests,
                seed=args.seed,
                stop=stop,
                client_kind=args.client,
            )
        )
        t0 = time.perf_counter()
        await asyncio.sleep(2)  # a little load before the import starts
        started = time.perf_counter() - t0
        proc = await asyncio.create_subprocess_exec(
            *cli,
            "import",
            *files,
            env=env,
            cwd=str(ROOT),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
        if proc.returncode:
            print(err.decode(errors="replace")[-2000:], file=sys.stderr)
        finished = time.perf_counter() - t0
        await asyncio.sleep(args.after)
        stop.set()
        run, _ = await loop_task
        return run, started, finished, time.perf_counter() - t0, proc.returncode or 0

    run, started, finished, total, code = asyncio.run(scenario())
    during = [r for r in run.results if started <= r.scheduled <= finished]
    report(
        [
            summary("all", run.results, total),
            summary("during_import", during, max(finished - started, 1e-9)),
        ],
        {
            "scenario": "import",
            "import_seconds": round(finished - started, 1),
            "import_exit_code": code,
            "late_sends": run.late_sends,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["rate", "overload", "import"])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--duration", type=float, default=30, help="seconds (import: at most)")
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--max-requests", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--procs", type=int, default=2, help="generator processes")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw")
    parser.add_argument("--database-url", help="import: the server's database")
    parser.add_argument("--import-seed", type=int, default=43)
    parser.add_argument("--token", help="bearer token (pohconnect users token USERNAME)")
    parser.add_argument("--after", type=float, default=10, help="import: seconds after commit")
    args = parser.parse_args()
    check_local(args.url)
    if args.token:
        os.environ["POHCONNECT_BENCH_TOKEN"] = args.token
    if args.rate <= 0 or args.duration <= 0 or args.rate * args.duration > args.max_requests:
        raise SystemExit("rate × duration must lie within --max-requests")
    space = discover(args.url, args.timeout)
    print(
        f"# {len(space.practices)} praktijken, {len(space.kpis)} KPI's, kwartalen "
        f"{space.quarters[0]}..{space.quarters[-1]}, {args.scenario} @ {args.rate:g}/s",
        flush=True,
    )
    if args.scenario == "import":
        if not args.database_url:
            raise SystemExit("import needs --database-url (the server's database)")
        run_import(args, space)
        return
    run, last = open_loop_processes(args, space)
    extra: dict[str, object] = {"scenario": args.scenario, "late_sends": run.late_sends}
    if args.scenario == "overload":
        # recovery is measured from the end of the offered load (the last scheduled send)
        extra["recovery_s"] = round(
            asyncio.run(
                recovery(args.url, space, since=last, timeout=args.timeout, seed=args.seed)
            ),
            2,
        )
    report([summary("all", run.results, args.duration)], extra)


if __name__ == "__main__":
    main()
