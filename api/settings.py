"""Settings of the API process (env prefix POHCONNECT_)."""

from __future__ import annotations

from functools import cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POHCONNECT_")

    environment: str = "development"  # development | demo | production
    cors_origins: list[str] = []
    max_upload_mb: int = 200


@cache
def get_api_settings() -> ApiSettings:
    return ApiSettings()
