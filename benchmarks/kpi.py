"""Benchmark of the KPI engine: practice scorecard and regional benchmark response times.

    python benchmarks/kpi.py region   --url sqlite:////tmp/kpi_region.sqlite3
    python benchmarks/kpi.py national --url postgresql://postgres@127.0.0.1:5432/kpi_national

``region``: one region of 100 practices × 2 years (SQLite or PostgreSQL).
``national``: 4,900 practices in 30 regions × 3 years, ≈ 9 million POH contacts, bulk-loaded
with COPY (PostgreSQL only).

Each run creates the database (migrations), generates synthetic data with numpy (a fixed
seed), records a committed ImportBatch (as the loader would), then times requests through the
FastAPI app in-process (TestClient, so HTTP parsing and JSON encoding are included):

* cold: the first request after the import, nothing cached;
* warm: after ``warm_cache`` (what the import hook runs for the latest quarter), repeated
  requests for random practices and KPIs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

import migrations
from models import (
    Contact,
    HoursWeek,
    ImportBatch,
    Patient,
    Practice,
    PracticeListSize,
    Provider,
    Referral,
    Region,
)
from models.db import make_engine, normalise_url

CV = np.array(["consult", "consult", "consult", "consult", "telefonisch", "video", "groep"])
ICPC = np.array(["P01", "P74", "P76", "P03", "P78", "Z29.01", "P02", "P06", "Z05", ""])
DEST = np.array(["gb-ggz", "gb-ggz", "s-ggz", "sociaal-domein", "ehealth", "anders"])


def generate(n_practices: int, n_regions: int, start: dt.date, years: int, seed: int = 7):
    """Synthetic data as column dicts (numpy arrays), ids assigned here."""
    rng = np.random.default_rng(seed)
    days = (dt.date(start.year + years, 1, 1) - start).days
    practice_region = np.arange(n_practices) % n_regions
    listed = np.clip(rng.normal(2350, 700, n_practices), 700, 7000).astype(int)
    # POHs: about one per 1.3 practices; each practice has one main POH
    n_poh = max(1, int(n_practices / 1.3))
    practice_poh = rng.integers(0, n_poh, n_practices)
    # episodes: ≈ 4.3% of listed patients start one per year
    eps_per_practice = rng.poisson(listed * 0.046 * years)
    ep_practice = np.repeat(np.arange(n_practices), eps_per_practice)
    n_eps = len(ep_practice)
    ep_start = rng.integers(0, days, n_eps)
    ep_n = 1 + rng.poisson(4.8, n_eps)
    ep_patient = np.arange(n_eps)  # one patient per episode (ids below)
    ep_icpc = ICPC[rng.integers(0, len(ICPC), n_eps)]
    # contacts
    c_ep = np.repeat(np.arange(n_eps), ep_n)
    within = np.arange(len(c_ep)) - np.repeat(np.cumsum(ep_n) - ep_n, ep_n)
    gaps = rng.integers(5, 22, len(c_ep))
    gaps[within == 0] = 0
    offset = np.cumsum(gaps)
    offset -= np.repeat(offset[np.cumsum(ep_n) - ep_n], ep_n)
    c_day = ep_start[c_ep] + offset
    keep = c_day < days
    c_ep, c_day, within = c_ep[keep], c_day[keep], within[keep]
    c_practice = ep_practice[c_ep]
    second_poh = rng.random(len(c_ep)) < 0.1
    c_provider = np.where(
        second_poh, (practice_poh[c_practice] + 1) % n_poh, practice_poh[c_practice]
    )
    c_cv = CV[rng.integers(0, len(CV), len(c_ep))]
    c_icpc = np.where(
        within == 0, ep_icpc[c_ep], np.where(rng.random(len(c_ep)) < 0.6, ep_icpc[c_ep], "")
    )
    # aanmelding: 70% internal referral, 20% GP contact with a P code, 10% nothing
    u = rng.random(n_eps)
    wait = rng.integers(0, 35, n_eps)
    ref_internal = u < 0.7
    gp_contact = (u >= 0.7) & (u < 0.9)
    # GGZ referral for 15% of episodes, 10–60 days after the intake
    ggz = rng.random(n_eps) < 0.15
    ggz_day = ep_start + rng.integers(10, 60, n_eps)
    # direct referrals of other patients: 1% of listed a year
    n_direct = rng.poisson(listed * 0.01 * years)
    d_practice = np.repeat(np.arange(n_practices), n_direct)
    d_day = rng.integers(0, days, len(d_practice))
    d_dest = DEST[rng.integers(0, len(DEST), len(d_practice))]
    return {
        "days": days,
        "start": start,
        "n_practices": n_practices,
        "n_regions": n_regions,
        "practice_region": practice_region,
        "listed": listed,
        "n_poh": n_poh,
        "practice_poh": practice_poh,
        "ep": dict(
            practice=ep_practice,
            start=ep_start,
            patient=ep_patient,
            ref_internal=ref_internal,
            gp_contact=gp_contact,
            wait=wait,
            ggz=ggz,
            ggz_day=ggz_day,
            ggz_dest=DEST[rng.integers(0, 2, n_eps)],
        ),
        "c": dict(
            ep=c_ep, day=c_day, practice=c_practice, provider=c_provider, cv=c_cv, icpc=c_icpc
        ),
        "d": dict(practice=d_practice, day=d_day, dest=d_dest),
        "rng": rng,
    }


def _rows(g: dict) -> dict[str, tuple[list[str], list[tuple]]]:
    """Turn the arrays into rows per table (ids explicit)."""
    start: dt.date = g["start"]
    day0 = np.datetime64(start.isoformat())
    n_p, n_poh = g["n_practices"], g["n_poh"]
    rng = g["rng"]

    def iso(days: np.ndarray) -> np.ndarray:
        return (day0 + days.astype("timedelta64[D]")).astype(str)

    out: dict[str, tuple[list[str], list]] = {}
    out["regions"] = (
        ["id", "slug", "name"],
        [(r + 1, f"regio-{r + 1:02d}", f"Regio {r + 1}") for r in range(g["n_regions"])],
    )
    out["practices"] = (
        ["id", "agb", "name", "region_id"],
        [
            (
                i + 1,
                f"{10000000 + i + 1:08d}",
                f"Praktijk {i + 1}",
                int(g["practice_region"][i]) + 1,
            )
            for i in range(n_p)
        ],
    )
    ls = []
    lid = 0
    for i in range(n_p):
        for y in range(start.year, start.year + 3 + 1):
            lid += 1
            ls.append(
                (lid, i + 1, f"{y}-01-01", int(g["listed"][i] * (1 + 0.01 * (y - start.year))))
            )
    out["practice_list_sizes"] = (["id", "practice_id", "peildatum", "listed"], ls)
    provs = [(j + 1, f"POH{j + 1:05d}", f"POH {j + 1}", "poh-ggz") for j in range(n_poh)]
    provs += [(n_poh + i + 1, f"HA{i + 1:05d}", None, "huisarts") for i in range(n_p)]
    out["providers"] = (["id", "code", "name", "functie"], provs)
    ep = g["ep"]
    n_eps = len(ep["practice"])
    by = rng.integers(1940, 2012, n_eps)
    out["patients"] = (
        ["id", "practice_id", "pseudonym", "birth_year", "sex"],
        list(
            zip(
                range(1, n_eps + 1),
                (ep["practice"] + 1).tolist(),
                [f"p{i}" for i in range(1, n_eps + 1)],
                by.tolist(),
                ["V"] * n_eps,
                strict=True,
            )
        ),
    )
    c = g["c"]
    n_c = len(c["ep"])

    def poh_contacts():  # streamed in chunks: ≈ 9 million rows for the national set
        for k in range(0, n_c, 250_000):
            sl = slice(k, min(k + 250_000, n_c))
            n = sl.stop - sl.start
            yield from zip(
                range(sl.start + 1, sl.stop + 1),
                (c["practice"][sl] + 1).tolist(),
                (c["ep"][sl] + 1).tolist(),
                (c["provider"][sl] + 1).tolist(),
                iso(c["day"][sl]).tolist(),
                ["poh-ggz"] * n,
                c["cv"][sl].tolist(),
                [x or None for x in c["icpc"][sl].tolist()],
                [f"c{i}" for i in range(sl.start + 1, sl.stop + 1)],
                ["x"] * n,
                strict=True,
            )

    gp_idx = np.nonzero(ep["gp_contact"])[0]
    gp_day = ep["start"][gp_idx] - ep["wait"][gp_idx]
    okay = gp_day >= 0
    gp_idx, gp_day = gp_idx[okay], gp_day[okay]
    gp = list(
        zip(
            range(n_c + 1, n_c + 1 + len(gp_idx)),
            (ep["practice"][gp_idx] + 1).tolist(),
            (gp_idx + 1).tolist(),
            (n_poh + ep["practice"][gp_idx] + 1).tolist(),
            iso(gp_day).tolist(),
            ["huisarts"] * len(gp_idx),
            ["consult"] * len(gp_idx),
            ["P03"] * len(gp_idx),
            [f"g{i}" for i in range(len(gp_idx))],
            ["x"] * len(gp_idx),
            strict=True,
        )
    )
    out["contacts"] = (
        [
            "id",
            "practice_id",
            "patient_id",
            "provider_id",
            "date",
            "functie",
            "contactvorm",
            "icpc",
            "natural_key",
            "row_hash",
        ],
        itertools.chain(poh_contacts(), gp),
    )
    refs = []
    rid = 0
    ri = np.nonzero(ep["ref_internal"])[0]
    rday = ep["start"][ri] - ep["wait"][ri]
    for e, d in zip(ri.tolist(), iso(np.maximum(rday, 0)).tolist(), strict=True):
        rid += 1
        refs.append(
            (rid, int(ep["practice"][e]) + 1, e + 1, d, "poh-ggz", "poh-ggz", f"r{rid}", "x")
        )
    gi = np.nonzero(ep["ggz"] & (ep["ggz_day"] < g["days"]))[0]
    for e, d in zip(gi.tolist(), iso(ep["ggz_day"][gi]).tolist(), strict=True):
        rid += 1
        dest = str(ep["ggz_dest"][e])
        refs.append((rid, int(ep["practice"][e]) + 1, e + 1, d, dest, dest, f"r{rid}", "x"))
    # direct referrals: attach to a random episode patient of the same practice
    dp = g["d"]
    first_ep = np.searchsorted(ep["practice"], np.arange(n_p))
    counts = np.bincount(ep["practice"], minlength=n_p)
    for p, d, dest in zip(
        dp["practice"].tolist(), iso(dp["day"]).tolist(), dp["dest"].tolist(), strict=True
    ):
        if counts[p] == 0:
            continue
        rid += 1
        pat = int(first_ep[p] + rng.integers(0, counts[p])) + 1
        refs.append((rid, p + 1, pat, d, dest, dest, f"r{rid}", "x"))
    out["referrals"] = (
        [
            "id",
            "practice_id",
            "patient_id",
            "date",
            "destination",
            "destination_code",
            "natural_key",
            "row_hash",
        ],
        refs,
    )
    hours = []
    hid = 0
    first_monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    n_weeks = g["days"] // 7
    for i in range(n_p):
        poh = int(g["practice_poh"][i]) + 1
        contract = float(rng.choice([8.0, 12.0, 16.0, 20.0, 24.0]))
        for w in range(n_weeks):
            hid += 1
            ws = (first_monday + dt.timedelta(weeks=w)).isoformat()
            worked = None if w % 5 == 0 else contract - 1.0
            hours.append(
                (hid, poh, i + 1, ws, contract, worked, contract * 0.8, contract * 0.2, "x")
            )
    out["hours_weeks"] = (
        [
            "id",
            "provider_id",
            "practice_id",
            "week_start",
            "hours_contract",
            "hours_worked",
            "hours_direct",
            "hours_indirect",
            "row_hash",
        ],
        hours,
    )
    return out


TABLE_ORDER = [
    "regions",
    "practices",
    "practice_list_sizes",
    "providers",
    "patients",
    "contacts",
    "referrals",
    "hours_weeks",
]
MODELS = {
    "regions": Region,
    "practices": Practice,
    "practice_list_sizes": PracticeListSize,
    "providers": Provider,
    "patients": Patient,
    "contacts": Contact,
    "referrals": Referral,
    "hours_weeks": HoursWeek,
}


def fresh_database(url: str) -> str:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
    else:
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    migrations.upgrade(url)
    return url


def load(url: str, tables: dict[str, tuple[list[str], list[tuple]]]) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for name in TABLE_ORDER:
            cols, rows = tables[name]
            t0 = time.perf_counter()
            if engine.dialect.name == "postgresql":
                raw = conn.connection.driver_connection
                with (
                    raw.cursor() as cur,
                    cur.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as cp,
                ):
                    buf = io.StringIO()
                    count = 0
                    for i, row in enumerate(rows, start=1):
                        count = i
                        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
                        buf.write("\n")
                        if i % 200_000 == 0:
                            cp.write(buf.getvalue())
                            buf = io.StringIO()
                    cp.write(buf.getvalue())
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"
                    )
                )
            else:
                marks = ", ".join("?" for _ in cols)
                it, count = iter(rows), 0
                while batch := list(itertools.islice(it, 50_000)):
                    count += len(batch)
                    conn.exec_driver_sql(
                        f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({marks})", batch
                    )
            print(f"  {name}: {count:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
        conn.execute(
            insert(ImportBatch).values(
                kind="contacten",
                source_format="benchmark",
                filename="generated",
                status="committed",
                finished_at=dt.datetime.now(dt.UTC),
            )
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    engine.dispose()


def p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95))


def measure(url: str, *, period: str, n: int, label: str) -> dict[str, object]:
    from fastapi.testclient import TestClient

    from api.deps import get_session
    from api.kpi import service
    from api.kpi.definitions import REGISTRY
    from api.main import create_app
    from models.db import session_factory

    engine = make_engine(url, pool_size=5) if "postgresql" in url else make_engine(url)
    factory = session_factory(engine)

    def _session():  # type: ignore[no-untyped-def]
        s = factory()
        try:
            yield s
            s.commit()
        finally:
            s.close()

    app = create_app()
    app.dependency_overrides[get_session] = _session
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {_bench_token(factory)}"
    with factory() as s:
        agbs = [a for (a,) in s.execute(text("SELECT agb FROM practices ORDER BY id"))]
        region_of = dict(
            s.execute(
                text("SELECT p.agb, r.slug FROM practices p JOIN regions r ON r.id = p.region_id")
            ).all()
        )
    slugs = [d.slug for d in REGISTRY.values() if d.benchmarkable and "practice" in d.levels]
    rng = np.random.default_rng(1)
    results: dict[str, object] = {"label": label, "practices": len(agbs)}

    def timed(path: str, params: dict) -> float:
        t0 = time.perf_counter()
        r = client.get(path, params=params)
        dt_ms = (time.perf_counter() - t0) * 1000
        assert r.status_code == 200, r.text[:500]
        return dt_ms

    region = region_of[agbs[0]]
    # cold: nothing cached yet
    results["cold_benchmark_ms"] = timed(
        f"/api/v1/benchmarks/{slugs[0]}", {"region": region, "period": period}
    )
    results["cold_scorecard_ms"] = timed(
        f"/api/v1/practices/{agbs[0]}/scorecard", {"period": period}
    )
    # warm: what the import hook does once per import
    t0 = time.perf_counter()
    with factory() as s:
        nb = service.warm_cache(s, period=period)
        s.commit()
    results["warm_cache_s"] = time.perf_counter() - t0
    results["warm_cache_benchmarks"] = nb
    bench, score = [], []
    for _ in range(n):
        a = agbs[int(rng.integers(0, len(agbs)))]
        score.append(timed(f"/api/v1/practices/{a}/scorecard", {"period": period}))
        sl = slugs[int(rng.integers(0, len(slugs)))]
        bench.append(timed(f"/api/v1/benchmarks/{sl}", {"region": region_of[a], "period": period}))
    results["scorecard_p50_ms"] = statistics.median(score)
    results["scorecard_p95_ms"] = p95(score)
    results["benchmark_p50_ms"] = statistics.median(bench)
    results["benchmark_p95_ms"] = p95(bench)
    client.close()
    engine.dispose()
    return results


def _bench_token(factory) -> str:  # type: ignore[no-untyped-def]
    """A token of a user who sees everything as own (role beheerder, grant all:own, no
    password): the figures are the engine's, without the small-number rule's masking."""
    from sqlalchemy import select

    from api.auth.tokens import issue_token
    from models import User, UserScope

    with factory() as s:
        user = s.scalar(select(User).where(User.username == "benchmark"))
        if user is None:
            user = User(username="benchmark", display_name="Benchmark", role="beheerder")
            user.scopes.append(UserScope(level="all", key="own"))
            s.add(user)
            s.commit()
        return issue_token(user.id).token


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["region", "national"])
    ap.add_argument("--url", required=True)
    ap.add_argument("--n", type=int, default=100, help="timed requests of each kind")
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    if args.kind == "region":
        n_p, n_r, start, years, period = 100, 1, dt.date(2024, 1, 1), 2, "2025Q3"
    else:
        n_p, n_r, start, years, period = 4900, 30, dt.date(2023, 1, 1), 3, "2025Q3"
    url = normalise_url(args.url)
    if not args.skip_load:
        t0 = time.perf_counter()
        url = fresh_database(url)
        g = generate(n_p, n_r, start, years)
        tables = _rows(g)
        print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        load(url, tables)
        print(f"loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        del g, tables
    print(f"load average before timing: {os.getloadavg()}", flush=True)
    res = measure(url, period=period, n=args.n, label=args.kind)
    for k, v in res.items():
        print(f"{k}: {v:.1f}" if isinstance(v, float) else f"{k}: {v}")


if __name__ == "__main__":
    main()
