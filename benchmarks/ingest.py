"""Ingest benchmark: a generated contacten CSV loaded end to end, then re-imported.

    python benchmarks/ingest.py [--rows 1000000] [--db sqlite] [--db postgresql://…]

Generates a generic-format contacten export (`;`, UTF-8, dd-mm-jjjj, decimal comma, no
contact_id so every natural key is a digest) for 50 practices, 100,000 patients and 120
providers, plus the matching praktijken file. For every database it starts a fresh process
(so that peak memory is that of one import), creates an empty database, loads the practices,
then times ``load_file`` on the contacten file (parse, validate, pseudonymise, upsert,
commit) twice: the first import and a re-import of the same file. Figures are printed as
JSON lines; docs/benchmarks.md records them with the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PRACTICES = 50
PATIENTS = 100_000
PROVIDERS = 120


def generate(directory: Path, rows: int) -> tuple[Path, Path]:
    import polars as pl

    agb = [f"{1_000_000 + i:08d}" for i in range(PRACTICES)]
    prak = directory / "praktijken.csv"
    pl.DataFrame(
        {
            "praktijk_agb": agb,
            "praktijk_naam": [f"Praktijk {i}" for i in range(PRACTICES)],
            "regio": ["Regio Bench"] * PRACTICES,
            "peildatum": ["01-01-2024"] * PRACTICES,
            "ingeschreven_patienten": ["2.350"] * PRACTICES,
        }
    ).write_csv(prak, separator=";")

    functies = ["poh-ggz", "poh-ggz", "huisarts", "poh-ggz-jeugd"]
    vormen = ["consult", "consult", "telefonisch", "video", "visite", "e-consult", "groep"]
    icpc = ["P74", "P76", "P03", "P02", "P78", "Z29.01", "P01", None]
    i = pl.int_range(0, rows, eager=True).alias("i")
    frame = pl.DataFrame(i).with_columns(
        patient=pl.col("i") % PATIENTS,
        k=pl.col("i") // PATIENTS,
    )
    base = pl.date(2024, 1, 1)
    contacts = frame.select(
        praktijk_agb=pl.col("patient")
        .mod(PRACTICES)
        .replace_strict(list(range(PRACTICES)), agb, return_dtype=pl.String),
        patientnummer=(pl.col("patient") + 100_000).cast(pl.String),
        geboortejaar=(1940 + pl.col("patient") % 70).cast(pl.String),
        geslacht=pl.when(pl.col("patient") % 2 == 0).then(pl.lit("V")).otherwise(pl.lit("M")),
        datum=(base + pl.duration(days=pl.col("k") * 60 + pl.col("patient") % 53)).dt.strftime(
            "%d-%m-%Y"
        ),
        tijd=pl.format(
            "{}:{}",
            (8 + pl.col("patient") % 9).cast(pl.String).str.zfill(2),
            ((pl.col("patient") // 9) % 4 * 15).cast(pl.String).str.zfill(2),
        ),
        zorgverlener_code=(2_000_000 + pl.col("patient") % PROVIDERS).cast(pl.String).str.zfill(8),
        zorgverlener_naam=pl.format("Zorgverlener {}", pl.col("patient") % PROVIDERS),
        functie=(pl.col("patient") % PROVIDERS % len(functies)).replace_strict(
            list(range(len(functies))), functies, return_dtype=pl.String
        ),
        contactvorm=(pl.col("i") % len(vormen)).replace_strict(
            list(range(len(vormen))), vormen, return_dtype=pl.String
        ),
        verrichtingcode=pl.lit(None, dtype=pl.String),
        duur_minuten=pl.when(pl.col("i") % 10 == 0)
        .then(pl.lit("22,5"))
        .otherwise((10 + pl.col("i") % 50).cast(pl.String)),
        icpc=(pl.col("patient") % len(icpc)).replace_strict(
            list(range(len(icpc))), icpc, return_dtype=pl.String
        ),
        episode_id=pl.format("E{}", pl.col("patient")),
    )
    path = directory / f"contacten_{rows}.csv"
    contacts.write_csv(path, separator=";", null_value="")
    return prak, path


def _run_one(url: str, prak: Path, contacts: Path) -> dict[str, object]:
    os.environ.setdefault("POHCONNECT_PSEUDONYM_KEY", "benchmark-key-0123456789abcdef")
    import migrations
    from ingest.loader import load_file
    from models.db import make_engine, session_factory

    migrations.upgrade(url)
    engine = make_engine(url)
    result: dict[str, object] = {"database": engine.dialect.name}
    with session_factory(engine)() as session:
        load_file(session, prak)
        for label in ("first", "reimport"):
            load_before = os.getloadavg()[0]
            cpu = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            report = load_file(session, contacts)
            seconds = time.perf_counter() - start
            cpu_after = resource.getrusage(resource.RUSAGE_SELF)
            result[label] = {
                "rows": report.rows_read,
                "new": report.rows_new,
                "unchanged": report.rows_unchanged,
                "rejected": report.rows_rejected,
                "seconds": round(seconds, 2),
                "rows_per_s": round(report.rows_read / seconds),
                # CPU of this process only (a PostgreSQL server's work is not in it).
                "process_cpu_s": round(
                    cpu_after.ru_utime - cpu.ru_utime + cpu_after.ru_stime - cpu.ru_stime, 2
                ),
                "loadavg_1m_before": round(load_before, 2),
            }
    engine.dispose()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def _pg_database(admin_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from models.db import normalise_url

    base = make_url(normalise_url(admin_url))
    name = f"pohconnect_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


def _drop_pg(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from models.db import normalise_url

    admin = create_engine(make_url(normalise_url(admin_url)), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--db",
        action="append",
        help="'sqlite' (a fresh file) or a PostgreSQL URL (a scratch database is created "
        "there and dropped); repeatable; default: sqlite",
    )
    parser.add_argument(
        "--run", nargs=3, metavar=("URL", "PRAKTIJKEN", "CONTACTEN"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.run:
        print(json.dumps(_run_one(args.run[0], Path(args.run[1]), Path(args.run[2]))))
        return
    with tempfile.TemporaryDirectory(prefix="pohconnect-bench-") as tmp:
        directory = Path(tmp)
        start = time.perf_counter()
        prak, contacts = generate(directory, args.rows)
        print(
            json.dumps(
                {
                    "generated_rows": args.rows,
                    "file_mb": round(contacts.stat().st_size / 1e6, 1),
                    "seconds": round(time.perf_counter() - start, 1),
                }
            ),
            flush=True,
        )
        for db in args.db or ["sqlite"]:
            scratch = None
            if db == "sqlite":
                url = f"sqlite:///{directory / 'bench.sqlite3'}"
            else:
                url, scratch = _pg_database(db)
            try:
                out = subprocess.run(
                    [sys.executable, __file__, "--run", url, str(prak), str(contacts)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                print(out.stdout.strip().splitlines()[-1], flush=True)
            finally:
                if scratch:
                    _drop_pg(db, scratch)


if __name__ == "__main__":
    main()
