"""Row validation against the import contract, vectorised with polars.

Input: a :class:`ParsedTable` (strings, contract names). Output: the valid rows with typed,
normalised values and a table of rejects (line, column, value, reason), one per problem;
a row with any problem is left out whole. Patient values are redacted in rejects.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

import polars as pl

from ingest.adapters.base import LINE, ParsedTable
from ingest.contract import (
    BESTEMMING_ALIASES,
    CONTACTVORM_ALIASES,
    DEFAULT_TABEL12,
    ECHELON_ALIASES,
    ECHELON_DESTINATION,
    FUNCTIE_ALIASES,
    GESLACHT_ALIASES,
    MAX_LENGTHS,
    SPECS,
    VERRICHTING_CONTACTVORM,
)
from ingest.keys import key_text
from models.enums import Bestemming, ImportKind

REDACTED = "•••"
_FILE_KEY = "__dupkey"
REJECT_SCHEMA = {"line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}


DATE_HINT = "verwacht dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj of jjjj-mm-dd"


@dataclass
class ValidatedTable:
    kind: str
    frame: pl.DataFrame  # valid rows, typed
    rejects: pl.DataFrame  # line, column, value, reason
    rows_read: int


@dataclass
class _Check:
    column: str
    bad: pl.Expr
    reason: str
    value: pl.Expr | None = None  # what to show; defaults to the column's source text


def _norm_map(col: str, mapping: dict[str, str]) -> pl.Expr:
    key = pl.col(col).str.to_lowercase().str.replace_all(r"[\s\-_]", "")
    return key.replace_strict(mapping, default=None, return_dtype=pl.String)


def parse_date(col: str) -> pl.Expr:
    s = pl.col(col).str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "")
    return pl.coalesce(
        s.str.strptime(pl.Date, "%d-%m-%Y", strict=False),
        s.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        s.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
    )


DECIMAL = r"^-?\d+(?:[.,]\d+)?$"


def parse_decimal(col: str) -> pl.Expr:
    """A plain number: digits with an optional decimal comma or point (and a minus sign);
    anything else — NaN, inf, 1e3, 1.234,5 — is null, i.e. "geen getal"."""
    s = pl.col(col)
    return (
        pl.when(s.str.contains(DECIMAL))
        .then(s.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False))
        .otherwise(None)
    )


def parse_count(col: str) -> pl.Expr:
    """Whole numbers, allowing Dutch thousands separators (2.350) and a trailing ,0 / .0."""
    grouped = pl.col(col).str.contains(r"^\d{1,3}(?:[. ]\d{3})+$")
    plain = pl.col(col).str.replace_all(r"[. ]", "")
    whole = pl.col(col).str.replace(r"[.,]0+$", "")
    return pl.when(grouped).then(plain).otherwise(whole).cast(pl.Int64, strict=False)


def _agb(col: str) -> pl.Expr:
    """8 digits; a 7-digit value gets back the leading zero a spreadsheet dropped."""
    s = pl.col(col)
    return pl.when(s.str.contains(r"^\d{7}$")).then(pl.lit("0") + s).otherwise(s)


def _date_checks(col: str, parsed: str) -> list[_Check]:
    max_year = dt.date.today().year + 1
    present = pl.col(col).is_not_null()
    return [
        _Check(col, present & pl.col(parsed).is_null(), f"ongeldige datum ({DATE_HINT})"),
        _Check(
            col,
            pl.col(parsed).dt.year().is_between(1900, max_year).not_(),
            f"onmogelijke datum: jaar buiten 1900–{max_year}",
        ),
    ]


def _required(spec_kind: str, frame: pl.DataFrame) -> list[_Check]:
    checks = []
    for name in SPECS[spec_kind].required:
        if name in frame.columns:
            checks.append(_Check(name, pl.col(name).is_null(), f"verplicht veld '{name}' is leeg"))
    return checks


def _length_checks(frame: pl.DataFrame) -> list[_Check]:
    return [
        _Check(col, pl.col(col).str.len_chars() > n, f"waarde te lang (maximaal {n} tekens)")
        for col, n in MAX_LENGTHS.items()
        if col in frame.columns
    ]


def _with_all_columns(table: ParsedTable) -> pl.DataFrame:
    frame = table.frame
    missing = [c.name for c in SPECS[table.kind].columns if c.name not in frame.columns]
    if missing:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
    for col, mapping in table.value_maps.items():
        if col in frame.columns and col != "bestemming":
            frame = frame.with_columns(pl.col(col).replace(mapping).alias(col))
    return frame


def _run(
    table: ParsedTable,
    frame: pl.DataFrame,
    checks: list[_Check],
    *,
    finals: list[pl.Expr],
    output: list[str],
) -> ValidatedTable:
    identity = SPECS[table.kind].identity
    patient_cols = {c.name for c in SPECS[table.kind].columns if c.patient}
    bad_cols = [f"__bad{i}" for i in range(len(checks))]
    frame = frame.with_columns(
        check.bad.fill_null(False).alias(name) for check, name in zip(checks, bad_cols, strict=True)
    )
    any_bad = pl.any_horizontal(bad_cols) if bad_cols else pl.lit(False)
    parts = []
    if table.problems.height:  # rows the adapter could not read (e.g. XLSX formulas)
        any_bad = any_bad | pl.col(LINE).is_in(table.problems.get_column("line").implode())
        parts.append(table.problems)
    bad = frame.filter(any_bad)
    for check, name in zip(checks, bad_cols, strict=True):
        value = check.value if check.value is not None else pl.col(check.column)
        if check.column in patient_cols:
            value = pl.when(pl.col(check.column).is_not_null()).then(pl.lit(REDACTED))
        parts.append(
            bad.filter(pl.col(name)).select(
                pl.col(LINE).alias("line"),
                pl.lit(check.column).alias("column"),
                value.cast(pl.String).str.slice(0, 200).alias("value"),
                pl.lit(check.reason).alias("reason"),
            )
        )
    if table.problems.height and len(parts) > 1:  # the adapter's reason for a cell, not also
        # e.g. "verplicht veld is leeg" for the same (unreadable) cell
        cells = table.problems.select("line", "column")
        parts = [parts[0]] + [p.join(cells, on=["line", "column"], how="anti") for p in parts[1:]]
    ok = frame.filter(~any_bad) if bad.height else frame
    ok = ok.with_columns(finals)
    key = list(identity.file_key)
    if identity.source_id is not None:  # one natural key (keys.py) for the file and the table
        ok = ok.with_columns(key_text(table.kind).alias(_FILE_KEY))
        key.append(_FILE_KEY)
    if key:
        repeated = _repeated(ok, key)
        if repeated.any():
            dup_keys = ok.filter(repeated).select(key).unique()
            firsts = (
                ok.join(dup_keys, on=key, how="semi", nulls_equal=True)
                .group_by(key)
                .agg(pl.col(LINE).min().alias("__first"))
            )
            dups = ok.filter(repeated).join(firsts, on=key, how="left", nulls_equal=True)
            parts.append(
                dups.select(
                    pl.col(LINE).alias("line"),
                    pl.lit(None, dtype=pl.String).alias("column"),
                    pl.lit(None, dtype=pl.String).alias("value"),
                    pl.format("dubbele regel: zelfde sleutel als regel {}", "__first").alias(
                        "reason"
                    ),
                )
            )
            ok = ok.filter(~repeated)
    rejects = (
        pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=REJECT_SCHEMA)
    ).sort("line", maintain_order=True)
    return ValidatedTable(
        kind=table.kind,
        frame=ok.select([LINE, *output]),
        rejects=rejects,
        rows_read=table.frame.height,
    )


def _repeated(frame: pl.DataFrame, key: list[str]) -> pl.Series:
    """True for every row whose key an earlier row already has (rows are in line order,
    so the first of a key is its earliest line). Only rows whose 64-bit key hash (per-column
    hashes, XOR-ed) occurs more than once are compared in full: exact, without building a
    hash table of whole keys for every row (about 270 MB for a million contacten rows)."""
    parts = [pl.col(c).hash(seed=i) for i, c in enumerate(key)]
    hashed = frame.select(functools.reduce(operator.xor, parts)).to_series()
    candidates = hashed.is_duplicated()
    repeated = pl.Series("repeated", [False] * frame.height, dtype=pl.Boolean)
    if not candidates.any():
        return repeated
    subset = frame.filter(candidates).select(pl.struct(key).is_first_distinct().not_())
    return repeated.scatter(candidates.arg_true(), subset.to_series())


def validate(table: ParsedTable) -> ValidatedTable:
    frame = _with_all_columns(table)
    return {
        ImportKind.PRAKTIJKEN.value: _praktijken,
        ImportKind.CONTACTEN.value: _contacten,
        ImportKind.VERWIJZINGEN.value: _verwijzingen,
        ImportKind.UREN.value: _uren,
    }[table.kind](table, frame)


def _agb_check(col: str, parsed: str) -> _Check:
    return _Check(
        col,
        pl.col(col).is_not_null() & pl.col(parsed).str.contains(r"^\d{8}$").not_(),
        "ongeldige AGB-code: moet 8 cijfers zijn",
    )


def _praktijken(table: ParsedTable, frame: pl.DataFrame) -> ValidatedTable:
    frame = frame.with_columns(
        _agb("praktijk_agb").alias("agb"),
        parse_date("peildatum").alias("peildatum_d"),
        parse_count("ingeschreven_patienten").alias("listed"),
    )
    checks = [
        *_required(table.kind, frame),
        _agb_check("praktijk_agb", "agb"),
        *_date_checks("peildatum", "peildatum_d"),
        _Check(
            "ingeschreven_patienten",
            pl.col("ingeschreven_patienten").is_not_null() & pl.col("listed").is_null(),
            "aantal ingeschreven patiënten is geen geheel getal",
        ),
        _Check("ingeschreven_patienten", pl.col("listed") < 0, "negatief aantal patiënten"),
        *_length_checks(frame),
    ]
    finals = [pl.col("agb").alias("praktijk_agb"), pl.col("peildatum_d").alias("peildatum")]
    return _run(
        table,
        frame,
        checks,
        finals=finals,
        output=["praktijk_agb", "praktijk_naam", "regio", "peildatum", "listed"],
    )


def _patient_checks(frame: pl.DataFrame) -> list[_Check]:
    return [
        _Check(
            "geboortejaar",
            pl.col("geboortejaar").is_not_null()
            & pl.col("birth_year").is_between(1880, dt.date.today().year).not_().fill_null(True),
            "ongeldig geboortejaar",
        ),
        _Check(
            "geslacht",
            pl.col("geslacht").is_not_null() & pl.col("sex").is_null(),
            "onbekend geslacht (M, V, X of O)",
        ),
    ]


def _icpc_check() -> _Check:
    return _Check(
        "icpc",
        pl.col("icpc").is_not_null()
        & pl.col("icpc_n").str.contains(r"^[A-Z]\d{2}(\.\d{1,2})?$").not_(),
        "ongeldige ICPC-code (verwacht bijv. P76 of P76.01)",
    )


def _contacten(table: ParsedTable, frame: pl.DataFrame) -> ValidatedTable:
    frame = frame.with_columns(
        _agb("praktijk_agb").alias("agb"),
        parse_date("datum").alias("datum_d"),
        pl.coalesce(
            pl.col("tijd").str.to_time("%H:%M", strict=False),
            pl.col("tijd").str.to_time("%H:%M:%S", strict=False),
        ).alias("tijd_t"),
        parse_decimal("geboortejaar").alias("birth_year_f"),
        pl.col("geslacht")
        .str.to_lowercase()
        .replace_strict(GESLACHT_ALIASES, default=None, return_dtype=pl.String)
        .alias("sex"),
        _norm_map("functie", FUNCTIE_ALIASES).alias("functie_n"),
        _norm_map("contactvorm", CONTACTVORM_ALIASES).alias("vorm_n"),
        pl.col("verrichtingcode")
        .replace_strict(VERRICHTING_CONTACTVORM, default=None, return_dtype=pl.String)
        .alias("vorm_v"),
        parse_decimal("duur_minuten").alias("duur_f"),
        pl.col("icpc").str.to_uppercase().str.replace_all(" ", "").alias("icpc_n"),
    ).with_columns(
        (pl.col("birth_year_f") + 0.5).floor().cast(pl.Int16, strict=False).alias("birth_year"),
    )
    checks = [
        *_required(table.kind, frame),
        _agb_check("praktijk_agb", "agb"),
        *_date_checks("datum", "datum_d"),
        _Check(
            "tijd",
            pl.col("tijd").is_not_null() & pl.col("tijd_t").is_null(),
            "ongeldige tijd (verwacht HH:MM)",
        ),
        *_patient_checks(frame),
        _Check(
            "functie",
            pl.col("functie").is_not_null() & pl.col("functie_n").is_null(),
            "onbekende functie (huisarts, poh-ggz, poh-ggz-jeugd, poh-somatiek of anders)",
        ),
        _Check(
            "contactvorm",
            pl.col("contactvorm").is_not_null() & pl.col("vorm_n").is_null(),
            "onbekende contactvorm (consult, visite, telefonisch, video, e-consult of groep)",
        ),
        _Check(
            "verrichtingcode",
            pl.col("contactvorm").is_null()
            & pl.col("verrichtingcode").is_not_null()
            & pl.col("vorm_v").is_null(),
            "verrichtingcode is geen contact (consulten: 12000, 12001, 12002, 12003, 12007, "
            "12010, 12011)",
        ),
        _Check(
            "contactvorm",
            pl.col("contactvorm").is_null() & pl.col("verrichtingcode").is_null(),
            "contactvorm en verrichtingcode zijn allebei leeg",
        ),
        _Check(
            "duur_minuten",
            pl.col("duur_minuten").is_not_null() & pl.col("duur_f").is_null(),
            "duur is geen getal",
        ),
        _Check("duur_minuten", pl.col("duur_f") < 0, "negatieve duur"),
        _Check("duur_minuten", pl.col("duur_f") > 24 * 60, "duur langer dan een dag"),
        _icpc_check(),
        *_length_checks(frame),
    ]
    finals = [
        pl.col("agb").alias("praktijk_agb"),
        pl.col("datum_d").alias("datum"),
        pl.col("tijd_t").alias("tijd"),
        pl.col("functie_n").alias("functie"),
        pl.coalesce("vorm_n", "vorm_v").alias("contactvorm"),
        (pl.col("duur_f") + 0.5).floor().cast(pl.Int32, strict=False).alias("duur_minuten"),
        pl.col("icpc_n").alias("icpc"),
    ]
    return _run(
        table,
        frame,
        checks,
        finals=finals,
        output=[
            "contact_id",
            "praktijk_agb",
            "patientnummer",
            "birth_year",
            "sex",
            "datum",
            "tijd",
            "zorgverlener_code",
            "zorgverlener_naam",
            "functie",
            "contactvorm",
            "verrichtingcode",
            "duur_minuten",
            "icpc",
            "episode_id",
        ],
    )


def _verwijzingen(table: ParsedTable, frame: pl.DataFrame) -> ValidatedTable:
    tabel12 = {**DEFAULT_TABEL12, **table.value_maps.get("bestemming", {})}
    tabel12_upper = {k.upper(): v for k, v in tabel12.items()}
    code = pl.col("bestemming").str.strip_chars()
    frame = frame.with_columns(
        _agb("praktijk_agb").alias("agb"),
        parse_date("datum").alias("datum_d"),
        _norm_map("verwijzer_functie", FUNCTIE_ALIASES).alias("vfunctie_n"),
        pl.coalesce(
            code.replace_strict(tabel12, default=None, return_dtype=pl.String),
            code.str.to_uppercase().replace_strict(
                tabel12_upper, default=None, return_dtype=pl.String
            ),
            _norm_map("bestemming", BESTEMMING_ALIASES),
            pl.when(code.is_not_null()).then(pl.lit("anders")),
        ).alias("dest_mapped"),
        _norm_map("echelon", ECHELON_ALIASES).alias("echelon_n"),
        pl.col("icpc").str.to_uppercase().str.replace_all(" ", "").alias("icpc_n"),
    ).with_columns(
        pl.coalesce(
            pl.col("echelon_n").replace_strict(
                ECHELON_DESTINATION, default=None, return_dtype=pl.String
            ),
            pl.col("dest_mapped"),
        ).alias("destination"),
    )
    valid_destinations = [b.value for b in Bestemming]
    checks = [
        *_required(table.kind, frame),
        _agb_check("praktijk_agb", "agb"),
        *_date_checks("datum", "datum_d"),
        _Check(
            "verwijzer_functie",
            pl.col("verwijzer_functie").is_not_null() & pl.col("vfunctie_n").is_null(),
            "onbekende functie (huisarts, poh-ggz, poh-ggz-jeugd, poh-somatiek of anders)",
        ),
        _Check(
            "bestemming",
            pl.col("destination").is_not_null()
            & pl.col("destination").is_in(valid_destinations).not_(),
            "toewijzingstabel geeft een onbekende bestemming",
            value=pl.col("destination"),
        ),
        _Check(
            "bestemming",
            pl.col("bestemming").str.len_chars() > 32,
            "waarde te lang (maximaal 32 tekens)",
        ),
        _Check(
            "echelon",
            pl.col("echelon").is_not_null() & pl.col("echelon_n").is_null(),
            "onbekend echelon (GB-GGZ of S-GGZ)",
        ),
        _icpc_check(),
        *_length_checks(frame),
    ]
    finals = [
        pl.col("agb").alias("praktijk_agb"),
        pl.col("datum_d").alias("datum"),
        pl.col("vfunctie_n").alias("verwijzer_functie"),
        code.alias("destination_code"),
        pl.col("echelon_n").alias("echelon"),
        pl.col("icpc_n").alias("icpc"),
    ]
    return _run(
        table,
        frame,
        checks,
        finals=finals,
        output=[
            "verwijzing_id",
            "praktijk_agb",
            "patientnummer",
            "datum",
            "verwijzer_code",
            "verwijzer_functie",
            "destination",
            "destination_code",
            "echelon",
            "instelling",
            "icpc",
        ],
    )


def _uren(table: ParsedTable, frame: pl.DataFrame) -> ValidatedTable:
    week = pl.col("week").str.to_uppercase().str.replace_all(r"\s", "")
    week_iso = week.str.replace(r"^(\d{4})-?W?(\d{1,2})$", "${1}-W${2}-1")
    week_iso = week_iso.str.replace(r"-W(\d)-1$", "-W0${1}-1")
    frame = frame.with_columns(
        _agb("praktijk_agb").alias("agb"),
        week_iso.str.strptime(pl.Date, "%G-W%V-%u", strict=False).alias("week_d"),
        parse_date("periode_start").alias("start_d"),
        parse_date("periode_eind").alias("eind_d"),
        *[
            parse_decimal(c).alias(f"{c}_f")
            for c in ("uren_contract", "uren_gewerkt", "uren_direct", "uren_indirect")
        ],
    ).with_columns(
        pl.coalesce(
            "week_d",
            pl.col("start_d") - pl.duration(days=pl.col("start_d").dt.weekday() - 1),
        ).alias("week_start"),
    )
    checks = [
        *_required(table.kind, frame),
        _agb_check("praktijk_agb", "agb"),
        _Check(
            "week",
            pl.col("week").is_not_null() & pl.col("week_d").is_null(),
            "ongeldige week (verwacht ISO-week, bijv. 2025-W14)",
        ),
        _Check(
            "week",
            pl.col("week").is_null() & pl.col("periode_start").is_null(),
            "week en periode_start zijn allebei leeg",
        ),
        _Check(
            "periode_start",
            pl.col("periode_start").is_not_null() & pl.col("start_d").is_null(),
            f"ongeldige datum ({DATE_HINT})",
        ),
        _Check(
            "periode_eind",
            pl.col("periode_eind").is_not_null() & pl.col("eind_d").is_null(),
            f"ongeldige datum ({DATE_HINT})",
        ),
        _Check(
            "periode_eind",
            pl.col("week").is_null()
            & ((pl.col("eind_d") - pl.col("start_d")).dt.total_days().is_between(0, 6).not_()),
            "periode moet binnen één week vallen (periode_start t/m periode_eind)",
        ),
        _Check(
            "week",
            pl.col("week_start").dt.year().is_between(1900, dt.date.today().year + 1).not_(),
            "onmogelijke week: jaar buiten bereik",
        ),
    ]
    for col in ("uren_contract", "uren_gewerkt", "uren_direct", "uren_indirect"):
        checks += [
            _Check(
                col,
                pl.col(col).is_not_null() & pl.col(f"{col}_f").is_null(),
                "geen getal",
            ),
            _Check(col, pl.col(f"{col}_f") < 0, "negatief aantal uren"),
            _Check(col, pl.col(f"{col}_f") > 7 * 24, "meer uren dan een week heeft"),
        ]
    checks += _length_checks(frame)
    finals = [pl.col("agb").alias("praktijk_agb")]
    return _run(
        table,
        frame,
        checks,
        finals=finals,
        output=[
            "zorgverlener_code",
            "praktijk_agb",
            "week_start",
            "uren_contract_f",
            "uren_gewerkt_f",
            "uren_direct_f",
            "uren_indirect_f",
        ],
    )
