"""Referral flows for a Sankey diagram."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.access import CallerDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import service
from api.kpi.schemas import ReferralFlowsRead

router = APIRouter(prefix="/api/v1", tags=["referrals"])


@router.get(
    "/referrals/flows",
    response_model=ReferralFlowsRead,
    summary="Flows huisarts → POH → destination and huisarts → destination",
    responses=problem_responses(NotFound, Invalid, Forbidden),
)
def get_flows(
    session: SessionDep,
    caller: CallerDep,
    level: Annotated[Literal["provider", "practice", "team", "region"], Query()],
    scope_id: Annotated[str, Query(alias="id", examples=["regio-west"])],
    period: Annotated[str, Query(examples=["2025Q3"])],
) -> ReferralFlowsRead:
    return service.get_referral_flows(
        session, scope=service.ScopeRef(level, scope_id), period=period, caller=caller
    )
