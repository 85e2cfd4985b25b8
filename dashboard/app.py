"""The Dash application: app shell (navbar, language switch) and the pages.

``create_dash`` builds a fresh app; it reads no data. The pages are registered explicitly with
Dash Pages and get their numbers from one :class:`~dashboard.client.ApiClient`, bound to the
app's callbacks (no globals).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import dash
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import MissingCallbackContextException

from dashboard import downloads, ids
from dashboard.auth import Auth, allowed_pages, current_session, current_token
from dashboard.client import ApiClient, SessionExpired
from dashboard.i18n import normalise_lang, t
from dashboard.page import Page
from dashboard.pages import (
    caseload,
    hours,
    imports,
    poh,
    practice,
    quality,
    referrals,
    region,
    team,
    waiting,
)
from dashboard.settings import get_dashboard_settings

ASSETS = Path(__file__).resolve().parent / "assets"
log = logging.getLogger(__name__)

# Order of the navbar; each module declares its PAGE (dashboard/page.py holds the skeleton).
PAGES: tuple[Page, ...] = tuple(
    module.PAGE
    for module in (
        region,
        practice,
        poh,
        caseload,
        team,
        waiting,
        referrals,
        hours,
        quality,
        imports,
    )
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

    Every API call sends the token of the logged-in user whose request is being served (read
    from the session cookie, see dashboard/auth.py); there is no service token.
    """
    settings = get_dashboard_settings()
    if client is None:
        client = ApiClient(
            api_base_url or settings.api_url,
            timeout=settings.api_timeout,
            token_provider=current_token,
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
        # the layout gets the language, and the URL as the pickers last wrote it: a page
        # rebuilt for a language switch starts from that, not from the URL it was opened with
        routing_callback_inputs={
            "lang": Input(ids.LANG_SWITCH, "value"),
            "live_url": State(ids.LIVE_URL, "data"),
        },
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            # same-origin requests carry their Origin (the CSRF check needs it); other sites
            # still get no referrer
            {"name": "referrer", "content": "same-origin"},
        ],
        on_error=_on_callback_error,
    )
    Auth(client, prefix, tuple(p.path for p in PAGES)).install(app.server)
    for order, page in enumerate(PAGES):
        dash.register_page(
            page.module,
            path=page.path,
            name=t(page.nav_key, "nl"),
            title=f"{t(page.nav_key, 'nl')} · POH-Connect",
            order=order,
            layout=_for_role(page, prefix),
        )
        page.register_callbacks(app, client)
    # Dash Pages shows the page of a module named "…not_found_404" for an unknown path
    dash.register_page(
        "dashboard.not_found_404",
        path="/404",
        name=t("notfound.title", "nl"),
        title=f"{t('notfound.title', 'nl')} · POH-Connect",
        layout=lambda lang=None, **_query: not_found(prefix, lang),
    )

    default_lang = settings.default_language
    app.layout = lambda: _shell(prefix, default_lang, client.base_url, api_docs_url)
    _register_shell_callbacks(app, prefix, client.base_url, api_docs_url)
    downloads.register(app, client)  # the CSV/XLSX and PNG/SVG buttons of every page
    return app


def _for_role(page: Page, prefix: str) -> Any:
    """The page's layout, or a notice when the logged-in user's role may not use the page
    (a link followed inside the app; a full page load is redirected by the guard)."""

    def layout(lang: str | None = None, live_url: Any = None, **query: Any) -> Any:
        session = current_session()
        if session is not None and page.path not in session.pages:
            role = t(f"role.{session.role}", lang)
            return dbc.Alert(t("session.page_denied", lang, role=role), color="warning")
        if _rebuilt_for_language():
            query = live_query(prefix + page.path.lstrip("/"), live_url) or query
        return page.layout(lang, **query)

    return layout


def _rebuilt_for_language() -> bool:
    """Whether the page is rebuilt because the language was switched (and nothing else)."""
    try:
        triggered = {t["prop_id"].split(".")[0] for t in dash.ctx.triggered}
    except MissingCallbackContextException:  # outside a callback (app building, tests)
        return False
    return triggered == {ids.LANG_SWITCH}


def live_query(path: str, live_url: Any) -> dict[str, str] | None:
    """The query of the URL as the page's pickers last wrote it (``live_url``: its path and
    search, page._WRITE_URL), if it is this page's (``path``); None otherwise. The URL Dash
    Pages passes is the one the page was opened with: a choice made since, or a link whose
    values were not yet remembered, would otherwise be lost in the switch."""
    if not isinstance(live_url, dict) or not isinstance(live_url.get("search"), str):
        return None
    if str(live_url.get("path") or "").rstrip("/") != path.rstrip("/"):
        return None
    return {key: values[0] for key, values in parse_qs(live_url["search"].lstrip("?")).items()}


def not_found(prefix: str, lang: str | None) -> html.Div:
    """The dashboard's 404 page, in the chosen language."""
    lang = normalise_lang(lang)
    return html.Div(
        [
            html.H2(t("notfound.title", lang), className="h3 mb-2 fw-semibold"),
            html.P(t("notfound.text", lang), className="text-muted"),
            html.A(t("notfound.home", lang), href=prefix, className="btn btn-primary btn-sm"),
        ],
        className="py-4 not-found",
    )


def _visible_pages() -> tuple[Page, ...]:
    """The pages of the logged-in user's role (every page outside a request: app building)."""
    if current_session() is None:
        return PAGES
    allowed = allowed_pages()
    return tuple(p for p in PAGES if p.path in allowed)


def _user_box(prefix: str, lang: str) -> list[Any]:
    """Who is logged in (name, role) and the logout button (a POST form with the session's
    CSRF token)."""
    session = current_session()
    if session is None:
        return []
    return [
        html.Span(
            [
                html.Span(session.username, className="fw-semibold text-white"),
                html.Span(f" · {t(f'role.{session.role}', lang)}", className="text-white-50"),
            ],
            className="small me-2 text-nowrap",
            title=session.scope,
        ),
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf", value=session.csrf, id=ids.NAV_LOGOUT_CSRF),
                html.Button(
                    t("session.logout", lang),
                    id=ids.NAV_LOGOUT,
                    type="submit",
                    className="btn btn-outline-light btn-sm",
                ),
            ],
            method="post",
            action=prefix + "logout",
            className="d-inline m-0",
        ),
    ]


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
        for page in _visible_pages()
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
                            className="ms-2 small text-white-50 d-none",  # room for the user box
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
                                    className="small text-white-50 me-2 d-none d-xxl-inline",
                                ),
                                switch,
                                html.Div(
                                    _user_box(prefix, lang),
                                    id=ids.NAV_USER,
                                    className="ms-3 d-flex align-items-center",
                                ),
                            ],
                            className="ms-auto d-flex align-items-center flex-wrap gap-1",
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
            dcc.Store(id=ids.LIVE_URL),
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
    """An unexpected error in a callback: log it and tell the user, instead of a blank page.
    The API refusing the user's token ends the session: a link back to the login page."""
    if isinstance(exc, SessionExpired):
        prefix = dash.get_app().config.requests_pathname_prefix
        dash.set_props(
            ids.GLOBAL_ERROR,
            {
                "children": dbc.Alert(
                    [
                        html.Strong(t("session.expired", "nl") + " "),
                        html.A(t("session.login_again", "nl"), href=prefix + "login"),
                    ],
                    color="warning",
                )
            },
        )
        return
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
        Output(ids.NAV_USER, "children"),
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
            _user_box(prefix, lang),
        )

    @app.callback(
        Output(ids.NAV_COLLAPSE, "is_open"),
        Input(ids.NAV_TOGGLER, "n_clicks"),
        dash.State(ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )
    def _toggle_navbar(n: int | None, is_open: bool) -> bool:
        return not is_open if n else is_open
