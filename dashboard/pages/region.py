"""nav.region page (being built)."""

from __future__ import annotations

from typing import Any

from dash import Dash, html

from dashboard import components as c
from dashboard.client import ApiClient
from dashboard.i18n import normalise_lang, t

PATH = "/"
NAV_KEY = "nav.region"


def layout(lang: str | None = None, **_: Any) -> html.Div:
    lang = normalise_lang(lang)
    return html.Div([c.page_header(t("region.title", lang), t("region.lead", lang))])


def register_callbacks(app: Dash, client: ApiClient) -> None:
    return None
