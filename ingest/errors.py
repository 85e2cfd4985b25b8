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


class ImportInterrupted(KeyboardInterrupt):
    """A signal (SIGTERM) ending an import as Ctrl-C would: the file's transaction is rolled
    back, a failed import recorded and its scratch files removed."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name
