"""Delimited text: `;` `,` or tab; UTF-8 with or without BOM, or Windows-1252 — one encoding
for the whole file. Line endings LF, CRLF or CR. Rows keep their physical line number (a
quoted value may span lines), for citing rejects."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import polars as pl

from ingest.adapters.base import ParseOptions, RawFrame, clean_strings, refuse_duplicate_headers
from ingest.errors import IngestError

FORMAT = "csv"
DELIMITERS = (";", ",", "\t")
_BOM = b"\xef\xbb\xbf"
_DELIMITER_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab"}
# A well-formed UTF-8 sequence of two or more bytes (a character outside ASCII).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


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


def line_of(data: bytes, pos: int) -> int:
    """The (1-based) line of byte ``pos``: LF, CRLF and CR-only line endings."""
    if b"\n" in data:
        return data.count(b"\n", 0, pos) + 1
    return data.count(b"\r", 0, pos) + 1


def decode(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes for polars, and the encoding found (utf-8, utf-8-sig or cp1252).

    One encoding for the whole file: UTF-8 if every byte fits, else Windows-1252 — but a
    file that is UTF-8 in some lines and not in others is refused, naming the line of the
    first byte that does not fit (decoding it as Windows-1252 would turn ü into Ã¼)."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
        utf8 = _UTF8_MULTIBYTE.search(data)
        if encoding == "utf-8-sig" or utf8 is not None:
            where = (
                "het bestand begint met een UTF-8-kenmerk (BOM)"
                if utf8 is None
                else f"regel {line_of(data, utf8.start())} is UTF-8"
            )
            raise IngestError(
                f"Gemengde tekencodering: {where}, maar regel {line_of(data, bad)} bevat een "
                f"teken dat geen UTF-8 is (byte 0x{data[bad]:02X}, waarschijnlijk Windows-1252). "
                "Sla het bestand op in één codering (bij voorkeur UTF-8) en importeer het "
                "opnieuw."
            ) from exc
        try:
            return data.decode("cp1252").encode("utf-8"), "cp1252"
        except UnicodeDecodeError as exc2:
            raise IngestError(
                "Onbekende tekencodering: het bestand is geen UTF-8 en geen Windows-1252 "
                f"(regel {line_of(data, exc2.start)}: byte 0x{data[exc2.start]:02X})."
            ) from exc2
    return data, encoding


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def record_lines(text: bytes, count: int) -> np.ndarray | None:
    """The physical line of each of the first ``count`` data records, when a quoted value
    spans lines (else None: record n is line n + 1). A newline ends a record when an even
    number of quote characters precedes it (an escaped quote "" counts twice)."""
    arr = np.frombuffer(text, dtype=np.uint8)
    quotes = np.flatnonzero(arr == ord('"'))
    if not len(quotes):
        return None
    newlines = np.flatnonzero(arr == ord("\n"))
    inside = np.searchsorted(quotes, newlines) % 2 == 1
    if not inside.any():
        return None
    ends = np.flatnonzero(~inside)  # the record ends, as indexes into ``newlines``
    if len(ends) < count:
        return None
    # Data record k (from 1) starts after the k-th record end: its line is that end's + 2.
    return ends[:count] + 2


def unreadable(text: bytes, separator: str) -> str:
    """Why polars could not read the file, with the line, found by Python's csv reader
    (only on this error path)."""
    name = _DELIMITER_NAMES.get(separator, separator)
    reader = csv.reader(
        io.StringIO(text.decode("utf-8"), newline=""),
        delimiter=separator,
        quotechar='"',
        strict=True,
    )
    start, width = 1, None
    try:
        for row in reader:
            if width is None:
                width = len(row)
            elif len(row) > width:
                return (
                    f"Het CSV-bestand is niet te lezen: regel {start} heeft {len(row)} velden, "
                    f"de kopregel {width} (scheidingsteken: {name}). Staat er een "
                    "scheidingsteken in een waarde zonder aanhalingstekens eromheen?"
                )
            start = reader.line_num + 1
    except csv.Error:
        return (
            f'Het CSV-bestand is niet te lezen: het veld met een aanhalingsteken (") op regel '
            f"{start} wordt niet goed afgesloten."
        )
    quote = text.find(b'"')
    where = f" (het eerste staat op regel {line_of(text, quote)})" if quote >= 0 else ""
    return (
        f"Het CSV-bestand is niet te lezen (scheidingsteken: {name}): controleer de "
        f"aanhalingstekens{where} en of elke regel evenveel velden heeft als de kopregel."
    )


def read_frame(data: bytes, options: ParseOptions | None = None) -> RawFrame:
    if not data.strip(b" \t\r\n" + _BOM):
        raise IngestError("Het bestand is leeg.")
    if looks_binary(data[:65536]):
        raise IngestError(
            "Dit is geen tekstbestand (binaire inhoud). Verwacht een CSV-export, een "
            "XLSX-werkmap of een FHIR-bundel (JSON)."
        )
    text, _encoding = decode(data)
    if b"\n" not in text and b"\r" in text:  # old Mac line endings (CR only)
        text = text.replace(b"\r", b"\n")
    first_nl = text.find(b"\n")
    header_line = (text if first_nl < 0 else text[:first_nl]).decode("utf-8").rstrip("\r")
    separator = sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=separator, quotechar='"'), [])
    refuse_duplicate_headers(header, position=lambda i: str(i + 1))
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
        raise IngestError(unreadable(text, separator)) from exc
    if frame.height == 0:
        raise IngestError("Het bestand bevat alleen een kopregel en geen gegevens.")
    frame = frame.rename({c: c.strip() for c in frame.columns})
    lines = record_lines(text, frame.height) if b'"' in text else None
    return RawFrame(
        frame=clean_strings(frame),
        source_format=FORMAT,
        first_line=2,
        lines=None if lines is None else pl.Series("__line", lines, dtype=pl.Int64),
    )
