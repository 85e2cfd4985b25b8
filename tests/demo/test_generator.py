"""The synthetic demo region: reproducible, in the import contract's format, and calibrated.

Calibration targets are the Trimbos figures of domain.md §7 (and §5's references); the files are
read back independently (tests/demo/readback.py) with the definitions of domain.md §4/§5. The
calibration is measured over 2025, the last full year of the default region: the export starts
on 1 January 2024 and, like any export, its first months show episodes that in truth started
earlier (left-censoring), which would inflate intakes in 2024.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from pohconnect.demo import DEFAULT_SEED, REGION_NAME, DemoRegion, generate_region
from pohconnect.demo.generator import HEADERS
from tests.demo import readback

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def _hashes(region: DemoRegion) -> dict[str, str]:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in region.paths.items()}


def _passes_11_proef(digits: str) -> bool:
    padded = digits.zfill(9)
    total = sum(int(c) * w for c, w in zip(padded[:8], range(9, 1, -1), strict=True))
    return (total - int(padded[8])) % 11 == 0


# --- small and fast ---------------------------------------------------------------------------

SMALL = {"n_practices": 4, "start": date(2025, 1, 1), "end": date(2025, 3, 31)}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = generate_region(tmp_path / "a", seed=7, **SMALL)
    second = generate_region(tmp_path / "b", seed=7, **SMALL)
    assert _hashes(first) == _hashes(second)
    assert first.n_contacts == second.n_contacts > 0


def test_other_seed_gives_other_files(tmp_path: Path) -> None:
    first = generate_region(tmp_path / "a", seed=7, **SMALL)
    other = generate_region(tmp_path / "b", seed=8, **SMALL)
    differing = [k for k, h in _hashes(first).items() if _hashes(other)[k] != h]
    assert set(differing) == set(first.paths)


def test_small_region_files_follow_the_import_contract(tmp_path: Path) -> None:
    region = generate_region(tmp_path, **SMALL)
    assert region.name == REGION_NAME
    assert set(region.paths) == {"praktijken", "contacten", "verwijzingen", "uren"}
    for kind, path in region.paths.items():
        assert path.name == f"{kind}.csv"
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")
        header = raw.split(b"\r\n", 1)[0].decode()
        assert tuple(header.split(";")) == HEADERS[kind]
    contacts = readback.read(region.contacten)
    assert all(re.fullmatch(r"\d\d-\d\d-\d{4}", r["datum"]) for r in contacts)
    assert all(re.fullmatch(r"\d\d:\d\d", r["tijd"]) for r in contacts)
    assert all(SMALL["start"] <= readback.parse_date(r["datum"]) <= SMALL["end"] for r in contacts)
    hours = readback.read(region.uren)
    assert all(re.fullmatch(r"\d+,\d\d", r["uren_contract"]) for r in hours)
    assert all(re.fullmatch(r"\d{4}-W\d\d", r["week"]) for r in hours)


# --- the default region -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> DemoRegion:
    return generate_region(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def figures(region: DemoRegion) -> readback.Figures:
    return readback.measure(region.contacten.parent, *YEAR)


@pytest.fixture(scope="module")
def rows(region: DemoRegion) -> dict[str, list[dict[str, str]]]:
    return {kind: readback.read(path) for kind, path in region.paths.items()}


@pytest.mark.slow
def test_default_region_summary(region: DemoRegion) -> None:
    assert region.seed == DEFAULT_SEED
    assert region.n_practices == 25
    assert 18 <= region.n_pohs <= 22
    assert region.n_poh_contacts > 30_000
    outliers = (
        region.long_wait_practice,
        region.many_referrals_practice,
        region.low_hours_practice,
    )
    assert None not in outliers and len(set(outliers)) == 3
    assert len(region.overloaded_pohs) >= 3


@pytest.mark.slow
def test_ftf_per_workday_matches_trimbos(figures: readback.Figures) -> None:
    assert figures.ftf_per_day == pytest.approx(9.2, abs=0.6)
    per_poh = figures.ftf_per_day_by_poh.values()
    assert min(per_poh) <= 6
    assert max(per_poh) >= 11
    assert sum(v >= 10 for v in per_poh) >= 3  # a few overloaded POHs


@pytest.mark.slow
def test_intakes_and_durations_match_trimbos(figures: readback.Figures) -> None:
    assert figures.intakes_per_day == pytest.approx(2.0, abs=0.4)
    assert figures.intake_minutes == pytest.approx(50, abs=4)
    assert figures.followup_minutes == pytest.approx(37, abs=3)
    assert figures.direct_pct == pytest.approx(83, abs=2)
    assert 4 <= figures.contacts_per_episode <= 7


@pytest.mark.slow
def test_waiting_times_match_trimbos(figures: readback.Figures, region: DemoRegion) -> None:
    for measured, target in zip(figures.wait_buckets, (0.09, 0.53, 0.24, 0.14), strict=True):
        assert measured == pytest.approx(target, abs=0.05)
    medians = figures.wait_median_by_practice
    assert medians[region.long_wait_practice] > 21
    others = [v for k, v in medians.items() if k != region.long_wait_practice]
    assert max(others) <= 16


@pytest.mark.slow
def test_case_mix_is_led_by_anxiety_depression_and_burnout(figures: readback.Figures) -> None:
    top = list(figures.case_mix)[:3]
    assert set(top) == {"angst", "depressie", "overspanning"}


@pytest.mark.slow
def test_ggz_referrals(figures: readback.Figures, rows: dict, region: DemoRegion) -> None:
    assert 0.15 <= figures.ggz_referral_share <= 0.25
    referrals = rows["verwijzingen"]
    written = {r["bestemming"] for r in referrals}
    assert {"gb-ggz", "s-ggz", "PTH", "GGZ", "poh-ggz", "ehealth"} <= written
    assert written & {"AMW", "SOD", "sociaal-domein"}
    assert any(r["echelon"] for r in referrals)
    assert any(not r["echelon"] for r in referrals)
    # the outlier practice refers the largest share of its patients to the GGZ
    ggz = ("gb-ggz", "s-ggz", "GGZ", "PSY", "PTH", "ELP", "VER")
    referred: dict[str, set[str]] = defaultdict(set)
    for r in referrals:
        if r["bestemming"] in ggz:
            referred[r["praktijk_agb"]].add(r["patientnummer"])
    poh_patients: dict[str, set[str]] = defaultdict(set)
    for r in rows["contacten"]:
        if r["functie"] in readback.POH:
            poh_patients[r["praktijk_agb"]].add(r["patientnummer"])
    share = {k: len(referred[k] & v) / len(v) for k, v in poh_patients.items()}
    assert max(share, key=share.__getitem__) == region.many_referrals_practice
    # some patients go straight from the huisarts to the GGZ
    assert any(referred[k] - poh_patients[k] for k in referred)


@pytest.mark.slow
def test_practices_and_list_sizes(rows: dict) -> None:
    practices = rows["praktijken"]
    agbs = {r["praktijk_agb"] for r in practices}
    assert len(agbs) == 25
    assert all(re.fullmatch(r"\d{8}", a) for a in agbs)
    assert all(1500 <= int(r["ingeschreven_patienten"]) <= 12000 for r in practices)
    first = [int(r["ingeschreven_patienten"]) for r in practices if r["peildatum"] == "01-01-2024"]
    assert min(first) < 2000 and max(first) > 9000
    assert {r["peildatum"] for r in practices} == {
        "01-01-2024",
        "01-07-2024",
        "01-01-2025",
        "01-07-2025",
    }
    assert {r["regio"] for r in practices} == {REGION_NAME}


@pytest.mark.slow
def test_pohs_hours_and_norm(rows: dict, region: DemoRegion) -> None:
    hours = [r for r in rows["uren"] if r["week"] == "2025-W10"]
    per_poh: dict[str, float] = defaultdict(float)
    practices_of: dict[str, set[str]] = defaultdict(set)
    for r in hours:
        per_poh[r["zorgverlener_code"]] += readback.number(r["uren_contract"])
        practices_of[r["zorgverlener_code"]].add(r["praktijk_agb"])
    assert 18 <= len(per_poh) <= 22
    assert all(8 <= h <= 36 for h in per_poh.values())
    assert sum(len(p) >= 2 for p in practices_of.values()) / len(per_poh) >= 0.55
    # hours against the norm of 16 h/week per 2,350 listed patients
    listed = {
        r["praktijk_agb"]: int(r["ingeschreven_patienten"])
        for r in rows["praktijken"]
        if r["peildatum"] == "01-01-2025"
    }
    contract: dict[str, float] = defaultdict(float)
    for r in hours:
        contract[r["praktijk_agb"]] += readback.number(r["uren_contract"])
    pct = {k: contract[k] / (16 * listed[k] / 2350) for k in listed}
    assert min(pct, key=pct.__getitem__) == region.low_hours_practice
    assert pct[region.low_hours_practice] < 0.5
    # worked hours dip in the summer and direct + indirect = worked
    all_hours = rows["uren"]
    for r in all_hours:
        total = readback.number(r["uren_direct"]) + readback.number(r["uren_indirect"])
        assert total == pytest.approx(readback.number(r["uren_gewerkt"]))

    def worked(weeks: range) -> float:
        labels = {f"2025-W{w:02d}" for w in weeks}
        return sum(readback.number(r["uren_gewerkt"]) for r in all_hours if r["week"] in labels)

    assert worked(range(29, 33)) < 0.8 * worked(range(37, 41))


@pytest.mark.slow
def test_contacts_look_like_a_his_export(rows: dict) -> None:
    contacts = rows["contacten"]
    assert all(readback.parse_date(r["datum"]).weekday() < 5 for r in contacts)
    ids = [r["contact_id"] for r in contacts]
    assert len(set(ids)) == len(ids)
    gp = [r for r in contacts if r["functie"] == "huisarts"]
    consult_codes = {"12000", "12001", "12010", "12011", "12003"}
    assert gp and all(r["verrichtingcode"] in consult_codes for r in gp)
    forms = {r["contactvorm"] for r in contacts if r["functie"] in readback.POH}
    assert forms == {"consult", "visite", "telefonisch", "video", "e-consult", "groep"}
    assert {r["functie"] for r in contacts} == {"huisarts", "poh-ggz", "poh-ggz-jeugd"}
    assert any(r["episode_id"] for r in contacts) and any(not r["episode_id"] for r in contacts)
    # patient numbers never pass the BSN 11-proef, and no code looks like a BSN
    numbers = {r["patientnummer"] for r in contacts}
    assert all(n.isdigit() and 6 <= len(n) <= 7 for n in numbers)
    assert not any(_passes_11_proef(n) for n in numbers)
    codes = {r["zorgverlener_code"] for r in contacts} | {r["praktijk_agb"] for r in contacts}
    assert not any(_passes_11_proef(c) for c in codes)
    # patients: about 89% adults, a few X/O
    by_patient = {
        (r["praktijk_agb"], r["patientnummer"]): r for r in contacts if r["functie"] in readback.POH
    }
    adults = sum(
        readback.parse_date(r["datum"]).year - int(r["geboortejaar"]) >= 18
        for r in by_patient.values()
    )
    assert adults / len(by_patient) == pytest.approx(0.89, abs=0.04)
    sexes = {r["geslacht"] for r in by_patient.values()}
    assert sexes == {"M", "V", "X", "O"}


@pytest.mark.slow
def test_chronic_episodes_bridging_and_missing_aanmelding(rows: dict) -> None:
    contacts, referrals = rows["contacten"], rows["verwijzingen"]
    eps = readback.episodes(contacts)
    spans = [(readback.parse_date(e.contacts[-1]["datum"]) - e.intake).days for e in eps]
    assert 3 <= sum(s > 365 for s in spans) <= 0.05 * len(eps)
    # overbruggingszorg: POH contacts after a GGZ referral
    ggz_dates: dict[tuple[str, str], list[date]] = defaultdict(list)
    for r in referrals:
        if r["bestemming"] in ("gb-ggz", "s-ggz", "GGZ", "PSY", "PTH", "ELP", "VER"):
            ggz_dates[(r["praktijk_agb"], r["patientnummer"])].append(
                readback.parse_date(r["datum"])
            )
    bridging = 0
    for r in contacts:
        key = (r["praktijk_agb"], r["patientnummer"])
        if r["functie"] in readback.POH and key in ggz_dates:
            day = readback.parse_date(r["datum"])
            bridging += any(d < day <= d + timedelta(days=182) for d in ggz_dates[key])
    assert bridging > 100
    # a few episodes without any aanmelding
    in_2025 = [e for e in eps if YEAR[0] <= e.intake <= YEAR[1]]
    waits = readback.waiting_days(in_2025, contacts, referrals)
    missing = 1 - len(waits) / len(in_2025)
    assert 0.02 <= missing <= 0.10


def test_generate_region_writes_csv_readable_by_the_csv_module(tmp_path: Path) -> None:
    region = generate_region(tmp_path, n_practices=3, start=date(2025, 5, 1), end=date(2025, 6, 30))
    with region.verwijzingen.open(encoding="utf-8", newline="") as fh:
        dialect = csv.Sniffer().sniff(fh.read(2048))
    assert dialect.delimiter == ";"
