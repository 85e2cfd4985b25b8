"""Signed, expiring access tokens (JWT, HS256) with an id (``jti``) for revocation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import jwt

from api.auth.settings import get_auth_settings

ALGORITHM = "HS256"
ISSUER = "pohconnect"


class TokenInvalid(Exception):
    """Missing, malformed, tampered with, expired or of the wrong issuer."""


@dataclass(frozen=True)
class Claims:
    user_id: int
    jti: str
    issued_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: dt.datetime
    expires_in: int


def issue_token(user_id: int, *, ttl_minutes: int | None = None) -> IssuedToken:
    s = get_auth_settings()
    ttl = ttl_minutes if ttl_minutes is not None else s.token_ttl_minutes
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    expires = now + dt.timedelta(minutes=ttl)
    jti = uuid.uuid4().hex
    claims = {"sub": str(user_id), "jti": jti, "iat": now, "exp": expires, "iss": ISSUER}
    token = jwt.encode(claims, s.secret(), algorithm=ALGORITHM)
    return IssuedToken(token=token, jti=jti, expires_at=expires, expires_in=ttl * 60)


def decode_token(token: str) -> Claims:
    try:
        data = jwt.decode(
            token,
            get_auth_settings().secret(),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["sub", "jti", "iat", "exp", "iss"]},
        )
        return Claims(
            user_id=int(data["sub"]),
            jti=str(data["jti"]),
            issued_at=dt.datetime.fromtimestamp(int(data["iat"]), dt.UTC),
            expires_at=dt.datetime.fromtimestamp(int(data["exp"]), dt.UTC),
        )
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise TokenInvalid(str(exc)) from exc
