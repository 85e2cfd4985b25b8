"""The Alembic migrations build the models' schema and tear it down again, on this test run's
database (SQLite, or PostgreSQL when POHCONNECT_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import migrations
from models import Base, User, UserScope
from models.db import make_engine
from models.enums import Bestemming, Contactvorm, Functie, Role, ScopeLevel
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.factories import make_contact, make_patient, make_practice, make_provider, make_referral

BEFORE_CHECK_OR = "0003_import_ix"
CHECK_OR = "0004_check_or"  # what the CHECK tests compare with 0003 (later revisions add tables)

# `col IN (…)` as SQLite keeps it, and as PostgreSQL reflects it (`col = ANY (ARRAY[…])`).
IN_LIST = re.compile(r"\bIN\s*\(|=\s*ANY\s*\(", re.IGNORECASE)

# Every closed-vocabulary CHECK: (table, column) -> the values it allows.
VOCABULARIES: dict[tuple[str, str], tuple[str, ...] | type[StrEnum]] = {
    ("providers", "functie"): Functie,
    ("users", "role"): Role,
    ("patients", "sex"): ("M", "V", "X", "O"),
    ("user_scopes", "level"): ScopeLevel,
    ("contacts", "functie"): Functie,
    ("contacts", "contactvorm"): Contactvorm,
    ("referrals", "destination"): Bestemming,
}

# A few rows at revision 0003 in every table whose CHECK 0004 replaces, and in every table
# that refers to one of those with ON DELETE CASCADE (which a careless SQLite table rebuild
# empties). Plain SQL: the ORM describes head, not 0003.
SEED_0003 = (
    "INSERT INTO regions (id, slug, name) VALUES (1, 'r', 'Regio')",
    "INSERT INTO practices (id, agb, name, region_id) VALUES (1, '01234567', 'P', 1)",
    "INSERT INTO practice_list_sizes (id, practice_id, peildatum, listed)"
    " VALUES (1, 1, '2026-01-01', 2350)",
    "INSERT INTO providers (id, code, name, functie) VALUES (1, 'poh1', 'Poh', 'poh-ggz'),"
    " (2, 'ha1', NULL, 'huisarts')",
    "INSERT INTO provider_practices (provider_id, practice_id) VALUES (1, 1), (2, 1)",
    "INSERT INTO teams (id, slug, name, region_id) VALUES (1, 't', 'T', 1)",
    "INSERT INTO team_providers (team_id, provider_id) VALUES (1, 1)",
    "INSERT INTO team_practices (team_id, practice_id) VALUES (1, 1)",
    "INSERT INTO users (id, username, display_name, role, provider_id, is_active)"
    " VALUES (1, 'u', 'U', 'poh', 1, true)",
    "INSERT INTO user_scopes (id, user_id, level, key) VALUES (1, 1, 'practice', '01234567')",
    "INSERT INTO audit_log (id, user_id, username, action) VALUES (1, 1, 'u', 'login')",
    "INSERT INTO patients (id, practice_id, pseudonym, birth_year, sex)"
    " VALUES (1, 1, 'p1', 1980, 'V'), (2, 1, 'p2', NULL, NULL)",
    "INSERT INTO contacts (id, practice_id, patient_id, provider_id, date, time, functie,"
    " contactvorm, duration_min, natural_key, row_hash)"
    " VALUES (1, 1, 1, 1, '2026-01-05', '09:30:00', 'poh-ggz', 'consult', 20, 'k1', 'h1'),"
    " (2, 1, 2, 2, '2026-01-06', NULL, 'huisarts', 'video', NULL, 'k2', 'h2')",
    "INSERT INTO referrals (id, practice_id, patient_id, date, referrer_provider_id,"
    " destination, destination_code, natural_key, row_hash)"
    " VALUES (1, 1, 1, '2026-02-01', 1, 'gb-ggz', 'GB', 'r1', 'h')",
    "INSERT INTO hours_weeks (id, provider_id, practice_id, week_start, hours_contract,"
    " row_hash) VALUES (1, 1, 1, '2026-01-05', 16, 'h')",
)


@pytest.fixture
def scratch_db(database_url: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes further empty databases, so that downgrading does not disturb the shared one."""
    sqlite = make_url(database_url).get_backend_name() == "sqlite"
    created: list[str] = []

    def new() -> str:
        if sqlite:
            url = f"sqlite:///{tmp_path / f'scratch{len(created)}.sqlite3'}"
        else:
            url = _create_pg_database(database_url)
        created.append(url)
        return url

    try:
        yield new
    finally:
        if not sqlite:
            for url in created:
                _drop_pg_database(url)


@pytest.fixture
def scratch_url(scratch_db: Callable[[], str]) -> str:
    return scratch_db()


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    with _engine(url) as engine:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _check_constraints(engine: Engine) -> dict[str, dict[str, str]]:
    """table -> {constraint name: condition}, as the database reports them."""
    insp = inspect(engine)
    return {
        table: {ck["name"]: ck["sqltext"] for ck in insp.get_check_constraints(table)}
        for table in insp.get_table_names()
        if table != "alembic_version"
    }


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table: sorted(
                (tuple(row) for row in conn.execute(text(f'SELECT * FROM "{table}"'))), key=repr
            )
            for table in inspect(conn).get_table_names()
            if table != "alembic_version"
        }


def _sqlite_schema(url: str, *, mask_checks: bool = False) -> dict[str, tuple[Any, ...]]:
    """sqlite_master, each CREATE statement taken apart so that what a table rebuild changes
    without meaning anything is ignored: the new table's name is quoted, and the constraint
    clauses come in another order. Columns (types, NOT NULL, defaults) keep their order."""
    with _engine(url) as engine, engine.connect() as conn:
        master = conn.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name != 'alembic_version'"
        ).all()
    schema = {}
    for kind, name, table, sql in master:
        if sql is None:  # sqlite_autoindex_…, the index of a UNIQUE constraint
            schema[name] = (kind, table, None)
            continue
        lines = [line.strip().rstrip(",") for line in sql.splitlines()]
        head, body = lines[0].replace('"', ""), [line for line in lines[1:] if line != ")"]
        constraints = {line for line in body if line.startswith("CONSTRAINT ")}
        if mask_checks:
            constraints = {re.sub(r" CHECK \(.*\)$", " CHECK (…)", c) for c in constraints}
        columns = tuple(line for line in body if not line.startswith("CONSTRAINT "))
        schema[name] = (kind, table, head, columns, frozenset(constraints))
    return schema


def test_upgrade_check_downgrade_roundtrip(scratch_url: str) -> None:
    migrations.upgrade(scratch_url)
    assert _tables(scratch_url) == set(Base.metadata.tables)
    migrations.check(scratch_url)  # raises if the models and head differ

    migrations.downgrade(scratch_url)
    assert _tables(scratch_url) == set()

    migrations.upgrade(scratch_url)
    migrations.check(scratch_url)
    assert _tables(scratch_url) == set(Base.metadata.tables)


def test_single_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_no_check_constraint_uses_an_in_list(engine: Engine) -> None:
    checks = _check_constraints(engine)
    in_lists = {
        name: sqltext
        for per_table in checks.values()
        for name, sqltext in per_table.items()
        if IN_LIST.search(sqltext)
    }
    assert in_lists == {}
    # ... and each vocabulary is still checked, by name as the models have it.
    model_names = {
        table.name: {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        for table in Base.metadata.tables.values()
    }
    assert {table: set(per_table) for table, per_table in checks.items()} == model_names
    for table, column in VOCABULARIES:
        assert f"ck_{table}_{column}" in checks[table]


def test_check_constraints_at_head_are_the_models(engine: Engine, scratch_url: str) -> None:
    """`alembic check` does not compare CHECK constraints; compare them with create_all's."""
    with _engine(scratch_url) as fresh:
        Base.metadata.create_all(fresh)
        from_models = _check_constraints(fresh)
    assert _check_constraints(engine) == from_models


@pytest.mark.parametrize(("table", "column"), list(VOCABULARIES))
def test_a_value_outside_the_vocabulary_is_rejected(
    session: Session, table: str, column: str
) -> None:
    practice = make_practice(session)
    provider = make_provider(session, practices=(practice,))
    patient = make_patient(session, practice=practice, sex=None)  # NULL passes the check
    user = User(username=f"u{practice.agb}", display_name="U", role="poh")
    user.scopes.append(UserScope(level="practice", key=practice.agb))
    session.add(user)
    session.flush()
    ids = {
        "providers": provider.id,
        "users": user.id,
        "patients": patient.id,
        "user_scopes": user.scopes[0].id,
        "contacts": make_contact(
            session, patient=patient, provider=provider, date=dt.date(2026, 1, 5)
        ).id,
        "referrals": make_referral(session, patient=patient, date=dt.date(2026, 2, 1)).id,
    }
    update = text(f"UPDATE {table} SET {column} = :value WHERE id = :id")
    allowed = [v.value if isinstance(v, StrEnum) else v for v in VOCABULARIES[table, column]]
    for value in allowed:
        session.execute(update, {"value": value, "id": ids[table]})
    for bad in ("x", "", allowed[0].swapcase()):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(update, {"value": bad, "id": ids[table]})


def test_a_contact_with_an_unknown_functie_is_not_inserted(session: Session) -> None:
    practice = make_practice(session)
    provider = make_provider(session)
    patient = make_patient(session, practice=practice)
    with pytest.raises(IntegrityError), session.begin_nested():
        make_contact(
            session, patient=patient, provider=provider, date=dt.date(2026, 1, 5), functie="x"
        )


def test_data_survives_check_or_upgrade_and_downgrade(scratch_url: str) -> None:
    migrations.upgrade(scratch_url, revision=BEFORE_CHECK_OR)
    with _engine(scratch_url) as engine:
        with engine.begin() as conn:
            for statement in SEED_0003:
                conn.execute(text(statement))
        before = _rows(engine)
        assert any(IN_LIST.search(s) for s in _check_constraints(engine)["contacts"].values())
    assert all(before[table] for table, _ in VOCABULARIES)

    migrations.upgrade(scratch_url, revision=CHECK_OR)
    with _engine(scratch_url) as engine:
        assert _rows(engine) == before
        contacts = _check_constraints(engine)["contacts"]
        assert not any(IN_LIST.search(s) for s in contacts.values())

    migrations.downgrade(scratch_url, revision=BEFORE_CHECK_OR)
    with _engine(scratch_url) as engine:
        assert _rows(engine) == before
        checks = _check_constraints(engine)
        for table, column in VOCABULARIES:
            assert IN_LIST.search(checks[table][f"ck_{table}_{column}"])


def test_sqlite_rebuilt_tables_keep_all_but_the_check_text(
    database_url: str, scratch_db: Callable[[], str]
) -> None:
    """Batch mode rebuilds each table from its reflection; nothing else may change: columns,
    types, NOT NULL, server defaults, primary and foreign keys (ON DELETE CASCADE), unique
    constraints, the other checks, indexes."""
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("PostgreSQL alters the constraints in place")
    fresh, migrated = scratch_db(), scratch_db()
    migrations.upgrade(fresh, revision=BEFORE_CHECK_OR)
    migrations.upgrade(migrated, revision=BEFORE_CHECK_OR)

    migrations.upgrade(migrated, revision=CHECK_OR)
    assert _sqlite_schema(migrated, mask_checks=True) == _sqlite_schema(fresh, mask_checks=True)
    assert _sqlite_schema(migrated) != _sqlite_schema(fresh)

    migrations.downgrade(migrated, revision=BEFORE_CHECK_OR)
    assert _sqlite_schema(migrated) == _sqlite_schema(fresh)


def test_sqlite_table_rebuild_refuses_to_run_with_foreign_keys_enforced(
    database_url: str, scratch_url: str
) -> None:
    """On a connection of the caller's with enforcement on, dropping `patients` for the
    rebuild would delete every contact and referral (ON DELETE CASCADE): 0004 refuses."""
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("a SQLite pragma")
    migrations.upgrade(scratch_url, revision=BEFORE_CHECK_OR)
    with _engine(scratch_url) as engine:
        with engine.begin() as conn:
            for statement in SEED_0003:
                conn.execute(text(statement))
        before = _rows(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            with pytest.raises(RuntimeError, match="foreign key enforcement on"):
                migrations.upgrade(scratch_url, connection=conn)
        assert _rows(engine) == before
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == BEFORE_CHECK_OR
