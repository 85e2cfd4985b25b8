"""The generic table export: a table of the dashboard as CSV or XLSX, made by the API.

For the tables that have no export of their own (the benchmark, the scorecard and the caseload
have theirs): the dashboard sends the table as it shows it — Dutch headers, its rows with real
numbers — and the API renders the file with the same helpers as every other export
(``api/kpi/export.py``: CSV in the Dutch dialect by default, XLSX with real numbers, formula
injection neutralised) and writes one audit event per export (NEN 7513).

Aggregated tables only: the scope named in the request must be visible to the caller (404 as
for a scope that does not exist), and a table with a pseudonym column is refused — patient-level
lists are exported by their own route, which recomputes them within the caller's scope
(``GET /api/v1/providers/{code}/caseload?format=csv``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, field_validator, model_validator

from api import audit
from api.access import CallerDep, PrincipalDep
from api.deps import SessionDep
from api.errors import Invalid, NotFound, problem_responses
from api.kpi.scope import region_key
from api.routes._kpi_common import EXPORT_RESPONSES, CsvDialect, export_response

router = APIRouter(prefix="/api/v1", tags=["exports"])

MAX_ROWS = 50_000
Cell = str | int | float | bool | None
PATIENT_LEVEL = ("pseudoniem", "pseudonym")


class ScopeRef(BaseModel):
    level: Literal["region", "practice", "provider", "team"]
    key: str = Field(min_length=1, max_length=100)


class TableExport(BaseModel):
    """A table as the dashboard shows it."""

    title: str = Field(min_length=1, max_length=200, examples=["Wachttijden per praktijk"])
    filename: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$",
        description="File name without extension",
        examples=["wachttijden-2025Q3"],
    )
    scope: list[ScopeRef] = Field(default_factory=list, max_length=20)
    meta: list[Annotated[str, Field(max_length=300)]] = Field(default_factory=list, max_length=10)
    columns: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=100
    )
    rows: list[list[Cell]] = Field(max_length=MAX_ROWS)

    @field_validator("columns")
    @classmethod
    def _aggregated(cls, columns: list[str]) -> list[str]:
        if any(word in c.lower() for c in columns for word in PATIENT_LEVEL):
            raise ValueError(
                "patiëntgegevens (pseudoniemen) alleen via de export van de caseload "
                "(GET /api/v1/providers/{code}/caseload?format=csv)"
            )
        return columns

    @model_validator(mode="after")
    def _rectangular(self) -> TableExport:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"rij {number} heeft {len(row)} cellen, verwacht {width}")
        return self


@router.post(
    "/exports",
    response_class=Response,
    summary="A table of the dashboard as CSV or XLSX (aggregated data; one audit event)",
    responses={**problem_responses(Invalid, NotFound), **EXPORT_RESPONSES},
)
def export_table(
    session: SessionDep,
    caller: CallerDep,
    principal: PrincipalDep,
    table: TableExport,
    fmt: Annotated[Literal["csv", "xlsx"], Query(alias="format")] = "csv",
    dialect: CsvDialect = "nl",
) -> Response:
    scopes: list[str] = []
    for ref in table.scope:
        key = region_key(session, ref.key) if ref.level == "region" else ref.key
        if not caller.can_see(ref.level, key):  # worded as for one that does not exist
            raise NotFound(f"{ref.level} {ref.key} bestaat niet")
        scopes.append(f"{ref.level}:{key}")
    audit.record(
        session,
        action=audit.Action.EXPORT,
        actor=principal.actor,
        resource=f"table:{table.filename}",
        scope=" ".join(scopes) or None,
        detail={
            "format": fmt,
            "title": table.title,
            "rows": len(table.rows),
            "columns": len(table.columns),
        },
    )
    return export_response(
        fmt,
        list(table.columns),
        [list(row) for row in table.rows],
        filename=table.filename,
        title=table.title,
        meta=[table.title, *table.meta],
        dialect=dialect,
    )
