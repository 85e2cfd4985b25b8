"""The Dash application: app shell (navbar, language switch) and the pages.

``create_dash`` builds a fresh app; it reads no data. The pages are registered explicitly with
Dash Pages and get their numbers from one :class:`~dashboard.client.ApiClient`, bound to the
app's callbacks (no globals).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from dashboard import ids
from dashboard.client import ApiClient
from dashboard.i18n import normalise_lang, t
from dashboard.page import Page
from dashboard.pages import hours, poh, practice, referrals, region, waiting
from dashboard.settings import get_dashboard_settings

ASSETS = Path(__file__).resolve().parent / "assets"
log = logging.getLogger(__name__)

# Order of the navbar; each module declares its PAGE (dashboard/page.py holds the skeleton).
PAGES: tuple[Page, ...] = tuple(
    module.PAGE for module in (region, practice, poh, waiting, referrals, hours)
)


def create_dash(
    *,
    api_base_url: str | None = None,
    requests_pathname_prefix: str = "/dashboard/",
    client: ApiClient | None = None,
    api_docs_url: str | None = "/docs",
) -> Dash:
    """Build the dashboard.

    ``api_base_url`` is where the client finds the API (default: ``POHCONNECT_API_URL``);
    tests may pass a ready ``client`` instead. ``requests_pathname_prefix`` is the URL prefix
    under which the app is served (``/dashboard/`` when mounted in the API server).
    """
    settings = get_dashboard_settings()
    if client is None:
        client = ApiClient(
            api_base_url or settings.api_url, timeout=settings.api_timeout, token=settings.api_token
        )
    prefix = "/" + requests_pathname_prefix.strip("/") + "/" if requests_pathname_prefix else "/"
    prefix = prefix.replace("//", "/")

    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        requests_pathname_prefix=prefix,
        routes_pathname_prefix="/",
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="POH-Connect",
        update_title=None,
        routing_callback_inputs={"lang": Input(ids.LANG_SWITCH, "value")},
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        on_error=_on_callback_error,
    )
    for order, page in enumerate(PAGES):
        dash.register_page(
            page.module,
            path=page.path,
            name=t(page.nav_key, "nl"),
            title=f"{t(page.nav_key, 'nl')} · POH-Connect",
            order=order,
            layout=page.layout,
        )
        page.register_callbacks(app, client)

    default_lang = settings.default_language
    app.layout = lambda: _shell(prefix, default_lang, client.base_url, api_docs_url)
    _register_shell_callbacks(app, prefix, client.base_url, api_docs_url)
    return app


def _nav_links(prefix: str, lang: str) -> list[Any]:
    return [
        dbc.NavItem(
            dbc.NavLink(
                t(page.nav_key, lang),
                href=prefix + page.path.lstrip("/"),
                active="exact",
                class_name="px-3 text-nowrap",
            )
        )
        for page in PAGES
    ]


def _shell(prefix: str, lang: str, api_url: str, api_docs_url: str | None) -> html.Div:
    switch = dbc.RadioItems(
        id=ids.LANG_SWITCH,
        options=[{"label": "NL", "value": "nl"}, {"label": "EN", "value": "en"}],
        value=lang,
        inline=True,
        persistence=True,
        persistence_type="local",
        class_name="btn-group btn-group-sm",
        input_class_name="btn-check",
        label_class_name="btn btn-outline-light",
        label_checked_class_name="active",
    )
    navbar = dbc.Navbar(
        dbc.Container(
            [
                html.A(
                    [
                        html.Span("POH-Connect", id=ids.NAV_BRAND, className="fw-bold fs-5"),
                        html.Span(
                            t("app.tagline", lang),
                            id=ids.NAV_TAGLINE,
                            className="ms-2 small text-white-50 d-none d-xxl-inline",
                        ),
                    ],
                    href=prefix,
                    className="navbar-brand text-white text-decoration-none",
                ),
                dbc.NavbarToggler(id=ids.NAV_TOGGLER, n_clicks=0),
                dbc.Collapse(
                    [
                        dbc.Nav(_nav_links(prefix, lang), id=ids.NAV_LINKS, navbar=True),
                        html.Div(
                            [
                                html.Span(
                                    t("lang.label", lang),
                                    id=ids.NAV_LANG_LABEL,
                                    className="small text-white-50 me-2",
                                ),
                                switch,
                            ],
                            className="ms-auto d-flex align-items-center",
                        ),
                    ],
                    id=ids.NAV_COLLAPSE,
                    navbar=True,
                    is_open=False,
                ),
            ],
            fluid=True,
        ),
        id=ids.NAVBAR,
        color="primary",
        dark=True,
        expand="lg",
        class_name="mb-4 shadow-sm",
    )
    return html.Div(
        [
            dcc.Store(id=ids.SELECTION_STORE, storage_type="session", data={}),
            navbar,
            dbc.Container(
                [html.Div(id=ids.GLOBAL_ERROR), dash.page_container], fluid="xxl", className="pb-4"
            ),
            html.Footer(
                dbc.Container(
                    [
                        html.Span(t("footer.source", lang, url=api_url), id=ids.FOOTER),
                        html.A(
                            t("nav.api_docs", lang),
                            id=ids.NAV_API_DOCS,
                            href=api_docs_url or "#",
                            target="_blank",
                            className="ms-3" + ("" if api_docs_url else " d-none"),
                        ),
                    ],
                    fluid="xxl",
                ),
                className="text-muted small py-3 border-top bg-white",
            ),
        ]
    )


def _on_callback_error(exc: Exception) -> None:
    """An unexpected error in a callback: log it and tell the user, instead of a blank page."""
    log.exception("dashboard callback failed", exc_info=exc)
    dash.set_props(
        ids.GLOBAL_ERROR,
        {
            "children": dbc.Alert(
                [
                    html.Strong("Er ging iets mis bij het tonen van deze pagina. "),
                    f"({type(exc).__name__}: {exc}) / Something went wrong showing this page.",
                ],
                color="danger",
                dismissable=True,
            )
        },
    )


def _register_shell_callbacks(
    app: Dash, prefix: str, api_url: str, api_docs_url: str | None
) -> None:
    @app.callback(
        Output(ids.NAV_LINKS, "children"),
        Output(ids.NAV_TAGLINE, "children"),
        Output(ids.NAV_API_DOCS, "children"),
        Output(ids.NAV_LANG_LABEL, "children"),
        Output(ids.FOOTER, "children"),
        Input(ids.LANG_SWITCH, "value"),
    )
    def _translate_shell(lang: str | None) -> tuple[Any, ...]:
        lang = normalise_lang(lang)
        return (
            _nav_links(prefix, lang),
            t("app.tagline", lang),
            t("nav.api_docs", lang),
            t("lang.label", lang),
            t("footer.source", lang, url=api_url),
        )

    @app.callback(
        Output(ids.NAV_COLLAPSE, "is_open"),
        Input(ids.NAV_TOGGLER, "n_clicks"),
        dash.State(ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )
    def _toggle_navbar(n: int | None, is_open: bool) -> bool:
        return not is_open if n else is_open
