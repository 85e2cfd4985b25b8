"""The one place where errors become HTTP responses (application/problem+json, RFC 9457)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from api.errors import DomainError, Invalid, Problem

log = logging.getLogger("pohconnect.api")


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type="application/problem+json",
        headers=headers or None,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(exc.problem(), dict(exc.headers))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": e.get("msg"), "type": e.get("type")}
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
