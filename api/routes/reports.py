"""Quarterly reports (kwartaalrapportage) of a practice or a region, as PDF or XLSX."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.access import CallerDep
from api.deps import SessionDep
from api.errors import DomainError, Forbidden, Invalid, NotFound, problem_responses
from api.reports import service
from api.reports.errors import ReportError
from api.routes._kpi_common import kpi_errors

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

_MAP: dict[int, type[DomainError]] = {404: NotFound, 422: Invalid, 403: Forbidden}
RESPONSES: dict[int | str, dict[str, Any]] = {
    **problem_responses(NotFound, Invalid, Forbidden),
    200: {
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            service.MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The report as PDF (default) or XLSX (format=xlsx)",
    },
}
Quarter = Annotated[str, Query(pattern=r"^\d{4}Q[1-4]$", examples=["2025Q3"])]
Fmt = Annotated[Literal["pdf", "xlsx"], Query(alias="format")]
Lang = Annotated[Literal["nl", "en"], Query()]


@contextmanager
def report_errors() -> Iterator[None]:
    """KPI and report errors become the API's problem+json domain errors."""
    with kpi_errors():
        try:
            yield
        except ReportError as exc:
            raise _MAP.get(exc.status_code, DomainError)(exc.detail, errors=exc.errors) from exc


def _response(r: service.RenderedReport) -> Response:
    return Response(
        r.body,
        media_type=r.media_type,
        headers={"Content-Disposition": f'attachment; filename="{r.filename}"'},
    )


@router.get(
    "/practice/{agb}",
    response_class=Response,
    summary="Quarterly report of a practice (PDF or XLSX)",
    responses=RESPONSES,
)
def practice_report(
    session: SessionDep,
    caller: CallerDep,
    agb: Annotated[str, Path(examples=["01234567"])],
    quarter: Quarter,
    fmt: Fmt = "pdf",
    lang: Lang = "nl",
) -> Response:
    with report_errors():
        r = service.practice_report(
            session, agb=agb, quarter=quarter, fmt=fmt, caller=caller, lang=lang
        )
    return _response(r)


@router.get(
    "/region/{slug}",
    response_class=Response,
    summary="Quarterly report of a region (PDF or XLSX)",
    responses=RESPONSES,
)
def region_report(
    session: SessionDep,
    caller: CallerDep,
    slug: Annotated[str, Path(examples=["regio-west"])],
    quarter: Quarter,
    fmt: Fmt = "pdf",
    lang: Lang = "nl",
) -> Response:
    with report_errors():
        r = service.region_report(
            session, region=slug, quarter=quarter, fmt=fmt, caller=caller, lang=lang
        )
    return _response(r)
