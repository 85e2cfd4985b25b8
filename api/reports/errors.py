"""Errors of the report builder; the API turns them into problem+json with their status."""

from __future__ import annotations

from typing import Any, ClassVar


class ReportError(Exception):
    status_code: ClassVar[int] = 400

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class ReportInvalid(ReportError):
    status_code = 422


class ReportNotFound(ReportError):
    status_code = 404
