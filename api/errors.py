"""Domain errors carry their HTTP status; one handler turns them into problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


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


def _document_problems(app: FastAPI) -> None:
    """Declare error responses as they are sent: application/problem+json with the Problem
    schema (FastAPI would say application/json, and HTTPValidationError for a 422)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        problem = {"$ref": "#/components/schemas/Problem"}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
                    if ref.endswith(("/HTTPValidationError", "/Problem")):
                        response["content"] = {"application/problem+json": {"schema": problem}}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in components:
            components["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    _document_problems(app)

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

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI answers a body it cannot decode (not UTF-8, say) with a bare 400: to the
        # client that is invalid input like any other, so a 422 problem.
        status, detail = exc.status_code, str(exc.detail)
        if status == 400 and "parsing the body" in detail:
            status, detail = 422, "De inhoud van de aanvraag is geen geldige JSON (UTF-8)."
        titles = {404: NotFound.title, 405: "Methode niet toegestaan", 422: Invalid.title}
        body = Problem(title=titles.get(status, "Fout"), status=status, detail=detail)
        return JSONResponse(
            body.model_dump(exclude_none=True),
            status_code=status,
            media_type="application/problem+json",
            headers=getattr(exc, "headers", None),
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
