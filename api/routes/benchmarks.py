"""Regional benchmark of a KPI (JSON, CSV or XLSX)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.access import CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import export, service
from api.kpi.schemas import BenchmarkRead
from api.routes._kpi_common import (
    EXPORT_RESPONSES,
    CsvDialect,
    Download,
    ExportFormat,
    answer_or_download,
    slug_path,
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
    return answer_or_download(
        request,
        session,
        asked,
        fmt=fmt,
        dialect=dialect,
        actor=principal.actor,
        to_rows=export.benchmark_rows,
        download=lambda bm: _download(bm, slug=slug, region=region),
    )


def _download(bm: BenchmarkRead, *, slug: str, region: str) -> Download:
    return Download(
        filename=f"benchmark_{slug}_{region}_{bm.period.label}",
        title="Benchmark",
        meta=[
            f"{bm.title_nl} ({export.unit_nl(slug, bm.unit)})",
            f"Regio {bm.region_name or bm.region}",
            f"Periode {bm.period.label}",
        ],
        resource=f"benchmark:{slug}:{bm.period.label}",
        scope=f"region:{region}",
    )
