"""Shared bits of the KPI routes: the slug parameter and export content negotiation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api import audit
from api.kpi import answers, export
from api.kpi.definitions import REGISTRY


def slug_path(example: str) -> Any:
    """The KPI slug path parameter, its values listed from the registry in the OpenAPI document.

    Validation stays with the service: an unknown slug is a 404 problem, as it always was."""
    return Annotated[
        str,
        Path(
            description="KPI slug from GET /api/v1/kpis",
            examples=[example],
            json_schema_extra={"enum": list(REGISTRY)},
        ),
    ]


ExportFormat = Literal["json", "csv", "xlsx"]
CsvDialect = Annotated[
    export.Dialect,
    Query(
        description="CSV for Dutch Excel (`;`, decimal comma; default) or international "
        "(`,`, decimal point)"
    ),
]
Body = TypeVar("Body")


def wanted_format(request: Request, fmt: ExportFormat | None) -> ExportFormat:
    if fmt is not None:
        return fmt
    accept = request.headers.get("accept", "")
    if "spreadsheetml" in accept:
        return "xlsx"
    if "text/csv" in accept:
        return "csv"
    return "json"


def json_answer(session: Session, asked: answers.Asked[Any]) -> Response:
    """The caller's answer as JSON, sent as remembered (api/kpi/answers.py): the same bytes
    FastAPI would write for the route's response model, without presenting, validating and
    serialising the object again."""
    return Response(answers.encoded(session, asked), media_type="application/json")


def export_response(
    fmt: ExportFormat,
    header: list[str],
    rows: list[list[Any]],
    *,
    filename: str,
    title: str,
    meta: list[str],
    dialect: export.Dialect = "nl",
) -> Response:
    if fmt == "csv":
        body, media = export.to_csv(header, rows, dialect), export.CSV_MEDIA_TYPE
    else:
        body = export.to_xlsx(header, rows, title=title, meta=meta)
        media = export.XLSX_MEDIA_TYPE
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            export.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "JSON, or CSV/XLSX with format=csv|xlsx or an Accept header",
    }
}


@dataclass(frozen=True)
class Download:
    """What an export of an answer is called (file name, the XLSX sheet's title and header lines)
    and what its audit event names (resource and scope)."""

    filename: str
    title: str
    meta: list[str]
    resource: str
    scope: str


def answer_or_download(
    request: Request,
    session: Session,
    asked: answers.Asked[Body],
    *,
    fmt: ExportFormat | None,
    dialect: export.Dialect,
    actor: audit.Actor,
    to_rows: Callable[[Body], tuple[list[str], list[list[Any]]]],
    download: Callable[[Body], Download],
) -> Response:
    """The caller's answer as JSON (as remembered: :func:`json_answer`), or its rows as CSV/XLSX
    (``format=`` or the Accept header), each export one audit event with the chosen format."""
    chosen = wanted_format(request, fmt)
    if chosen == "json":
        return json_answer(session, asked)
    body = answers.answer(session, asked)
    named = download(body)
    audit.record(
        session,
        action=audit.Action.EXPORT,
        actor=actor,
        resource=named.resource,
        scope=named.scope,
        detail={"format": chosen},
    )
    header, rows = to_rows(body)
    return export_response(
        chosen,
        header,
        rows,
        filename=named.filename.replace("..", "_"),
        title=named.title,
        meta=named.meta,
        dialect=dialect,
    )
