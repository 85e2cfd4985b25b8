"""What a file changes of stored patients and providers, and what it contradicts itself on.

A contacten file carries a patient's geboortejaar and geslacht and a provider's name and
functie on every row. Two rows that give one patient (or provider) different values are
rejected (:func:`conflicts`), since which one is right cannot be told; a value that differs
from the stored one is an update the report shows with its old and new value
(:func:`changes`), so nothing flips silently between two files. Nothing here commits.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from ingest.adapters.base import LINE, PROBLEM_SCHEMA
from ingest.bulk import WriteContext, chunks
from models import Patient, Provider

PATIENT_CONFLICTS = {
    "birth_year": (
        "geboortejaar",
        "tegenstrijdig geboortejaar voor dezelfde patiënt in dit bestand",
    ),
    "sex": ("geslacht", "tegenstrijdig geslacht voor dezelfde patiënt in dit bestand"),
}
PROVIDER_CONFLICT = "tegenstrijdige naam voor dezelfde zorgverlener in dit bestand"


def conflicts(
    frame: pl.DataFrame, key: list[str], columns: dict[str, tuple[str, str]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows that give one patient (or provider) two different values of a column (e.g.
    geboortejaar 1970 and 1990) are rejected, every row with a value of that column: which one
    is right cannot be told. Returns the other rows and the rejects."""
    counts = frame.group_by(key).agg(
        pl.col(c).drop_nulls().n_unique().alias(f"__n_{c}") for c in columns
    )
    bad = counts.filter(pl.any_horizontal(pl.col(f"__n_{c}") > 1 for c in columns))
    if not bad.height:
        return frame, pl.DataFrame(schema=PROBLEM_SCHEMA)
    marked = frame.join(bad, on=key, how="left")
    flags = [(pl.col(f"__n_{c}") > 1).fill_null(False) & pl.col(c).is_not_null() for c in columns]
    rejects = pl.concat(
        [
            marked.filter(flag).select(
                pl.col(LINE).alias("line"),
                pl.lit(source).alias("column"),
                pl.col(c).cast(pl.String).alias("value"),
                pl.lit(reason).alias("reason"),
            )
            for flag, (c, (source, reason)) in zip(flags, columns.items(), strict=True)
        ]
    )
    keep = marked.filter(~pl.any_horizontal(flags)).drop(f"__n_{c}" for c in columns)
    return keep, rejects


def changes(
    entity: str, joined: pl.DataFrame, key: str | None, columns: dict[str, str]
) -> pl.DataFrame:
    """Stored values a file changes (old and new both set and different), one row per
    value: the file's first line with it, entity, key, column, old, new."""
    parts = [
        joined.filter(
            pl.col(new).is_not_null()
            & pl.col(f"old_{new}").is_not_null()
            & (pl.col(new).cast(pl.String) != pl.col(f"old_{new}").cast(pl.String))
        ).select(
            pl.col(LINE).alias("line"),
            pl.lit(entity).alias("entity"),
            (pl.col(key) if key else pl.lit(None, dtype=pl.String)).alias("key"),
            pl.lit(label).alias("column"),
            pl.col(f"old_{new}").cast(pl.String).alias("old"),
            pl.col(new).cast(pl.String).alias("new"),
        )
        for new, label in columns.items()
    ]
    return pl.concat(parts).sort("line", maintain_order=True)


def stored_patients(ctx: WriteContext, practice_ids: list[int]) -> pl.DataFrame:
    rows = [
        row
        for part in chunks(practice_ids)
        for row in ctx.conn.execute(
            select(
                Patient.practice_id, Patient.pseudonym, Patient.id, Patient.birth_year, Patient.sex
            ).where(Patient.practice_id.in_(part))
        )
    ]
    return pl.DataFrame(
        rows,
        schema={
            "practice_id": pl.Int64,
            "pseudonym": pl.String,
            "patient_id": pl.Int64,
            "old_birth_year": pl.Int16,
            "old_sex": pl.String,
        },
        orient="row",
    )


def stored_providers(ctx: WriteContext, codes: list[str]) -> pl.DataFrame:
    rows = [
        row
        for part in chunks(codes)
        for row in ctx.conn.execute(
            select(Provider.code, Provider.id, Provider.name, Provider.functie).where(
                Provider.code.in_(part)
            )
        )
    ]
    return pl.DataFrame(
        rows,
        schema={"code": pl.String, "id": pl.Int64, "old_name": pl.String, "old_functie": pl.String},
        orient="row",
    )
