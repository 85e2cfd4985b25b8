"""The dashboard's login: session cookie, login and logout pages, the guard, roles → pages.

The session is one cookie (``pohconnect_session``) holding the user's own API token with the
name, role and scope that ``GET /api/v1/auth/me`` gave at login, and a CSRF token. It is signed
with itsdangerous (a tampered or expired cookie is no session), ``HttpOnly`` (no page script
can read the token), ``SameSite=Strict`` and ``Secure`` when the request came over https; its
path is the dashboard's prefix. Nothing is kept on the server: the API is where a token is
checked and revoked.

- ``GET /dashboard/login`` — a plain HTML form (Dutch; ``?lang=en`` for English) with a CSRF
  token (double submit: a signed HttpOnly cookie and a hidden field that must match).
- ``POST /dashboard/login`` — calls ``POST /api/v1/auth/token`` with the user's name and
  password, then ``GET /api/v1/auth/me``; sets the session cookie and redirects to the first
  page the role may use (or ``next`` when it is a dashboard page).
- ``GET /dashboard/login/oidc`` — only when the API has OpenID Connect configured (the login
  page then shows "Inloggen met de organisatie-account"): asks the API to start a login
  (``POST /api/v1/auth/oidc/start``), keeps the signed transaction in a short-lived signed
  HttpOnly cookie (``SameSite=Lax``: it must come back with the provider's redirect), and
  sends the browser to the identity provider.
- ``GET /dashboard/login/oidc/callback`` — the provider's redirect (code, state): the API
  checks state, PKCE, the ID token and the account (``POST /api/v1/auth/oidc/token``); the
  same session cookie as a password login is set, and a small page moves on to the dashboard
  (a same-site navigation, so that the ``SameSite=Strict`` cookie goes along).
- ``POST /dashboard/logout`` — the session's CSRF token in the form; revokes the token at the
  API (``POST /api/v1/auth/logout``), clears the cookie, back to the login page.
- Every other request needs a valid session: a page is redirected to the login page, Dash's
  own requests (``_dash-…``) get 401. A page load also asks the API whether the token is still
  valid (a revoked or expired one ends the session). Every POST must come from the dashboard's
  own origin (``Origin``, else ``Referer``), else 403; Dash's callback POSTs are same-origin
  JSON and the cookie is ``SameSite=Strict``.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer

from dashboard.client import ApiClient, ApiError, Login, LoginRefused, Me, SessionExpired
from dashboard.i18n import normalise_lang, t

SESSION_COOKIE = "pohconnect_session"
CSRF_COOKIE = "pohconnect_login_csrf"
OIDC_COOKIE = "pohconnect_oidc"
OIDC_CHECK_S = 60.0  # seconds the API's answer "is OIDC on?" is reused by the login page
LOGIN_FORM_MAX_AGE = 2 * 3600  # seconds a login form stays valid

# Which pages (by their Dash path) each role may use. The API limits the data to the user's
# scope in any case; this decides the menu and what a page load may open. A beheerder sees
# figures only with an access rule of its own (then every page, limited to that rule);
# without one only the Import page.
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    "regio": (
        "/",
        "/praktijk",
        "/poh",
        "/team",
        "/wachttijden",
        "/verwijzingen",
        "/uren",
        "/datakwaliteit",
    ),
    # the teamleider and the huisarts may not see their region as a whole, so not the pages that
    # show a region (Regio-overzicht, Wachttijden, Uren, Datakwaliteit)
    "teamleider": ("/team", "/praktijk", "/poh", "/verwijzingen"),
    "huisarts": ("/praktijk", "/verwijzingen"),
    "poh": ("/poh", "/caseload", "/praktijk"),
    "beheerder": ("/import", "/datakwaliteit"),
}
ALL_PAGES = ROLE_PAGES["regio"]
IMPORT_ONLY = ("/import",)  # a beheerder without an access rule
NO_DATA_SCOPE = "geen gegevens"  # what /auth/me says for a user without any access rule
# open without a session: the stylesheets of the login page and Dash's own library scripts
# (package files, no data)
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
SESSION_SALT = "pohconnect-dashboard-session"
LOGIN_PATHS = ("/login", "/login/oidc", "/login/oidc/callback")


@dataclass(frozen=True)
class UserSession:
    token: str
    username: str
    role: str
    scope: str
    csrf: str

    @property
    def pages(self) -> tuple[str, ...]:
        return pages_for(self.role, self.scope)


def pages_for(role: str, scope: str) -> tuple[str, ...]:
    """The dashboard pages (Dash paths) of a role. A beheerder gets Import, and with an access
    rule also Datakwaliteit and every other page (limited to that rule)."""
    if role == "beheerder":
        if not scope or scope == NO_DATA_SCOPE:
            return IMPORT_ONLY  # importing needs no access rule; figures do
        own = ROLE_PAGES["beheerder"]
        return own + tuple(p for p in ALL_PAGES if p not in own)
    return ROLE_PAGES.get(role, ())


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret, salt=salt, signer_kwargs={"digest_method": hashlib.sha256}
    )


def session_secret() -> str:
    """``POHCONNECT_SESSION_SECRET``, else derived from ``POHCONNECT_TOKEN_SECRET`` (so that
    every worker process agrees), else random for this process."""
    explicit = os.environ.get("POHCONNECT_SESSION_SECRET")
    if explicit:
        return explicit
    token_secret = os.environ.get("POHCONNECT_TOKEN_SECRET")
    if token_secret:
        return hashlib.sha256(b"pohconnect-dashboard-session\0" + token_secret.encode()).hexdigest()
    return _RANDOM_SECRET


_RANDOM_SECRET = secrets.token_hex(32)


def current_session() -> UserSession | None:
    """The session of the request being served (None outside a request or without one)."""
    if not flask.has_request_context():
        return None
    if "pc_session" in flask.g:
        return flask.g.pc_session  # type: ignore[no-any-return]
    found: UserSession | None = None
    raw = flask.request.cookies.get(SESSION_COOKIE)
    state: Auth | None = flask.current_app.config.get("POHCONNECT_AUTH")
    if raw and state is not None:
        try:
            data = state.sessions.loads(raw, max_age=state.max_age)
            found = UserSession(**data)
        except (BadSignature, TypeError, ValueError):
            found = None
    flask.g.pc_session = found
    return found


def current_token() -> str | None:
    """The logged-in user's API token (the dashboard's ``ApiClient`` token provider)."""
    s = current_session()
    return s.token if s else None


def allowed_pages() -> tuple[str, ...]:
    s = current_session()
    return s.pages if s else ()


class Auth:
    """The login routes and the guard on one Dash app's Flask server."""

    def __init__(self, client: ApiClient, prefix: str, pages: tuple[str, ...]) -> None:
        self.client = client
        self.prefix = prefix  # "/dashboard/"
        self.pages = pages  # every page path of the app (Dash paths)
        secret = session_secret()
        self.sessions = _serializer(secret, SESSION_SALT)
        self.login_forms = _serializer(secret, "pohconnect-dashboard-login-form")
        self.oidc_flows = _serializer(secret, "pohconnect-dashboard-oidc")
        self.max_age = 8 * 3600
        self._oidc: tuple[float, bool] = (0.0, False)  # (checked at, on)

    # -- wiring ------------------------------------------------------------------------------

    def install(self, server: flask.Flask) -> None:
        server.config["POHCONNECT_AUTH"] = self
        server.add_url_rule("/login", "pc_login", self.login_page, methods=["GET", "POST"])
        server.add_url_rule("/login/oidc", "pc_login_oidc", self.oidc_login, methods=["GET"])
        server.add_url_rule(
            "/login/oidc/callback", "pc_login_oidc_callback", self.oidc_callback, methods=["GET"]
        )
        server.add_url_rule("/logout", "pc_logout", self.logout, methods=["POST"])
        server.before_request(self.guard)

    # -- the guard ---------------------------------------------------------------------------

    def guard(self) -> Any:
        path = flask.request.path
        if flask.request.method == "POST" and not self._same_origin():
            return _plain("Verzoek geweigerd: niet van deze site (CSRF).", 403)
        if path in LOGIN_PATHS or path.startswith(PUBLIC_PREFIXES) or path == "/_favicon.ico":
            return None
        session = current_session()
        if session is None:
            if path.startswith("/_"):
                return _plain("Niet aangemeld", 401)
            return self._to_login(path)
        if path.startswith("/_") or path == "/logout":
            return None
        # a page load: is the token still valid? (revoked at logout elsewhere, expired …)
        try:
            self.client.me(session.token)
        except SessionExpired:
            response = self._to_login(path, reason="expired")
            self._clear(response)
            return response
        except ApiError:
            pass  # the API is down: the page says so itself
        page = "/" + path.strip("/")
        if page in self.pages and page not in session.pages:
            if not session.pages:
                return self._no_pages(session)
            return flask.redirect(self.prefix + session.pages[0].lstrip("/"))
        return None

    def _same_origin(self) -> bool:
        expected = flask.request.host_url.rstrip("/")
        origin = flask.request.headers.get("Origin")
        if origin:
            return origin.rstrip("/") == expected
        referer = flask.request.headers.get("Referer")
        if referer:
            parts = urlsplit(referer)
            return f"{parts.scheme}://{parts.netloc}" == expected
        return False

    def _to_login(self, path: str, reason: str | None = None) -> Any:
        target = self.prefix + "login"
        query = []
        if path not in ("/", ""):
            query.append("next=" + quote(path))
        if reason:
            query.append("reason=" + reason)
        return flask.redirect(target + ("?" + "&".join(query) if query else ""))

    # -- login / logout ----------------------------------------------------------------------

    def login_page(self) -> Any:
        lang = normalise_lang(flask.request.values.get("lang"))
        next_path = _safe_next(flask.request.values.get("next"))
        if flask.request.method == "GET":
            reason = flask.request.args.get("reason")
            notice = {"expired": "login.expired", "logout": "login.logged_out"}.get(reason or "")
            return self._form(lang, next_path, notice=notice)
        form = flask.request.form
        if not self._csrf_ok(form.get("csrf", "")):
            return self._form(lang, next_path, error=t("login.csrf", lang), status=403)
        username = (form.get("username") or "").strip()
        password = form.get("password") or ""
        if not username or not password:
            return self._form(lang, next_path, error=t("login.invalid", lang), status=401)
        try:
            login = self.client.login(username, password, client_address=flask.request.remote_addr)
            me = self.client.me(login.access_token)
        except LoginRefused as exc:
            if exc.status == 429:
                minutes = max(1, round((exc.retry_after or 60) / 60))
                error = t("login.locked", lang, minutes=minutes)
            else:
                error = t("login.invalid", lang)
            return self._form(lang, next_path, error=error, status=exc.status, username=username)
        except ApiError as exc:
            error = f"{t('login.unavailable', lang)} ({exc})"
            return self._form(lang, next_path, error=error, status=503, username=username)
        except SessionExpired:
            error = t("login.invalid", lang)
            return self._form(lang, next_path, error=error, status=401, username=username)
        session = self._new_session(login, me)
        response = flask.redirect(self._landing(session, next_path), code=303)
        self._set_session(response, session, login)
        response.delete_cookie(CSRF_COOKIE, path=self.prefix)
        return response

    def _new_session(self, login: Login, me: Me) -> UserSession:
        return UserSession(
            token=login.access_token,
            username=me.username,
            role=me.role,
            scope=me.scope,
            csrf=secrets.token_urlsafe(24),
        )

    def _landing(self, session: UserSession, next_path: str | None) -> str:
        """Where a new session starts: ``next`` if the role may use it, else its first page."""
        pages = session.pages
        if next_path and "/" + next_path.strip("/") in pages:
            return self.prefix + next_path.lstrip("/")
        if pages:
            return self.prefix + pages[0].lstrip("/")
        return self.prefix

    def _set_session(self, response: flask.Response, session: UserSession, login: Login) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.sessions.dumps(asdict(session)),
            max_age=min(login.expires_in, self.max_age),
            path=self.prefix,
            secure=flask.request.is_secure,
            httponly=True,
            samesite="Strict",
        )

    # -- OpenID Connect ----------------------------------------------------------------------

    def oidc_enabled(self) -> bool:
        """Whether the API offers OpenID Connect login (asked at most once a minute)."""
        checked, on = self._oidc
        now = time.monotonic()
        if now - checked > OIDC_CHECK_S or checked == 0.0:
            on = self.client.oidc_issuer() is not None
            self._oidc = (now, on)
        return on

    def oidc_login(self) -> Any:
        lang = normalise_lang(flask.request.args.get("lang"))
        next_path = _safe_next(flask.request.args.get("next"))
        if not self.oidc_enabled():
            return _plain("Niet gevonden", 404)
        redirect_uri = flask.request.host_url.rstrip("/") + self.prefix + "login/oidc/callback"
        try:
            started = self.client.oidc_start(redirect_uri)
        except ApiError as exc:
            error = t("login.oidc_unavailable", lang)
            if exc.status != 502:
                error = f"{t('login.unavailable', lang)} ({exc})"
            return self._form(lang, next_path, error=error, status=503)
        flow = {"transaction": started["transaction"], "next": next_path, "lang": lang}
        response = flask.redirect(started["authorization_url"], code=302)
        response.set_cookie(
            OIDC_COOKIE,
            self.oidc_flows.dumps(flow),
            max_age=int(started.get("expires_in", 600)),
            path=self.prefix + "login/oidc",
            secure=flask.request.is_secure,
            httponly=True,
            samesite="Lax",  # sent on the provider's (cross-site, top-level GET) redirect back
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def oidc_callback(self) -> Any:
        if not self.oidc_enabled():
            return _plain("Niet gevonden", 404)
        args = flask.request.args
        flow: dict[str, Any] | None = None
        raw = flask.request.cookies.get(OIDC_COOKIE)
        if raw:
            with contextlib.suppress(BadSignature):
                flow = self.oidc_flows.loads(raw, max_age=LOGIN_FORM_MAX_AGE)
        lang = normalise_lang((flow or {}).get("lang") or args.get("lang"))
        next_path = _safe_next((flow or {}).get("next"))
        if not isinstance(flow, dict) or not isinstance(flow.get("transaction"), str):
            return self._oidc_refused(lang, next_path, "login.oidc_failed", 400)
        if args.get("error") or not args.get("code"):
            return self._oidc_refused(lang, next_path, "login.oidc_cancelled", 401)
        try:
            login = self.client.oidc_token(
                code=args.get("code", ""),
                state=args.get("state", ""),
                transaction=flow["transaction"],
                client_address=flask.request.remote_addr,
            )
            me = self.client.me(login.access_token)
        except LoginRefused as exc:
            key = "login.oidc_no_account" if exc.status == 403 else "login.oidc_failed"
            return self._oidc_refused(lang, next_path, key, exc.status)
        except SessionExpired:
            return self._oidc_refused(lang, next_path, "login.oidc_failed", 401)
        except ApiError as exc:
            key = "login.oidc_unavailable" if exc.status == 502 else "login.unavailable"
            return self._oidc_refused(lang, next_path, key, 503)
        session = self._new_session(login, me)
        target = self._landing(session, next_path)
        # A page that moves on by itself rather than a redirect: a browser that counts the
        # provider's cross-site redirect chain (RFC 6265bis allows it) would not send the new
        # SameSite=Strict cookie with a redirect; a navigation started by this same-site page
        # it does send. (Chromium 156 sends it either way; tests/dashboard/test_login.py.)
        e = html.escape
        body = f"""
<main class="container py-5"><p id="login-continue">
  <a href="{e(target)}">{e(t("login.continue", lang))}</a></p></main>"""
        page = _html_page(self.prefix, t("login.title", lang), body, lang)
        page = page.replace(
            "<head>", f'<head><meta http-equiv="refresh" content="0;url={e(target)}">', 1
        )
        response = flask.make_response(page)
        response.headers["Cache-Control"] = "no-store"
        self._set_session(response, session, login)
        self._clear_oidc(response)
        return response

    def _oidc_refused(self, lang: str, next_path: str | None, key: str, status: int) -> Any:
        response = self._form(lang, next_path, error=t(key, lang), status=status)
        self._clear_oidc(response)
        return response

    def _clear_oidc(self, response: flask.Response) -> None:
        response.delete_cookie(
            OIDC_COOKIE, path=self.prefix + "login/oidc", httponly=True, samesite="Lax"
        )

    def logout(self) -> Any:
        session = current_session()
        if session is None:
            return flask.redirect(self.prefix + "login", code=303)
        if not secrets.compare_digest(flask.request.form.get("csrf", ""), session.csrf):
            return _plain("Verzoek geweigerd: ongeldig CSRF-token.", 403)
        with contextlib.suppress(ApiError):  # the cookie goes anyway; the token expires
            self.client.logout(session.token)
        response = flask.redirect(self.prefix + "login?reason=logout", code=303)
        self._clear(response)
        return response

    def _clear(self, response: flask.Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=self.prefix, samesite="Strict", httponly=True)

    def _csrf_ok(self, submitted: str) -> bool:
        raw = flask.request.cookies.get(CSRF_COOKIE)
        if not raw or not submitted:
            return False
        try:
            expected = self.login_forms.loads(raw, max_age=LOGIN_FORM_MAX_AGE)
        except BadSignature:
            return False
        return isinstance(expected, str) and secrets.compare_digest(expected, submitted)

    # -- pages -------------------------------------------------------------------------------

    def _form(
        self,
        lang: str,
        next_path: str | None,
        *,
        error: str | None = None,
        notice: str | None = None,
        status: int = 200,
        username: str = "",
    ) -> flask.Response:
        csrf = secrets.token_urlsafe(24)
        other = "en" if lang == "nl" else "nl"
        query = f"?lang={other}" + (f"&next={quote(next_path)}" if next_path else "")
        e = html.escape
        alert = ""
        if error:
            alert = f'<div class="alert alert-danger" role="alert">{e(error)}</div>'
        elif notice:
            alert = f'<div class="alert alert-info" role="status">{e(t(notice, lang))}</div>'
        hidden_next = (
            f'<input type="hidden" name="next" value="{e(next_path)}">' if next_path else ""
        )
        body = f"""
<main class="container py-5 login-page">
  <div class="row justify-content-center"><div class="col-12 col-sm-9 col-md-6 col-lg-4">
    <div class="d-flex justify-content-between align-items-baseline mb-3">
      <div><span class="fw-bold fs-4 text-primary">POH-Connect</span>
        <div class="small text-muted">{e(t("app.tagline", lang))}</div></div>
      <a id="login-lang" class="small" href="{e(self.prefix)}login{e(query)}"
         hreflang="{other}">{e(t("login.other_lang", lang))}</a>
    </div>
    <div class="card shadow-sm"><div class="card-body p-4">
      <h1 class="h4 mb-1">{e(t("login.title", lang))}</h1>
      <p class="text-muted small mb-3">{e(t("login.lead", lang))}</p>
      {alert}
      <form method="post" action="{e(self.prefix)}login" id="login-form">
        <input type="hidden" name="csrf" value="{csrf}">
        <input type="hidden" name="lang" value="{lang}">
        {hidden_next}
        <div class="mb-3">
          <label class="form-label" for="username">{e(t("login.username", lang))}</label>
          <input class="form-control" id="username" name="username" autocomplete="username"
                 value="{e(username)}" required autofocus>
        </div>
        <div class="mb-3">
          <label class="form-label" for="password">{e(t("login.password", lang))}</label>
          <input class="form-control" id="password" name="password" type="password"
                 autocomplete="current-password" required>
        </div>
        <button class="btn btn-primary w-100" type="submit" id="login-submit">
          {e(t("login.submit", lang))}</button>
      </form>
      {self._oidc_button(lang, next_path)}
    </div></div>
  </div></div>
</main>"""
        response = flask.make_response(_html_page(self.prefix, t("login.title", lang), body, lang))
        response.status_code = status
        response.set_cookie(
            CSRF_COOKIE,
            self.login_forms.dumps(csrf),
            max_age=LOGIN_FORM_MAX_AGE,
            path=self.prefix,
            secure=flask.request.is_secure,
            httponly=True,
            samesite="Strict",
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def _oidc_button(self, lang: str, next_path: str | None) -> str:
        if not self.oidc_enabled():
            return ""
        e = html.escape
        query = f"?lang={lang}" + (f"&next={quote(next_path)}" if next_path else "")
        return f"""
      <div class="text-center text-muted small my-3">{e(t("login.or", lang))}</div>
      <a class="btn btn-outline-primary w-100" id="login-oidc"
         href="{e(self.prefix)}login/oidc{e(query)}">{e(t("login.oidc", lang))}</a>"""

    def _no_pages(self, session: UserSession) -> flask.Response:
        lang = normalise_lang(flask.request.args.get("lang"))
        e = html.escape
        role = t(f"role.{session.role}", lang)
        body = f"""
<main class="container py-5"><div class="row justify-content-center"><div class="col-lg-6">
  <div class="card shadow-sm"><div class="card-body p-4">
    <div class="fw-bold fs-4 text-primary mb-2">POH-Connect</div>
    <p id="no-pages">{e(t("session.no_pages", lang, role=role))}</p>
    <p class="small text-muted">{e(session.username)} · {e(role)}</p>
    {logout_form(self.prefix, session.csrf, lang)}
  </div></div>
</div></div></main>"""
        response = flask.make_response(_html_page(self.prefix, "POH-Connect", body, lang))
        response.status_code = 403
        return response


def session_cookie_value(token: str, username: str, role: str, scope: str = "") -> str:
    """The value of a session cookie for ``token``, as a login sets it (for scripts and tests
    that drive the dashboard's server without its login form)."""
    data = UserSession(token, username, role, scope, secrets.token_urlsafe(24))
    return _serializer(session_secret(), SESSION_SALT).dumps(asdict(data))


def logout_form(prefix: str, csrf: str, lang: str) -> str:
    e = html.escape
    return (
        f'<form method="post" action="{e(prefix)}logout">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        f'<button class="btn btn-outline-secondary btn-sm" type="submit">'
        f"{e(t('session.logout', lang))}</button></form>"
    )


def _safe_next(value: str | None) -> str | None:
    """Only a path inside the dashboard (no scheme, no host, no ``//``) may be ``next``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if urlsplit(value).netloc or urlsplit(value).scheme:
        return None
    return value


def _plain(text: str, status: int) -> flask.Response:
    response = flask.make_response(text, status)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


def _html_page(prefix: str, title: str, body: str, lang: str) -> str:
    # an empty icon: without one the browser asks for /favicon.ico, a 404 in its console
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>{e(title)} · POH-Connect</title>
<link rel="icon" type="image/x-icon" href="{e(prefix)}assets/favicon.ico">
<link rel="stylesheet" href="{e(prefix)}assets/00-bootstrap.min.css">
<link rel="stylesheet" href="{e(prefix)}assets/10-pohconnect.css">
</head><body class="bg-light">{body}</body></html>"""
