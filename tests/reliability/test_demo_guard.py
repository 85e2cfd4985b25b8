"""No demo key or demo data in production, and no demo data in a database of real data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import migrations
from ingest import settings
from ingest.settings import DEMO_PSEUDONYM_KEY, DemoInProduction, IngestSettings
from models import ImportBatch, Region
from models import db as models_db
from models.db import make_engine, session_factory

REAL_KEY = "a-real-secret-key-of-enough-length"


def test_production_refuses_demo_mode_flag() -> None:
    s = IngestSettings(environment="production", demo_mode=True, pseudonym_key=REAL_KEY)
    assert not s.is_demo
    with pytest.raises(DemoInProduction, match="POHCONNECT_DEMO_MODE=true"):
        s.pseudonym_key_bytes()


def test_production_refuses_demo_mode_without_key() -> None:
    s = IngestSettings(environment="Production", demo_mode=True, pseudonym_key=None)
    with pytest.raises(DemoInProduction, match="productie draait nooit in demomodus"):
        s.pseudonym_key_bytes()


def test_production_refuses_the_demo_key() -> None:
    s = IngestSettings(environment="production", pseudonym_key=DEMO_PSEUDONYM_KEY)
    with pytest.raises(DemoInProduction, match="openbare demosleutel"):
        s.pseudonym_key_bytes()


def test_production_with_a_real_key_starts() -> None:
    s = IngestSettings(environment="production", pseudonym_key=REAL_KEY)
    assert s.pseudonym_key_bytes() == REAL_KEY.encode()
    # demo mode elsewhere still gets the demo key
    dev_demo = IngestSettings(environment="development", demo_mode=True, pseudonym_key=None)
    assert dev_demo.pseudonym_key_bytes() == DEMO_PSEUDONYM_KEY.encode()


def test_serve_refuses_demo_mode_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    from pohconnect.cli import app

    monkeypatch.setattr(
        settings,
        "get_ingest_settings",
        lambda: IngestSettings(environment="production", demo_mode=True, pseudonym_key=REAL_KEY),
    )
    res = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert res.exit_code == 1
    assert "Fout: POHCONNECT_ENVIRONMENT=production gaat niet samen met" in res.output


def test_api_startup_refuses_demo_mode_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app

    monkeypatch.setattr(
        settings,
        "get_ingest_settings",
        lambda: IngestSettings(environment="production", demo_mode=True),
    )
    # the routes module imported the getter by name: patch that binding too
    from api.routes import imports as import_routes

    monkeypatch.setattr(import_routes, "require_pseudonym_key", settings.require_pseudonym_key)
    with pytest.raises(DemoInProduction), TestClient(create_app()):
        pass


@pytest.fixture
def fresh_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'echt.sqlite3'}"
    # the demo command sets these; monkeypatch restores them afterwards
    monkeypatch.setenv("POHCONNECT_DATABASE_URL", url)
    monkeypatch.setenv("POHCONNECT_ENVIRONMENT", "development")
    models_db.get_database_settings.cache_clear()
    models_db.get_engine.cache_clear()
    settings.get_ingest_settings.cache_clear()
    yield url
    models_db.get_database_settings.cache_clear()
    models_db.get_engine.cache_clear()
    settings.get_ingest_settings.cache_clear()


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        counts = (
            s.scalar(select(func.count()).select_from(Region)) or 0,
            s.scalar(select(func.count()).select_from(ImportBatch)) or 0,
        )
    engine.dispose()
    return counts


def test_demo_refuses_a_database_with_real_data(fresh_db_url: str) -> None:
    from pohconnect.cli import app

    migrations.upgrade(fresh_db_url)
    engine = make_engine(fresh_db_url)
    with session_factory(engine)() as s:
        s.add(Region(slug="zorggroep-echt", name="Zorggroep Echt"))
        s.commit()
    engine.dispose()

    args = ["demo", "--no-serve", "--practices", "1", "--database-url", fresh_db_url]
    res = CliRunner().invoke(app, [*args, "--start", "2025-01-01", "--end", "2025-01-31"])
    assert res.exit_code == 1, res.output
    assert (
        "Fout: deze database bevat gegevens die geen demodata zijn (regio's: Zorggroep Echt)"
        in res.output
    )
    assert _counts(fresh_db_url) == (1, 0)  # nothing written


def test_demo_refuses_production_environment(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pohconnect.cli import app

    monkeypatch.setenv("POHCONNECT_ENVIRONMENT", "production")
    res = CliRunner().invoke(app, ["demo", "--no-serve", "--database-url", fresh_db_url])
    assert res.exit_code == 1
    assert "de demo (openbare demosleutel, synthetische data) draait nooit in productie" in (
        res.output
    )
    assert not Path(fresh_db_url.removeprefix("sqlite:///")).exists()


def test_demo_reimports_into_its_own_database(fresh_db_url: str) -> None:
    from pohconnect.cli import app

    args = ["demo", "--no-serve", "--practices", "2", "--database-url", fresh_db_url]
    args += ["--start", "2025-01-01", "--end", "2025-02-28"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(app, args)  # a demo database holds only demo data: allowed
    assert again.exit_code == 0, again.output
    assert _counts(fresh_db_url) == (1, 8)
