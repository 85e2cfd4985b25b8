"""Logging in and out: password check, lock-out, token issue and revocation, audit events.

Lock-out: when an account has had ``login_max_failures`` failed logins within the last
``login_lockout_minutes`` (since its last successful login), or a client address has had
``login_max_failures_per_address``, further attempts are refused without checking the
password until the window has passed. Every attempt writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api import audit
from api.audit import Action, Actor
from api.auth.passwords import hash_password, needs_rehash, verify_password
from api.auth.settings import get_auth_settings
from api.auth.tokens import Claims, IssuedToken, issue_token
from models import LoginFailure, RevokedToken, User


@dataclass(frozen=True)
class LoginResult:
    outcome: Literal["ok", "invalid", "locked"]
    token: IssuedToken | None = None
    retry_after: int = 0


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _locked_for(session: Session, *, username: str, ip: str, now: dt.datetime) -> int:
    """Seconds until a new attempt is allowed, or 0."""
    s = get_auth_settings()
    since = now - dt.timedelta(minutes=s.login_lockout_minutes)
    waits = []
    for column, value, limit in (
        (LoginFailure.username, username, s.login_max_failures),
        (LoginFailure.ip, ip, s.login_max_failures_per_address),
    ):
        stmt = select(func.count(), func.max(LoginFailure.at)).where(
            column == value, LoginFailure.at >= since
        )
        count, last = session.execute(stmt).one()
        if count >= limit and last is not None:
            until = _utc(last) + dt.timedelta(minutes=s.login_lockout_minutes)
            waits.append(max(1, int((until - now).total_seconds()) + 1))
    return max(waits, default=0)


def login(session: Session, *, username: str, password: str, ip: str) -> LoginResult:
    now = dt.datetime.now(dt.UTC)
    name = username.strip().lower()[:100]
    ip = ip[:64]
    wait = _locked_for(session, username=name, ip=ip, now=now)
    if wait:
        audit.record(
            session,
            action=Action.LOGIN,
            actor=None,
            outcome="refused",
            username=name,
            ip=ip,
            detail={"reason": "locked", "retry_after_s": wait},
        )
        return LoginResult("locked", retry_after=wait)
    user = session.scalar(select(User).where(User.username == name))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        session.add(LoginFailure(at=now, username=name, ip=ip))
        reason = "disabled" if (ok and user is not None) else "bad_credentials"
        audit.record(
            session,
            action=Action.LOGIN,
            actor=Actor(user.id, user.username, user.role, ip) if user else None,
            outcome="failure",
            username=name,
            ip=ip,
            detail={"reason": reason},
        )
        return LoginResult("invalid")
    # a success clears the account's failures (not the address's)
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = issue_token(user.id)
    audit.record(
        session,
        action=Action.LOGIN,
        actor=Actor(user.id, user.username, user.role, ip),
        detail={"token_id": token.jti, "expires_at": token.expires_at.isoformat()},
    )
    return LoginResult("ok", token=token)


def logout(session: Session, *, claims: Claims, actor: Actor) -> None:
    """Revoke the token by its id; forget revocations of tokens that have expired anyway."""
    now = dt.datetime.now(dt.UTC)
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    if session.get(RevokedToken, claims.jti) is None:
        session.add(
            RevokedToken(
                jti=claims.jti, user_id=claims.user_id, expires_at=claims.expires_at, revoked_at=now
            )
        )
    audit.record(session, action=Action.LOGOUT, actor=actor, detail={"token_id": claims.jti})
    session.flush()
