"""Domain errors carry their HTTP status; one handler turns them into problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class Problem(BaseModel):
    """An error response (application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


class DomainError(Exception):
    status_code: ClassVar[int] = 400
    title: ClassVar[str] = "Ongeldige aanvraag"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFound(DomainError):
    status_code = 404
    title = "Niet gevonden"


class Forbidden(DomainError):
    status_code = 403
    title = "Geen toegang"


class Invalid(DomainError):
    status_code = 422
    title = "Ongeldige invoer"


class PayloadTooLarge(DomainError):
    status_code = 413
    title = "Bestand te groot"


def problem_responses(*errors: type[DomainError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the domain errors a route can raise."""
    return {e.status_code: {"model": Problem, "description": e.title} for e in errors}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        body = Problem(
            title=exc.title, status=exc.status_code, detail=exc.detail, errors=exc.errors
        )
        return JSONResponse(
            body.model_dump(exclude_none=True),
            status_code=exc.status_code,
            media_type="application/problem+json",
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{'.'.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in errors)
        body = Problem(title=Invalid.title, status=422, detail=detail, errors=errors)
        return JSONResponse(
            body.model_dump(exclude_none=True),
            status_code=422,
            media_type="application/problem+json",
        )
