"""The KPI cache is keyed on the data version; an import (or a team change) invalidates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.kpi import cache, service
from models import ImportBatch, KpiCacheEntry
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
    assert session.scalar(select(func.count()).select_from(KpiCacheEntry)) == 2  # + benchmark
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
