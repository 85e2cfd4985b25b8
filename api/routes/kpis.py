"""KPI catalogue, values and series: thin routes over api.kpi.service."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.access import CallerDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import service
from api.kpi.schemas import KpiList, KpiSeriesRead, KpiValueRead, KpiValuesRead
from api.routes._kpi_common import json_answer, slug_path

router = APIRouter(prefix="/api/v1", tags=["kpis"])

LevelQ = Annotated[
    Literal["provider", "practice", "team", "region"],
    Query(description="Scope level", examples=["practice"]),
]
IdQ = Annotated[
    str,
    Query(
        alias="id",
        description="AGB of a practice, zorgverlener_code of a POH, slug of a team or region",
        examples=["01234567"],
    ),
]
SlugP = slug_path("poh_contacts")


@router.get("/kpis", response_model=KpiList, summary="The KPI catalogue with metadata")
def list_kpis() -> KpiList:
    return service.list_kpis()


@router.get(
    "/kpis/{slug}",
    response_model=KpiValueRead,
    summary="A KPI for one POH, practice, team or region in one period",
    responses=problem_responses(NotFound, Invalid, Forbidden),
)
def get_kpi(
    session: SessionDep,
    caller: CallerDep,
    slug: SlugP,
    level: LevelQ,
    scope_id: IdQ,
    period: Annotated[
        str,
        Query(description="2025Q3, 2025-07, 2025 or 2025-07-01..2025-09-30", examples=["2025Q3"]),
    ],
) -> Response:
    asked = service.ask_values(
        session,
        slug=slug,
        scope=service.ScopeRef(level, scope_id),
        period=period,
        caller=caller,
    )
    return json_answer(session, asked)


@router.get(
    "/values",
    response_model=KpiValuesRead,
    summary="Several KPIs for one POH, practice, team or region and period, with their metadata",
    responses=problem_responses(NotFound, Invalid, Forbidden),
)
def get_values(
    session: SessionDep,
    caller: CallerDep,
    slugs: Annotated[
        list[str],
        Query(
            alias="slug",
            description="KPI slug, repeated: ?slug=poh_contacts&slug=wait_days_intake",
            examples=[["poh_contacts", "wait_days_intake"]],
        ),
    ],
    level: LevelQ,
    scope_id: IdQ,
    period: Annotated[
        str,
        Query(description="2025Q3, 2025-07, 2025 or 2025-07-01..2025-09-30", examples=["2025Q3"]),
    ],
) -> KpiValuesRead:
    return service.get_many_values(
        session,
        slugs=slugs,
        scope=service.ScopeRef(level, scope_id),
        period=period,
        caller=caller,
    )


@router.get(
    "/kpis/{slug}/series",
    response_model=KpiSeriesRead,
    summary="A KPI per month or quarter",
    responses=problem_responses(NotFound, Invalid, Forbidden),
)
def get_kpi_series(
    session: SessionDep,
    caller: CallerDep,
    slug: SlugP,
    level: LevelQ,
    scope_id: IdQ,
    start: Annotated[
        str, Query(alias="from", description="Date or period; its start", examples=["2024Q1"])
    ],
    end: Annotated[
        str, Query(alias="to", description="Date or period; its end", examples=["2025Q4"])
    ],
    grain: Annotated[Literal["month", "quarter"], Query()] = "quarter",
) -> Response:
    asked = service.ask_series(
        session,
        slug=slug,
        scope=service.ScopeRef(level, scope_id),
        start=start,
        end=end,
        grain=grain,
        caller=caller,
    )
    return json_answer(session, asked)
