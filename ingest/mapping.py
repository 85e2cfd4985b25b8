"""Mapping files: other layouts onto the import contract, written by a beheerder (TOML).

A mapping names the kind, which source column feeds which contract column, constant values,
and value maps (e.g. NHG Tabel 12 codes to destinations). See docs/import.md and the example
in ingest/mappings/.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingest.adapters.base import RawFrame
from ingest.contract import SPECS, normalise_header
from ingest.errors import IngestError


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    naam: str = ""
    soort: str
    omschrijving: str = ""
    werkblad: str | None = None
    kolommen: dict[str, str] = Field(default_factory=dict)
    vaste_waarden: dict[str, str] = Field(default_factory=dict)
    waarden: dict[str, dict[str, str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Mapping:
        if self.soort not in SPECS:
            raise ValueError(f"soort '{self.soort}' onbekend; kies uit {', '.join(SPECS)}")
        known = {c.name for c in SPECS[self.soort].columns}
        used = [*self.kolommen.values(), *self.vaste_waarden, *self.waarden]
        wrong = sorted({c for c in used if c not in known})
        if wrong:
            raise ValueError(
                f"onbekende contractkolom(men) voor {self.soort}: {', '.join(wrong)} "
                f"(wel: {', '.join(sorted(known))})"
            )
        return self

    def apply(self, raw: RawFrame) -> RawFrame:
        """Rename the mapped source columns to contract names and add the constants."""
        by_norm = {normalise_header(c): c for c in raw.frame.columns}
        rename: dict[str, str] = {}
        for source, target in self.kolommen.items():
            actual = by_norm.get(normalise_header(source))
            if actual is None:
                raise IngestError(
                    f"Toewijzing '{self.naam or self.soort}': bronkolom '{source}' (voor "
                    f"{target}) ontbreekt in het bestand. Kolommen in het bestand: "
                    f"{', '.join(raw.frame.columns)}."
                )
            rename[actual] = target
        # Source columns whose name collides with a mapped target are set aside.
        clash = {
            c: f"{c} (bron)" for c in raw.frame.columns if c in rename.values() and c not in rename
        }
        frame = raw.frame.rename(clash).rename(rename)
        if self.vaste_waarden:
            frame = frame.with_columns(
                pl.lit(v, dtype=pl.String).alias(k) for k, v in self.vaste_waarden.items()
            )
        return RawFrame(frame=frame, source_format=raw.source_format, first_line=raw.first_line)


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise IngestError(f"Toewijzingsbestand {path} bestaat niet.") from exc
    return parse_mapping(text, name=path.name)


def parse_mapping(text: str, *, name: str = "toewijzing") -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise IngestError(f"Toewijzingsbestand {name} is geen geldige TOML: {exc}") from exc
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'bestand'}: {e['msg']}" for e in exc.errors()
        )
        raise IngestError(f"Toewijzingsbestand {name} is ongeldig: {problems}") from exc
