"""Practice scorecard: every KPI for one practice against its region (JSON, CSV or XLSX)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api import audit
from api.access import CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import answers, export, service
from api.kpi.schemas import ScorecardRead
from api.routes._kpi_common import (
    EXPORT_RESPONSES,
    CsvDialect,
    ExportFormat,
    json_answer,
    negotiated,
    wanted_format,
)

router = APIRouter(prefix="/api/v1", tags=["scorecard"])


@router.get(
    "/practices/{agb}/scorecard",
    response_model=ScorecardRead,
    summary="Every KPI for one practice against its region",
    responses={**problem_responses(NotFound, Invalid, Forbidden), **EXPORT_RESPONSES},
)
def get_scorecard(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    principal: PrincipalDep,
    agb: Annotated[str, Path(examples=["01234567"])],
    period: Annotated[str, Query(examples=["2025Q3"])],
    fmt: Annotated[ExportFormat | None, Query(alias="format")] = None,
    dialect: CsvDialect = "nl",
) -> ScorecardRead | Response:
    asked = service.ask_scorecard(session, agb=agb, period=period, caller=caller)
    if wanted_format(request, fmt) == "json":
        return json_answer(session, asked)
    sc = answers.answer(session, asked)
    return negotiated(
        request,
        fmt,
        sc,
        export.scorecard_rows,
        filename=f"scorecard_{agb}_{sc.period.label}",
        on_export=lambda chosen: audit.record(
            session,
            action=audit.Action.EXPORT,
            actor=principal.actor,
            resource=f"scorecard:{agb}:{sc.period.label}",
            scope=f"practice:{agb}",
            detail={"format": chosen},
        ),
        dialect=dialect,
        title="Scorecard",
        meta=[
            f"{sc.name} ({sc.agb})",
            f"Regio {sc.region_name or sc.region}",
            f"Periode {sc.period.label}",
        ],
    )
