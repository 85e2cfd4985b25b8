"""Log in (OAuth2 password flow), log out, and who am I."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.access import PrincipalDep, Unauthorized, client_address, get_caller_scope
from api.auth import login as service
from api.auth.settings import require_token_secret
from api.deps import SessionDep
from api.errors import Problem, problem_responses


@asynccontextmanager
async def _require_secret(_app: FastAPI) -> AsyncIterator[None]:
    # Startup refuses production without a token secret of its own.
    require_token_secret()
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
