"""The audit log (NEN 7513): append-only. This module only ever inserts and reads events.

One event per login (success and failure), logout, import, user change, export of a table and
view of a caseload list (patient pseudonyms),
with the time, the user and role, the action, the scope concerned, the client address and the
pseudonyms concerned where any. The database refuses UPDATE and DELETE of ``audit_log``
(triggers of migration 0005), so no code path, this one included, can change an event.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.timestamps import UtcDateTime
from models import AuditLog


class Action:
    """The audited actions (``audit_log.action``)."""

    LOGIN = "login"
    LOGOUT = "logout"
    IMPORT = "import"
    EXPORT = "export"
    TOKEN_ISSUE = "token.issue"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_DISABLE = "user.disable"
    USER_ENABLE = "user.enable"
    USER_SET_ROLE = "user.set_role"
    USER_SET_PASSWORD = "user.set_password"
    USER_SET_SCOPES = "user.set_scopes"
    USER_SET_CASELOAD_GRANT = "user.set_caseload_grant"
    CASELOAD_VIEW = "caseload.view"


@dataclass(frozen=True)
class Actor:
    """Who did it: a logged-in user, or someone at the server's command line."""

    user_id: int | None
    username: str | None
    role: str | None
    ip: str | None

    @classmethod
    def command_line(cls) -> Actor:
        try:
            who = getpass.getuser()
        except Exception:  # no login name (e.g. a container without passwd entry)
            who = "onbekend"
        return cls(user_id=None, username=f"cli:{who}"[:100], role=None, ip="local")


def record(
    session: Session,
    *,
    action: str,
    actor: Actor | None,
    outcome: Literal["success", "failure", "refused"] = "success",
    resource: str | None = None,
    scope: str | None = None,
    pseudonyms: list[str] | None = None,
    detail: dict[str, Any] | None = None,
    username: str | None = None,
    ip: str | None = None,
) -> AuditLog:
    """Add one event to the session (flushed; committed with the caller's transaction).

    ``username`` / ``ip`` fill in what an anonymous actor cannot (e.g. a failed login)."""
    event = AuditLog(
        at=dt.datetime.now(dt.UTC),
        user_id=actor.user_id if actor else None,
        username=((actor.username if actor else None) or username or None),
        role=actor.role if actor else None,
        action=action,
        outcome=outcome,
        resource=resource[:500] if resource else None,
        scope=scope[:500] if scope else None,
        pseudonyms=sorted(pseudonyms) if pseudonyms else None,
        detail=detail or None,
        ip=((actor.ip if actor else None) or ip or None),
    )
    session.add(event)
    session.flush()
    return event


class AuditEventRead(BaseModel):
    id: int
    at: UtcDateTime
    user_id: int | None
    username: str | None
    role: str | None
    action: str
    outcome: str
    resource: str | None
    scope: str | None
    pseudonyms: list[str] | None
    detail: dict[str, Any] | None
    ip: str | None


class AuditEventList(BaseModel):
    items: list[AuditEventRead]
    total: int
    limit: int
    offset: int


def list_events(
    session: Session,
    *,
    action: str | None = None,
    username: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditEventList:
    """Events, newest first, with optional filters."""
    stmt = select(AuditLog)
    if action is not None:
        stmt = stmt.where(AuditLog.action == action)
    if username is not None:
        stmt = stmt.where(AuditLog.username == username)
    if since is not None:
        stmt = stmt.where(AuditLog.at >= since)
    if until is not None:
        stmt = stmt.where(AuditLog.at <= until)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditLog.id.desc()).limit(limit).offset(offset))
    items = [
        AuditEventRead(
            id=e.id,
            at=e.at,
            user_id=e.user_id,
            username=e.username,
            role=e.role,
            action=e.action,
            outcome=e.outcome,
            resource=e.resource,
            scope=e.scope,
            pseudonyms=e.pseudonyms,
            detail=e.detail,
            ip=e.ip,
        )
        for e in rows
    ]
    return AuditEventList(items=items, total=total, limit=limit, offset=offset)
