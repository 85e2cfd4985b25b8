"""The foundation's whole path: demo export files → real ingest → KPI engine → API.

The slice's KPI (poh_contacts per practice per quarter) is checked against counts made here,
independently, from the CSV files; and the full demo region, once imported, must show the
Trimbos figures it was calibrated to (domain.md §7) when the engine computes them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from ingest.loader import load_paths
from pohconnect.demo import generate_region

POH_FUNCTIES = {"poh-ggz", "poh-ggz-jeugd"}


def _quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _poh_contacts_by_practice_quarter(contacten: Path) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    with contacten.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["functie"] in POH_FUNCTIES:
                day = dt.datetime.strptime(row["datum"], "%d-%m-%Y").date()
                counts[(row["praktijk_agb"], _quarter(day))] += 1
    return counts


def test_small_region_poh_contacts_per_practice_per_quarter(
    tmp_path: Path, session: Session, api_client
) -> None:  # type: ignore[no-untyped-def]
    region = generate_region(
        tmp_path, seed=7, n_practices=4, start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30)
    )
    reports = load_paths(session, list(region.paths.values()))
    assert all(r.status == "committed" and r.rows_rejected == 0 for r in reports)

    expected = _poh_contacts_by_practice_quarter(region.contacten)
    practices = {agb for agb, _ in expected}
    assert len(practices) == 4

    listed = api_client.get("/api/v1/practices").json()
    assert {p["agb"] for p in listed["items"]} == practices

    for agb in sorted(practices):
        series = api_client.get(
            "/api/v1/kpis/poh_contacts/series",
            params={
                "level": "practice",
                "id": agb,
                "from": "2025-01-01",
                "to": "2025-06-30",
                "grain": "quarter",
            },
        )
        assert series.status_code == 200, series.text
        got = {p["period"]["label"]: p["value"] for p in series.json()["points"]}
        assert got == {
            "2025Q1": expected[(agb, "2025Q1")],
            "2025Q2": expected[(agb, "2025Q2")],
        }
        one = api_client.get(
            "/api/v1/kpis/poh_contacts",
            params={"level": "practice", "id": agb, "period": "2025Q2"},
        ).json()
        assert one["value"] == expected[(agb, "2025Q2")]


@pytest.mark.slow
def test_demo_region_shows_the_trimbos_figures_through_the_engine(
    tmp_path: Path, session: Session, api_client
) -> None:  # type: ignore[no-untyped-def]
    region = generate_region(tmp_path)
    load_paths(session, list(region.paths.values()))
    slug = api_client.get("/api/v1/practices").json()["items"][0]["region"]

    def region_value(kpi: str) -> dict:  # type: ignore[type-arg]
        res = api_client.get(
            f"/api/v1/kpis/{kpi}", params={"level": "region", "id": slug, "period": "2025"}
        )
        assert res.status_code == 200, res.text
        return res.json()

    # Trimbos: 9.2 face-to-face consults per 8-hour day; 62% wait at most two weeks.
    assert region_value("ftf_per_workday")["value"] == pytest.approx(9.2, abs=0.6)
    assert region_value("wait_within_14d_pct")["value"] == pytest.approx(62, abs=5)
