"""An independent read-back of the demo files with the definitions of domain.md §4/§5.

Deliberately plain: the csv module and a few loops, no product code (not the ingest, not the
KPI engine), so the calibration tests check the generator against the specification rather
than against another implementation of it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from statistics import median

FTF = ("consult", "visite", "groep")
POH = ("poh-ggz", "poh-ggz-jeugd")
GROUPS = {
    "P01": "angst",
    "P74": "angst",
    "P03": "depressie",
    "P76": "depressie",
    "P78": "overspanning",
    "Z29.01": "overspanning",
    "P02": "stress/trauma",
    "P06": "slaap",
}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def parse_date(text: str) -> date:
    day, month, year = text.split("-")
    return date(int(year), int(month), int(day))


def number(text: str) -> float:
    return float(text.replace(",", "."))


def week_thursday(label: str) -> date:
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 4)


def icpc_group(code: str) -> str:
    if code == "Z29.01":
        return "overspanning"
    parent = code.split(".")[0]
    if parent in GROUPS:
        return GROUPS[parent]
    return "sociaal" if parent.startswith("Z") else "overig"


@dataclass
class Episode:
    practice: str
    patient: str
    provider: str
    contacts: list[dict[str, str]]

    @property
    def intake(self) -> date:
        return parse_date(self.contacts[0]["datum"])


def episodes(contacts: list[dict[str, str]]) -> list[Episode]:
    """POH contacts per (practice, patient) in date order, split at gaps > 182 days."""
    by_patient: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in contacts:
        if row["functie"] in POH:
            by_patient[(row["praktijk_agb"], row["patientnummer"])].append(row)
    result = []
    for (practice, patient), rows in by_patient.items():
        rows.sort(key=lambda r: (parse_date(r["datum"]), r["tijd"]))
        current: list[dict[str, str]] = []
        for row in rows:
            if current and (parse_date(row["datum"]) - parse_date(current[-1]["datum"])).days > 182:
                result.append(Episode(practice, patient, current[0]["zorgverlener_code"], current))
                current = []
            current.append(row)
        result.append(Episode(practice, patient, current[0]["zorgverlener_code"], current))
    return result


def waiting_days(
    eps: list[Episode], contacts: list[dict[str, str]], referrals: list[dict[str, str]]
) -> dict[int, int]:
    """Days from aanmelding to intake per episode index (episodes without one are left out)."""
    refs: dict[tuple[str, str], list[date]] = defaultdict(list)
    for row in referrals:
        if row["bestemming"] == "poh-ggz":
            refs[(row["praktijk_agb"], row["patientnummer"])].append(parse_date(row["datum"]))
    gp: dict[tuple[str, str], list[date]] = defaultdict(list)
    for row in contacts:
        if row["functie"] == "huisarts" and row["icpc"][:1] in ("P", "Z"):
            gp[(row["praktijk_agb"], row["patientnummer"])].append(parse_date(row["datum"]))
    waits = {}
    for i, ep in enumerate(eps):
        key = (ep.practice, ep.patient)
        window_start = ep.intake - timedelta(days=90)
        candidates = [d for d in refs.get(key, []) if window_start <= d <= ep.intake]
        if not candidates:
            candidates = [d for d in gp.get(key, []) if window_start <= d <= ep.intake]
        if candidates:
            waits[i] = (ep.intake - max(candidates)).days
    return waits


@dataclass
class Figures:
    ftf_per_day: float
    ftf_per_day_by_poh: dict[str, float]
    intakes_per_day: float
    intake_minutes: float
    followup_minutes: float
    wait_buckets: tuple[float, float, float, float]
    wait_median_by_practice: dict[str, float]
    case_mix: dict[str, float]
    contacts_per_episode: float
    direct_pct: float
    ggz_referral_share: float


def measure(folder: Path, first: date, last: date) -> Figures:
    """The calibration figures for episodes, contacts and hours in [first, last]."""
    contacts = read(folder / "contacten.csv")
    referrals = read(folder / "verwijzingen.csv")
    hours = read(folder / "uren.csv")

    def inside(row: dict[str, str]) -> bool:
        return first <= parse_date(row["datum"]) <= last

    worked: dict[str, float] = defaultdict(float)
    direct = indirect = 0.0
    for row in hours:
        if first <= week_thursday(row["week"]) <= last:
            worked[row["zorgverlener_code"]] += number(row["uren_gewerkt"] or row["uren_contract"])
            direct += number(row["uren_direct"])
            indirect += number(row["uren_indirect"])
    ftf: dict[str, int] = defaultdict(int)
    for row in contacts:
        if row["functie"] in POH and row["contactvorm"] in FTF and inside(row):
            ftf[row["zorgverlener_code"]] += 1
    total_days = sum(worked.values()) / 8

    eps = episodes(contacts)
    in_period = [i for i, ep in enumerate(eps) if first <= ep.intake <= last]
    intake_min, follow_min = [], []
    for i in in_period:
        for j, row in enumerate(eps[i].contacts):
            if row["contactvorm"] in ("consult", "visite"):
                (follow_min if j else intake_min).append(number(row["duur_minuten"]))
    waits = waiting_days(eps, contacts, referrals)
    period_waits = [waits[i] for i in in_period if i in waits]
    n_w = len(period_waits)
    buckets = (
        sum(w < 7 for w in period_waits) / n_w,
        sum(7 <= w <= 14 for w in period_waits) / n_w,
        sum(15 <= w <= 21 for w in period_waits) / n_w,
        sum(w >= 22 for w in period_waits) / n_w,
    )
    by_practice: dict[str, list[int]] = defaultdict(list)
    for i in in_period:
        if i in waits:
            by_practice[eps[i].practice].append(waits[i])
    mix: dict[str, int] = defaultdict(int)
    for i in in_period:
        code = eps[i].contacts[0]["icpc"]
        mix[icpc_group(code) if code else "onbekend"] += 1

    ggz = ("gb-ggz", "s-ggz", "GGZ", "PSY", "PTH", "ELP", "VER")
    ggz_refs: dict[tuple[str, str], list[date]] = defaultdict(list)
    for row in referrals:
        if row["bestemming"] in ggz:
            ggz_refs[(row["praktijk_agb"], row["patientnummer"])].append(parse_date(row["datum"]))
    referred = 0
    for i in in_period:
        ep = eps[i]
        end = parse_date(ep.contacts[-1]["datum"]) + timedelta(days=30)
        dates = ggz_refs.get((ep.practice, ep.patient), [])
        referred += any(ep.intake <= d <= end for d in dates)

    n_eps = len(in_period)
    return Figures(
        ftf_per_day=sum(ftf.values()) / total_days,
        ftf_per_day_by_poh={c: ftf[c] / (h / 8) for c, h in worked.items() if h > 0},
        intakes_per_day=n_eps / total_days,
        intake_minutes=sum(intake_min) / len(intake_min),
        followup_minutes=sum(follow_min) / len(follow_min),
        wait_buckets=buckets,
        wait_median_by_practice={k: median(v) for k, v in by_practice.items()},
        case_mix={k: v / n_eps for k, v in sorted(mix.items(), key=lambda kv: -kv[1])},
        contacts_per_episode=sum(len(eps[i].contacts) for i in in_period) / n_eps,
        direct_pct=100 * direct / (direct + indirect),
        ggz_referral_share=referred / n_eps,
    )
