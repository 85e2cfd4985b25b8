"""End to end with the real loader: an import invalidates cached KPI results."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from api.kpi import service
from api.kpi.schemas import KpiValueRead
from ingest.loader import load_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
OWN = service.CallerScope(own_all=True)


def _kpi(session: Session, slug: str) -> KpiValueRead:
    return service.get_values(
        session,
        slug=slug,
        scope=service.ScopeRef("practice", "01000003"),
        period="2025Q1",
        caller=OWN,
    )


def test_import_changes_cached_kpis(session: Session) -> None:
    load_file(session, FIXTURES / "praktijken.csv")
    before = _kpi(session, "poh_contacts")
    assert before.value == 0 and before.benchmark is not None
    load_file(session, FIXTURES / "contacten_bom.csv")
    after = _kpi(session, "poh_contacts")
    assert after.value == 2 and after.data_version != before.data_version
    # huisarts contact with P03 on 3 Feb, POH intake on 10 Feb → 7 days;
    # the huisarts contact comes after the intake → no waiting time
    wait = _kpi(session, "wait_days_intake")
    assert (wait.value, wait.denominator) == (7.0, 1)
    assert _kpi(session, "poh_reach_per_1000").denominator == 1875
    # importing the same file again changes nothing, and the figures stay the same
    load_file(session, FIXTURES / "contacten_bom.csv")
    assert _kpi(session, "poh_contacts").value == 2
