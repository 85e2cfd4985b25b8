"""What every adapter returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from ingest.contract import normalise_header, recognise
from ingest.errors import IngestError

LINE = "__line"
PROBLEM_SCHEMA = {"line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}


@dataclass
class ParsedTable:
    """One table of one kind, all values strings (or null), columns named by the contract."""

    kind: str
    frame: pl.DataFrame
    source_format: str
    unknown_columns: list[str] = field(default_factory=list)
    # Source header → contract column, for the report and for reject messages.
    columns: dict[str, str] = field(default_factory=dict)
    # Value maps from a mapping file: contract column → {source value: contract value}.
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    # Rows the adapter already knows to be bad (line, contract column, value, reason), e.g.
    # an XLSX formula without a computed value: validation rejects them whole.
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))


@dataclass
class RawFrame:
    """A tabular file as read: its own headers, every value a stripped string or null."""

    frame: pl.DataFrame
    source_format: str
    first_line: int  # line (CSV) or row (XLSX) number of the first data row
    # The line of every row when they are not consecutive from first_line (a CSV value
    # spanning lines); None otherwise.
    lines: pl.Series | None = None
    # Cells the adapter could not read: (line, source column, reason); see ParsedTable.
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    # Appended to a refusal of the table's headers (e.g. which other sheets there are).
    hint: str | None = None


@dataclass(frozen=True)
class ParseOptions:
    kind: str | None = None
    sheet: str | None = None
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 200


def to_contract(
    raw: RawFrame,
    *,
    kind: str | None,
) -> ParsedTable:
    """Recognise the kind from the header, rename to contract names, drop unknown columns,
    add the line numbers. ``frame`` holds the file's columns as strings."""
    frame = raw.frame
    headers = list(frame.columns)
    try:
        match = recognise(headers, kind)
    except IngestError as exc:
        if raw.hint:
            raise IngestError(f"{exc.message} {raw.hint}") from exc
        raise
    out = frame.select([pl.col(src).alias(dst) for src, dst in match.rename.items()])
    if raw.lines is not None:
        out = out.with_columns(raw.lines.alias(LINE))
    else:
        out = out.with_row_index(LINE, offset=raw.first_line)
        out = out.with_columns(pl.col(LINE).cast(pl.Int64))
    data_cols = [c for c in out.columns if c != LINE]
    if data_cols:  # blank lines of the file are not rows
        out = out.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in data_cols))
    problems = [
        (line, match.rename[src], reason)
        for line, src, reason in raw.problems
        if src in match.rename
    ]
    return ParsedTable(
        kind=match.kind,
        frame=out,
        source_format=raw.source_format,
        unknown_columns=match.unknown,
        columns=match.rename,
        problems=pl.DataFrame(
            {
                "line": [p[0] for p in problems],
                "column": [p[1] for p in problems],
                "value": [None] * len(problems),
                "reason": [p[2] for p in problems],
            },
            schema=PROBLEM_SCHEMA,
        ),
    )


def refuse_duplicate_headers(headers: list[str], *, position: Callable[[int], str]) -> None:
    """A column name twice in the header (case, spaces and accents aside) is ambiguous:
    refuse the file, naming the columns and where they are (``position`` of an index: a
    number for CSV, a letter for XLSX)."""
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(headers):
        if name is not None and name.strip():
            seen.setdefault(normalise_header(name), []).append(i)
    doubles = [places for places in seen.values() if len(places) > 1]
    if not doubles:
        return
    parts = [
        f"'{headers[places[0]].strip()}' (kolommen "
        + ", ".join(position(i) for i in places[:-1])
        + f" en {position(places[-1])})"
        for places in doubles
    ]
    raise IngestError(
        "Dubbele kolom in de kopregel: "
        + "; ".join(parts)
        + ". Elke kolom mag één keer voorkomen: verwijder of hernoem de dubbele."
    )


def clean_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip values and turn empty strings into null — only in the columns that need it (a
    scan is cheap; a copy of a million-row column is not)."""
    needs = (
        frame.select(
            pl.col(c).str.contains(r"^\s|\s$").any() | (pl.col(c) == "").any()
            for c in frame.columns
        ).row(0)
        if frame.height
        else ()
    )
    dirty = [c for c, flag in zip(frame.columns, needs, strict=False) if flag]
    if not dirty:
        return frame
    return frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "")
        .then(None)
        .otherwise(pl.col(c).str.strip_chars())
        .alias(c)
        for c in dirty
    )
