"""Regional benchmark of a KPI (JSON, CSV or XLSX)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api import audit
from api.access import CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import answers, export, service
from api.kpi.schemas import BenchmarkRead
from api.routes._kpi_common import (
    EXPORT_RESPONSES,
    CsvDialect,
    ExportFormat,
    json_answer,
    negotiated,
    slug_path,
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
    slug: slug_path("poh_contacts_per_1000_year"),
    region: Annotated[str, Query(description="Region slug or name", examples=["regio-west"])],
    period: Annotated[str, Query(examples=["2025Q3"])],
    fmt: Annotated[ExportFormat | None, Query(alias="format")] = None,
    dialect: CsvDialect = "nl",
) -> BenchmarkRead | Response:
    asked = service.ask_benchmark(session, slug=slug, region=region, period=period, caller=caller)
    if wanted_format(request, fmt) == "json":
        return json_answer(session, asked)
    bm = answers.answer(session, asked)
    return negotiated(
        request,
        fmt,
        bm,
        export.benchmark_rows,
        filename=f"benchmark_{slug}_{region}_{bm.period.label}",
        on_export=lambda chosen: audit.record(
            session,
            action=audit.Action.EXPORT,
            actor=principal.actor,
            resource=f"benchmark:{slug}:{bm.period.label}",
            scope=f"region:{region}",
            detail={"format": chosen},
        ),
        dialect=dialect,
        title="Benchmark",
        meta=[
            f"{bm.title_nl} ({export.unit_nl(slug, bm.unit)})",
            f"Regio {bm.region_name or bm.region}",
            f"Periode {bm.period.label}",
        ],
    )
