"""One writer per import kind: a validated table in, its rows stored, a :class:`Written` out.

Each writer looks up the ids the rows refer to (practices by AGB — rows of unknown practices
become rejects —, patients by pseudonym, providers by code), upserts those it introduces, and
stores its rows through ingest.bulk under the key, natural key and row hash the contract
declares (ingest.keys). Practices and their list sizes are a small table, written row by row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import polars as pl
from sqlalchemy import insert, select

from ingest.adapters.base import LINE
from ingest.bulk import WriteContext, bulk_upsert, chunks, distinct, upsert_counted
from ingest.changes import (
    PATIENT_CONFLICTS,
    PROVIDER_CONFLICT,
    changes,
    conflicts,
    stored_patients,
    stored_providers,
)
from ingest.contract import SPECS
from ingest.keys import natural_key, row_hash
from ingest.pseudonym import pseudonyms_of
from ingest.report import Written
from ingest.validate import ValidatedTable
from models import (
    Contact,
    HoursWeek,
    Patient,
    Practice,
    PracticeListSize,
    Provider,
    Referral,
    Region,
)
from models.enums import ImportKind

UNKNOWN_PRACTICE = "praktijk met deze AGB-code is onbekend: importeer eerst het praktijkenbestand"


# ------------------------------------------------------------------------------- id look-ups


def _practice_ids(ctx: WriteContext, agbs: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(agbs):
        found.update(
            ctx.conn.execute(select(Practice.agb, Practice.id).where(Practice.agb.in_(part))).all()
        )
    return found


def _with_practices(ctx: WriteContext, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Add practice_id (a column lookup, no copy of the frame); rows of unknown practices
    become rejects."""
    agb = frame.get_column("praktijk_agb")
    ids = _practice_ids(ctx, agb.unique().to_list())
    frame = frame.with_columns(
        agb.replace_strict(ids, default=None, return_dtype=pl.Int64).alias("practice_id")
    )
    unknown = frame.filter(pl.col("practice_id").is_null()).select(
        pl.col(LINE).alias("line"),
        pl.lit("praktijk_agb").alias("column"),
        pl.col("praktijk_agb").alias("value"),
        pl.lit(UNKNOWN_PRACTICE).alias("reason"),
    )
    if unknown.height:
        frame = frame.filter(pl.col("practice_id").is_not_null())
    return frame, unknown


def _with_pseudonyms(ctx: WriteContext, frame: pl.DataFrame) -> pl.DataFrame:
    """Replace patientnummer by its keyed pseudonym, hashing each distinct number once."""
    message = frame.select(
        pl.concat_str([pl.col("praktijk_agb"), pl.lit(":"), pl.col("patientnummer")])
    ).to_series()
    distinct = message.unique().to_list()
    mapping = dict(zip(distinct, pseudonyms_of(ctx.key, distinct), strict=True))
    return frame.with_columns(
        message.replace_strict(mapping, return_dtype=pl.String).alias("pseudonym")
    ).drop("patientnummer")


def _patient_ids(ctx: WriteContext, frame: pl.DataFrame) -> pl.DataFrame:
    """Upsert the file's patients (no details); add patient_id."""
    patients = frame.select("practice_id", "pseudonym").unique().sort("practice_id", "pseudonym")
    bulk_upsert(ctx, "patients", patients, conflict=["practice_id", "pseudonym"])
    ids = _patient_id_map(ctx, frame.get_column("practice_id").unique().to_list())
    return frame.with_columns(
        pl.col("pseudonym")
        .replace_strict(ids, default=None, return_dtype=pl.Int64)
        .alias("patient_id")
    ).filter(pl.col("patient_id").is_not_null())


def _patient_id_map(ctx: WriteContext, practice_ids: list[int]) -> dict[str, int]:
    # A pseudonym is keyed on the practice's AGB too, so it names one patient on its own.
    ids: dict[str, int] = {}
    for part in chunks(practice_ids):
        ids.update(
            (pseudonym, pid)
            for pid, pseudonym in ctx.conn.execute(
                select(Patient.id, Patient.pseudonym).where(Patient.practice_id.in_(part))
            )
        )
    return ids


def _patients_with_details(
    ctx: WriteContext, frame: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Upsert the file's patients with geboortejaar and geslacht (a value the file leaves
    empty keeps the stored one); add patient_id. Returns the frame and the stored values
    the file changed (old and new), for the report."""
    patients = (
        frame.group_by("practice_id", "pseudonym")
        .agg(
            pl.col("birth_year").drop_nulls().first().alias("birth_year"),
            pl.col("sex").drop_nulls().first().alias("sex"),
            pl.col(LINE).min(),
        )
        .sort("practice_id", "pseudonym")
    )
    stored = stored_patients(ctx, frame.get_column("practice_id").unique().to_list())
    known = patients.join(stored, on=["practice_id", "pseudonym"], how="inner")
    updates = changes("patiënt", known, None, {"birth_year": "geboortejaar", "sex": "geslacht"})
    bulk_upsert(
        ctx,
        "patients",
        patients.drop(LINE),
        conflict=["practice_id", "pseudonym"],
        update={
            "birth_year": "coalesce(excluded.birth_year, patients.birth_year)",
            "sex": "coalesce(excluded.sex, patients.sex)",
        },
        when=" OR ".join(
            [
                "(excluded.birth_year IS NOT NULL AND "
                + distinct(ctx, "patients.birth_year", "excluded.birth_year")
                + ")",
                "(excluded.sex IS NOT NULL AND "
                + distinct(ctx, "patients.sex", "excluded.sex")
                + ")",
            ]
        ),
    )
    if known.height == patients.height:  # every patient was stored already
        ids = dict(stored.select("pseudonym", "patient_id").iter_rows())
    else:
        ids = _patient_id_map(ctx, frame.get_column("practice_id").unique().to_list())
    frame = frame.with_columns(
        pl.col("pseudonym")
        .replace_strict(ids, default=None, return_dtype=pl.Int64)
        .alias("patient_id")
    ).filter(pl.col("patient_id").is_not_null())
    return frame, updates


def _provider_ids(ctx: WriteContext, codes: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for part in chunks(codes):
        ids.update(
            ctx.conn.execute(
                select(Provider.code, Provider.id).where(Provider.code.in_(part))
            ).all()
        )
    return ids


def _link_providers(ctx: WriteContext, frame: pl.DataFrame) -> None:
    links = frame.select("provider_id", "practice_id").unique().sort("provider_id", "practice_id")
    bulk_upsert(ctx, "provider_practices", links, conflict=["provider_id", "practice_id"])


def _period(col: pl.Series) -> tuple[dt.date | None, dt.date | None]:
    return (col.min(), col.max()) if col.len() else (None, None)  # type: ignore[return-value]


# ---------------------------------------------------------------------------------- per kind


def _write_contacten(ctx: WriteContext, v: ValidatedTable) -> Written:
    frame, unknown = _with_practices(ctx, v.frame)
    kind, read, rejects = v.kind, v.rows_read, v.rejects
    del v
    ctx.progress("opslaan", 0.2)
    frame = _with_pseudonyms(ctx, frame)
    frame, patient_conflicts = conflicts(frame, ["practice_id", "pseudonym"], PATIENT_CONFLICTS)
    frame, provider_conflicts = conflicts(
        frame,
        ["zorgverlener_code"],
        {"zorgverlener_naam": ("zorgverlener_naam", PROVIDER_CONFLICT)},
    )
    providers = (
        frame.group_by("zorgverlener_code", maintain_order=True)
        .agg(
            pl.col("zorgverlener_naam").drop_nulls().first().alias("name"),
            pl.col("functie").first(),
            pl.col(LINE).min(),
        )
        .rename({"zorgverlener_code": "code"})
    )
    stored = stored_providers(ctx, providers.get_column("code").to_list())
    provider_changes = changes(
        "zorgverlener",
        providers.join(stored, on="code", how="inner"),
        "code",
        {"name": "naam", "functie": "functie"},
    )
    bulk_upsert(
        ctx,
        "providers",
        providers.drop(LINE),
        conflict=["code"],
        update={"name": "coalesce(excluded.name, providers.name)", "functie": "excluded.functie"},
        when=distinct(ctx, "providers.functie", "excluded.functie")
        + " OR (excluded.name IS NOT NULL AND "
        + distinct(ctx, "providers.name", "excluded.name")
        + ")",
    )
    provider_ids = dict(stored.select("code", "id").iter_rows())
    if len(provider_ids) < providers.height:  # new providers: their ids after the upsert
        provider_ids = _provider_ids(ctx, providers.get_column("code").to_list())
    frame = frame.with_columns(
        pl.col("zorgverlener_code")
        .replace_strict(provider_ids, default=None, return_dtype=pl.Int64)
        .alias("provider_id")
    )
    _link_providers(ctx, frame)
    frame, patient_changes = _patients_with_details(ctx, frame)
    rejects = _all_rejects(rejects, unknown, patient_conflicts, provider_conflicts)
    ctx.progress("opslaan", 0.3)
    ctx.progress("opslaan", 0.4)
    rows, period, practices = _keyed_rows(
        ctx,
        kind,
        frame,
        "practice_id",
        "patient_id",
        "provider_id",
        pl.col("datum").alias("date"),
        pl.col("tijd").alias("time"),
        "functie",
        "contactvorm",
        pl.col("verrichtingcode"),
        pl.col("duur_minuten").alias("duration_min"),
        "icpc",
        pl.col("episode_id").alias("source_episode_id"),
        pl.col("contact_id").alias("source_id"),
    )
    del frame
    written = _store_keyed(ctx, Contact, rows, kind, read, rejects, period, practices)
    written.changes = pl.concat([patient_changes, provider_changes]).sort(
        "line", maintain_order=True
    )
    return written


def _keyed_rows(
    ctx: WriteContext, kind: str, frame: pl.DataFrame, *columns: str | pl.Expr
) -> tuple[pl.DataFrame, tuple[dt.date | None, dt.date | None], list[str]]:
    """The rows to store (``columns`` plus natural key, row hash and import id, in key order),
    the period they cover and their practices."""
    rows = frame.select(
        *columns,
        natural_key(kind).alias("natural_key"),
        row_hash(kind).alias("row_hash"),
        pl.lit(ctx.batch_id, dtype=pl.Int64).alias("import_id"),
    ).sort("practice_id", "natural_key")
    period = _period(frame.get_column("datum"))
    return rows, period, frame.get_column("praktijk_agb").unique().sort().to_list()


def _store_keyed(
    ctx: WriteContext,
    model: Any,
    rows: pl.DataFrame,
    kind: str,
    read: int,
    rejects: pl.DataFrame,
    period: tuple[dt.date | None, dt.date | None],
    practices: list[str],
) -> Written:
    """Upsert rows by the kind's key (practice_id, natural_key) and report what they did."""
    new, updated, unchanged = upsert_counted(
        ctx,
        model,
        rows,
        conflict=SPECS[kind].identity.key,
        stage="opslaan",
        fraction=(0.4, 0.95),
    )
    return Written(
        kind=kind,
        read=read,
        new=new,
        updated=updated,
        unchanged=unchanged,
        rejects=rejects,
        period=period,
        practices=practices,
    )


def _all_rejects(rejects: pl.DataFrame, *extra: pl.DataFrame) -> pl.DataFrame:
    frames = [f for f in (rejects, *extra) if f.height]
    if not frames:
        return rejects
    return pl.concat(frames, how="vertical").sort("line", maintain_order=True)


def _write_verwijzingen(ctx: WriteContext, v: ValidatedTable) -> Written:
    frame, unknown = _with_practices(ctx, v.frame)
    kind, read, rejects = v.kind, v.rows_read, _all_rejects(v.rejects, unknown)
    del v
    frame = _with_pseudonyms(ctx, frame)
    frame = _patient_ids(ctx, frame)
    codes = frame.get_column("verwijzer_code").drop_nulls().unique().to_list()
    referrers = _provider_ids(ctx, codes)
    frame = frame.with_columns(
        pl.col("verwijzer_code")
        .replace_strict(referrers, default=None, return_dtype=pl.Int64)
        .alias("referrer_provider_id")
    )
    rows, period, practices = _keyed_rows(
        ctx,
        kind,
        frame,
        "practice_id",
        "patient_id",
        pl.col("datum").alias("date"),
        "referrer_provider_id",
        pl.col("verwijzer_functie").alias("referrer_functie"),
        "destination",
        "destination_code",
        "echelon",
        pl.col("instelling").alias("institution"),
        "icpc",
        pl.col("verwijzing_id").alias("source_id"),
    )
    del frame
    return _store_keyed(ctx, Referral, rows, kind, read, rejects, period, practices)


def _write_uren(ctx: WriteContext, v: ValidatedTable) -> Written:
    frame, unknown = _with_practices(ctx, v.frame)
    codes = frame.get_column("zorgverlener_code").unique(maintain_order=True).to_list()
    # Hours are kept per POH: a provider first seen here is a POH-GGZ until contacts say more.
    bulk_upsert(
        ctx,
        "providers",
        pl.DataFrame(
            {"code": codes, "functie": ["poh-ggz"] * len(codes)},
            schema={"code": pl.String, "functie": pl.String},
        ),
        conflict=["code"],
    )
    provider_ids = _provider_ids(ctx, codes)
    frame = frame.with_columns(
        pl.col("zorgverlener_code")
        .replace_strict(provider_ids, default=None, return_dtype=pl.Int64)
        .alias("provider_id")
    )
    _link_providers(ctx, frame)
    rows = frame.select(
        "provider_id",
        "practice_id",
        "week_start",
        pl.col("uren_contract_f").alias("hours_contract"),
        pl.col("uren_gewerkt_f").alias("hours_worked"),
        pl.col("uren_direct_f").alias("hours_direct"),
        pl.col("uren_indirect_f").alias("hours_indirect"),
    )
    rows = rows.with_columns(
        row_hash(v.kind).alias("row_hash"),
        pl.lit(ctx.batch_id, dtype=pl.Int64).alias("import_id"),
    )
    new, updated, unchanged = upsert_counted(
        ctx,
        HoursWeek,
        rows,
        conflict=SPECS[v.kind].identity.key,
        stage="opslaan",
        fraction=(0.4, 0.95),
    )
    weeks = frame.get_column("week_start")
    return Written(
        kind=v.kind,
        read=v.rows_read,
        new=new,
        updated=updated,
        unchanged=unchanged,
        rejects=_all_rejects(v.rejects, unknown),
        period=(weeks.min(), weeks.max() + dt.timedelta(days=6)) if weeks.len() else (None, None),  # type: ignore[operator]
        practices=frame.get_column("praktijk_agb").unique().sort().to_list(),
    )


def region_slug(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:64] or "regio"


def _write_praktijken(ctx: WriteContext, v: ValidatedTable) -> Written:
    """Small table: regions, practices and list sizes row by row (Core statements)."""
    frame = v.frame.sort(LINE)
    conn = ctx.conn
    regions = dict(conn.execute(select(Region.slug, Region.id)).all())
    for name in frame.get_column("regio").unique(maintain_order=True).to_list():
        slug = region_slug(name)
        if slug not in regions:
            regions[slug] = conn.execute(
                insert(Region).values(slug=slug, name=name).returning(Region.id)
            ).scalar_one()
    agbs = frame.get_column("praktijk_agb").unique().to_list()
    practices = {
        p.agb: p
        for part in chunks(agbs)
        for p in conn.execute(
            select(Practice.agb, Practice.id, Practice.name, Practice.region_id).where(
                Practice.agb.in_(part)
            )
        )
    }
    # The latest row of a practice names it (highest peildatum, then last line); practices
    # are created in the order they first appear in the file, so their ids are the same on
    # every run.
    first_line = frame.group_by("praktijk_agb").agg(pl.col(LINE).min().alias("__first"))
    latest = (
        frame.sort("peildatum", LINE)
        .unique("praktijk_agb", keep="last")
        .join(first_line, on="praktijk_agb")
        .sort("__first")
    )
    changed_practice: set[str] = set()
    ids: dict[str, int] = {}
    for agb, name, regio in latest.select("praktijk_agb", "praktijk_naam", "regio").iter_rows():
        region_id = regions[region_slug(regio)]
        current = practices.get(agb)
        if current is None:
            ids[agb] = conn.execute(
                insert(Practice)
                .values(agb=agb, name=name, region_id=region_id)
                .returning(Practice.id)
            ).scalar_one()
            continue
        ids[agb] = current.id
        if (current.name, current.region_id) != (name, region_id):
            conn.execute(
                Practice.__table__.update()
                .where(Practice.id == current.id)
                .values(name=name, region_id=region_id)
            )
            changed_practice.add(agb)
    existing = {
        (pid, peil): (lid, listed)
        for part in chunks(list(ids.values()))
        for lid, pid, peil, listed in conn.execute(
            select(
                PracticeListSize.id,
                PracticeListSize.practice_id,
                PracticeListSize.peildatum,
                PracticeListSize.listed,
            ).where(PracticeListSize.practice_id.in_(part))
        )
    }
    new = updated = unchanged = 0
    first_row_of: set[str] = set()
    for agb, peildatum, listed in frame.select("praktijk_agb", "peildatum", "listed").iter_rows():
        pid = ids[agb]
        practice_changed = agb in changed_practice and agb not in first_row_of
        first_row_of.add(agb)
        found = existing.get((pid, peildatum))
        if found is None:
            conn.execute(
                insert(PracticeListSize).values(
                    practice_id=pid, peildatum=peildatum, listed=listed, import_id=ctx.batch_id
                )
            )
            new += 1
        elif found[1] != listed:
            conn.execute(
                PracticeListSize.__table__.update()
                .where(PracticeListSize.id == found[0])
                .values(listed=listed, import_id=ctx.batch_id)
            )
            updated += 1
        elif practice_changed:
            updated += 1
        else:
            unchanged += 1
    return Written(
        kind=v.kind,
        read=v.rows_read,
        new=new,
        updated=updated,
        unchanged=unchanged,
        rejects=v.rejects,
        period=_period(frame.get_column("peildatum")),
        practices=sorted(ids),
    )


WRITERS: dict[str, Callable[[WriteContext, ValidatedTable], Written]] = {
    ImportKind.PRAKTIJKEN.value: _write_praktijken,
    ImportKind.CONTACTEN.value: _write_contacten,
    ImportKind.VERWIJZINGEN.value: _write_verwijzingen,
    ImportKind.UREN.value: _write_uren,
}
