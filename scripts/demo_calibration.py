"""Generate the default demo region, time it, and print the calibration figures of docs/demo.md.

    .venv/bin/python -m scripts.demo_calibration [--seed 2025]     (from the repository root)

The figures come from tests/demo/readback.py (csv module + the definitions of domain.md §4/§5),
measured over 2025, the last full year of the default region.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from pohconnect.demo import DEFAULT_SEED, generate_region
from tests.demo import readback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        region = generate_region(Path(tmp), seed=args.seed)
        seconds = time.perf_counter() - began
        f = readback.measure(Path(tmp), date(2025, 1, 1), date(2025, 12, 31))
        whole = readback.measure(Path(tmp), region.start, region.end)
        hours = readback.read(region.uren)
        practices = readback.read(region.praktijken)
        contacts = readback.read(region.contacten)

    contract: dict[str, float] = defaultdict(float)
    in_practices: dict[str, set[str]] = defaultdict(set)
    for row in hours:
        if row["week"] == "2025-W10":
            contract[row["zorgverlener_code"]] += readback.number(row["uren_contract"])
            in_practices[row["zorgverlener_code"]].add(row["praktijk_agb"])
    listed = {
        r["praktijk_agb"]: int(r["ingeschreven_patienten"])
        for r in practices
        if r["peildatum"] == "01-01-2025"
    }
    poh_2025 = sum(
        1 for r in contacts if r["functie"] in readback.POH and r["datum"].endswith("2025")
    )
    per_poh = f.ftf_per_day_by_poh.values()
    medians = f.wait_median_by_practice
    others = [v for k, v in medians.items() if k != region.long_wait_practice]
    print(f"generated in {seconds:.2f} s: {region}")
    print(f"ftf per 8-h day            {f.ftf_per_day:.2f} (whole period {whole.ftf_per_day:.2f})")
    print(f"  per POH min - max        {min(per_poh):.1f} - {max(per_poh):.1f}")
    print(f"  POHs >= 10               {sum(v >= 10 for v in per_poh)} of {len(per_poh)}")
    print(f"intakes per 8-h day        {f.intakes_per_day:.2f} (whole {whole.intakes_per_day:.2f})")
    print(f"intake / follow-up minutes {f.intake_minutes:.1f} / {f.followup_minutes:.1f}")
    print("wait buckets               " + " / ".join(f"{100 * b:.1f}" for b in f.wait_buckets))
    print(f"median wait long / others  {medians[region.long_wait_practice]} / "
          f"{min(others)}-{max(others)}")  # fmt: skip
    print(
        "case mix                   "
        + ", ".join(f"{k} {100 * v:.0f}%" for k, v in f.case_mix.items())
    )
    print(f"direct share               {f.direct_pct:.1f}%")
    print(f"GGZ referral share         {100 * f.ggz_referral_share:.1f}%")
    cpe, cpe_whole = f.contacts_per_episode, whole.contacts_per_episode
    print(f"contacts per episode       {cpe:.2f} (whole {cpe_whole:.2f})")
    multi = sum(len(p) >= 2 for p in in_practices.values()) / len(in_practices)
    print(f"POHs in >= 2 practices     {100 * multi:.0f}%")
    print(f"mean contract h/POH        {sum(contract.values()) / len(contract):.1f}")
    print(f"POH contacts /1000/yr 2025 {1000 * poh_2025 / sum(listed.values()):.0f}")
    by_practice: dict[str, float] = defaultdict(float)
    for row in hours:
        if row["week"] == "2025-W10":
            by_practice[row["praktijk_agb"]] += readback.number(row["uren_contract"])
    pct = {k: 100 * by_practice[k] / (16 * n / 2350) for k, n in listed.items()}
    rest = [v for k, v in pct.items() if k != region.low_hours_practice]
    region_pct = 100 * sum(by_practice.values()) / (16 * sum(listed.values()) / 2350)
    print(
        f"hours vs norm (2025-W10)   low-hours practice {pct[region.low_hours_practice]:.0f}%, "
        f"others {min(rest):.0f}-{max(rest):.0f}%, region {region_pct:.0f}%"
    )


if __name__ == "__main__":
    main()
