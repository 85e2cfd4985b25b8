"""Excel workbooks (.xlsx): the first sheet, or a named one; guarded against zip bombs."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import polars as pl

from ingest.adapters.base import ParseOptions, RawFrame, clean_strings, refuse_duplicate_headers
from ingest.errors import IngestError

FORMAT = "xlsx"
_CHUNK = 1 << 20
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def sniff(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def check_zip(data: bytes, *, max_unpacked_bytes: int, max_ratio: int) -> None:
    """Refuse archives that unpack to more than the limit or compress suspiciously well.

    The declared sizes can lie, so every member is also inflated (streaming, without keeping
    it) and counted against the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise IngestError("Geen geldig XLSX-bestand (beschadigd zip-archief).") from exc
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > max_unpacked_bytes:
            raise IngestError(_bomb_message(max_unpacked_bytes))
        for info in infos:
            if info.file_size > _CHUNK and info.file_size > max_ratio * max(info.compress_size, 1):
                raise IngestError(
                    f"XLSX geweigerd: onderdeel {info.filename} is {info.file_size:,} bytes "
                    f"uitgepakt uit {info.compress_size:,} bytes (mogelijk een zip-bom)."
                )
        total = 0
        for info in infos:
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        total += len(chunk)
                        if total > max_unpacked_bytes:
                            raise IngestError(_bomb_message(max_unpacked_bytes))
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise IngestError("Geen geldig XLSX-bestand (beschadigd zip-archief).") from exc


def _bomb_message(limit: int) -> str:
    return (
        f"XLSX geweigerd: uitgepakt groter dan {limit // (1024 * 1024)} MB (mogelijk een zip-bom)."
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the archive holds a formula (an ``<f>`` element); read in
    chunks, so a large sheet is not inflated in memory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(info) as member:
                tail = b""
                while chunk := member.read(_CHUNK):
                    if _FORMULA.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def _formula_cells(data: bytes, sheet_name: str) -> set[tuple[int, int]]:
    """(row, column) of every formula cell of the sheet, both counted from 1."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found = set()
        for r, row in enumerate(workbook[sheet_name].iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                if (isinstance(value, str) and value.startswith("=")) or (
                    value is not None and type(value).__name__.endswith("Formula")
                ):
                    found.add((r, c))
        return found
    finally:
        workbook.close()


def read_frame(data: bytes, options: ParseOptions | None = None) -> RawFrame:
    """The sheet's rows as strings. A formula cell gives its cached (last computed) value;
    one without a cached value is a problem of its row, named by the cell."""
    options = options or ParseOptions()
    check_zip(data, max_unpacked_bytes=options.max_unpacked_bytes, max_ratio=options.max_ratio)
    from openpyxl import load_workbook  # imported lazily: only XLSX needs it
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise IngestError(f"Het XLSX-bestand is niet te lezen: {exc}") from exc
    hint = None
    try:
        if options.sheet is not None:
            if options.sheet not in workbook.sheetnames:
                raise IngestError(
                    f"Werkblad '{options.sheet}' bestaat niet; wel: "
                    f"{', '.join(workbook.sheetnames)}."
                )
            sheet = workbook[options.sheet]
        else:
            sheet = workbook.worksheets[0]
            others = workbook.sheetnames[1:]
            if others:
                hint = (
                    f"Gelezen is het eerste werkblad, '{sheet.title}'; de werkmap heeft ook "
                    + ", ".join(f"'{o}'" for o in others)
                    + ": kies het werkblad met de gegevens met --sheet (API: veld sheet)."
                )
        sheet_name = sheet.title
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None for v in header):
            raise IngestError(_with_hint("Het werkblad is leeg.", hint))
        names = [(_text(v) or f"kolom_{i + 1}").strip() for i, v in enumerate(header)]
        refuse_duplicate_headers(names, position=get_column_letter_1)
        columns: list[list[str | None]] = [[] for _ in names]
        for row in rows:
            for i in range(len(names)):
                columns[i].append(_text(row[i]) if i < len(row) else None)
    finally:
        workbook.close()
    frame = pl.DataFrame(
        {name: col for name, col in zip(names, columns, strict=True)},
        schema={name: pl.String for name in names},
    )
    frame = clean_strings(frame)
    if frame.height == 0 or frame.select(pl.all().is_not_null().any()).row(0) == tuple(
        False for _ in names
    ):
        raise IngestError(
            _with_hint("Het werkblad bevat alleen een kopregel en geen gegevens.", hint)
        )
    problems = []
    if _has_formulas(data):  # a formula without a cached value reads as an empty cell
        problems = [
            (r, names[c - 1], f"cel {get_column_letter(c)}{r}: formule zonder berekende waarde")
            for r, c in sorted(_formula_cells(data, sheet_name))
            if r >= 2 and c <= len(names) and columns[c - 1][r - 2] is None
        ]
    return RawFrame(frame=frame, source_format=FORMAT, first_line=2, problems=problems, hint=hint)


def get_column_letter_1(index: int) -> str:
    """The column letter of a 0-based index (0 → A)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _with_hint(message: str, hint: str | None) -> str:
    return f"{message} {hint}" if hint else message
