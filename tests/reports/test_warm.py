"""After the import's warm-up, the quarterly reports compute no KPI: the scorecards (as the
practice itself sees them), benchmarks, the region's values and the series come from the cache
(only referral flows, which are not warmed, are read)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.kpi import service
from api.reports.assemble import build_practice_report, build_region_report
from api.reports.parts import shift_quarter
from models import Practice
from tests.kpi.test_warm import counted
from tests.reports.conftest import QUARTER, REGION


def test_reports_after_warming_compute_no_kpi(seeded: Session) -> None:
    session = seeded
    for q in (QUARTER, shift_quarter(QUARTER, -1), shift_quarter(QUARTER, -4)):
        service.warm_cache(session, period=q)
    agbs = list(session.scalars(select(Practice.agb).order_by(Practice.agb)))
    with counted() as calls:
        for agb in agbs:
            own = service.CallerScope(own_practices=frozenset({agb}))
            build_practice_report(session, agb=agb, quarter=QUARTER, caller=own)
        build_region_report(session, region=REGION, quarter=QUARTER, caller=service.CallerScope())
    assert calls == []
