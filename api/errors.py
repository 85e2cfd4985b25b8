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


# Dutch messages for the validation errors a request's parameters and body can give; the
# pydantic type stays in ``type`` for clients. Anything not listed keeps pydantic's text.
_VALIDATION_NL: dict[str, str] = {
    "missing": "verplicht veld ontbreekt",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "bool_parsing": "moet true of false zijn",
    "bool_type": "moet true of false zijn",
    "string_type": "moet tekst zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "greater_than": "moet groter zijn dan {gt}",
    "string_too_short": "moet minstens {min_length} teken(s) lang zijn",
    "string_too_long": "mag hoogstens {max_length} tekens lang zijn",
    "string_pattern_mismatch": "heeft niet de juiste vorm ({pattern})",
    "too_short": "moet minstens {min_length} element(en) bevatten",
    "too_long": "mag hoogstens {max_length} elementen bevatten",
    "literal_error": "moet een van deze waarden zijn: {expected}",
    "enum": "moet een van deze waarden zijn: {expected}",
    "date_parsing": "moet een datum zijn (jjjj-mm-dd)",
    "date_from_datetime_parsing": "moet een datum zijn (jjjj-mm-dd)",
    "json_invalid": "ongeldige JSON",
    "dict_type": "moet een object zijn",
    "model_attributes_type": "moet een object zijn",
    "list_type": "moet een lijst zijn",
}


def _dutch(error: dict[str, Any]) -> str:
    template = _VALIDATION_NL.get(str(error.get("type")))
    if template is None:
        return str(error.get("msg"))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return str(error.get("msg"))


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
            {"loc": [str(x) for x in e.get("loc", ())], "msg": _dutch(e), "type": e.get("type")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{'.'.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in errors)
        body = Problem(title=Invalid.title, status=422, detail=detail, errors=errors)
        return JSONResponse(
            body.model_dump(exclude_none=True),
            status_code=422,
            media_type="application/problem+json",
        )
