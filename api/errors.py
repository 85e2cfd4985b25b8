"""The API's one error family: domain errors that carry their HTTP status and title.

Framework-free (no FastAPI import): the KPI engine, the organisation services and the import
reads raise these, the command line catches them, and one handler in ``api/handlers.py`` turns
each into problem+json (RFC 9457). Routes declare the errors they can raise with
:func:`problem_responses`, so that the OpenAPI document lists them.
"""

from __future__ import annotations

from typing import Any, ClassVar

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
    headers: ClassVar[dict[str, str]] = {}  # extra response headers (e.g. WWW-Authenticate)

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors

    def problem(self) -> Problem:
        return Problem(
            title=self.title, status=self.status_code, detail=self.detail, errors=self.errors
        )


class NotFound(DomainError):
    status_code = 404
    title = "Niet gevonden"


class Forbidden(DomainError):
    status_code = 403
    title = "Geen toegang"


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"


class Invalid(DomainError):
    status_code = 422
    title = "Ongeldige invoer"


class PayloadTooLarge(DomainError):
    status_code = 413
    title = "Bestand te groot"


def problem_responses(*errors: type[DomainError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the domain errors a route can raise."""
    return {e.status_code: {"model": Problem, "description": e.title} for e in errors}
