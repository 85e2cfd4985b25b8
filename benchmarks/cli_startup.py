"""Benchmark of the command line's start: ``pohconnect --help`` and ``pohconnect import --help``.

    python benchmarks/cli_startup.py --runs 11

Each run starts the installed ``pohconnect`` entry point (next to this interpreter) as a
subprocess and measures its wall time and its CPU time (user + system, from ``wait4``). The
median and the spread are printed per command, with the 1-minute load average before and after,
because on a shared machine the wall time follows the load and the CPU time much less.
Target (issue 8): both under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS: tuple[tuple[str, ...], ...] = (("--help",), ("import", "--help"), ("report", "--help"))


def entry_point() -> str:
    candidate = Path(sys.executable).with_name("pohconnect")
    if not candidate.exists():
        raise SystemExit(f"{candidate} bestaat niet: installeer eerst met pip install -e .")
    return str(candidate)


def one_run(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one start of ``argv``."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} eindigde met status {status}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    program = entry_point()
    one_run([program, "--help"])  # page cache and .pyc files, not counted
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for command in COMMANDS:
        runs = [one_run([program, *command]) for _ in range(args.runs)]
        walls = sorted(wall for wall, _ in runs)
        cpus = sorted(cpu for _, cpu in runs)
        print(
            f"pohconnect {' '.join(command):<16} wall median {statistics.median(walls):.3f} s "
            f"(min {walls[0]:.3f}, max {walls[-1]:.3f}); "
            f"CPU median {statistics.median(cpus):.3f} s"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
