"""Settings of the dashboard process (env prefix POHCONNECT_)."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POHCONNECT_")

    # Where the dashboard's HTTP client finds the API (POHCONNECT_API_URL).
    api_url: str = "http://127.0.0.1:8000"
    # Seconds before a call to the API is given up.
    api_timeout: float = 30.0
    # Language shown before the user picks one (POHCONNECT_DEFAULT_LANGUAGE).
    default_language: Literal["nl", "en"] = "nl"
    # Region shown on the region page when the user has not picked one.
    default_region: str | None = None


@cache
def get_dashboard_settings() -> DashboardSettings:
    return DashboardSettings()
