"""Regional benchmark of a KPI (JSON, CSV or XLSX)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api import audit
from api.access import CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import export, service
from api.kpi.schemas import BenchmarkRead
from api.routes._kpi_common import (
    EXPORT_RESPONSES,
    ExportFormat,
    export_response,
    kpi_errors,
    wanted_format,
)

router = APIRouter(prefix="/api/v1", tags=["benchmarks"])


@router.get(
    "/benchmarks/{slug}",
    response_model=BenchmarkRead,
    summary="Distribution, percent rank and funnel class of every practice of a region",
    responses={**problem_responses(NotFound, Invalid, Forbidden), **EXPORT_RESPONSES},
)
def get_benchmark(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    principal: PrincipalDep,
    slug: Annotated[str, Path(examples=["poh_contacts_per_1000_year"])],
    region: Annotated[str, Query(description="Region slug", examples=["regio-west"])],
    period: Annotated[str, Query(examples=["2025Q3"])],
    fmt: Annotated[ExportFormat | None, Query(alias="format")] = None,
) -> BenchmarkRead | Response:
    with kpi_errors():
        bm = service.get_benchmark(session, slug=slug, region=region, period=period, caller=caller)
    f = wanted_format(request, fmt)
    if f == "json":
        return bm
    audit.record(
        session,
        action=audit.Action.EXPORT,
        actor=principal.actor,
        resource=f"benchmark:{slug}:{bm.period.label}",
        scope=f"region:{region}",
        detail={"format": f},
    )
    header, rows = export.benchmark_rows(bm)
    return export_response(
        f,
        header,
        rows,
        filename=f"benchmark_{slug}_{region}_{bm.period.label}".replace("..", "_"),
        title="Benchmark",
        meta=[f"{bm.title_nl} ({bm.unit})", f"Regio {bm.region}", f"Periode {bm.period.label}"],
    )
