"""The one place where errors become HTTP responses (application/problem+json, RFC 9457)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import DomainError, Invalid, NotFound, Problem

log = logging.getLogger("pohconnect.api")


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type="application/problem+json",
        headers=headers or None,
    )


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
        return problem_response(exc.problem(), dict(exc.headers))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": _dutch(e), "type": e.get("type")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{'.'.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in errors)
        return problem_response(
            Problem(title=Invalid.title, status=422, detail=detail, errors=errors)
        )

    @app.exception_handler(DataError)
    async def _bad_data(_request: Request, _exc: DataError) -> JSONResponse:
        # a value the database cannot hold (e.g. a NUL byte in a JSON body): the client's
        return problem_response(
            Problem(
                title=Invalid.title, status=422, detail="Een waarde kan niet worden opgeslagen."
            )
        )

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its trace on the server; the client gets no internals.
        log.exception("interne fout bij %s %s", request.method, request.url.path)
        return problem_response(
            Problem(
                title="Interne fout",
                status=500,
                detail=(
                    "Er ging iets mis op de server; de fout is gelogd. Probeer het later opnieuw."
                ),
            )
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI answers a body it cannot decode (not UTF-8, say) with a bare 400: to the
        # client that is invalid input like any other, so a 422 problem.
        status, detail = exc.status_code, str(exc.detail)
        if status == 400 and "parsing the body" in detail:
            status, detail = 422, "De inhoud van de aanvraag is geen geldige JSON (UTF-8)."
        titles = {404: NotFound.title, 405: "Methode niet toegestaan", 422: Invalid.title}
        return problem_response(
            Problem(title=titles.get(status, "Fout"), status=status, detail=detail),
            getattr(exc, "headers", None),
        )
