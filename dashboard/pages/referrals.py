"""nav.referrals page (being built)."""

from __future__ import annotations

from typing import Any

from dash import Dash, html

from dashboard import components as c
from dashboard.client import ApiClient
from dashboard.i18n import normalise_lang, t

PATH = "/verwijzingen"
NAV_KEY = "nav.referrals"


def layout(lang: str | None = None, **_: Any) -> html.Div:
    lang = normalise_lang(lang)
    return html.Div([c.page_header(t("ref.title", lang), t("ref.lead", lang))])


def register_callbacks(app: Dash, client: ApiClient) -> None:
    return None
