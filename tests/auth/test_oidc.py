"""OpenID Connect login against a local fake provider (tests/auth/fake_oidc.py, no network):
the code flow with PKCE, state and nonce; the ID token's signature, issuer, audience, expiry;
the claim mapped to an existing, enabled user; every failure refused and audited."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditLog
from tests.auth.conftest import add_user, login
from tests.auth.fake_oidc import CLIENT_ID, ISSUER, FakeProvider

REDIRECT = "https://dash.test/dashboard/login/oidc/callback"


@pytest.fixture
def provider(client, auth_settings) -> Iterator[FakeProvider]:  # type: ignore[no-untyped-def]
    from api.routes.auth import get_oidc_http

    fake = FakeProvider()
    auth_settings(**fake.settings())

    def _http() -> Iterator[Any]:
        with fake.http() as http:
            yield http

    client.app.dependency_overrides[get_oidc_http] = _http
    yield fake
    client.app.dependency_overrides.pop(get_oidc_http, None)


def _start(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    res = client.post("/api/v1/auth/oidc/start", json={"redirect_uri": REDIRECT})
    assert res.status_code == 200, res.text
    return res.json()  # type: ignore[no-any-return]


def _oidc_login(client, provider: FakeProvider, **change: str) -> Any:  # type: ignore[no-untyped-def]
    started = _start(client)
    back = provider.authorize(started["authorization_url"])
    assert back.startswith(REDIRECT + "?")
    q = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
    body = {"code": q["code"], "state": q["state"], "transaction": started["transaction"]}
    return client.post("/api/v1/auth/oidc/token", json={**body, **change})


def _last_login(session: Session) -> AuditLog:
    stmt = select(AuditLog).where(AuditLog.action == "login").order_by(AuditLog.id.desc())
    event = session.scalars(stmt.limit(1)).first()
    assert event is not None
    return event


def test_the_authorization_request_has_pkce_state_and_nonce(client, provider) -> None:  # type: ignore[no-untyped-def]
    started = _start(client)
    url = urlsplit(started["authorization_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/authorize"
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert q["response_type"] == "code" and q["client_id"] == CLIENT_ID
    assert q["redirect_uri"] == REDIRECT and q["state"] == started["state"]
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43
    assert len(q["nonce"]) >= 32 and q["scope"] == "openid profile email"
    # the verifier and nonce are in the signed transaction, never in the URL
    assert "code_verifier" not in q


def test_login_gives_a_working_token_for_the_users_scope(  # type: ignore[no-untyped-def]
    client, provider, users, session
) -> None:
    res = _oidc_login(client, provider)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 480 * 60
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    me = client.get("/api/v1/auth/me", headers=bearer).json()
    assert (me["username"], me["role"]) == ("poh-a", "poh")
    event = _last_login(session)
    assert (event.outcome, event.username, event.role) == ("success", "poh-a", "poh")
    assert event.detail["method"] == "oidc" and event.detail["claim"] == "preferred_username"
    assert event.detail["issuer"] == ISSUER and event.detail["sub"] == "u-1"
    assert event.ip == "testclient"
    # the same scope as after a password login
    password = login(client, "poh-a")
    assert me["scope"] == client.get("/api/v1/auth/me", headers=password).json()["scope"]
    practices = client.get("/api/v1/practices", headers=bearer)
    assert practices.status_code == 200
    assert practices.json() == client.get("/api/v1/practices", headers=password).json()
    # a beheerder route stays closed to a poh
    assert client.get("/api/v1/users", headers=bearer).status_code == 403
    # the token is revoked at logout like any other
    assert client.post("/api/v1/auth/logout", headers=bearer).status_code == 204
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401


def test_the_claim_is_configurable(client, provider, users, session, auth_settings) -> None:  # type: ignore[no-untyped-def]
    add_user(session, "anna@praktijk.nl", "huisarts", ("practice", "03000001"), password=None)
    auth_settings(**provider.settings(), oidc_claim="email")
    provider.user = {"sub": "u-9", "preferred_username": "poh-a", "email": "Anna@Praktijk.nl"}
    res = _oidc_login(client, provider)
    assert res.status_code == 200, res.text
    bearer = {"Authorization": f"Bearer {res.json()['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=bearer).json()["username"] == "anna@praktijk.nl"
    assert provider.client_auth == "basic"


def test_client_secret_post(client, provider, users, auth_settings) -> None:  # type: ignore[no-untyped-def]
    auth_settings(**provider.settings(), oidc_token_auth_method="client_secret_post")
    assert _oidc_login(client, provider).status_code == 200
    assert provider.client_auth == "post"


def test_a_wrong_client_secret_is_refused(client, provider, users, auth_settings, session) -> None:  # type: ignore[no-untyped-def]
    auth_settings(**{**provider.settings(), "oidc_client_secret": "fout"})
    res = _oidc_login(client, provider)
    assert res.status_code == 401
    assert _last_login(session).detail["reason"] == "code_refused:invalid_client"


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("wrong_state", "state"),
        ("tampered_transaction", "transaction"),
        ("wrong_nonce", "claims:nonce"),
        ("no_nonce", "claims:nonce"),
        ("forged_signature", "signature"),
        ("wrong_audience", "claims:aud"),
        ("wrong_issuer", "claims:iss"),
        ("expired", "claims:exp"),
        ("claim_missing", "claim_missing"),
    ],
)
def test_refused_and_audited(client, provider, users, session, case: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    now = int(time.time())
    change: dict[str, str] = {}
    if case == "wrong_state":
        change = {"state": "een-andere-state"}
    elif case == "tampered_transaction":
        started = _start(client)
        change = {"transaction": started["transaction"][:-4] + "AAAA"}
    elif case == "wrong_nonce":
        provider.id_token_changes = {"nonce": "een-andere-nonce"}
    elif case == "no_nonce":
        provider.id_token_changes = {"nonce": None}
    elif case == "forged_signature":
        provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    elif case == "wrong_audience":
        provider.id_token_changes = {"aud": "een-andere-client"}
    elif case == "wrong_issuer":
        provider.id_token_changes = {"iss": "https://kwaadwillend.test"}
    elif case == "expired":
        provider.id_token_changes = {"iat": now - 7200, "exp": now - 3600}
    elif case == "claim_missing":
        provider.user = {"sub": "u-1"}
    res = _oidc_login(client, provider, **change)
    expected = 403 if case == "claim_missing" else 401
    assert res.status_code == expected, res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    assert "access_token" not in res.text
    event = _last_login(session)
    assert event.outcome == "failure" and event.detail["reason"] == reason
    assert event.detail["method"] == "oidc" and event.user_id is None


def test_unknown_user_is_refused_in_dutch_and_audited(client, provider, users, session) -> None:  # type: ignore[no-untyped-def]
    provider.user = {"sub": "u-2", "preferred_username": "Nog-Geen-Account"}
    res = _oidc_login(client, provider)
    assert res.status_code == 403
    assert "geen POH-Connect-account 'nog-geen-account'" in res.json()["detail"]
    event = _last_login(session)
    assert (event.outcome, event.username, event.user_id) == ("failure", "nog-geen-account", None)
    assert event.detail["reason"] == "unknown_user" and event.detail["sub"] == "u-2"
    # nobody was created
    from models import User

    assert session.scalar(select(User).where(User.username == "nog-geen-account")) is None


def test_disabled_user_is_refused_and_audited(client, provider, users, session) -> None:  # type: ignore[no-untyped-def]
    user = add_user(session, "oud-poh", "poh", ("provider", "POH-A"), active=False)
    provider.user = {"sub": "u-3", "preferred_username": "oud-poh"}
    res = _oidc_login(client, provider)
    assert res.status_code == 403
    assert "uitgeschakeld" in res.json()["detail"]
    event = _last_login(session)
    assert (event.outcome, event.user_id, event.role) == ("failure", user.id, "poh")
    assert event.detail["reason"] == "disabled"


def test_a_code_and_a_transaction_are_good_once(client, provider, users) -> None:  # type: ignore[no-untyped-def]
    started = _start(client)
    back = provider.authorize(started["authorization_url"])
    q = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
    body = {"code": q["code"], "state": q["state"], "transaction": started["transaction"]}
    assert client.post("/api/v1/auth/oidc/token", json=body).status_code == 200
    again = client.post("/api/v1/auth/oidc/token", json=body)
    assert again.status_code == 401  # the provider refuses the used code


def test_provider_down_is_502_and_audited(client, provider, users, session) -> None:  # type: ignore[no-untyped-def]
    import httpx

    started = _start(client)
    back = provider.authorize(started["authorization_url"])
    q = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}

    def _down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down", request=request)

    provider.handle = _down  # type: ignore[method-assign]
    body = {"code": q["code"], "state": q["state"], "transaction": started["transaction"]}
    res = client.post("/api/v1/auth/oidc/token", json=body)
    assert res.status_code == 502 and "niet bereikbaar" in res.json()["detail"]
    assert _last_login(session).detail["reason"] == "provider_unreachable"


def test_off_when_not_configured(client, auth_settings) -> None:  # type: ignore[no-untyped-def]
    auth_settings()
    assert client.get("/api/v1/auth/oidc").status_code == 404
    assert (
        client.post("/api/v1/auth/oidc/start", json={"redirect_uri": REDIRECT}).status_code == 404
    )
    body = {"code": "c", "state": "s", "transaction": "t"}
    assert client.post("/api/v1/auth/oidc/token", json=body).status_code == 404


def test_on_when_configured_and_public(client, provider) -> None:  # type: ignore[no-untyped-def]
    res = client.get("/api/v1/auth/oidc")
    assert res.status_code == 200
    assert res.json() == {"issuer": ISSUER, "claim": "preferred_username"}


def test_settings_refuse_a_half_or_insecure_configuration(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from api.auth.settings import AuthSettings, OidcMisconfigured

    AuthSettings().check_oidc()  # off: fine
    with pytest.raises(OidcMisconfigured, match="half"):
        AuthSettings(oidc_issuer=ISSUER).check_oidc()
    with pytest.raises(OidcMisconfigured, match="openid"):
        AuthSettings(oidc_issuer=ISSUER, oidc_client_id="x", oidc_scopes="profile").check_oidc()
    with pytest.raises(OidcMisconfigured, match="https"):
        AuthSettings(
            environment="production", oidc_issuer="http://idp.test", oidc_client_id="x"
        ).check_oidc()
    settings = AuthSettings(oidc_issuer=ISSUER + "/", oidc_client_id="x")
    assert settings.oidc_enabled
    assert settings.oidc_discovery() == ISSUER + "/.well-known/openid-configuration"


def test_startup_refuses_a_half_configuration_and_production_still_needs_its_secret(  # type: ignore[no-untyped-def]
    auth_settings,
) -> None:
    from fastapi.testclient import TestClient

    from api.auth.settings import OidcMisconfigured, TokenSecretMissing
    from api.main import create_app

    auth_settings(oidc_client_id=CLIENT_ID)
    with pytest.raises(OidcMisconfigured), TestClient(create_app()):
        pass
    # OIDC on does not replace the token secret: production without one does not start
    auth_settings(
        environment="production", token_secret="", oidc_issuer=ISSUER, oidc_client_id=CLIENT_ID
    )
    with pytest.raises(TokenSecretMissing), TestClient(create_app()):
        pass
    auth_settings(token_secret="s" * 40)
    with TestClient(create_app()) as started:
        assert started.get("/health").status_code == 200
