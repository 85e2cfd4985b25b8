"""The periods for which data exist (what the dashboard's period pickers offer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import CallerDep
from api.deps import SessionDep
from api.errors import Forbidden, NotFound, problem_responses
from api.kpi import service
from api.kpi.schemas import DataPeriodsRead

router = APIRouter(prefix="/api/v1", tags=["kpis"])


@router.get(
    "/periods",
    response_model=DataPeriodsRead,
    summary="Quarters and years with contacts, newest first, and the latest quarter",
    responses=problem_responses(NotFound, Forbidden),
)
def list_periods(
    session: SessionDep,
    caller: CallerDep,
    region: Annotated[str | None, Query(description="Region slug; all regions when absent")] = None,
) -> DataPeriodsRead:
    return service.data_periods(session, region=region, caller=caller)
