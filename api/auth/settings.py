"""Settings of authentication and hardening (env prefix POHCONNECT_), with a cached getter."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Only for development and the demo: a public secret, so tokens survive a restart there.
# Production refuses it (and refuses to start without a secret of its own).
DEMO_TOKEN_SECRET = "pohconnect-demo-token-secret-not-for-real-data"
MIN_SECRET_LENGTH = 32


class TokenSecretMissing(RuntimeError):
    """Production without a token secret of its own: the API refuses to start."""


class OidcMisconfigured(RuntimeError):
    """OpenID Connect half configured (or over http in production): the API refuses to start."""


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POHCONNECT_")

    environment: str = "development"  # development | demo | production
    # HMAC key that signs the access tokens (POHCONNECT_TOKEN_SECRET).
    token_secret: SecretStr | None = None
    # Lifetime of an access token in minutes (POHCONNECT_TOKEN_TTL_MINUTES); default 8 hours.
    token_ttl_minutes: int = 480
    # Lock-out: after this many failed logins within the window, the account (or the client
    # address) is refused for the rest of the window.
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_lockout_minutes: int = 15
    # How long a worker process may answer from what it last read about a token's user
    # (account state, revocation, grants) before reading it again (POHCONNECT_AUTH_RECHECK_SECONDS):
    # a logout, disabled account or changed grant made through *another* process takes effect
    # within this time; through this process at once. 0: read on every request.
    auth_recheck_seconds: float = 1.0
    # Argon2id cost (OWASP: m=19 MiB, t=2 at least; argon2-cffi's default is m=64 MiB, t=3).
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    # Origins allowed to call the API from a browser (CORS); empty: none (closed).
    cors_origins: list[str] = []
    # Send Strict-Transport-Security: "auto" when the request came over https (directly or
    # as told by the proxy through uvicorn's --proxy-headers), "always" or "never".
    hsts: str = "auto"
    # OpenID Connect login (api/auth/oidc.py, docs/security.md): on when an issuer (or a
    # discovery URL) and a client id are set; off otherwise (its routes answer 404).
    oidc_issuer: str | None = None  # e.g. https://sso.example.nl/realms/poh
    # default: {issuer}/.well-known/openid-configuration
    oidc_discovery_url: str | None = None
    oidc_client_id: str | None = None
    # confidential client (client_secret_basic); empty: a public client (PKCE only)
    oidc_client_secret: SecretStr | None = None
    # how the secret goes to the token endpoint: client_secret_basic or client_secret_post
    oidc_token_auth_method: Literal["client_secret_basic", "client_secret_post"] = (
        "client_secret_basic"
    )
    # the ID token claim whose value is a POH-Connect user name: preferred_username, email, sub
    oidc_claim: str = "preferred_username"
    oidc_scopes: str = "openid profile email"
    oidc_timeout_seconds: float = 10.0

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def secret(self) -> str:
        """The token signing key; production refuses a missing, short or demo secret."""
        value = self.token_secret.get_secret_value() if self.token_secret else ""
        if self.is_production:
            if not value:
                raise TokenSecretMissing(
                    "Geen POHCONNECT_TOKEN_SECRET: in productie ondertekent POH-Connect "
                    "tokens alleen met een eigen geheime sleutel (minimaal "
                    f"{MIN_SECRET_LENGTH} tekens, bijv. `openssl rand -hex 32`)."
                )
            if value == DEMO_TOKEN_SECRET:
                raise TokenSecretMissing(
                    "POHCONNECT_TOKEN_SECRET is de openbare demosleutel; kies in productie "
                    "een eigen geheime sleutel."
                )
            if len(value) < MIN_SECRET_LENGTH:
                raise TokenSecretMissing(
                    f"POHCONNECT_TOKEN_SECRET is te kort (minimaal {MIN_SECRET_LENGTH} tekens)."
                )
        return value or DEMO_TOKEN_SECRET

    @property
    def oidc_enabled(self) -> bool:
        return bool((self.oidc_issuer or self.oidc_discovery_url) and self.oidc_client_id)

    def oidc_discovery(self) -> str:
        if self.oidc_discovery_url:
            return self.oidc_discovery_url
        return (self.oidc_issuer or "").rstrip("/") + "/.well-known/openid-configuration"

    def check_oidc(self) -> None:
        """Raise OidcMisconfigured when OIDC is half configured, or (production) not https."""
        some = self.oidc_issuer or self.oidc_discovery_url or self.oidc_client_id
        if some and not self.oidc_enabled:
            raise OidcMisconfigured(
                "OpenID Connect is half ingesteld: zet POHCONNECT_OIDC_ISSUER (of "
                "POHCONNECT_OIDC_DISCOVERY_URL) én POHCONNECT_OIDC_CLIENT_ID, of geen van beide."
            )
        if self.oidc_enabled and "openid" not in self.oidc_scopes.split():
            raise OidcMisconfigured("POHCONNECT_OIDC_SCOPES moet de scope 'openid' bevatten.")
        if self.oidc_enabled and self.is_production:
            for url in (self.oidc_issuer, self.oidc_discovery()):
                if url and not url.startswith("https://"):
                    raise OidcMisconfigured(
                        f"OpenID Connect in productie alleen over https (niet {url})."
                    )


@cache
def get_auth_settings() -> AuthSettings:
    return AuthSettings()


def require_token_secret() -> None:
    """Call at process start: raises TokenSecretMissing when production has no own secret."""
    get_auth_settings().secret()


def require_valid_oidc() -> None:
    """Call at process start: raises OidcMisconfigured (see AuthSettings.check_oidc)."""
    get_auth_settings().check_oidc()
