"""The KPI cache is keyed on the data version; an import (or a team change) invalidates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.kpi import cache, service
from models import ImportBatch, KpiCacheEntry, Practice, Provider
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
    # stale entries are dropped when the next entry is stored
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
    n = service.warm_cache(session, period="2025Q3")
    assert n == 23 + 1  # 23 practice-level KPIs + 1 scorecard
    kinds = dict(
        session.execute(select(KpiCacheEntry.kind, func.count()).group_by(KpiCacheEntry.kind)).all()
    )
    assert kinds == {"benchmark": 23, "scorecard": 1}
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
