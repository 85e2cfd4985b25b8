"""The KPI cache: keyed on the request with the data version as a column; an import (or a team
change) makes entries stale, which are served while the current one is computed once."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.kpi import cache, jobs, service
from api.kpi.engine import Engine
from models import ImportBatch, KpiCacheEntry, KpiCacheFlight, Practice, Provider
from tests.factories import make_contact, make_patient, make_practice, make_provider

OWN = service.CallerScope(own_all=True)


def _value(session: Session) -> float | None:
    return service.get_values(
        session,
        slug="poh_contacts",
        scope=service.ScopeRef("practice", "04000001"),
        period="2025Q3",
        caller=OWN,
    ).value


def test_import_batch_changes_version_and_results(session: Session) -> None:
    pr = make_practice(session, agb="04000001")
    poh = make_provider(session, code="POHC")
    pat = make_patient(session, practice=pr)
    c = make_contact(session, patient=pat, provider=poh, date=dt.date(2025, 8, 1))
    v0 = cache.data_version(session)
    assert _value(session) == 1
    assert session.scalar(select(func.count()).select_from(KpiCacheEntry)) == 1  # the benchmark
    assert _value(session) == 1  # served from the cache
    # the loader updates a row in place and commits a batch: the version moves on
    c.date = dt.date(2025, 6, 1)
    session.add(
        ImportBatch(kind="contacten", source_format="generic", filename="x.csv", status="committed")
    )
    session.flush()
    v1 = cache.data_version(session)
    assert v1 != v0
    assert _value(session) == 0
    # a running or failed batch does not change the version
    session.add(
        ImportBatch(kind="contacten", source_format="generic", filename="y.csv", status="running")
    )
    session.flush()
    assert cache.data_version(session) == v1
    # the older entry of the key was replaced by the current one
    assert set(session.scalars(select(KpiCacheEntry.data_version))) == {v1}


def test_invalidate_and_bump(session: Session) -> None:
    make_practice(session, agb="04000001")
    assert _value(session) == 0
    v0 = cache.data_version(session)
    cache.invalidate(session)
    assert session.scalar(select(func.count()).select_from(KpiCacheEntry)) == 0
    v1 = cache.data_version(session)
    cache.bump(session)
    assert len({v0, v1, cache.data_version(session)}) == 3


def test_warm_cache_serves_scorecards(session: Session) -> None:
    pr = make_practice(session, agb="04000001")
    poh = make_provider(session, code="POHC")
    make_contact(
        session, patient=make_patient(session, practice=pr), provider=poh, date=dt.date(2025, 8, 1)
    )
    n = service.warm_cache(session, period="2025Q3", views=False)  # views: test_warm.py
    assert n == 24 + 1  # 24 practice-level KPIs + 1 scorecard
    kinds = dict(
        session.execute(select(KpiCacheEntry.kind, func.count()).group_by(KpiCacheEntry.kind)).all()
    )
    assert kinds == {"benchmark": 24, "scorecard": 1}
    sc = service.get_scorecard(session, agb="04000001", period="2025Q3", caller=OWN)
    assert next(i for i in sc.items if i.slug == "poh_contacts").value == 1


@pytest.fixture
def scratch_url(database_url: str, tmp_path):  # type: ignore[no-untyped-def]
    """A second database with committed data, shared by two 'worker' engines."""
    from sqlalchemy.engine import make_url

    from tests.conftest import _create_pg_database, _drop_pg_database

    if make_url(database_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        return
    url = _create_pg_database(database_url)
    try:
        yield url
    finally:
        _drop_pg_database(url)


def test_two_workers_share_the_cache_and_see_an_import(scratch_url: str) -> None:
    import migrations
    from models.db import make_engine, session_scope

    migrations.upgrade(scratch_url)
    worker_a, worker_b, loader = (make_engine(scratch_url) for _ in range(3))
    try:
        with session_scope(loader) as s:
            pr = make_practice(s, agb="04000001")
            poh = make_provider(s, code="POHC")
            make_contact(
                s, patient=make_patient(s, practice=pr), provider=poh, date=dt.date(2025, 8, 1)
            )
        with session_scope(worker_a) as s:
            assert _value(s) == 1
        with session_scope(worker_b) as s:
            hits = s.scalar(select(func.count()).select_from(KpiCacheEntry))
            assert hits == 1 and _value(s) == 1  # served from A's entry
        with session_scope(loader) as s:  # an import: new rows and a committed batch
            pr = s.scalar(select(Practice).where(Practice.agb == "04000001"))
            make_contact(
                s,
                patient=make_patient(s, practice=pr),
                provider=s.scalar(select(Provider).where(Provider.code == "POHC")),
                date=dt.date(2025, 9, 1),
            )
            s.add(
                ImportBatch(
                    kind="contacten", source_format="generic", filename="z.csv", status="committed"
                )
            )
        for worker in (worker_b, worker_a):
            with session_scope(worker) as s:
                assert _value(s) == 2
    finally:
        for e in (worker_a, worker_b, loader):
            e.dispose()


def _count_engine(monkeypatch: pytest.MonkeyPatch, delay: float = 0.0) -> list[int]:
    """Count (and optionally slow down) the engine's computations."""
    calls: list[int] = []
    original = Engine.compute

    def compute(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        time.sleep(delay)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "compute", compute)
    return calls


def _one_contact(session: Session) -> None:
    pr = make_practice(session, agb="04000001")
    poh = make_provider(session, code="POHC")
    make_contact(
        session, patient=make_patient(session, practice=pr), provider=poh, date=dt.date(2025, 8, 1)
    )


def _full(session: Session):  # type: ignore[no-untyped-def]
    return service.get_values(
        session,
        slug="poh_contacts",
        scope=service.ScopeRef("practice", "04000001"),
        period="2025Q3",
        caller=OWN,
    )


def test_stale_result_is_served_while_one_computation_runs(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_contact(session)
    calls = _count_engine(monkeypatch)
    v0 = cache.data_version(session)
    assert _full(session).value == 1
    per_computation = len(calls)  # the benchmark: its practices and the region as a whole
    assert per_computation == 2
    key = session.scalar(select(KpiCacheEntry.key))
    # an import commits a second contact: the version moves on
    pr = session.scalar(select(Practice))
    poh = session.scalar(select(Provider))
    make_contact(
        session, patient=make_patient(session, practice=pr), provider=poh, date=dt.date(2025, 9, 1)
    )
    v1 = cache.data_version(session)
    assert v1 != v0
    # another worker is computing the new result: readers get the older one at once
    monkeypatch.setattr(cache, "OWNER", "other-worker")
    assert cache.claim(session, key=key, version=v1)
    monkeypatch.undo()
    calls = _count_engine(monkeypatch)
    for _ in range(3):
        out = _full(session)
        assert (out.value, out.data_version) == (1, v0)
    assert calls == []
    # it finishes (here: its marker goes away without a result), the next reader computes once
    session.execute(KpiCacheFlight.__table__.delete())
    out = _full(session)
    assert (out.value, out.data_version) == (2, v1)
    assert _full(session).value == 2
    assert len(calls) == per_computation
    # the older entry was replaced, no marker is left
    assert list(session.execute(select(KpiCacheEntry.key, KpiCacheEntry.data_version))) == [
        (key, v1)
    ]
    assert session.scalar(select(func.count()).select_from(KpiCacheFlight)) == 0


def test_an_abandoned_marker_is_taken_over(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_contact(session)
    calls = _count_engine(monkeypatch)
    region = session.scalar(select(Practice)).region.slug
    key = cache.cache_key(
        "benchmark",
        {
            "slug": "poh_contacts",
            "region": region,
            "p": [dt.date(2025, 7, 1), dt.date(2025, 9, 30)],
        },
    )
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(
        seconds=cache.FLIGHT_TAKEOVER_S + 5
    )
    session.add(KpiCacheFlight(key=key, data_version="x", owner="crashed", started_at=old))
    session.flush()
    t0 = time.monotonic()
    assert _full(session).value == 1
    assert time.monotonic() - t0 < cache.FLIGHT_WAIT_S  # taken over, not waited for
    assert len(calls) == 2  # one computation of the benchmark
    assert session.scalar(select(func.count()).select_from(KpiCacheFlight)) == 0
    assert session.scalar(select(KpiCacheEntry.key)) == key


def test_a_live_marker_without_older_entry_is_waited_for_bounded(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_contact(session)
    calls = _count_engine(monkeypatch)
    monkeypatch.setattr(cache, "FLIGHT_WAIT_S", 0.3)
    region = session.scalar(select(Practice)).region.slug
    key = cache.cache_key(
        "benchmark",
        {
            "slug": "poh_contacts",
            "region": region,
            "p": [dt.date(2025, 7, 1), dt.date(2025, 9, 30)],
        },
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.add(KpiCacheFlight(key=key, data_version="x", owner="slow-worker", started_at=now))
    session.flush()
    t0 = time.monotonic()
    assert _full(session).value == 1  # after the bounded wait it computes itself
    assert 0.3 <= time.monotonic() - t0 < 5
    assert len(calls) == 2  # one computation of the benchmark
    # the other worker's marker is its own to remove
    assert session.scalar(select(KpiCacheFlight.owner)) == "slow-worker"


def test_import_warms_the_quarters_it_touched(session: Session) -> None:
    pr = make_practice(session, agb="04000001")
    poh = make_provider(session, code="POHC")
    for day in (dt.date(2025, 2, 3), dt.date(2025, 5, 6), dt.date(2025, 8, 1)):
        make_contact(session, patient=make_patient(session, practice=pr), provider=poh, date=day)
    batch = ImportBatch(
        kind="contacten",
        source_format="generic",
        filename="x.csv",
        status="committed",
        period_start=dt.date(2025, 2, 3),
        period_end=dt.date(2025, 5, 6),
        practices=["04000001"],
    )
    session.add(batch)
    session.flush()
    quarters, regions = jobs.touched(session, [batch.id])
    assert quarters == ["2025Q3", "2025Q2", "2025Q1"]  # the touched ones and the latest
    assert regions == [pr.region.slug]
    quarters, n = jobs.warm_after_import([batch.id], bind=session.connection())
    assert quarters == ["2025Q3", "2025Q2", "2025Q1"]
    kinds = dict(
        session.execute(select(KpiCacheEntry.kind, func.count()).group_by(KpiCacheEntry.kind)).all()
    )
    # and the region's values and series of the region and its practice (test_warm.py)
    assert kinds.keys() == {"benchmark", "scorecard", "value", "series"}
    assert (kinds["benchmark"], kinds["scorecard"]) == (3 * 24, 3)
    assert n == sum(kinds.values())
    version = cache.data_version(session)
    assert set(session.scalars(select(KpiCacheEntry.data_version))) == {version}
    # warming again is cheap: nothing is computed
    calls: list[int] = []
    original = Engine.compute
    Engine.compute = lambda self, *a, **k: calls.append(1) or original(self, *a, **k)  # type: ignore[method-assign]
    try:
        assert jobs.warm_after_import([batch.id], bind=session.connection())[1] == n
    finally:
        Engine.compute = original  # type: ignore[method-assign]
    assert calls == []


def _committed_contact(url_engine, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    from models.db import session_scope

    with session_scope(url_engine) as s:
        pr = s.scalar(select(Practice).where(Practice.agb == "04000001"))
        if pr is None:
            pr = make_practice(s, agb="04000001")
        poh = s.scalar(select(Provider).where(Provider.code == "POHC")) or make_provider(
            s, code="POHC"
        )
        make_contact(s, patient=make_patient(s, practice=pr), provider=poh, date=day)
        s.add(
            ImportBatch(kind="contacten", source_format="generic", filename="z", status="committed")
        )


@pytest.mark.parametrize("across", ["threads", "processes"])
def test_single_flight_one_computation_for_concurrent_requests(
    scratch_url: str, monkeypatch: pytest.MonkeyPatch, across: str
) -> None:
    """Four concurrent cold requests, then four after an import: one computation each time.
    'processes': every request has its own lock (as in another worker), so only the marker
    row in the database coordinates them."""
    import migrations
    from models.db import make_engine, session_scope

    migrations.upgrade(scratch_url)
    engines = [make_engine(scratch_url) for _ in range(4)]
    monkeypatch.setattr(cache, "FLIGHT_WAIT_S", 30.0)  # a loaded test machine is slow
    if across == "processes":
        monkeypatch.setattr(cache, "_local_lock", lambda key: threading.Lock())
    try:
        _committed_contact(engines[0], dt.date(2025, 8, 1))
        calls = _count_engine(monkeypatch, delay=0.4)
        results: list[tuple[float | None, str | None, float]] = []

        def read(engine) -> None:  # type: ignore[no-untyped-def]
            t0 = time.monotonic()
            with session_scope(engine) as s:
                out = _full(s)
            results.append((out.value, out.data_version, time.monotonic() - t0))

        def burst() -> None:
            results.clear()
            threads = [threading.Thread(target=read, args=(e,)) for e in engines]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        burst()  # cold: one computes, the others wait for it
        assert len(calls) == 2  # one computation of the benchmark
        assert {r[0] for r in results} == {1}
        (v0,) = {r[1] for r in results}
        _committed_contact(engines[0], dt.date(2025, 9, 1))
        burst()  # after an import: one computes, the others get the older result at once
        assert len(calls) == 4
        fresh = [r for r in results if r[1] != v0]
        stale = [r for r in results if r[1] == v0]
        assert [r[0] for r in fresh] == [2]
        assert [r[0] for r in stale] == [1, 1, 1]
        assert max(r[2] for r in stale) < fresh[0][2]  # not waiting for the computation
        with session_scope(engines[0]) as s:
            assert _full(s).value == 2
            assert s.scalar(select(func.count()).select_from(KpiCacheFlight)) == 0
        assert len(calls) == 4
    finally:
        for e in engines:
            e.dispose()


def test_an_older_benchmark_without_a_new_practice_is_not_served(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A practice added by the import is not in the older benchmark: its value and scorecard
    are computed (after the bounded wait for the other worker), never a missing row."""
    _one_contact(session)
    monkeypatch.setattr(cache, "FLIGHT_WAIT_S", 0.2)
    assert _full(session).value == 1
    key = session.scalar(select(KpiCacheEntry.key))
    pr = session.scalar(select(Practice))
    new = make_practice(session, agb="04000002", region=pr.region)
    make_contact(
        session,
        patient=make_patient(session, practice=new),
        provider=session.scalar(select(Provider)),
        date=dt.date(2025, 8, 2),
    )
    monkeypatch.setattr(cache, "OWNER", "other-worker")
    assert cache.claim(session, key=key, version=cache.data_version(session))
    monkeypatch.setattr(cache, "OWNER", "this-worker")
    out = service.get_values(
        session,
        slug="poh_contacts",
        scope=service.ScopeRef("practice", "04000002"),
        period="2025Q3",
        caller=OWN,
    )
    assert (out.value, out.data_version) == (1, cache.data_version(session))
    card = service.get_scorecard(session, agb="04000002", period="2025Q3", caller=OWN)
    assert next(i for i in card.items if i.slug == "poh_contacts").value == 1
    # the older practice still gets the older benchmark while the other worker computes
    assert _full(session).value == 1
