"""Practice scorecard: every KPI for one practice against its region (JSON, CSV or XLSX)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.access import CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import export, service
from api.kpi.schemas import ScorecardRead
from api.routes._kpi_common import (
    EXPORT_RESPONSES,
    CsvDialect,
    Download,
    ExportFormat,
    answer_or_download,
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
    return answer_or_download(
        request,
        session,
        asked,
        fmt=fmt,
        dialect=dialect,
        actor=principal.actor,
        to_rows=export.scorecard_rows,
        download=lambda sc: _download(sc, agb=agb),
    )


def _download(sc: ScorecardRead, *, agb: str) -> Download:
    return Download(
        filename=f"scorecard_{agb}_{sc.period.label}",
        title="Scorecard",
        meta=[
            f"{sc.name} ({sc.agb})",
            f"Regio {sc.region_name or sc.region}",
            f"Periode {sc.period.label}",
        ],
        resource=f"scorecard:{agb}:{sc.period.label}",
        scope=f"practice:{agb}",
    )
