"""Errors that refuse a whole file (row-level problems become rejects instead)."""

from __future__ import annotations

from typing import Any


class IngestError(Exception):
    """A file (or pull) that cannot be imported at all; the message is for the beheerder.

    ``report`` is set by the loader once the failed import has been recorded.
    """

    def __init__(self, message: str, *, report: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.report = report


class PseudonymKeyMissing(IngestError):
    """No pseudonymisation key configured outside demo mode."""
