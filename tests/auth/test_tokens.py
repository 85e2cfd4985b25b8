"""Logging in and out: token flow, expiry, tampering, disabled users, revocation, lock-out."""

from __future__ import annotations

import base64
import datetime as dt
import json

import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.settings import DEMO_TOKEN_SECRET, AuthSettings, TokenSecretMissing
from api.auth.tokens import issue_token
from models import AuditLog, LoginFailure, User
from tests.auth.conftest import PASSWORD, login

ME = "/api/v1/auth/me"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _refused(res) -> None:  # type: ignore[no-untyped-def]
    assert res.status_code == 401, res.text
    assert res.headers["www-authenticate"] == "Bearer"
    assert res.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in res.text


def test_token_flow(client, users) -> None:  # type: ignore[no-untyped-def]
    res = client.post("/api/v1/auth/token", data={"username": "HA-A", "password": PASSWORD})
    assert res.status_code == 200, res.text
    body = res.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 8 * 3600
    me = client.get(ME, headers=_bearer(body["access_token"])).json()
    assert me["username"] == "ha-a" and me["role"] == "huisarts"
    assert me["scope"] == "practice:03000000"
    # the token is signed HS256, carries an id and expires in 8 hours
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 8 * 3600 and len(claims["jti"]) == 32


def test_ttl_is_configurable(client, users, auth_settings) -> None:  # type: ignore[no-untyped-def]
    auth_settings(token_ttl_minutes=30)
    res = client.post("/api/v1/auth/token", data={"username": "ha-a", "password": PASSWORD})
    assert res.json()["expires_in"] == 1800


def test_without_token_or_with_a_bad_one(client, users) -> None:  # type: ignore[no-untyped-def]
    _refused(client.get("/api/v1/kpis"))
    _refused(client.get("/api/v1/kpis", headers={"Authorization": "Bearer"}))
    _refused(client.get("/api/v1/kpis", headers=_bearer("not-a-token")))
    _refused(client.get("/api/v1/kpis", headers={"Authorization": "Basic aGE6YQ=="}))


def test_wrong_password_and_unknown_user(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    _refused(client.post("/api/v1/auth/token", data={"username": "ha-a", "password": "fout"}))
    _refused(client.post("/api/v1/auth/token", data={"username": "niemand", "password": "x"}))
    assert session.scalar(select(LoginFailure.username).where(LoginFailure.ip == "testclient"))


def test_expired_token(client, users) -> None:  # type: ignore[no-untyped-def]
    expired = issue_token(users["huisarts"].id, ttl_minutes=-1).token
    _refused(client.get(ME, headers=_bearer(expired)))


def test_tampered_tokens(client, users) -> None:  # type: ignore[no-untyped-def]
    token = issue_token(users["huisarts"].id).token
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(users["beheerder"].id)  # someone else's id, old signature
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _refused(client.get(ME, headers=_bearer(f"{head}.{forged}.{sig}")))
    _refused(client.get(ME, headers=_bearer(f"{head}.{payload}.{sig[:-2]}AA")))
    now = int(dt.datetime.now(dt.UTC).timestamp())
    good = {"sub": claims["sub"], "jti": "x" * 32, "iat": now, "exp": now + 60, "iss": "pohconnect"}
    _refused(client.get(ME, headers=_bearer(jwt.encode(good, "another-secret-" * 3))))
    _refused(client.get(ME, headers=_bearer(jwt.encode(good, DEMO_TOKEN_SECRET))))
    unsigned = jwt.encode(good, key=None, algorithm="none")
    _refused(client.get(ME, headers=_bearer(unsigned)))


def test_disabled_user(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    headers = login(client, "ha-a")
    assert client.get(ME, headers=headers).status_code == 200
    users["huisarts"].is_active = False
    session.commit()
    _refused(client.get(ME, headers=headers))
    _refused(client.post("/api/v1/auth/token", data={"username": "ha-a", "password": PASSWORD}))


def test_logout_revokes_only_that_token(client, users) -> None:  # type: ignore[no-untyped-def]
    first, second = login(client, "ha-a"), login(client, "ha-a")
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    _refused(client.get(ME, headers=first))
    _refused(client.post("/api/v1/auth/logout", headers=first))
    assert client.get(ME, headers=second).status_code == 200


def test_password_change_refuses_older_tokens(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    headers = login(client, "ha-a")
    user = users["huisarts"]
    user.tokens_not_before = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    session.commit()
    _refused(client.get(ME, headers=headers))


def test_lock_out_per_account(client, users, auth_settings, session: Session) -> None:  # type: ignore[no-untyped-def]
    auth_settings(login_max_failures=3, login_lockout_minutes=15)
    for _ in range(3):
        _refused(client.post("/api/v1/auth/token", data={"username": "ha-a", "password": "x"}))
    res = client.post("/api/v1/auth/token", data={"username": "ha-a", "password": PASSWORD})
    assert res.status_code == 429, res.text
    assert 14 * 60 < int(res.headers["retry-after"]) <= 15 * 60 + 1
    assert "minuten" in res.json()["detail"]
    # another account from the same address is not locked (3 < the per-address limit)
    assert (
        client.post(
            "/api/v1/auth/token", data={"username": "regio-noord", "password": PASSWORD}
        ).status_code
        == 200
    )
    # once the failures are older than the window, the account may log in again
    for f in session.scalars(select(LoginFailure).where(LoginFailure.username == "ha-a")):
        f.at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    session.commit()
    assert login(client, "ha-a")
    # ... and a success clears the account's count
    assert session.scalar(select(LoginFailure).where(LoginFailure.username == "ha-a")) is None


def test_lock_out_per_address(client, users, auth_settings) -> None:  # type: ignore[no-untyped-def]
    auth_settings(login_max_failures=50, login_max_failures_per_address=4)
    for name in ("a1", "a2", "a3", "a4"):
        _refused(client.post("/api/v1/auth/token", data={"username": name, "password": "x"}))
    res = client.post("/api/v1/auth/token", data={"username": "ha-a", "password": PASSWORD})
    assert res.status_code == 429


def test_production_needs_its_own_secret(client, users) -> None:  # type: ignore[no-untyped-def]
    for secret in (None, DEMO_TOKEN_SECRET, "kort"):
        with pytest.raises(TokenSecretMissing):
            AuthSettings(environment="production", token_secret=secret).secret()
    good = "x" * 40
    assert AuthSettings(environment="production", token_secret=good).secret() == good
    assert AuthSettings(environment="development", token_secret=None).secret() == DEMO_TOKEN_SECRET


def test_production_app_refuses_to_start_without_secret(auth_settings) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from api.main import create_app

    auth_settings(environment="production", token_secret="")
    with pytest.raises(TokenSecretMissing), TestClient(create_app()):
        pass


def test_login_is_audited_once_each(client, users, session: Session) -> None:  # type: ignore[no-untyped-def]
    before = session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) or 0
    login(client, "regio-noord")
    client.post("/api/v1/auth/token", data={"username": "regio-noord", "password": "fout"})
    client.post("/api/v1/auth/token", data={"username": "niemand", "password": "fout"})
    events = session.scalars(select(AuditLog).where(AuditLog.id > before).order_by(AuditLog.id))
    got = [
        (e.action, e.outcome, e.username, e.role, e.ip, (e.detail or {}).get("reason"))
        for e in events
    ]
    assert got == [
        ("login", "success", "regio-noord", "regio", "testclient", None),
        ("login", "failure", "regio-noord", "regio", "testclient", "bad_credentials"),
        ("login", "failure", "niemand", None, "testclient", "bad_credentials"),
    ]
    user_id = session.scalar(select(User.id).where(User.username == "regio-noord"))
    first = session.scalar(select(AuditLog).where(AuditLog.id > before).order_by(AuditLog.id))
    assert first is not None and first.user_id == user_id and first.at is not None
