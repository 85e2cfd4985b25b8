"""The audit log (beheerder only), newest first, paginated and filtered."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api import audit as service
from api.access import BeheerderDep
from api.audit import AuditEventList
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, problem_responses

router = APIRouter(prefix="/api/v1", tags=["audit"])

# A date or an ISO 8601 time (a bare number is not a time, whatever pydantic would make of it).
ISO_TIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$"


def _time(value: str | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(f"{name}: geen geldige datum of tijd: {value}") from exc


@router.get(
    "/audit",
    response_model=AuditEventList,
    summary="Audit events (NEN 7513), newest first",
    responses=problem_responses(Forbidden, Invalid),
)
def list_audit(
    session: SessionDep,
    _admin: BeheerderDep,
    action: Annotated[str | None, Query(max_length=64, examples=["login"])] = None,
    username: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[
        str | None, Query(alias="from", pattern=ISO_TIME, examples=["2026-01-01"])
    ] = None,
    until: Annotated[
        str | None, Query(alias="to", pattern=ISO_TIME, examples=["2026-03-31T23:59:59Z"])
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditEventList:
    return service.list_events(
        session,
        action=action,
        username=username,
        since=_time(since, "from"),
        until=_time(until, "to"),
        limit=limit,
        offset=offset,
    )
