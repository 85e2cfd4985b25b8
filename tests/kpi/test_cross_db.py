"""Results are identical on SQLite and PostgreSQL: when the suite runs on PostgreSQL, the same
seeded data is also loaded into a scratch SQLite database and every response is compared."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import migrations
from api.kpi import service
from api.kpi.definitions import REGISTRY
from models.db import make_engine
from tests.kpi.test_oracle import seed

OWN = service.CallerScope(own_all=True)
SCOPES = [
    ("region", "oracle"),
    ("practice", "09000001"),
    ("practice", "09000004"),
    ("provider", "ORP1"),
    ("provider", "ORP0"),
]


def _everything(session: Session) -> dict[str, object]:
    out: dict[str, object] = {}
    for slug in REGISTRY:
        for level, key in SCOPES:
            v = service.get_values(
                session, slug=slug, scope=service.ScopeRef(level, key), period="2025Q1", caller=OWN
            )
            out[f"{slug}/{level}/{key}"] = v.model_dump(exclude={"data_version"})
        s = service.get_series(
            session,
            slug=slug,
            scope=service.ScopeRef("region", "oracle"),
            start="2024-01",
            end="2025-06",
            grain="quarter",
            caller=OWN,
        )
        out[f"{slug}/series"] = s.model_dump(exclude={"data_version"})
        if REGISTRY[slug].benchmarkable:
            b = service.get_benchmark(
                session, slug=slug, region="oracle", period="2024", caller=OWN
            )
            out[f"{slug}/benchmark"] = b.model_dump(exclude={"data_version"})
    return out


def test_sqlite_and_postgresql_agree(session: Session, tmp_path: Path) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("compares with PostgreSQL; run with POHCONNECT_TEST_DATABASE_URL")
    seed(session)
    on_pg = _everything(session)
    url = f"sqlite:///{tmp_path / 'cross.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as lite:
            seed(lite)
            on_sqlite = _everything(lite)
            lite.rollback()
    finally:
        engine.dispose()
    assert on_sqlite.keys() == on_pg.keys()
    diff = [k for k in on_pg if on_pg[k] != on_sqlite[k]]
    detail = [
        (k, f, on_pg[k][f], on_sqlite[k][f])  # type: ignore[index]
        for k in diff[:3]
        for f in on_pg[k]  # type: ignore[attr-defined]
        if on_pg[k][f] != on_sqlite[k][f]  # type: ignore[index]
    ]
    assert diff == [], detail
