"""The import report and its bookkeeping, and how an import tells its progress.

A writer returns a :class:`Written` per table; :func:`summarise` turns them into the file's
:class:`ImportReport`, :func:`fill_batch` and :func:`batch_details` into its ImportBatch row
and :func:`reject_rows` into its stored rejects. No database access here: the loader writes.

Progress: a file's import calls a :data:`Progress` callback ``(stage, fraction)``; a run of
files (``load_paths``) tells an :class:`ImportListener` when it starts, when each file starts
(the listener hands back that file's callback) and when it ends. The console implements one
(``ingest.console.ConsoleListener``); the loader draws nothing itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import polars as pl
from pydantic import BaseModel

from models import ImportBatch

MAX_STORED_REJECTS = 10_000
REPORT_REJECTS = 50
MAX_STORED_CHANGES = 1_000
CHANGE_SCHEMA = {
    "line": pl.Int64,
    "entity": pl.String,
    "key": pl.String,
    "column": pl.String,
    "old": pl.String,
    "new": pl.String,
}

Progress = Callable[[str, float], None]


@runtime_checkable
class ImportListener(Protocol):
    """Follows a run of imports: e.g. a progress bar per file and a summary at the end."""

    def run_started(self) -> None: ...

    def file_started(self, name: str) -> Progress:
        """A file begins; returns the callback its import reports its stages to."""
        ...

    def run_finished(self, reports: list[ImportReport]) -> None:
        """Every file is done (also when one raised): the reports so far."""
        ...


def no_progress(_stage: str, _fraction: float) -> None:
    """The callback of an import nobody follows."""


class RejectRead(BaseModel):
    line: int
    column: str | None
    value: str | None
    reason: str


class ValueChange(BaseModel):
    """A stored value the file changed: e.g. a patient's geboortejaar 1970 → 1990. ``line`` is
    the file's first line with the new value; ``key`` names a provider (a patient is not
    named)."""

    line: int
    entity: str  # patiënt | zorgverlener
    key: str | None
    column: str  # geboortejaar, geslacht, naam, functie
    old: str | None
    new: str | None


class ImportReport(BaseModel):
    """What one file did: counts, period covered, practices seen, ignored columns, rejects."""

    import_id: int | None = None
    filename: str
    kind: str
    source_format: str
    status: str
    rows_read: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    practices: list[str] = []
    unknown_columns: list[str] = []
    reject_reasons: dict[str, int] = {}
    rejects: list[RejectRead] = []  # the first few; all (up to a cap) are stored
    # Stored patient and provider values this file changed (old → new): how many, the first few.
    values_updated: int = 0
    value_changes: list[ValueChange] = []
    message: str | None = None
    seconds: float = 0.0


@dataclass
class Written:
    """What one writer did with one validated table."""

    kind: str
    read: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: pl.DataFrame = field(default_factory=pl.DataFrame)
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    practices: list[str] = field(default_factory=list)
    changes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CHANGE_SCHEMA))

    @property
    def rejected(self) -> int:
        return self.rejects.get_column("line").n_unique() if self.rejects.height else 0


def summarise(report: ImportReport, written: list[Written]) -> None:
    report.rows_read = sum(w.read for w in written)
    report.rows_new = sum(w.new for w in written)
    report.rows_updated = sum(w.updated for w in written)
    report.rows_unchanged = sum(w.unchanged for w in written)
    report.rows_rejected = sum(w.rejected for w in written)
    starts = [w.period[0] for w in written if w.period[0]]
    ends = [w.period[1] for w in written if w.period[1]]
    report.period_start = min(starts) if starts else None
    report.period_end = max(ends) if ends else None
    report.practices = sorted({p for w in written for p in w.practices})
    reasons: Counter[str] = Counter()
    firsts: list[RejectRead] = []
    for w in written:
        if w.rejects.height:
            reasons.update(dict(w.rejects.group_by("reason").len().iter_rows()))
            head = w.rejects.head(REPORT_REJECTS)
            firsts += [RejectRead(**r) for r in head.iter_rows(named=True)]
    report.reject_reasons = dict(reasons.most_common())
    report.rejects = sorted(firsts, key=lambda r: r.line)[:REPORT_REJECTS]
    changes = _changes(written)
    report.values_updated = changes.height
    report.value_changes = [
        ValueChange(**c) for c in changes.head(REPORT_REJECTS).iter_rows(named=True)
    ]


def _changes(written: list[Written]) -> pl.DataFrame:
    frames = [w.changes for w in written if w.changes.height]
    if not frames:
        return pl.DataFrame(schema=CHANGE_SCHEMA)
    return pl.concat(frames).sort("line", maintain_order=True)


def fill_batch(batch: ImportBatch, report: ImportReport, *, status: str) -> None:
    batch.status = status
    batch.rows_read = report.rows_read
    batch.rows_new = report.rows_new
    batch.rows_updated = report.rows_updated
    batch.rows_unchanged = report.rows_unchanged
    batch.rows_rejected = report.rows_rejected
    batch.period_start = report.period_start
    batch.period_end = report.period_end
    batch.practices = report.practices
    batch.unknown_columns = report.unknown_columns
    batch.message = report.message


def batch_details(report: ImportReport, written: list[Written]) -> dict[str, Any]:
    """The ImportBatch's details: reasons, counts per kind and how many rejects are stored."""
    return {
        "reject_reasons": report.reject_reasons,
        "per_kind": {
            w.kind: {
                "read": w.read,
                "new": w.new,
                "updated": w.updated,
                "unchanged": w.unchanged,
                "rejected": w.rejected,
            }
            for w in written
        },
        "rejects_stored": min(sum(w.rejects.height for w in written), MAX_STORED_REJECTS),
        "values_updated": report.values_updated,
        "value_changes": _changes(written).head(MAX_STORED_CHANGES).to_dicts(),
    }


def reject_rows(batch_id: int, written: list[Written]) -> list[dict[str, Any]]:
    """The ImportReject rows of a file (up to MAX_STORED_REJECTS)."""
    frames = [w.rejects for w in written if w.rejects.height]
    if not frames:
        return []
    rejects = pl.concat(frames).head(MAX_STORED_REJECTS)
    return [
        {"import_id": batch_id, **r}
        for r in rejects.select("line", "column", "value", "reason").iter_rows(named=True)
    ]
