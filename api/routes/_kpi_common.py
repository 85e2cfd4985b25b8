"""Shared bits of the KPI routes: export content negotiation."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Request
from fastapi.responses import Response

from api.kpi import export

ExportFormat = Literal["json", "csv", "xlsx"]


def wanted_format(request: Request, fmt: ExportFormat | None) -> ExportFormat:
    if fmt is not None:
        return fmt
    accept = request.headers.get("accept", "")
    if "spreadsheetml" in accept:
        return "xlsx"
    if "text/csv" in accept:
        return "csv"
    return "json"


def export_response(
    fmt: ExportFormat,
    header: list[str],
    rows: list[list[Any]],
    *,
    filename: str,
    title: str,
    meta: list[str],
) -> Response:
    if fmt == "csv":
        body, media = export.to_csv(header, rows), export.CSV_MEDIA_TYPE
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
