"""The audit log (beheerder only), newest first, paginated and filtered."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api import audit as service
from api.access import BeheerderDep
from api.audit import AuditEventList
from api.deps import SessionDep
from api.errors import Forbidden, problem_responses

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get(
    "/audit",
    response_model=AuditEventList,
    summary="Audit events (NEN 7513), newest first",
    responses=problem_responses(Forbidden),
)
def list_audit(
    session: SessionDep,
    _admin: BeheerderDep,
    action: Annotated[str | None, Query(max_length=64, examples=["login"])] = None,
    username: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[dt.datetime | None, Query(alias="from")] = None,
    until: Annotated[dt.datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditEventList:
    return service.list_events(
        session,
        action=action,
        username=username,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
