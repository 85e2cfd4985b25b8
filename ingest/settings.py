"""Settings of the ingest side (env prefix POHCONNECT_), with a cached getter."""

from __future__ import annotations

from functools import cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.errors import PseudonymKeyMissing

# Only ever used when POHCONNECT_ENVIRONMENT=demo (or POHCONNECT_DEMO_MODE=true): demo data is
# synthetic, so its pseudonyms need no secret. Anywhere else a missing key refuses to start.
DEMO_PSEUDONYM_KEY = "pohconnect-demo-key-not-for-real-data"
MIN_KEY_LENGTH = 16


class DemoInProduction(PseudonymKeyMissing):
    """POHCONNECT_ENVIRONMENT=production together with demo mode or the demo key."""


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POHCONNECT_")

    environment: str = "development"  # development | demo | production
    demo_mode: bool = False
    pseudonym_key: SecretStr | None = None
    max_upload_mb: int = 200
    # Uncompressed size an XLSX may unpack to, and the largest compression ratio of a member.
    xlsx_max_unpacked_mb: int = 1024
    xlsx_max_ratio: int = 200

    @property
    def is_production(self) -> bool:
        return self.environment.strip().lower() == "production"

    @property
    def is_demo(self) -> bool:
        if self.is_production:
            return False  # production never runs in demo mode (refuse_demo_in_production)
        return self.demo_mode or self.environment.strip().lower() == "demo"

    def refuse_demo_in_production(self) -> None:
        """Production refuses demo mode in any form: the flag or the public demo key."""
        if not self.is_production:
            return
        if self.demo_mode:
            raise DemoInProduction(
                "POHCONNECT_ENVIRONMENT=production gaat niet samen met POHCONNECT_DEMO_MODE=true: "
                "productie draait nooit in demomodus (de demosleutel is openbaar). Zet "
                "POHCONNECT_DEMO_MODE=false."
            )
        key = self.pseudonym_key.get_secret_value() if self.pseudonym_key else ""
        if key == DEMO_PSEUDONYM_KEY:
            raise DemoInProduction(
                "POHCONNECT_ENVIRONMENT=production met de openbare demosleutel als "
                "POHCONNECT_PSEUDONYM_KEY: kies een eigen geheime sleutel."
            )

    def pseudonym_key_bytes(self) -> bytes:
        """The HMAC key; refuses a missing or short key unless in demo mode, and demo mode
        or the demo key in production."""
        self.refuse_demo_in_production()
        key = self.pseudonym_key.get_secret_value() if self.pseudonym_key else ""
        if key:
            if key == DEMO_PSEUDONYM_KEY and not self.is_demo:
                raise PseudonymKeyMissing(
                    "POHCONNECT_PSEUDONYM_KEY is de openbare demosleutel; die is alleen voor "
                    "synthetische demodata. Kies een eigen geheime sleutel."
                )
            if len(key) < MIN_KEY_LENGTH:
                raise PseudonymKeyMissing(
                    f"POHCONNECT_PSEUDONYM_KEY is te kort (minimaal {MIN_KEY_LENGTH} tekens)."
                )
            return key.encode()
        if self.is_demo:
            return DEMO_PSEUDONYM_KEY.encode()
        raise PseudonymKeyMissing(
            "Geen pseudonimiseringssleutel: zet POHCONNECT_PSEUDONYM_KEY (een geheime, lange "
            "willekeurige tekst). Alleen in demomodus (POHCONNECT_ENVIRONMENT=demo) wordt een "
            "demosleutel gebruikt."
        )


@cache
def get_ingest_settings() -> IngestSettings:
    return IngestSettings()


def require_pseudonym_key() -> None:
    """Call at process start (API, CLI import/pull): raises PseudonymKeyMissing when unset."""
    get_ingest_settings().pseudonym_key_bytes()
