"""Data quality of a region: completeness per practice-month, outliers, last import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import CallerDep
from api.deps import SessionDep
from api.errors import Invalid, NotFound, problem_responses
from api.kpi import quality
from api.kpi.quality import QualityRead

router = APIRouter(prefix="/api/v1", tags=["kpis"])


@router.get(
    "/quality",
    response_model=QualityRead,
    summary="Completeness per practice-month (contacts, hours, referrals), outliers against "
    "the practice's own history and the last import per practice",
    responses=problem_responses(NotFound, Invalid),
)
def get_quality(
    session: SessionDep,
    caller: CallerDep,
    region: Annotated[str, Query(description="Region slug or name", examples=["regio-west"])],
    first: Annotated[
        str | None, Query(alias="from", description="First month, JJJJ-MM", examples=["2025-01"])
    ] = None,
    last: Annotated[
        str | None, Query(alias="to", description="Last month, JJJJ-MM", examples=["2025-12"])
    ] = None,
) -> QualityRead:
    return quality.data_quality(session, region=region, first=first, last=last, caller=caller)
