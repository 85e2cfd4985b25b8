"""A row's identity, built in one place from the contract's declaration (``Identity``).

- The **natural key** of a contact or referral: the export's own row id where it has one,
  else a SHA-1 over the key columns joined by ``|`` (domain.md §3). Stored keys hash the
  patient's pseudonym; validation, which runs before pseudonymisation, finds duplicates within
  a file on the same text with the patient number (one-to-one with the pseudonym within a
  practice).
- The **row hash**: an MD5 over the payload columns, to tell a changed row from an unchanged
  one on a re-import.

Digests come from polars-hash (Rust, all cores): the same as ``hashlib`` over the UTF-8
bytes (tests/ingest checks that) and stable across versions, unlike polars' own ``hash``.
"""

from __future__ import annotations

import polars as pl
import polars_hash  # noqa: F401  (registers the .nchash namespace on expressions)

from ingest.contract import SPECS

PATIENT = "patientnummer"


def _digest(value: pl.Expr, algorithm: str) -> pl.Expr:
    """Hex digest (``sha1`` or ``md5``) of a string expression."""
    return getattr(value.nchash, algorithm)()


def _joined(columns: list[str], separator: str) -> pl.Expr:
    return pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("") for c in columns], separator=separator
    )


def _key_parts(kind: str, patient: str) -> tuple[pl.Expr, pl.Expr]:
    identity = SPECS[kind].identity
    if identity.source_id is None:
        raise ValueError(f"{kind} has no natural key")
    parts = [patient if c == PATIENT else c for c in identity.key_parts]
    return pl.col(identity.source_id), _joined(parts, "|")


def key_text(kind: str, *, patient: str = PATIENT) -> pl.Expr:
    """The source id, else the key columns joined by ``|`` with the patient taken from the
    column ``patient``: what identifies a row within a file (before pseudonymisation)."""
    source_id, joined = _key_parts(kind, patient)
    return pl.coalesce(source_id, joined)


def natural_key(kind: str, *, patient: str = "pseudonym") -> pl.Expr:
    """The stored natural key: the source id, else a SHA-1 of the key columns (the patient
    as its pseudonym)."""
    source_id, joined = _key_parts(kind, patient)
    return pl.coalesce(source_id, _digest(joined, "sha1"))


def row_hash(kind: str) -> pl.Expr:
    """MD5 of the row's payload columns (the contract's ``hash_columns``)."""
    return _digest(_joined(list(SPECS[kind].identity.hash_columns), "\x1f"), "md5")
