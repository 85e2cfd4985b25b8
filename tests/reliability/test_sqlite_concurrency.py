"""SQLite as an embedded database under concurrency: writers take the one write lock up front
(BEGIN IMMEDIATE) and wait for it, readers never wait for a writer and see the last committed
data, and no "database is locked" reaches a user. Also: every statement has a time limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import OperationalError

import migrations
from ingest import settings as ingest_settings
from models import Practice, Region, Team
from models import db as models_db
from models.db import DatabaseSettings, is_statement_timeout, make_engine, session_factory
from tests.factories import make_superuser
from tests.reliability.livesrv import serving

REGION = "regio-wal"
ENDLESS = text(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"
)


AUTH: dict[str, str] = {}


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'wal.sqlite3'}"
    migrations.upgrade(url)
    monkeypatch.setenv("POHCONNECT_DATABASE_URL", url)
    for getter in (models_db.get_database_settings, models_db.get_engine):
        getter.cache_clear()
    engine = make_engine(url)
    with session_factory(engine, write=True)() as s:
        region = Region(slug=REGION, name="Regio WAL")
        s.add(region)
        s.flush()
        s.add_all(
            Practice(agb=f"0100000{i}", name=f"Praktijk {i}", region_id=region.id)
            for i in range(1, 4)
        )
        _user, token = make_superuser(s)
        s.commit()
    engine.dispose()
    # Every request logs in as a user who may do everything; the dashboard's callbacks send
    # the same token (from the session cookie the test sets).
    AUTH["Authorization"] = f"Bearer {token}"
    yield url
    models_db.get_engine(url).dispose()
    for getter in (models_db.get_database_settings, models_db.get_engine):
        getter.cache_clear()


def _bulk_write(engine: Engine, began: threading.Event, release: threading.Event, n: int) -> float:
    """An import-like write transaction: many rows, then held open until ``release``."""
    with session_factory(engine, write=True)() as s:
        region_id = s.scalar(select(Region.id).where(Region.slug == REGION))
        s.execute(
            insert(Practice),
            [{"agb": f"02{i:06d}", "name": f"Bulk {i}", "region_id": region_id} for i in range(n)],
        )
        began.set()
        release.wait(30)
        time.sleep(0.5)  # the writers are queued on the lock by now
        s.commit()
        return time.monotonic()


@pytest.fixture
def wide_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A queue wait of 20 s: for tests about the lock, not the limiter (four cold KPI reads
    at once may hold every read slot longer than the default 40 ms queue wait)."""
    from api import limits

    monkeypatch.setenv("POHCONNECT_MAX_QUEUE_WAIT_MS", "20000")
    limits.get_limit_settings.cache_clear()
    yield
    limits.get_limit_settings.cache_clear()


def test_writers_wait_for_the_lock_and_readers_see_the_old_data(
    sqlite_url: str, wide_queue: None
) -> None:
    from api.main import create_app

    loader_engine = make_engine(sqlite_url)  # like a `pohconnect import` in another process
    began, reads_done = threading.Event(), threading.Event()
    with serving(create_app()) as base, ThreadPoolExecutor(14) as pool:
        with httpx.Client(
            base_url=base, headers=AUTH
        ) as c:  # the server's first request sets things up
            assert c.get("/api/v1/practices").status_code == 200
        bulk = pool.submit(_bulk_write, loader_engine, began, reads_done, 5_000)
        assert began.wait(10)

        def post(i: int) -> tuple[int, float]:
            body = {"slug": f"team-{i}", "name": f"Team {i}", "region": REGION}
            body["practices"] = ["01000001", "01000002"]
            with httpx.Client(base_url=base, timeout=60, headers=AUTH) as c:
                res = c.post("/api/v1/teams", json=body)
            return res.status_code, time.monotonic()

        def read() -> tuple[int, int, float]:
            t0 = time.monotonic()
            with httpx.Client(base_url=base, timeout=30, headers=AUTH) as c:
                res = c.get("/api/v1/practices", params={"region": REGION})
                # a KPI read stores its result in the cache: that write gives up quietly
                kpi = c.get(
                    "/api/v1/kpis/poh_contacts",
                    params={"level": "region", "id": REGION, "period": "2025Q1"},
                )
            assert kpi.status_code == 200, kpi.text
            return res.status_code, res.json()["total"], time.monotonic() - t0

        posts = [pool.submit(post, i) for i in range(8)]
        reads = [pool.submit(read) for _ in range(4)]
        read_results = [r.result() for r in reads]
        reads_done.set()
        post_results = [p.result() for p in posts]
        committed_at = bulk.result()

        assert [code for code, _ in post_results] == [201] * 8
        # every team was written after the bulk transaction let go of the lock
        assert all(done >= committed_at for _, done in post_results)
        # readers were answered while the write lock was held, with the data as it was
        assert [(code, total) for code, total, _ in read_results] == [(200, 3)] * 4
        assert max(t for _, _, t in read_results) < 5
        with httpx.Client(base_url=base, timeout=60, headers=AUTH) as c:
            assert c.get("/api/v1/practices", params={"region": REGION}).json()["total"] == 5_003
    loader_engine.dispose()
    check = make_engine(sqlite_url)
    with session_factory(check)() as s:
        assert s.scalar(select(func.count()).select_from(Team)) == 8
    check.dispose()


def test_a_deferred_writer_would_fail_where_begin_immediate_waits(sqlite_url: str) -> None:
    """Why writers declare themselves: a transaction that read before another one committed
    cannot write any more ("database is locked" at once, whatever the busy timeout)."""
    engine = make_engine(sqlite_url)

    def interleave(write: bool) -> str:
        first = session_factory(engine, write=write)()
        other = session_factory(engine, write=True)()
        done = threading.Event()

        def commit_other() -> None:
            other.execute(text("UPDATE practices SET name = name || '.' WHERE agb = '01000003'"))
            other.commit()
            done.set()

        try:
            first.scalar(select(func.count()).select_from(Practice))  # reads first
            t = threading.Thread(target=commit_other)
            t.start()
            done.wait(0.5)  # a deferred reader lets the other commit; an immediate one not
            first.execute(text("UPDATE practices SET name = name || '!' WHERE agb = '01000001'"))
            first.commit()
            t.join(10)
            return "ok"
        except OperationalError as exc:
            first.rollback()
            t.join(10)
            return str(exc.orig)
        finally:
            first.close()
            other.close()

    assert interleave(write=True) == "ok"
    assert interleave(write=False) == "database is locked"
    engine.dispose()


def test_write_lock_wait_is_bounded(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, settings=DatabaseSettings(db_write_lock_timeout_s=0.3))
    holder = session_factory(engine, write=True)()
    holder.execute(text("UPDATE practices SET name = name"))
    try:
        t0 = time.monotonic()
        with (
            pytest.raises(models_db.WriteLockTimeout, match=r"write lock not free after 0\.3 s"),
            session_factory(engine, write=True)() as s,
        ):
            s.execute(text("SELECT 1"))
        assert 0.25 < time.monotonic() - t0 < 1.5
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()


def test_sqlite_read_statement_time_limit(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, settings=DatabaseSettings(db_statement_timeout_s=0.2))
    with session_factory(engine)() as s:
        t0 = time.monotonic()
        with pytest.raises(OperationalError) as info:
            s.execute(ENDLESS)
        assert is_statement_timeout(info.value)
        assert time.monotonic() - t0 < 1.5
        s.rollback()
        assert s.scalar(text("SELECT count(*) FROM practices")) == 3  # connection still good
    # write transactions (imports) run without the per-statement handler
    finite = text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000) "
        "SELECT max(x) FROM c"
    )
    with session_factory(engine, write=True)() as s:
        t0 = time.monotonic()
        assert s.scalar(finite) == 1_500_000
        assert time.monotonic() - t0 > 0.2
    engine.dispose()


def test_statement_time_limit_on_the_test_database(database_url: str) -> None:
    """On the suite's database (PostgreSQL when given): a statement past its limit is
    aborted, write transactions get the longer limit."""
    if not database_url.startswith("postgresql"):
        engine = make_engine(database_url, settings=DatabaseSettings(db_statement_timeout_s=0.2))
        with session_factory(engine)() as s, pytest.raises(OperationalError) as info:
            s.execute(ENDLESS)
        assert is_statement_timeout(info.value)
        engine.dispose()
        return
    engine = make_engine(
        database_url,
        settings=DatabaseSettings(db_statement_timeout_s=0.2, db_write_statement_timeout_s=5),
    )
    with session_factory(engine)() as s:
        with pytest.raises(OperationalError) as info:
            s.execute(text("SELECT pg_sleep(1)"))
        assert is_statement_timeout(info.value)
        s.rollback()
        assert s.scalar(text("SHOW statement_timeout")) == "200ms"
    with session_factory(engine, write=True)() as s:
        s.execute(text("SELECT pg_sleep(0.4)"))  # the write limit applies
        assert s.scalar(text("SHOW statement_timeout")) == "5s"
    engine.dispose()


def test_dashboard_callbacks_do_not_deadlock_the_limiter(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one API slot per worker, a dashboard callback (which calls the API over HTTP from
    Dash's thread pool) still gets its answers: the dashboard's own request holds no slot of
    the API limiter (if it did, its API calls would wait for a slot that never frees and be
    refused after the queue wait)."""
    from api import limits
    from dashboard.auth import SESSION_COOKIE, session_cookie_value
    from pohconnect.server import create_server_app
    from tests.reliability.livesrv import free_port

    monkeypatch.setenv("POHCONNECT_MAX_CONCURRENT_REQUESTS", "1")
    monkeypatch.setenv("POHCONNECT_MAX_QUEUED_REQUESTS", "10")
    monkeypatch.setenv("POHCONNECT_MAX_QUEUE_WAIT_MS", "20000")
    monkeypatch.setenv("POHCONNECT_ENVIRONMENT", "demo")
    limits.get_limit_settings.cache_clear()
    ingest_settings.get_ingest_settings.cache_clear()
    port = free_port()
    app = create_server_app(api_base_url=f"http://127.0.0.1:{port}")
    outputs = [
        ("region-region", "options"),
        ("region-region", "value"),
        ("region-kpi", "options"),
        ("region-kpi", "value"),
        ("region-period", "options"),
        ("region-period", "value"),
        ("region-message", "children"),
        ("region-message-link", "children"),  # unknown values in the link (page.py)
    ]
    payload = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "region-init", "property": "data", "value": {"lang": "nl"}}],
        "changedPropIds": ["region-init.data"],
        "state": [{"id": "selection-store", "property": "data", "value": None}],
    }
    try:
        with serving(app, port) as base, ThreadPoolExecutor(4) as pool:
            # a logged-in user's session (as the login form sets it), from the page's origin
            cookie = session_cookie_value(AUTH["Authorization"].split()[1], "t", "beheerder")
            headers = {"Origin": base, "Cookie": f"{SESSION_COOKIE}={cookie}"}

            def callback() -> httpx.Response:
                with httpx.Client(base_url=base, timeout=90, headers=headers) as c:
                    return c.post("/dashboard/_dash-update-component", json=payload)

            results = list(pool.map(lambda _: callback(), range(3)))
        for res in results:
            assert res.status_code == 200, res.text
            response = res.json()["response"]
            assert response["region-region"]["value"] == REGION
            assert response["region-kpi"]["options"]  # the KPI catalogue came through
    finally:
        limits.get_limit_settings.cache_clear()
        ingest_settings.get_ingest_settings.cache_clear()
