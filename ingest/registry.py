"""Which adapter reads a file: sniffed from its first bytes (or the name as a hint)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from ingest.adapters import csv as csv_adapter
from ingest.adapters import fhir as fhir_adapter
from ingest.adapters import xlsx as xlsx_adapter
from ingest.adapters.base import ParsedTable, ParseOptions, RawFrame, to_contract
from ingest.errors import IngestError
from ingest.mapping import Mapping
from ingest.pseudonym import is_bsn

BSN_SAMPLE_ROWS = 2000


@dataclass(frozen=True)
class TabularAdapter:
    name: str
    sniff: Callable[[bytes], bool]
    read_frame: Callable[[bytes, ParseOptions], RawFrame]


TABULAR: tuple[TabularAdapter, ...] = (
    TabularAdapter(xlsx_adapter.FORMAT, xlsx_adapter.sniff, xlsx_adapter.read_frame),
    TabularAdapter(csv_adapter.FORMAT, csv_adapter.sniff, csv_adapter.read_frame),
)
FORMATS: tuple[str, ...] = (fhir_adapter.FORMAT, xlsx_adapter.FORMAT, csv_adapter.FORMAT)


def detect_format(data: bytes, *, filename: str = "") -> str:
    head = data[:65536]
    if not data.strip():
        raise IngestError("Het bestand is leeg.")
    if fhir_adapter.sniff(head):
        return fhir_adapter.FORMAT
    if xlsx_adapter.sniff(head):
        return xlsx_adapter.FORMAT
    if csv_adapter.sniff(head):
        return csv_adapter.FORMAT
    raise IngestError(
        f"Bestandsformaat van {filename or 'het bestand'} niet herkend (binaire inhoud). "
        "Verwacht een CSV-export, een XLSX-werkmap of een FHIR-bundel (JSON)."
    )


def refuse_bsn_content(frame: pl.DataFrame) -> None:
    """A column whose values are 9-digit numbers passing the 11-proef holds BSNs: refuse."""
    sample = frame.head(BSN_SAMPLE_ROWS)
    for col in sample.columns:
        values = sample.get_column(col).drop_nulls().unique().to_list()
        nine = [v for v in values if len(v) == 9 and v.isdigit()]
        if len(values) >= 3 and sum(is_bsn(v) for v in nine) >= 0.9 * len(values):
            raise IngestError(
                f"Kolom '{col}' bevat burgerservicenummers (BSN: negen cijfers die de "
                "11-proef doorstaan). POH-Connect slaat geen BSN op; exporteer het "
                "patiëntnummer van het HIS in plaats daarvan."
            )


def parse(
    data: bytes,
    *,
    filename: str = "",
    kind: str | None = None,
    mapping: Mapping | None = None,
    options: ParseOptions | None = None,
) -> list[ParsedTable]:
    """Read a file into contract tables (one for CSV/XLSX; one per kind for FHIR)."""
    options = options or ParseOptions()
    fmt = detect_format(data, filename=filename)
    if fmt == fhir_adapter.FORMAT:
        if mapping is not None:
            raise IngestError("Een toewijzingsbestand geldt niet voor FHIR-bundels.")
        return fhir_adapter.parse(data, kind=kind)
    adapter = next(a for a in TABULAR if a.name == fmt)
    if mapping is not None and mapping.werkblad and options.sheet is None:
        options = ParseOptions(
            kind=options.kind,
            sheet=mapping.werkblad,
            max_unpacked_bytes=options.max_unpacked_bytes,
            max_ratio=options.max_ratio,
        )
    raw = adapter.read_frame(data, options)
    refuse_bsn_content(raw.frame)
    if mapping is not None:
        if kind is not None and kind != mapping.soort:
            raise IngestError(f"Soort {kind} gevraagd, maar de toewijzing is voor {mapping.soort}.")
        raw = mapping.apply(raw)
        kind = mapping.soort
    table = to_contract(raw, kind=kind)
    if mapping is not None:
        table.value_maps = dict(mapping.waarden)
    return [table]
