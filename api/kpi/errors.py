"""Errors of the KPI engine; the API turns them into problem+json with their status."""

from __future__ import annotations

from typing import Any, ClassVar


class KpiError(Exception):
    status_code: ClassVar[int] = 400

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class KpiNotFound(KpiError):
    status_code = 404


class KpiInvalid(KpiError):
    status_code = 422


class KpiForbidden(KpiError):
    status_code = 403


class KpiConflict(KpiError):
    status_code = 409
