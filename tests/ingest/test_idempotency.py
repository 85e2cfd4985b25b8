"""Re-importing changes nothing; overlapping exports upsert by natural key."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.loader import load_file
from models import Contact, HoursWeek, Patient, Practice, PracticeListSize, Provider, Referral

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
    """A large first load drops and rebuilds the secondary indexes (and foreign keys and
    unique constraints on PostgreSQL) in its transaction; the schema is the same afterwards
    and the unique keys hold again."""
    from sqlalchemy import inspect

    import ingest.bulk as bulk

    def shape() -> list:
        insp = inspect(session.connection())
        return [
            (
                sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t)),
                sorted(fk["name"] for fk in insp.get_foreign_keys(t)),
                sorted(
                    (u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(t)
                ),
            )
            for t in ("contacts", "patients", "providers")
        ]

    before = shape()
    monkeypatch.setattr(bulk, "BULK_REBUILD_MIN_ROWS", 1)
    r = load_file(session, fixtures / "contacten_cp1252.csv")
    assert (r.rows_new, r.rows_updated, r.rows_unchanged) == (8, 0, 0)
    assert shape() == before
    again = load_file(session, fixtures / "contacten_cp1252.csv")
    assert (again.rows_new, again.rows_unchanged) == (0, 8)
    with pytest.raises(IntegrityError), session.begin_nested():
        row = session.execute(select(Contact).limit(1)).scalar_one()
        session.execute(
            insert(Contact).values(
                {c.name: getattr(row, c.key) for c in Contact.__table__.columns if c.name != "id"}
            )
        )


def test_sqlite_pipelined_append_loads_every_row_and_cleans_up(
    fixtures: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A large SQLite append goes through scratch files written by a helper thread and
    attached in the import's transaction: the same rows as a plain load, and the scratch
    files are gone once the connection is back in the pool."""
    import tempfile

    import migrations
    from ingest import sqlite_bulk
    from models.db import make_engine, session_factory

    def load(name: str, *, pipelined: bool) -> list[tuple]:
        url = f"sqlite:///{tmp_path / name}"
        migrations.upgrade(url)
        engine = make_engine(url)
        with monkeypatch.context() as m:
            if pipelined:
                m.setattr(sqlite_bulk, "PIPELINE_MIN_ROWS", 1)
                m.setattr(sqlite_bulk, "CHUNK_ROWS", 3)
            with session_factory(engine)() as s:
                load_file(s, fixtures / "praktijken.csv")
                report = load_file(s, fixtures / "contacten_cp1252.csv")
                assert (report.rows_new, report.rows_rejected) == (8, 0)
        with session_factory(engine)() as s:
            # Surrogate ids (and the row hash, which digests patient_id) depend on the
            # order rows were numbered in; compare what they stand for.
            skip = {"id", "import_id", "practice_id", "patient_id", "provider_id", "row_hash"}
            cols = [c for c in Contact.__table__.columns if c.name not in skip]
            query = (
                select(Practice.agb, Patient.pseudonym, Provider.code, *cols)
                .join(Practice, Practice.id == Contact.practice_id)
                .join(Patient, Patient.id == Contact.patient_id)
                .join(Provider, Provider.id == Contact.provider_id)
                .order_by(Contact.natural_key)
            )
            rows = [tuple(r) for r in s.execute(query)]
        engine.dispose()
        return rows

    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_parent))
    parts: list[int] = []
    real = sqlite_bulk._pipelined

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        parts.append(args[-1])
        return real(*args, **kwargs)

    monkeypatch.setattr(sqlite_bulk, "_pipelined", counting)
    assert load("piped.sqlite3", pipelined=True) == load("plain.sqlite3", pipelined=False)
    assert parts[-1] == 3  # the 8 contacts in parts of 3 (providers, patients before)
    assert list(scratch_parent.iterdir()) == []


def test_sqlite_pipelined_append_failing_part_leaves_nothing(
    fixtures: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A part that fails to write (in the helper thread) fails the import: nothing of the
    file stays in the database and the scratch files are gone."""
    import tempfile

    import migrations
    from ingest import sqlite_bulk
    from ingest.errors import IngestError
    from models import ImportBatch
    from models.db import make_engine, session_factory

    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_parent))
    monkeypatch.setattr(sqlite_bulk, "PIPELINE_MIN_ROWS", 1)
    monkeypatch.setattr(sqlite_bulk, "CHUNK_ROWS", 3)
    real = sqlite_bulk.insert_rows
    contact_parts: list[int] = []

    def failing(cursor, table, frame, advance, **kwargs):  # type: ignore[no-untyped-def]
        if table == "s" and "natural_key" in frame.columns:
            contact_parts.append(frame.height)
            if len(contact_parts) == 2:  # the second scratch part of the contacts
                raise OSError("schijf vol (ingespoten fout)")
        return real(cursor, table, frame, advance, **kwargs)

    monkeypatch.setattr(sqlite_bulk, "insert_rows", failing)
    url = f"sqlite:///{tmp_path / 'fail.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        load_file(s, fixtures / "praktijken.csv")
        with pytest.raises((OSError, IngestError), match="ingespoten"):
            load_file(s, fixtures / "contacten_cp1252.csv")
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
        assert s.scalar(select(func.count()).select_from(Patient)) == 0
        statuses = s.scalars(select(ImportBatch.status).order_by(ImportBatch.id)).all()
        assert statuses == ["committed", "failed"]
    engine.dispose()
    assert list(scratch_parent.iterdir()) == []


def test_sqlite_insert_binds_only_varying_columns() -> None:
    """SQLite inserts leave all-NULL columns out and write one-valued integer columns as
    literals; a frame with nothing varying still binds every column."""
    import polars as pl

    from ingest.sqlite_bulk import columns

    frame = pl.DataFrame(
        {
            "a": [1, 2],
            "b": pl.Series([None, None], dtype=pl.String),
            "c": [7, 7],
            "d": ["x", "x"],
            "e": pl.Series([3, None], dtype=pl.Int64),
        }
    )
    assert columns(frame) == (["a", "d", "e"], {"c": 7})
    assert columns(frame.select("b", "c")) == (["b", "c"], {})


def test_sqlite_multi_row_insert_writes_every_row_once() -> None:
    """Whole statements of ROWS_PER_INSERT rows, a shorter last one, chunk borders
    and a bound-parameter limit below one full statement: every row arrives, unchanged."""
    import datetime as dt
    import sqlite3

    import polars as pl

    from ingest import sqlite_bulk

    n = sqlite_bulk.CHUNK_ROWS + 2 * sqlite_bulk.ROWS_PER_INSERT + 7
    frame = pl.DataFrame(
        {
            "i": range(n),
            "s": [None if i % 5 == 0 else f"w{i}é" for i in range(n)],
            "d": [dt.date(2025, 1, 1) + dt.timedelta(days=i % 400) for i in range(n)],
            "t": [dt.time(8, i % 60) for i in range(n)],
            "k": [3] * n,
            "z": pl.Series([None] * n, dtype=pl.String),
        }
    )
    expected = [
        (i, s, d.isoformat(), t.isoformat() + ".000000", 3, None)
        for i, s, d, t in zip(frame["i"], frame["s"], frame["d"], frame["t"], strict=True)
    ]
    for limit in (None, 11):
        conn = sqlite3.connect(":memory:")
        if limit:
            conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        conn.execute("CREATE TABLE t (i INTEGER, s TEXT, d DATE, t TIME, k INTEGER, z TEXT)")
        seen: list[int] = []
        sqlite_bulk.insert_rows(conn.cursor(), "t", frame, seen.append)
        assert sum(seen) == n
        assert conn.execute("SELECT * FROM t ORDER BY i").fetchall() == expected


def test_natural_keys_and_row_hashes_are_the_hashlib_digests(
    session: Session, practices, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Stored digests are plain SHA-1/MD5 hex of the documented fields: the same whichever
    library computes them, so a database keeps matching its files across upgrades."""
    import hashlib

    path = tmp_path / "digests.csv"
    path.write_text(
        HEADER + "01000001;501;06-01-2025;;02000001;poh-ggz;consult;45\n"
        "01000001;Zoë-7;07-01-2025;09:30;02000001;poh-ggz;telefonisch;\n",
        encoding="utf-8",
    )
    load_file(session, path)
    rows = session.execute(
        select(
            Patient.pseudonym,
            Contact.patient_id,
            Contact.date,
            Contact.time,
            Contact.contactvorm,
            Contact.duration_min,
            Contact.natural_key,
            Contact.row_hash,
        )
        .join(Patient, Patient.id == Contact.patient_id)
        .order_by(Contact.date)
    ).all()
    assert len(rows) == 2
    for pseudonym, patient_id, date, time, vorm, duration, natural_key, row_hash in rows:
        tijd = time.strftime("%H:%M:%S") if time else ""
        key = "|".join([pseudonym, date.isoformat(), tijd, "02000001", vorm])
        assert natural_key == hashlib.sha1(key.encode()).hexdigest()
        # patient_id, provider, date, time, functie, contactvorm, verrichtingcode,
        # duration, icpc, episode_id, contact_id
        payload = [str(patient_id), "02000001", date.isoformat(), tijd, "poh-ggz", vorm, ""]
        payload += ["" if duration is None else str(duration), "", "", ""]
        assert row_hash == hashlib.md5("\x1f".join(payload).encode()).hexdigest()
