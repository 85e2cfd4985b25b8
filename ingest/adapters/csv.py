"""Delimited text: `;` `,` or tab; UTF-8 with or without BOM, or Windows-1252."""

from __future__ import annotations

import polars as pl

from ingest.adapters.base import ParseOptions, RawFrame, clean_strings
from ingest.errors import IngestError

FORMAT = "csv"
DELIMITERS = (";", ",", "\t")
_BOM = b"\xef\xbb\xbf"


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters: not a text export."""
    sample = head[:65536]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    return controls > len(sample) // 100


def sniff(head: bytes) -> bool:
    return not head.startswith(b"PK\x03\x04") and not looks_binary(head)


def decode(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes for polars, and the encoding found (utf-8, utf-8-sig or cp1252)."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252").encode("utf-8"), "cp1252"
        except UnicodeDecodeError as exc:
            raise IngestError(
                "Onbekende tekencodering: het bestand is geen UTF-8 en geen Windows-1252."
            ) from exc
    return data, encoding


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_frame(data: bytes, options: ParseOptions | None = None) -> RawFrame:
    if not data.strip(b" \t\r\n" + _BOM):
        raise IngestError("Het bestand is leeg.")
    if looks_binary(data[:65536]):
        raise IngestError(
            "Dit is geen tekstbestand (binaire inhoud). Verwacht een CSV-export, een "
            "XLSX-werkmap of een FHIR-bundel (JSON)."
        )
    text, _encoding = decode(data)
    first_nl = text.find(b"\n")
    header_line = (text if first_nl < 0 else text[:first_nl]).decode("utf-8")
    separator = sniff_delimiter(header_line)
    try:
        frame = pl.read_csv(
            text,
            separator=separator,
            infer_schema=False,
            has_header=True,
            quote_char='"',
            raise_if_empty=True,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.NoDataError as exc:
        raise IngestError("Het bestand is leeg.") from exc
    except (pl.exceptions.ComputeError, pl.exceptions.PolarsError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IngestError(f"Het CSV-bestand is niet te lezen: {first}") from exc
    if frame.height == 0:
        raise IngestError("Het bestand bevat alleen een kopregel en geen gegevens.")
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return RawFrame(frame=clean_strings(frame), source_format=FORMAT, first_line=2)
