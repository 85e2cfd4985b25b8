"""Log in (OAuth2 password flow, or OpenID Connect when configured), log out, and who am I.

The OpenID Connect routes (``/api/v1/auth/oidc…``) are public by design, like the password
login (api/access.py ``OIDC_PATHS``): they are how a token is obtained. They answer 404 when
OIDC is not configured. See api/auth/oidc.py and docs/security.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Literal

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.access import PrincipalDep, Unauthorized, client_address, get_caller_scope
from api.auth import login as service
from api.auth import oidc
from api.auth.settings import (
    AuthSettings,
    get_auth_settings,
    require_token_secret,
    require_valid_oidc,
)
from api.deps import SessionDep
from api.errors import NotFound, Problem, problem_responses


@asynccontextmanager
async def _require_secret(_app: FastAPI) -> AsyncIterator[None]:
    # Startup refuses production without a token secret of its own.
    require_token_secret()
    require_valid_oidc()
    yield


router = APIRouter(prefix="/api/v1/auth", tags=["auth"], lifespan=_require_secret)


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Me(BaseModel):
    username: str
    role: str
    scope: str
    expires_at: str


def _problem(status_code: int, title: str, detail: str, headers: dict[str, str]) -> JSONResponse:
    body = Problem(title=title, status=status_code, detail=detail)
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status_code,
        media_type="application/problem+json",
        headers=headers,
    )


@router.post(
    "/token",
    response_model=Token,
    summary="Log in: username and password (form) for a bearer token",
    responses={
        401: {"model": Problem, "description": "Onjuiste gebruikersnaam of wachtwoord"},
        429: {"model": Problem, "description": "Te veel mislukte pogingen"},
    },
)
def create_token(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token | JSONResponse:
    # Failures are answered, not raised, so that their audit event and lock-out count are
    # committed with the request.
    result = service.login(
        session, username=form.username, password=form.password, ip=client_address(request)
    )
    if result.outcome == "locked":
        minutes = max(1, round(result.retry_after / 60))
        return _problem(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Te veel mislukte pogingen",
            f"Te veel mislukte inlogpogingen; probeer het over {minutes} minuten opnieuw.",
            {"Retry-After": str(result.retry_after)},
        )
    if result.outcome == "invalid" or result.token is None:
        return _problem(
            status.HTTP_401_UNAUTHORIZED,
            Unauthorized.title,
            "Onjuiste gebruikersnaam of wachtwoord, of het account is uitgeschakeld.",
            dict(Unauthorized.headers),
        )
    return Token(access_token=result.token.token, expires_in=result.token.expires_in)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Log out: revoke this token",
    dependencies=[Depends(get_caller_scope)],
    responses=problem_responses(Unauthorized),
)
def logout(session: SessionDep, principal: PrincipalDep) -> None:
    service.logout(session, claims=principal.claims, actor=principal.actor)


@router.get(
    "/me",
    response_model=Me,
    summary="The logged-in user, their role and scope",
    dependencies=[Depends(get_caller_scope)],
    responses=problem_responses(Unauthorized),
)
def me(principal: PrincipalDep) -> Me:
    return Me(
        username=principal.username,
        role=principal.role,
        scope=principal.grant.describe(),
        expires_at=principal.claims.expires_at.isoformat(),
    )


# -- OpenID Connect (api/auth/oidc.py) ------------------------------------------------------


class OidcInfo(BaseModel):
    issuer: str
    claim: str


class OidcStartRequest(BaseModel):
    redirect_uri: str = Field(max_length=2000, description="Geregistreerd bij de provider")


class OidcStartRead(BaseModel):
    authorization_url: str
    state: str
    transaction: str = Field(description="Ondertekend; bewaren tot de terugkeer (HttpOnly)")
    expires_in: int


class OidcTokenRequest(BaseModel):
    code: str = Field(max_length=4000)
    state: str = Field(max_length=400)
    transaction: str = Field(max_length=4000)


def oidc_settings() -> AuthSettings:
    """The settings, when OpenID Connect is configured; 404 otherwise."""
    s = get_auth_settings()
    if not s.oidc_enabled:
        raise NotFound("Inloggen met OpenID Connect is niet ingesteld.")
    return s


def get_oidc_http() -> Iterator[httpx.Client]:
    """The HTTP client that talks to the identity provider (tests override it)."""
    with httpx.Client(follow_redirects=False) as http:
        yield http


OidcSettingsDep = Annotated[AuthSettings, Depends(oidc_settings)]
OidcHttpDep = Annotated[httpx.Client, Depends(get_oidc_http)]
_OIDC_ERRORS = {
    401: {"model": Problem, "description": "Inlogpoging of ID-token ongeldig"},
    403: {"model": Problem, "description": "Geen (actief) POH-Connect-account"},
    404: {"model": Problem, "description": "OpenID Connect is niet ingesteld"},
    502: {"model": Problem, "description": "Identiteitsprovider niet bereikbaar"},
}
_OIDC_TITLES = {
    401: Unauthorized.title,
    403: "Geen toegang",
    422: "Ongeldige invoer",
    502: "Identiteitsprovider niet bereikbaar",
}


def _oidc_problem(exc: oidc.OidcError) -> JSONResponse:
    headers = dict(Unauthorized.headers) if exc.status == 401 else {}
    return _problem(exc.status, _OIDC_TITLES.get(exc.status, "Fout"), exc.detail, headers)


@router.get(
    "/oidc",
    response_model=OidcInfo,
    summary="Is OpenID Connect login configured? (404 when not)",
    responses={404: _OIDC_ERRORS[404]},
)
def oidc_info(settings: OidcSettingsDep) -> OidcInfo:
    return OidcInfo(
        issuer=settings.oidc_issuer or settings.oidc_discovery(), claim=settings.oidc_claim
    )


@router.post(
    "/oidc/start",
    response_model=OidcStartRead,
    summary="OpenID Connect: start a login (authorization URL with PKCE, state and nonce)",
    responses={k: _OIDC_ERRORS[k] for k in (404, 502)},
)
def oidc_start(
    body: OidcStartRequest, settings: OidcSettingsDep, http: OidcHttpDep
) -> OidcStartRead | JSONResponse:
    try:
        started = oidc.begin(http, settings, redirect_uri=body.redirect_uri)
    except oidc.OidcError as exc:
        return _oidc_problem(exc)
    return OidcStartRead(
        authorization_url=started.authorization_url,
        state=started.state,
        transaction=started.transaction,
        expires_in=started.expires_in,
    )


@router.post(
    "/oidc/token",
    response_model=Token,
    summary="OpenID Connect: the provider's code (with state and transaction) for a token",
    responses=_OIDC_ERRORS,
)
def oidc_token(
    request: Request,
    session: SessionDep,
    body: OidcTokenRequest,
    settings: OidcSettingsDep,
    http: OidcHttpDep,
) -> Token | JSONResponse:
    # Failures are answered, not raised, so that their audit event is committed.
    try:
        token = oidc.complete(
            session,
            http,
            settings,
            code=body.code,
            state=body.state,
            transaction=body.transaction,
            ip=client_address(request),
        )
    except oidc.OidcError as exc:
        return _oidc_problem(exc)
    return Token(access_token=token.token, expires_in=token.expires_in)
