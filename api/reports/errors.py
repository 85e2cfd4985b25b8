"""Errors of the report builder: members of the API's one error family (api/errors.py)."""

from __future__ import annotations

from api.errors import DomainError, Invalid, NotFound


class ReportError(DomainError):
    """Any refusal of the report builder; carries its HTTP status like every domain error."""


class ReportInvalid(ReportError, Invalid):
    pass


class ReportNotFound(ReportError, NotFound):
    pass
