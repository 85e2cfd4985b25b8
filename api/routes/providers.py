"""Zorgverleners (POHs by default) with the practices they work in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import CallerDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.org import service as services
from api.org.schemas import ProviderList
from models.enums import POH_GGZ_FUNCTIES, Functie

router = APIRouter(prefix="/api/v1", tags=["providers"])


@router.get(
    "/providers",
    response_model=ProviderList,
    summary="Zorgverleners (default: POH-GGZ and POH-GGZ jeugd) with their practices",
    responses=problem_responses(Invalid, Forbidden, NotFound),
)
def list_providers(
    session: SessionDep,
    caller: CallerDep,
    region: Annotated[
        str | None, Query(description="Only those working in this region", examples=["regio-west"])
    ] = None,
    practice: Annotated[
        str | None, Query(description="Only those working in this practice (AGB)")
    ] = None,
    functie: Annotated[
        list[Functie] | None,
        Query(description="Repeatable; default poh-ggz and poh-ggz-jeugd"),
    ] = None,
) -> ProviderList:
    functies = [f.value for f in functie] if functie else list(POH_GGZ_FUNCTIES)
    return services.list_providers(
        session, region=region, practice=practice, functies=functies, caller=caller
    )
