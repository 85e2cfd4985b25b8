"""Quarterly reports (kwartaalrapportage) of a practice or a region, as PDF or XLSX."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api import audit
from api.access import CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi.scope import region_key
from api.reports import service

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

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


def _response(
    session: SessionDep,
    principal: PrincipalDep,
    r: service.RenderedReport,
    level: Literal["practice", "region"],
    key: str,
    quarter: str,
) -> Response:
    """The report as a download; its export is one audit event (NEN 7513)."""
    audit.record(
        session,
        action=audit.Action.EXPORT,
        actor=principal.actor,
        resource=f"report:{level}:{key}:{quarter}",
        scope=f"{level}:{key}",
        detail={"format": r.media_type, "filename": r.filename},
    )
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
    principal: PrincipalDep,
    agb: Annotated[str, Path(examples=["01234567"])],
    quarter: Quarter,
    fmt: Fmt = "pdf",
    lang: Lang = "nl",
) -> Response:
    r = service.practice_report(
        session, agb=agb, quarter=quarter, fmt=fmt, caller=caller, lang=lang
    )
    return _response(session, principal, r, "practice", agb, quarter)


@router.get(
    "/region/{slug}",
    response_class=Response,
    summary="Quarterly report of a region (PDF or XLSX)",
    responses=RESPONSES,
)
def region_report(
    session: SessionDep,
    caller: CallerDep,
    principal: PrincipalDep,
    slug: Annotated[str, Path(description="Region slug or name", examples=["regio-west"])],
    quarter: Quarter,
    fmt: Fmt = "pdf",
    lang: Lang = "nl",
) -> Response:
    slug = region_key(session, slug)  # a region's name is accepted too
    r = service.region_report(
        session, region=slug, quarter=quarter, fmt=fmt, caller=caller, lang=lang
    )
    return _response(session, principal, r, "region", slug, quarter)
