"""OpenID Connect login (authorization code flow with PKCE, state and nonce) with authlib.

For organisations with their own identity provider (Keycloak, Entra ID/Azure AD, …). Off
unless configured (api/auth/settings.py, ``POHCONNECT_OIDC_*``). The browser-facing client is
the dashboard (dashboard/auth.py); this module holds the client secret and does every check:

1. :func:`begin` — a fresh ``state``, ``nonce`` and PKCE ``code_verifier`` (S256), the
   provider's authorization URL, and a *transaction*: those values and the redirect URI in a
   short-lived token signed with the API's token secret (HS256, audience
   ``pohconnect-oidc``, so it is never an access token). The dashboard keeps it in an HttpOnly
   cookie of the browser that started the login.
2. :func:`complete` — the transaction's signature and age, ``state`` equal to the one the
   provider sent back; the code exchanged at the provider's token endpoint (with the verifier
   and the client secret); the ID token's signature checked against the provider's JWKS
   (asymmetric algorithms only), its ``iss``, ``aud``/``azp``, ``exp``/``iat`` and ``nonce``
   (authlib's ``CodeIDToken``); the configured claim mapped to an existing, enabled
   POH-Connect user. No user is ever created. The result is the same POH-Connect access token
   as the password login (api/auth/tokens.py); every outcome writes one ``login`` audit event
   (``detail.method = "oidc"``).

The provider's discovery document and JWKS are fetched per login (logins are rare; a rotated
key is picked up at once). The HTTP client is passed in (tests use a local fake provider).
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import jwt
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import audit
from api.audit import Action, Actor
from api.auth.settings import AuthSettings
from api.auth.tokens import IssuedToken, issue_token
from models import User

TRANSACTION_AUDIENCE = "pohconnect-oidc"
TRANSACTION_TTL_S = 600  # a login at the provider must be finished within 10 minutes
# ID token signatures we accept: asymmetric only (never "none", never a shared secret)
ID_TOKEN_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CLOCK_LEEWAY_S = 60


class OidcError(Exception):
    """A refused OIDC login: ``status`` (401 not authenticated, 403 no/disabled account, 502
    provider unreachable or broken), ``reason`` (audit) and ``detail`` (Dutch, for the user)."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.status = status
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class OidcStart:
    authorization_url: str
    state: str
    transaction: str
    expires_in: int


def _provider_error(what: str) -> OidcError:
    return OidcError(
        502,
        "provider_unreachable",
        f"De identiteitsprovider van uw organisatie is niet bereikbaar of antwoordt niet "
        f"zoals verwacht ({what}); probeer het later opnieuw.",
    )


def _get_json(http: httpx.Client, url: str, timeout: float) -> dict[str, Any]:
    try:
        res = http.get(url, timeout=timeout)
        res.raise_for_status()
        body = res.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise _provider_error(urlsplit(url).path or url) from exc
    if not isinstance(body, dict):
        raise _provider_error(urlsplit(url).path or url)
    return body


def discover(http: httpx.Client, settings: AuthSettings) -> dict[str, Any]:
    """The provider's metadata; its ``issuer`` must be the configured one (when configured)."""
    meta = _get_json(http, settings.oidc_discovery(), settings.oidc_timeout_seconds)
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(meta.get(key), str):
            raise _provider_error(f"discovery zonder {key}")
    configured = settings.oidc_issuer
    if configured and meta["issuer"].rstrip("/") != configured.rstrip("/"):
        raise _provider_error("issuer van de discovery wijkt af van POHCONNECT_OIDC_ISSUER")
    return meta


def begin(http: httpx.Client, settings: AuthSettings, *, redirect_uri: str) -> OidcStart:
    """A new login: the URL to send the browser to, and the signed transaction to keep."""
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise OidcError(422, "redirect_uri", "Ongeldige redirect_uri (absolute http(s)-URL).")
    meta = discover(http, settings)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url = add_params_to_uri(
        meta["authorization_endpoint"],
        [
            ("response_type", "code"),
            ("client_id", settings.oidc_client_id or ""),
            ("redirect_uri", redirect_uri),
            ("scope", settings.oidc_scopes),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(verifier)),
            ("code_challenge_method", "S256"),
        ],
    )
    now = int(time.time())
    transaction = jwt.encode(
        {
            "aud": TRANSACTION_AUDIENCE,
            "iat": now,
            "exp": now + TRANSACTION_TTL_S,
            "state": state,
            "nonce": nonce,
            "verifier": verifier,
            "redirect_uri": redirect_uri,
        },
        settings.secret(),
        algorithm="HS256",
    )
    return OidcStart(url, state, transaction, TRANSACTION_TTL_S)


def _transaction(settings: AuthSettings, transaction: str, state: str) -> dict[str, Any]:
    try:
        data = jwt.decode(
            transaction,
            settings.secret(),
            algorithms=["HS256"],
            audience=TRANSACTION_AUDIENCE,
            options={"require": ["aud", "exp", "state", "nonce", "verifier", "redirect_uri"]},
        )
    except jwt.PyJWTError as exc:
        raise OidcError(
            401,
            "transaction",
            "De inlogpoging is verlopen of ongeldig; begin opnieuw met inloggen.",
        ) from exc
    if not isinstance(data.get("state"), str) or not _equal(data["state"], state):
        raise OidcError(
            401, "state", "De inlogpoging hoort niet bij deze browser (state); begin opnieuw."
        )
    return data


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _exchange(
    http: httpx.Client, settings: AuthSettings, meta: dict[str, Any], *, code: str, tx: dict
) -> str:
    """The code for the provider's ID token (a secret: client_secret_basic or _post)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": tx["redirect_uri"],
        "code_verifier": tx["verifier"],
        "client_id": settings.oidc_client_id or "",
    }
    auth = None
    secret = settings.oidc_client_secret
    if secret is not None and settings.oidc_token_auth_method == "client_secret_post":
        form["client_secret"] = secret.get_secret_value()
    elif secret is not None:
        # RFC 6749 §2.3.1: both form-urlencoded before Basic
        auth = (
            quote(settings.oidc_client_id or "", safe=""),
            quote(secret.get_secret_value(), safe=""),
        )
    try:
        res = http.post(
            meta["token_endpoint"],
            data=form,
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=settings.oidc_timeout_seconds,
        )
    except httpx.HTTPError as exc:
        raise _provider_error("token endpoint") from exc
    try:
        body = res.json()
    except ValueError:
        body = {}
    if res.status_code >= 500:
        raise _provider_error(f"token endpoint {res.status_code}")
    if res.is_error or not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
        error = body.get("error") if isinstance(body, dict) else None
        raise OidcError(
            401,
            f"code_refused:{str(error)[:40]}" if error else "code_refused",
            "De identiteitsprovider weigerde de inlogcode; begin opnieuw met inloggen.",
        )
    return str(body["id_token"])


def _verify_id_token(
    http: httpx.Client, settings: AuthSettings, meta: dict[str, Any], *, id_token: str, tx: dict
) -> dict[str, Any]:
    """Signature (provider's JWKS), then iss, aud/azp, exp/iat and nonce."""
    jwks = _get_json(http, meta["jwks_uri"], settings.oidc_timeout_seconds)
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise _provider_error("JWKS") from exc
    offered = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [a for a in offered if a in ID_TOKEN_ALGS] or ["RS256"]
    refused = "Het ID-token van de identiteitsprovider is ongeldig"
    try:
        token = jose_jwt.decode(id_token, keys, algorithms=allowed)
    except (JoseError, ValueError, TypeError) as exc:
        raise OidcError(401, "signature", refused + " (handtekening).") from exc
    claims = CodeIDToken(
        token.claims,
        token.header,
        options={
            "iss": {"essential": True, "value": meta["issuer"]},
            "aud": {"essential": True, "value": settings.oidc_client_id or ""},
        },
        params={"nonce": tx["nonce"], "client_id": settings.oidc_client_id},
    )
    try:
        claims.validate(now=int(time.time()), leeway=CLOCK_LEEWAY_S)
    except JoseError as exc:
        name = getattr(exc, "claim", None) or type(exc).__name__
        raise OidcError(401, f"claims:{name}", f"{refused} ({name}).") from exc
    if "nonce" not in claims:  # CodeIDToken checks it when present; we always sent one
        raise OidcError(401, "claims:nonce", f"{refused} (nonce).")
    return dict(claims)


def complete(
    session: Session,
    http: httpx.Client,
    settings: AuthSettings,
    *,
    code: str,
    state: str,
    transaction: str,
    ip: str,
) -> IssuedToken:
    """Finish a login; raises :class:`OidcError`. Writes one audit event either way."""
    ip = ip[:64]
    subject: dict[str, Any] = {}
    try:
        tx = _transaction(settings, transaction, state)
        meta = discover(http, settings)
        id_token = _exchange(http, settings, meta, code=code, tx=tx)
        claims = _verify_id_token(http, settings, meta, id_token=id_token, tx=tx)
        subject = {"issuer": claims.get("iss"), "sub": claims.get("sub")}
        return _login(session, settings, claims=claims, ip=ip, subject=subject)
    except OidcError as exc:
        if exc.reason not in ("unknown_user", "disabled"):  # those are audited by _login
            audit.record(
                session,
                action=Action.LOGIN,
                actor=None,
                outcome="failure",
                ip=ip,
                detail={"method": "oidc", "reason": exc.reason, **subject},
            )
        raise


def _login(
    session: Session, settings: AuthSettings, *, claims: dict, ip: str, subject: dict
) -> IssuedToken:
    claim = settings.oidc_claim
    raw = claims.get(claim)
    if not isinstance(raw, str) or not raw.strip():
        raise OidcError(
            403,
            "claim_missing",
            f"Het ID-token bevat geen '{claim}'; de beheerder moet de koppeling aanpassen.",
        )
    name = raw.strip().lower()[:100]
    user = session.scalar(select(User).where(User.username == name))
    detail = {"method": "oidc", "claim": claim, **subject}
    if user is None or not user.is_active:
        reason = "unknown_user" if user is None else "disabled"
        audit.record(
            session,
            action=Action.LOGIN,
            actor=Actor(user.id, user.username, user.role, ip) if user else None,
            outcome="failure",
            username=name,
            ip=ip,
            detail={**detail, "reason": reason},
        )
        if user is None:
            message = (
                f"Er is geen POH-Connect-account '{name}' voor uw organisatie-account; "
                "vraag de beheerder van POH-Connect om een account."
            )
        else:
            message = f"Het POH-Connect-account '{name}' is uitgeschakeld."
        raise OidcError(403, reason, message)
    token = issue_token(user.id)
    audit.record(
        session,
        action=Action.LOGIN,
        actor=Actor(user.id, user.username, user.role, ip),
        detail={
            **detail,
            "token_id": token.jti,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token
