"""Benchmark of the quarterly batch: `pohconnect report all` on the demo region.

    python benchmarks/reports.py --db ~/.local/share/pohconnect/demo.sqlite3 --quarter 2025Q3

(``pohconnect demo --no-serve`` makes that database: 25 practices, two years.) The database is
copied to a scratch file first, so the original is never written. Each run starts the command
as a subprocess — PDF and XLSX of every practice and of the region — and measures wall time,
CPU time (user + system, the command and its render processes), the peak resident memory of
the largest single process (as ``/usr/bin/time -v`` reports it: with ``--demo`` that is the
demo's import, so the largest process of the batch is also sampled) and the peak of the whole
process tree (sampled from /proc every 50 ms), and the load average before and after.

``--demo`` makes that database first, with a fresh ``pohconnect demo --no-serve`` in the scratch
directory, and reports how long the demo took and its KPI warm-up (the line it prints): run 1
is then the first batch right after an import, as a region sees it each quarter.

``--cold`` empties the KPI result cache of the copy before each run (the first batch after an
import that was not followed by ``pohconnect kpi warm``); by default the copy keeps the cache it
has, and runs after the first reuse what the first one computed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            out.append(int(p.name))
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(pid: int) -> tuple[int, int]:
    """The resident memory of a process tree: its sum and its largest process."""
    todo, total, largest = [pid], 0, 0
    while todo:
        p = todo.pop()
        rss = _rss_kb(p)
        total, largest = total + rss, max(largest, rss)
        todo.extend(_children(p))
    return total, largest


def run_once(db: Path, quarter: str, out: Path, jobs: int) -> dict[str, float]:
    env = {**os.environ, "POHCONNECT_DATABASE_URL": f"sqlite:///{db}", "COLUMNS": "100"}
    cmd = [sys.executable, "-c", "from pohconnect.cli import app; app()", "report", "all",
           "--quarter", quarter, "--out", str(out)]  # fmt: skip
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    peak_tree = peak_one = 0
    while proc.poll() is None:
        total, largest = _tree_rss_kb(proc.pid)
        peak_tree, peak_one = max(peak_tree, total), max(peak_one, largest)
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    output = proc.stdout.read() if proc.stdout else ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(output)
        raise SystemExit(f"report all failed with exit status {proc.returncode}")
    files = list(out.iterdir())
    return {
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        # ru_maxrss of the children is the largest of every child so far (with --demo: the
        # demo's import); the batch's own largest process is sampled
        "max_rss_mb": after.ru_maxrss / 1024,
        "one_rss_mb": peak_one / 1024,
        "tree_rss_mb": peak_tree / 1024,
        "files": len(files),
        "pdf": sum(1 for f in files if f.suffix == ".pdf"),
        "xlsx": sum(1 for f in files if f.suffix == ".xlsx"),
        "load_before": load0,
        "load_after": os.getloadavg()[0],
    }


def _demo(db: Path) -> None:
    """A fresh demo region in ``db``: its import, then its KPI warm-up."""
    cmd = [sys.executable, "-c", "from pohconnect.cli import app; app()", "demo", "--no-serve",
           "--database-url", f"sqlite:///{db}"]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = " ".join(proc.stdout.split())
    warm = text[text.find("KPI's van") :].split(" Inloggen")[0] if "KPI's van" in text else "?"
    print(f"demo: {wall:.1f} s wall, {cpu:.1f} s CPU, load {load0:.1f} / {os.getloadavg()[0]:.1f}")
    print(f"demo warm-up: {warm}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path, help="SQLite database of the demo region")
    where.add_argument("--demo", action="store_true", help="make a fresh demo database first")
    ap.add_argument("--quarter", default="2025Q3")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=0, help="--jobs of the command (0: its default)")
    ap.add_argument("--cold", action="store_true", help="empty the KPI cache before each run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pohconnect-bench-") as tmp:
        db = Path(tmp) / "demo.sqlite3"
        if args.demo:
            _demo(db)
        else:
            shutil.copyfile(args.db, db)
        print(f"cores {os.cpu_count()}; quarter {args.quarter}; {'cold' if args.cold else 'warm'}")
        print(
            "run  wall s  cpu s  max rss MB  largest MB  tree rss MB  files (pdf+xlsx)"
            "  load before/after"
        )
        for i in range(args.runs):
            if args.cold:
                subprocess.run(
                    [sys.executable, "-c", "from pohconnect.cli import app; app()", "kpi",
                     "invalidate"],
                    cwd=ROOT,
                    env={**os.environ, "POHCONNECT_DATABASE_URL": f"sqlite:///{db}"},
                    check=True,
                    capture_output=True,
                )  # fmt: skip
            out = Path(tmp) / f"out{i}"
            r = run_once(db, args.quarter, out, args.jobs)
            print(
                f"{i + 1:>3}  {r['wall_s']:6.1f}  {r['cpu_s']:5.1f}  {r['max_rss_mb']:10.0f}  "
                f"{r['one_rss_mb']:10.0f}  "
                f"{r['tree_rss_mb']:11.0f}  {r['files']:>5} ({r['pdf']}+{r['xlsx']})  "
                f"{r['load_before']:.1f} / {r['load_after']:.1f}"
            )
            shutil.rmtree(out)


if __name__ == "__main__":
    main()
