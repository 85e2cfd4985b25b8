"""Who the caller is and what they may see: the one dependency every API route uses.

:func:`get_principal` authenticates the bearer token (signature, expiry, revocation, an
active user, not issued before the last password change); :func:`get_caller_scope` turns
the user's role and grants (api/auth/scope.py) into the KPI service's :class:`CallerScope`.
Every route outside :data:`PUBLIC_PATHS` depends on it (api/main.py adds it to each router;
a test walks the routes). :func:`require_role` guards the beheerder's routes on top of it.

The small-number rule of domain.md §6: a patient count below 10 of a practice or POH outside
the caller's *own* scope is shown as "<10".

:class:`CallerScope` itself is defined framework-free in ``api/kpi/scope.py`` (the KPI service
applies it, and ``api/kpi`` imports no FastAPI) and re-exported here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from api.audit import Actor
from api.auth.scope import Grant, build_grant
from api.auth.settings import get_auth_settings
from api.auth.tokens import Claims, TokenInvalid, decode_token
from api.deps import SessionDep
from api.errors import DomainError, Forbidden
from api.kpi.cache import data_version
from api.kpi.memo import Memo, process_bind
from api.kpi.scope import CallerScope, not_found
from models import RevokedToken, User, UserScope

__all__ = [
    "OIDC_PATHS",
    "PUBLIC_PATHS",
    "BeheerderOnly",
    "CallerDep",
    "CallerScope",
    "Principal",
    "PrincipalDep",
    "Unauthorized",
    "caseload_practices",
    "client_address",
    "get_caller_scope",
    "get_principal",
    "require_role",
]

TOKEN_URL = "/api/v1/auth/token"
# OpenID Connect login (api/routes/auth.py): public by design, like TOKEN_URL (they are how a
# token is obtained); 404 when OIDC is not configured.
OIDC_PATHS: frozenset[str] = frozenset(
    {"/api/v1/auth/oidc", "/api/v1/auth/oidc/start", "/api/v1/auth/oidc/token"}
)

# Reachable without a token. Everything else needs one (tests/auth/test_route_walk.py).
PUBLIC_PATHS: frozenset[str] = frozenset(
    {
        "/health",
        TOKEN_URL,
        *OIDC_PATHS,
        "/openapi.json",
        "/docs",
        "/docs/swagger-init.js",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-ui.css",
        "/docs/favicon.png",
    }
)

bearer = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    auto_error=False,
    description="Inloggen met gebruikersnaam en wachtwoord (POST /api/v1/auth/token).",
)


class Unauthorized(DomainError):
    """401 with ``WWW-Authenticate: Bearer`` (api/security.py renders the header)."""

    status_code: ClassVar[int] = 401
    title: ClassVar[str] = "Niet ingelogd"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: the user, their role, the token's claims and their scope."""

    user_id: int
    username: str
    role: str
    claims: Claims
    grant: Grant
    ip: str
    caseload_grant: bool = False  # a huisarts granted the POH caseload lists (pseudonyms)

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.username, self.role, self.ip)


def client_address(request: Request) -> str:
    """The client's address as uvicorn reports it (behind a proxy: start uvicorn with
    --proxy-headers and --forwarded-allow-ips so that this is the real client)."""
    return (request.client.host if request.client else None) or "onbekend"


def get_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(bearer)],
) -> Principal:
    """Authenticate the bearer token; 401 (with WWW-Authenticate: Bearer) when it is missing,
    malformed, tampered with, expired, revoked, or its user is unknown or disabled."""
    if not token:
        raise Unauthorized("Log in: deze aanvraag vraagt een geldig toegangstoken (Bearer).")
    try:
        claims = decode_token(token)
    except TokenInvalid as exc:
        raise Unauthorized("Het toegangstoken is ongeldig of verlopen; log opnieuw in.") from exc
    known = _recent(token)
    if known is None:
        known = _read_user(session, claims)
        _remember(token, known)
    username, role, grant, caseload_grant = known
    principal = Principal(
        user_id=claims.user_id,
        username=username,
        role=role,
        claims=claims,
        grant=grant,
        ip=client_address(request),
        caseload_grant=caseload_grant,
    )
    request.state.principal = principal
    return principal


Known = tuple[str, str, Grant, bool]  # username, role, grant, caseload_grant


def _read_user(session: Session, claims: Claims) -> Known:
    """The token's user, read now: 401 when revoked, unknown, disabled or issued before the
    last password change; else what they may see."""
    state = session.execute(
        select(
            User.username,
            User.role,
            User.is_active,
            User.tokens_not_before,
            User.caseload_grant,
            User.provider_id,
            select(RevokedToken.jti).where(RevokedToken.jti == claims.jti).scalar_subquery(),
        ).where(User.id == claims.user_id)
    ).one_or_none()
    if state is not None and state[6] is not None:
        raise Unauthorized("Dit toegangstoken is ingetrokken (uitgelogd); log opnieuw in.")
    if state is None or not state.is_active:
        raise Unauthorized("Dit account bestaat niet of is uitgeschakeld.")
    not_before = state.tokens_not_before
    if not_before is not None:
        if not_before.tzinfo is None:
            not_before = not_before.replace(tzinfo=claims.issued_at.tzinfo)
        if claims.issued_at.timestamp() < int(not_before.timestamp()):
            raise Unauthorized("Het wachtwoord is sindsdien gewijzigd; log opnieuw in.")
    grant = _grant(session, claims.user_id, state.role, state.provider_id)
    return state.username, state.role, grant, bool(state.caseload_grant)


# What this process last read about a token's user, for at most auth_recheck_seconds: a busy
# worker answers most requests without reading the user, their grants and the revocation list
# again. Any change to users, grants or revocations flushed in this process forgets it all
# (the listener below); changes made by another process are seen within the recheck time.
_RECENT: Memo[str, tuple[float, Known]] = Memo(4096)


def _recent(token: str) -> Known | None:
    found = _RECENT.get(token)
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def _remember(token: str, known: Known) -> None:
    ttl = get_auth_settings().auth_recheck_seconds
    if ttl > 0:
        _RECENT.put(token, (time.monotonic() + ttl, known))


def forget_callers() -> None:
    """Read every caller afresh on their next request."""
    _RECENT.clear()


_AUTH_TABLES = (User, UserScope, RevokedToken)


@event.listens_for(Session, "after_flush")
def _auth_changed(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _AUTH_TABLES):
            forget_callers()
            return


# What a user may see, per process: build_grant reads the user's grants and the teams,
# practices and regions behind them (5-10 queries); it is a function of the user's role,
# zorgverlener and grant rows and of the data (teams and practices change only by an import
# or a team change, both of which change the KPI data version). Keyed by all of those, an
# entry is never stale; two small queries per request read the key.
_GRANTS: Memo[tuple[Any, ...], Grant] = Memo(2048)


def _user(session: Session, user_id: int) -> User:
    user = session.scalar(select(User).options(selectinload(User.scopes)).where(User.id == user_id))
    assert user is not None  # read in this transaction just before
    return user


def _grant(session: Session, user_id: int, role: str, provider_id: int | None) -> Grant:
    rows = session.execute(
        select(UserScope.level, UserScope.key).where(UserScope.user_id == user_id)
    ).all()
    bind = process_bind(session)
    if bind is None:
        return build_grant(session, _user(session, user_id))  # one connection: tests, jobs
    key = (
        str(bind.url),
        user_id,
        role,
        provider_id,
        frozenset((level, value) for level, value in rows),
        data_version(session),
    )
    grant = _GRANTS.get(key)
    if grant is None:
        grant = build_grant(session, _user(session, user_id))
        _GRANTS.put(key, grant)
    return grant


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_caller_scope(principal: PrincipalDep) -> CallerScope:
    """The caller's scope, from their role and grants (see api/auth/scope.py)."""
    g = principal.grant
    return CallerScope(
        visible_all=g.visible_all,
        visible=g.visible,
        own_all=g.own_all,
        own_practices=g.own_practices,
        own_providers=g.own_providers,
        anonymise_others=g.anonymise_others,
        anonymise_key=get_auth_settings().secret().encode() if g.anonymise_others else b"",
    )


CallerDep = Annotated[CallerScope, Depends(get_caller_scope)]


def require_role(*roles: str) -> Any:
    """A dependency refusing (403) callers without one of ``roles``; it authenticates through
    :func:`get_caller_scope`, like every other route."""

    def _check(principal: PrincipalDep, _caller: CallerDep) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Deze functie is alleen voor de rol " + " of ".join(roles) + ".")
        return principal

    _check.__name__ = f"require_role_{'_'.join(roles)}"
    return _check


_beheerder = require_role("beheerder")
BeheerderOnly = Depends(_beheerder)
"""For ``dependencies=[BeheerderOnly]`` of a route or router."""
BeheerderDep = Annotated[Principal, Depends(_beheerder)]


def caseload_practices(
    principal: Principal, caller: CallerScope, code: str
) -> frozenset[str] | None:
    """Who may see the caseload list (patient pseudonyms) of POH ``code``, and limited to
    which practices (AGB codes; None: all of that POH's patients).

    A ``poh`` sees their own caseload (their own zorgverlener codes), a ``huisarts`` granted
    ``caseload_grant`` the patients of their own practice(s) in the caseload of a POH working
    there (api/kpi/caseload.py answers 404 when the POH works in none of them). Every other
    role, and a huisarts without the grant: 403. A POH code outside the scope: 404, worded as
    for one that does not exist."""
    if principal.role == "poh":
        if code not in caller.own_providers:
            raise not_found("provider", code)
        return None
    if principal.role == "huisarts" and principal.caseload_grant:
        return caller.own_practices
    if principal.role == "huisarts":
        raise Forbidden(
            "Caseloadlijsten met pseudoniemen zijn voor een huisarts alleen te zien met "
            "uitdrukkelijke toestemming (vraag de beheerder)."
        )
    raise Forbidden("Caseloadlijsten met pseudoniemen zijn alleen voor de rol poh of huisarts.")
