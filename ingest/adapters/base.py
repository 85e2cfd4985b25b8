"""What every adapter returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ingest.contract import recognise

LINE = "__line"


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


@dataclass
class RawFrame:
    """A tabular file as read: its own headers, every value a stripped string or null."""

    frame: pl.DataFrame
    source_format: str
    first_line: int  # line (CSV) or row (XLSX) number of the first data row


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
    match = recognise(headers, kind)
    out = frame.select(
        [pl.col(src).alias(dst) for src, dst in match.rename.items()]
    ).with_row_index(LINE, offset=raw.first_line)
    out = out.with_columns(pl.col(LINE).cast(pl.Int64))
    data_cols = [c for c in out.columns if c != LINE]
    if data_cols:  # blank lines of the file are not rows
        out = out.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in data_cols))
    return ParsedTable(
        kind=match.kind,
        frame=out,
        source_format=raw.source_format,
        unknown_columns=match.unknown,
        columns=match.rename,
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
