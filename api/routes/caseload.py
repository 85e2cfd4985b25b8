"""A POH's caseload by patient pseudonym: patient-level data, every answer audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api import audit
from api.access import CallerDep, PrincipalDep, caseload_practices
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses
from api.kpi import export
from api.kpi.caseload import CaseloadRead, get_caseload
from api.routes._kpi_common import (
    EXPORT_RESPONSES,
    CsvDialect,
    ExportFormat,
    export_response,
    wanted_format,
)

router = APIRouter(prefix="/api/v1", tags=["caseload"])


@router.get(
    "/providers/{code}/caseload",
    response_model=CaseloadRead,
    summary="Caseload of a POH at the period's end, by patient pseudonym (audited)",
    description=(
        "Patiënten met een contact met deze POH in de 182 dagen tot het einde van de periode, "
        "per pseudoniem: laatste contact, lopend traject, wachttijd, overbruggingszorg en de "
        "signalen 'geen contact in 8 weken' en 'traject > 1 jaar'. Rol poh: de eigen caseload; "
        "huisarts met toestemming: de patiënten van de eigen praktijk(en). Elke inzage is één "
        "gebeurtenis in het auditlog, met de pseudoniemen. Met format=csv|xlsx (of een "
        "Accept-header) de lijst als bestand: één export-gebeurtenis op patiëntniveau."
    ),
    responses={**problem_responses(NotFound, Invalid, Forbidden), **EXPORT_RESPONSES},
)
def read_caseload(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    principal: PrincipalDep,
    code: Annotated[str, Path(description="Zorgverlenercode van de POH", examples=["POH01"])],
    period: Annotated[str, Query(examples=["2025Q3"])],
    fmt: Annotated[ExportFormat | None, Query(alias="format")] = None,
    dialect: CsvDialect = "nl",
) -> CaseloadRead | Response:
    practices = caseload_practices(principal, caller, code)
    result = get_caseload(session, provider_code=code, period=period, practices=practices)
    chosen = wanted_format(request, fmt)
    # one event per answer: a view, or an export of the list as a file (patient level)
    audit.record(
        session,
        action=audit.Action.CASELOAD_VIEW if chosen == "json" else audit.Action.EXPORT,
        actor=principal.actor,
        resource=f"caseload:{code}:{result.period.label}",
        scope=f"provider:{code}"
        + ("" if practices is None else " practice:" + ",".join(result.practices)),
        pseudonyms=[item.pseudonym for item in result.items],
        detail={"period": result.period.label, "patients": result.total}
        | ({} if chosen == "json" else {"format": chosen, "level": "patient"}),
    )
    if chosen == "json":
        return result
    header, rows = export.caseload_rows(result)
    return export_response(
        chosen,
        header,
        rows,
        filename=f"caseload-{code}-{result.period.label}".replace("..", "_"),
        title="Caseload",
        meta=[
            f"Caseload van POH {code} (pseudoniemen)",
            f"Periode {result.period.label}, peildatum {result.reference_date.isoformat()}",
        ],
        dialect=dialect,
    )
