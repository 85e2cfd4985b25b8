"""Re-importing changes nothing; overlapping exports upsert by natural key."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.loader import load_file
from models import Contact, HoursWeek, Patient, PracticeListSize, Referral

HEADER = (
    "praktijk_agb;patientnummer;datum;tijd;zorgverlener_code;functie;contactvorm;duur_minuten\n"
)


def _snapshot(session: Session) -> dict[str, list[tuple]]:
    out = {}
    for model in (Contact, Referral, HoursWeek, Patient, PracticeListSize):
        cols = [c for c in model.__table__.columns]
        out[model.__tablename__] = [
            tuple(r) for r in session.execute(select(*cols).order_by(model.id)).all()
        ]
    return out


def test_reimport_changes_nothing(session: Session, fixtures: Path, practices) -> None:  # type: ignore[no-untyped-def]
    files = [
        "contacten_cp1252.csv",
        "contacten_bom.csv",
        "verwijzingen.tsv",
        "uren.csv",
        "fhir_bundle.json",
        "contacten.xlsx",
    ]
    first = [load_file(session, fixtures / f) for f in files]
    snapshot = _snapshot(session)
    again = [load_file(session, fixtures / f) for f in files]
    assert _snapshot(session) == snapshot
    for a, b in zip(first, again, strict=True):
        assert (b.rows_new, b.rows_updated, b.rows_rejected) == (0, 0, a.rows_rejected)
        assert b.rows_unchanged == a.rows_new
    prak = load_file(session, fixtures / "praktijken.csv")
    assert (prak.rows_new, prak.rows_updated, prak.rows_unchanged) == (0, 0, 4)


def test_overlapping_exports_upsert_by_natural_key(
    session: Session, practices, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        "01000001;501;06-01-2025;09:00;02000001;poh-ggz;consult;45\n",
        "01000001;501;13-01-2025;09:00;02000001;poh-ggz;consult;45\n",
        "01000001;502;14-01-2025;10:00;02000001;poh-ggz;consult;30\n",
        "01000001;502;21-01-2025;10:00;02000001;poh-ggz;consult;30\n",
    ]
    a = tmp_path / "januari-a.csv"
    a.write_text(HEADER + "".join(rows[:3]))
    b = tmp_path / "januari-b.csv"
    changed = rows[2].replace(";30\n", ";50\n")
    b.write_text(HEADER + rows[1] + changed + rows[3])

    first = load_file(session, a)
    assert (first.rows_new, first.rows_updated, first.rows_unchanged) == (3, 0, 0)
    second = load_file(session, b)
    assert (second.rows_new, second.rows_updated, second.rows_unchanged) == (1, 1, 1)
    durations = session.scalars(select(Contact.duration_min).order_by(Contact.date)).all()
    assert durations == [45, 45, 50, 30]
    imports = session.scalars(select(Contact.import_id).order_by(Contact.date)).all()
    assert imports == [first.import_id, first.import_id, second.import_id, second.import_id]


def test_first_load_rebuilds_indexes(
    session: Session, fixtures: Path, practices, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A large first load drops and rebuilds the secondary indexes (and foreign keys on
    PostgreSQL) in its transaction; the schema is the same afterwards."""
    from sqlalchemy import inspect

    import ingest.loader as loader

    def shape() -> tuple[list, list]:
        insp = inspect(session.connection())
        return (
            sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes("contacts")),
            sorted(fk["name"] for fk in insp.get_foreign_keys("contacts")),
        )

    before = shape()
    monkeypatch.setattr(loader, "BULK_REBUILD_MIN_ROWS", 1)
    r = load_file(session, fixtures / "contacten_cp1252.csv")
    assert (r.rows_new, r.rows_updated, r.rows_unchanged) == (8, 0, 0)
    assert shape() == before
    again = load_file(session, fixtures / "contacten_cp1252.csv")
    assert (again.rows_new, again.rows_unchanged) == (0, 8)


def test_sqlite_staging_binds_only_varying_columns() -> None:
    """SQLite staging leaves all-NULL columns out and writes one-valued integer columns as
    literals; a frame with nothing varying still binds every column (one tuple per row)."""
    import polars as pl

    from ingest.loader import _sqlite_stage_insert

    frame = pl.DataFrame(
        {
            "a": [1, 2],
            "b": pl.Series([None, None], dtype=pl.String),
            "c": [7, 7],
            "d": ["x", "x"],
            "e": pl.Series([3, None], dtype=pl.Int64),
        }
    )
    sql, bound = _sqlite_stage_insert("s", frame)
    assert bound == ["a", "d", "e"]
    assert sql == 'INSERT INTO s ("a", "d", "e", "c") VALUES (?, ?, ?, 7)'
    sql, bound = _sqlite_stage_insert("s", frame.select("b", "c"))
    assert bound == ["b", "c"]
    assert sql == 'INSERT INTO s ("b", "c") VALUES (?, ?)'
