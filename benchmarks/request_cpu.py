"""Server CPU per API request, independent of how busy the machine is (docs/benchmarks.md).

    python benchmarks/request_cpu.py --database-url sqlite:////tmp/demo.sqlite3 [--kinds all]
        [--requests 400] [--user demo-regio] [--port 8799]

Starts ``pohconnect serve --workers 1`` on 127.0.0.1 on a demo database (``pohconnect demo
--no-serve --database-url …``), draws ``--requests`` requests from the load benchmark's request
space (benchmarks/load.py: scorecard, benchmark, KPI value and series of every practice and
the last 6 quarters) and sends them one after the other, twice. Prints the server process's CPU
time (user + system, from /proc) per request for each pass: the first pass finds the results
in the database's KPI cache but presents each answer for the first time in this worker; the
second finds the worker's remembered answers (api/kpi/answers.py). Stops the server at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # benchmarks/load.py: the request space


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--kinds", default="all", help="scorecard,benchmark,kpi,series or all")
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--user", default="demo-regio")
    ap.add_argument("--port", type=int, default=8799)
    args = ap.parse_args()
    env = dict(os.environ, POHCONNECT_DATABASE_URL=args.database_url, POHCONNECT_ENVIRONMENT="demo")
    cli = [str(Path(sys.executable).with_name("pohconnect"))]
    token = subprocess.check_output([*cli, "users", "token", args.user], env=env, text=True)
    env["POHCONNECT_BENCH_TOKEN"] = os.environ["POHCONNECT_BENCH_TOKEN"] = token.split()[-1]
    server = subprocess.Popen(
        [*cli, "serve", "--workers", "1", "--host", "127.0.0.1", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{args.port}"

    def cpu_seconds() -> float:
        total = 0
        for pid in subprocess.check_output(["pgrep", "-g", str(server.pid)]).split():
            try:
                fields = Path(f"/proc/{int(pid)}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    try:
        with httpx.Client(base_url=url, headers=load.auth_headers(), timeout=60) as client:
            for _ in range(240):
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.25)
            space = load.discover(url, 60)
            kinds = load.KINDS if args.kinds == "all" else tuple(args.kinds.split(","))
            rng = random.Random(7)
            todo: list[tuple[str, str, dict[str, str]]] = []
            while len(todo) < args.requests:
                kind, path, params = space.draw(rng)
                if kind in kinds:
                    todo.append((kind, path, params))
            passes = ("eerste ronde (antwoord nieuw in dit proces)", "tweede ronde (onthouden)")
            for label in passes:
                before, start = cpu_seconds(), time.perf_counter()
                codes: dict[int, int] = {}
                for _kind, path, params in todo:
                    status = client.get(path, params=params).status_code
                    codes[status] = codes.get(status, 0) + 1
                cpu = (cpu_seconds() - before) / len(todo) * 1000
                wall = (time.perf_counter() - start) / len(todo) * 1000
                print(f"{label}: server-CPU {cpu:.2f} ms/verzoek, wandklok {wall:.2f} ms, {codes}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
