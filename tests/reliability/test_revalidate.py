"""Stale-while-revalidate done in the background, single flight, a data version per region.

Deterministic: a computation is held on an event instead of being slow, and the assertions
are about who computed what and which version was answered, never about durations.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from api.kpi import cache, jobs, revalidate, service
from api.kpi.engine import Engine as KpiEngine
from api.main import KpiReaders
from models import ImportBatch, KpiCacheEntry, KpiCacheFlight, Practice, Provider
from tests.factories import make_contact, make_patient, make_practice, make_provider, make_region

OWN = service.CallerScope(own_all=True)
A, B = "04000001", "04000002"


@pytest.fixture
def engine(database_url: str, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A database of its own with committed data (a worker's engine)."""
    from sqlalchemy.engine import make_url

    import migrations
    from models.db import make_engine
    from tests.conftest import _create_pg_database, _drop_pg_database

    pg = make_url(database_url).get_backend_name() != "sqlite"
    url = _create_pg_database(database_url) if pg else f"sqlite:///{tmp_path / 'swr.sqlite3'}"
    migrations.upgrade(url)
    eng = make_engine(url)
    try:
        yield eng
    finally:
        eng.dispose()
        if pg:
            _drop_pg_database(url)


@pytest.fixture
def revalidator(monkeypatch: pytest.MonkeyPatch) -> Iterator[revalidate.Revalidator]:
    rv = revalidate.Revalidator(workers=1)
    monkeypatch.setattr(cache, "_scheduler", rv.schedule)
    try:
        yield rv
    finally:
        rv.shutdown()


def _seed(engine: Engine) -> None:
    from models.db import session_scope

    with session_scope(engine) as s:
        poh = make_provider(s, code="POHC")
        for agb, slug in ((A, "regio-a"), (B, "regio-b")):
            pr = make_practice(s, agb=agb, region=make_region(s, slug=slug, name=slug))
            make_contact(s, patient=make_patient(s, practice=pr), provider=poh, date=_day(1))


def _day(n: int) -> dt.date:
    return dt.date(2025, 8, n)


def _import(engine: Engine, agb: str, day: dt.date) -> None:
    """What an import of one practice's contacts commits: a row and a batch naming it."""
    from models.db import session_scope

    with session_scope(engine) as s:
        pr = s.scalar(select(Practice).where(Practice.agb == agb))
        poh = s.scalar(select(Provider).where(Provider.code == "POHC"))
        make_contact(s, patient=make_patient(s, practice=pr), provider=poh, date=day)
        s.add(
            ImportBatch(
                kind="contacten",
                source_format="generic",
                filename="x.csv",
                status="committed",
                practices=[agb],
            )
        )


def _read(engine: Engine, agb: str, *, reader: bool = True) -> Any:
    """A practice's value as an API read request asks it (the reader flag set)."""
    from models.db import session_scope

    token = cache.READER.set(reader)
    try:
        with session_scope(engine) as s:
            return service.get_values(
                s,
                slug="poh_contacts",
                scope=service.ScopeRef("practice", agb),
                period="2025Q3",
                caller=OWN,
            )
    finally:
        cache.READER.reset(token)


def _version(engine: Engine) -> str:
    from models.db import session_scope

    with session_scope(engine) as s:
        return cache.data_version(s)


class Held:
    """Engine.compute held on an event; records which thread computed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []
        original = KpiEngine.compute

        def compute(engine_self, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.threads.append(threading.current_thread().name)
            self.started.set()
            assert self.release.wait(30), "the test never released the computation"
            return original(engine_self, *args, **kwargs)

        monkeypatch.setattr(KpiEngine, "compute", compute)


def _until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 30  # a bound against hanging, not a timing assertion
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_a_reader_gets_the_older_result_at_once_and_never_computes(
    engine: Engine, revalidator: revalidate.Revalidator, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(engine)
    v0 = _version(engine)
    assert _read(engine, A).value == 1  # cold: nothing older to serve, computed by the reader
    _import(engine, A, _day(2))
    v1 = _version(engine)
    assert v1 != v0
    held = Held(monkeypatch)
    held.release.clear()
    # readers while the current result is computed: the older one, without computing
    for _ in range(3):
        out = _read(engine, A)
        assert (out.value, out.data_version) == (1, v0)
    assert held.started.wait(30)
    assert revalidator.pending == {next(iter(revalidator.pending))}  # queued once
    assert all(name.startswith("kpi-revalidate") for name in held.threads)
    held.release.set()
    _until(revalidator.idle, "the background computation did not finish")
    out = _read(engine, A)
    assert (out.value, out.data_version) == (2, v1)
    assert len(held.threads) == 2  # one benchmark: its practices and the region as a whole
    assert revalidator.done == 1 and revalidator.failed == 0
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(KpiCacheFlight)) == 0


def test_one_computation_per_key_across_threads_and_workers(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight reader threads of two 'worker processes' (each its own pool and its own locks:
    only the marker row in the database is shared) after an import: one computation."""
    _seed(engine)
    assert _read(engine, A).value == 1
    _import(engine, A, _day(2))
    workers = [revalidate.Revalidator(workers=2) for _ in range(2)]
    turn = iter(range(1000))

    def schedule(key: str, kind: str, params: dict[str, Any], bind: Engine) -> bool:
        return workers[next(turn) % 2].schedule(key, kind, params, bind)

    monkeypatch.setattr(cache, "_scheduler", schedule)
    monkeypatch.setattr(cache, "_local_lock", lambda key: threading.Lock())
    held = Held(monkeypatch)
    answers: list[float | None] = []
    readers = [
        threading.Thread(target=lambda: answers.append(_read(engine, A).value)) for _ in range(8)
    ]
    try:
        for t in readers:
            t.start()
        for t in readers:
            t.join(30)
        assert answers == [1] * 8  # all older, none waited for the held computation
        assert held.started.wait(30)
        held.release.set()
        _until(lambda: all(w.idle() for w in workers), "background work did not finish")
    finally:
        held.release.set()
        for w in workers:
            w.shutdown()
    assert len(held.threads) == 2  # one benchmark computation in all
    assert _read(engine, A).value == 2


def test_an_import_of_one_region_leaves_the_other_regions_results_current(
    engine: Engine, revalidator: revalidate.Revalidator, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(engine)
    assert (_read(engine, A).value, _read(engine, B).value) == (1, 1)
    _import(engine, B, _day(2))
    v1 = _version(engine)
    calls: list[str] = []
    original = KpiEngine.compute

    def compute(engine_self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(threading.current_thread().name)
        return original(engine_self, *args, **kwargs)

    monkeypatch.setattr(KpiEngine, "compute", compute)
    out = _read(engine, A)
    assert (out.value, out.data_version) == (1, v1)  # current: region A did not change
    assert calls == [] and revalidator.idle()
    stale = _read(engine, B)
    assert stale.value == 1 and stale.data_version != v1  # B changed: older, revalidated
    _until(revalidator.idle, "the background computation did not finish")
    assert _read(engine, B).value == 2
    # scorecards of A are current too (assembled from A's benchmarks, stored as current)
    from models.db import session_scope

    with session_scope(engine) as s:
        card = service.get_scorecard(s, agb=A, period="2025Q3", caller=OWN)
        assert card.data_version == cache.data_version(s)
    with engine.connect() as conn:
        kind = KpiCacheEntry.kind == "scorecard"
        assert conn.scalar(select(KpiCacheEntry.data_version).where(kind)) == card.data_version
    # a worker that never saw the older version cannot tell: it revalidates (slower, correct)
    cache._regions_memo.clear()
    _import(engine, B, _day(3))
    assert _read(engine, A).data_version != _version(engine)


def test_without_the_reader_flag_a_stale_key_is_computed_by_the_caller(
    engine: Engine, revalidator: revalidate.Revalidator
) -> None:
    """Jobs (the warm-up after an import) and the command line compute, as before."""
    _seed(engine)
    assert _read(engine, A).value == 1
    _import(engine, A, _day(2))
    assert _read(engine, A, reader=False).value == 2
    assert revalidator.idle() and revalidator.done == 0


def test_the_api_marks_read_requests_as_readers() -> None:
    app = FastAPI()

    @app.get("/api/v1/flag")
    def flag_get() -> bool:  # a sync route: run in the thread pool, the flag copied along
        return cache.READER.get()

    @app.post("/api/v1/flag")
    def flag_post() -> bool:
        return cache.READER.get()

    app.add_middleware(KpiReaders)
    with TestClient(app) as client:
        assert client.get("/api/v1/flag").json() is True
        assert client.post("/api/v1/flag").json() is False
    assert cache.READER.get() is False


def test_revalidation_waits_for_an_imports_warm_up_and_then_finds_it_done(
    engine: Engine, revalidator: revalidate.Revalidator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an import's warm-up runs (its marker), a stale key is not computed beside it: the
    job waits, the reader gets the older result, and after the warm-up the job finds the
    result current without computing it again."""
    from models.db import session_scope

    monkeypatch.setattr(revalidate, "WARM_UP_POLL_S", 0.02)
    _seed(engine)
    v0 = _version(engine)
    assert _read(engine, A).value == 1
    _import(engine, A, _day(2))
    v1 = _version(engine)
    computed: list[str] = []
    original = KpiEngine.compute

    def compute(engine_self, *args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(threading.current_thread().name)
        return original(engine_self, *args, **kwargs)

    monkeypatch.setattr(KpiEngine, "compute", compute)
    with session_scope(engine) as warm_session:
        with jobs.warming(warm_session):
            assert jobs.warming_elsewhere(engine)
            out = _read(engine, A)
            assert (out.value, out.data_version) == (1, v0)  # the older result, at once
            _until(lambda: revalidator.waited >= 3, "the job did not wait for the warm-up")
            assert computed == []  # nothing computed beside the warm-up
            # the warm-up computes the current result (as warm_after_import does)
            assert _read(engine, A, reader=False).value == 2
            computed.clear()
        assert not jobs.warming_elsewhere(engine)
    _until(revalidator.idle, "the job did not finish after the warm-up")
    assert computed == [] and revalidator.done == 1  # found current: not computed again
    out = _read(engine, A)
    assert (out.value, out.data_version) == (2, v1)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(KpiCacheFlight)) == 0
