"""Teams CRUD (beheerder): the practices and POHs of a teamleider; the team overview."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from api.access import BeheerderOnly, CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Conflict, Forbidden, Invalid, NotFound, problem_responses
from api.kpi import service as kpi_service
from api.kpi.schemas import TeamOverviewRead
from api.org import service as teams
from api.org.schemas import TeamCreate, TeamList, TeamRead, TeamUpdate

router = APIRouter(prefix="/api/v1/teams", tags=["teams"])
SlugP = Annotated[str, Path(examples=["team-noord"])]


def _may_see(principal: PrincipalDep, caller: CallerDep, slug: str) -> bool:
    # the beheerder keeps the teams; everyone else sees the teams of their scope
    return principal.role == "beheerder" or caller.can_see("team", slug)


@router.get("", response_model=TeamList, summary="The teams the caller may see")
def list_teams(
    session: SessionDep, principal: PrincipalDep, caller: CallerDep, region: str | None = None
) -> TeamList:
    out = teams.list_teams(session, region=region)
    out.items = [t for t in out.items if _may_see(principal, caller, t.slug)]
    out.total = len(out.items)
    return out


@router.post(
    "",
    response_model=TeamRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create a team",
    dependencies=[BeheerderOnly],
    responses=problem_responses(Invalid, Conflict, Forbidden),
)
def create_team(session: SessionDep, data: TeamCreate) -> TeamRead:
    return teams.create_team(session, data=data)


@router.get(
    "/{slug}", response_model=TeamRead, summary="One team", responses=problem_responses(NotFound)
)
def get_team(
    session: SessionDep, principal: PrincipalDep, caller: CallerDep, slug: SlugP
) -> TeamRead:
    if not _may_see(principal, caller, slug):  # as if it did not exist
        raise NotFound(f"Team {slug} bestaat niet")
    return teams.get_team(session, slug=slug)


@router.get(
    "/{slug}/overview",
    response_model=TeamOverviewRead,
    summary="Every POH and practice of a team with the key KPIs and overload/wait flags",
    responses=problem_responses(NotFound, Invalid),
)
def get_team_overview(
    session: SessionDep,
    caller: CallerDep,
    slug: SlugP,
    period: Annotated[str, Query(examples=["2025Q3"])],
) -> TeamOverviewRead:
    return kpi_service.get_team_overview(session, team=slug, period=period, caller=caller)


@router.patch(
    "/{slug}",
    response_model=TeamRead,
    summary="Change a team (fields given replace the old ones)",
    dependencies=[BeheerderOnly],
    responses=problem_responses(NotFound, Invalid, Forbidden),
)
def update_team(session: SessionDep, slug: SlugP, data: TeamUpdate) -> TeamRead:
    return teams.update_team(session, slug=slug, data=data)


@router.delete(
    "/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a team",
    dependencies=[BeheerderOnly],
    responses=problem_responses(NotFound, Forbidden),
)
def delete_team(session: SessionDep, slug: SlugP) -> Response:
    teams.delete_team(session, slug=slug)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
