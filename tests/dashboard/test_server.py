"""One process serves API and dashboard: /dashboard/ is the Dash app, / redirects there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from pohconnect.server import create_server_app, local_url


@pytest.fixture
def server() -> Iterator[object]:
    from fastapi.testclient import TestClient

    with TestClient(create_server_app(api_base_url="http://127.0.0.1:9")) as client:
        yield client


def test_root_redirects_to_dashboard(server) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/dashboard"):
        res = server.get(path, follow_redirects=False)
        assert res.status_code in (302, 307)
        assert res.headers["location"].endswith("/dashboard/")


def test_dashboard_is_mounted_with_its_prefix(server) -> None:  # type: ignore[no-untyped-def]
    # without a session every page leads to the login page, itself under the prefix
    page = server.get("/dashboard/praktijk", follow_redirects=False)
    assert page.status_code == 302
    assert page.headers["location"] == "/dashboard/login?next=/praktijk"
    login = server.get("/dashboard/login")
    assert login.status_code == 200
    assert "/dashboard/assets/00-bootstrap.min.css" in login.text
    assert 'action="/dashboard/login"' in login.text
    assert server.get("/dashboard/_dash-layout").status_code == 401
    css = server.get("/dashboard/assets/10-pohconnect.css")
    assert css.status_code == 200 and "--pc-primary" in css.text
    # the Dash app itself (with a session): tests/dashboard/test_login.py


def test_api_still_served(server) -> None:  # type: ignore[no-untyped-def]
    assert server.get("/openapi.json").json()["info"]["title"] == "POH-Connect API"
    assert "/dashboard" not in "".join(server.get("/openapi.json").json()["paths"])


def test_local_url() -> None:
    assert local_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert local_url("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert local_url("::1", 8000) == "http://[::1]:8000"


def test_serve_command_registered() -> None:
    from pohconnect.cli import app

    res = CliRunner().invoke(app, ["serve", "--help"])
    assert res.exit_code == 0
    assert "--host" in res.output and "--port" in res.output


def test_serve_refuses_without_pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import settings
    from pohconnect.cli import app

    monkeypatch.setattr(
        settings,
        "get_ingest_settings",
        lambda: settings.IngestSettings(pseudonym_key=None, environment="production"),
    )
    res = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert res.exit_code == 1
    assert "POHCONNECT_PSEUDONYM_KEY" in res.output
