"""Shared bits of the KPI routes: the slug parameter and export content negotiation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

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


def negotiated(
    request: Request,
    fmt: ExportFormat | None,
    body: Body,
    to_rows: Callable[[Body], tuple[list[str], list[list[Any]]]],
    *,
    filename: str,
    title: str,
    meta: list[str],
    on_export: Callable[[str], None] | None = None,
    dialect: export.Dialect = "nl",
) -> Body | Response:
    """The body as JSON, or its rows as CSV/XLSX (``format=`` or the Accept header);
    ``on_export`` is told the chosen format of an export (the audit log records it)."""
    chosen = wanted_format(request, fmt)
    if chosen == "json":
        return body
    if on_export is not None:
        on_export(chosen)
    header, rows = to_rows(body)
    return export_response(
        chosen,
        header,
        rows,
        filename=filename.replace("..", "_"),
        title=title,
        meta=meta,
        dialect=dialect,
    )
