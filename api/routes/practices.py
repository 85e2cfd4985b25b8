from __future__ import annotations

from fastapi import APIRouter

from api.access import CallerDep
from api.deps import SessionDep
from api.org import service as services
from api.org.schemas import PracticeList, RegionList

router = APIRouter(prefix="/api/v1", tags=["practices"])


@router.get(
    "/practices", response_model=PracticeList, summary="Practices with their latest list size"
)
def list_practices(
    session: SessionDep, caller: CallerDep, region: str | None = None
) -> PracticeList:
    out = services.list_practices(session, region=region)
    out.items = [p for p in out.items if caller.can_see("practice", p.agb)]
    out.total = len(out.items)
    return out


@router.get(
    "/regions",
    response_model=RegionList,
    summary="The regions the caller may see as a whole (benchmarks, region figures)",
)
def list_regions(session: SessionDep, caller: CallerDep) -> RegionList:
    out = services.list_regions(session)
    out.items = [r for r in out.items if caller.can_see("region", r.slug)]
    out.total = len(out.items)
    return out
