"""A small local OpenID Connect provider for the tests (no network): an httpx transport.

It serves discovery, JWKS, ``/authorize`` (auto-approves ``user``; checks client, redirect URI
and the PKCE challenge method; redirects with a code) and ``/token`` (checks the code, redirect
URI, PKCE verifier and client secret; returns an RS256 ID token signed with a key generated
here). ``id_token_changes`` alters the next ID tokens (wrong ``aud``, expired ``exp``, another
``nonce`` …); ``sign_with`` signs them with another key (a forged signature).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey

ISSUER = "https://idp.test/realms/poh"
CLIENT_ID = "pohconnect"
CLIENT_SECRET = "geheim-van-de-client"


@dataclass
class Grant:
    claims: dict[str, Any]
    nonce: str
    challenge: str
    redirect_uri: str


@dataclass
class FakeProvider:
    issuer: str = ISSUER
    user: dict[str, Any] = field(
        default_factory=lambda: {"sub": "u-1", "preferred_username": "poh-a"}
    )
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    sign_with: RSAKey | None = None
    id_token_changes: dict[str, Any] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    client_auth: str = ""  # how the client authenticated at /token: basic or post

    def settings(self) -> dict[str, str]:
        """The POHCONNECT_* settings of a client of this provider."""
        return {
            "oidc_issuer": self.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
        }

    def http(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    # -- the browser's part: follow the authorization URL (the user is already signed in) ---

    def authorize(self, url: str) -> str:
        """The redirect (to the client's redirect URI, with code and state) of ``url``."""
        res = self.http().get(url)
        assert res.status_code == 302, res.text
        return res.headers["location"]

    # -- the provider ------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append(path)
        base, issuer = urlsplit(self.issuer).path, self.issuer
        if path == f"{base}/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/authorize",
                    "token_endpoint": f"{issuer}/token",
                    "jwks_uri": f"{issuer}/jwks",
                    "response_types_supported": ["code"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                },
            )
        if path == f"{base}/jwks":
            return httpx.Response(200, json={"keys": [self.key.as_dict(private=False)]})
        if path == f"{base}/authorize":
            return self._authorize(request)
        if path == f"{base}/token":
            return self._token(request)
        return httpx.Response(404)

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        q = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
        ok = (
            q.get("response_type") == "code"
            and q.get("client_id") == CLIENT_ID
            and q.get("code_challenge_method") == "S256"
            and "openid" in q.get("scope", "").split()
            and q.get("state")
            and q.get("nonce")
            and q.get("code_challenge")
        )
        if not ok:
            return httpx.Response(400, json={"error": "invalid_request", "got": q})
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            dict(self.user), q["nonce"], q["code_challenge"], q["redirect_uri"]
        )
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
        return httpx.Response(302, headers={"location": target})

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        basic = request.headers.get("authorization") == f"Basic {expected}"
        post = form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET
        if not (basic or post):
            return httpx.Response(401, json={"error": "invalid_client"})
        self.client_auth = "basic" if basic else "post"
        grant = self.grants.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or form.get("grant_type") != "authorization_code":
            return httpx.Response(400, json={"error": "invalid_grant"})
        if form.get("redirect_uri") != grant.redirect_uri:
            return httpx.Response(400, json={"error": "invalid_grant"})
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
            return httpx.Response(400, json={"error": "invalid_grant", "pkce": "mismatch"})
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            **grant.claims,
            **self.id_token_changes,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.sign_with or self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return httpx.Response(
            200,
            json={
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )


@contextmanager
def serve(fake: FakeProvider, port: int) -> Iterator[None]:
    """Serve ``fake`` over real HTTP on 127.0.0.1:``port`` (for the browser test)."""

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            request = httpx.Request(
                self.command,
                f"http://{self.headers.get('host')}{self.path}",
                headers=dict(self.headers.items()),
                content=body,
            )
            res = fake.handle(request)
            self.send_response(res.status_code)
            for key, value in res.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(res.content)))
            self.end_headers()
            self.wfile.write(res.content)

        do_GET = do_POST = _serve

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
