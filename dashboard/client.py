"""The dashboard's one typed HTTP client of the POH-Connect API.

Every number the dashboard shows comes through this class. It returns the pydantic models of
dashboard/schemas.py and raises :class:`ApiError` with a Dutch message that a page can show as
it is when the API cannot be reached or answers with a problem+json error.

Tests inject an ``httpx.Client`` (e.g. FastAPI's ``TestClient``) instead of a base URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from dashboard.schemas import (
    Benchmark,
    Caseload,
    DataPeriods,
    Health,
    ImportList,
    ImportReport,
    KpiDefinition,
    KpiSeries,
    KpiValue,
    Level,
    Practice,
    Provider,
    Quality,
    ReferralFlows,
    Region,
    Scorecard,
    Team,
    TeamOverview,
)

M = TypeVar("M", bound=BaseModel)

API_PREFIX = "/api/v1"
# Every call is a GET, so a transient server error (e.g. SQLite's "database is locked" while
# another request writes the KPI cache) is retried a few times before the user sees it. The API
# refuses work beyond its bounded queue at once with 503 + Retry-After: 1 (api/limits.py), and a
# page fires several callbacks together: the retries span about 3 s so that a short burst is
# ridden out instead of shown.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
RETRY_DELAYS = (0.2, 0.5, 1.0, 1.5)


class ApiError(Exception):
    """A call to the API failed; ``str(error)`` is a Dutch message fit for the user."""

    def __init__(self, message: str, *, status: int | None = None, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.detail = detail


class ApiUnavailable(ApiError):
    """The API could not be reached (connection refused, timeout, DNS …)."""


class ApiProblem(ApiError):
    """The API answered with an error status (usually application/problem+json)."""


class SessionExpired(Exception):
    """The API refused the user's own token (401): expired, revoked or logged out elsewhere.

    Deliberately not an :class:`ApiError`: pages show an ``ApiError`` in place of a chart,
    while this one ends the session (the app's error handler asks the user to log in again).
    """


class LoginRefused(Exception):
    """``POST /api/v1/auth/token`` refused: ``status`` 401 (wrong name or password) or 429
    (locked out, ``retry_after`` seconds)."""

    def __init__(self, status: int, retry_after: int | None = None) -> None:
        super().__init__(f"login refused ({status})")
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Login:
    """A successful login: the user's bearer token and its lifetime in seconds."""

    access_token: str
    expires_in: int


@dataclass(frozen=True)
class Me:
    """``GET /api/v1/auth/me``: who is logged in, with which role and scope."""

    username: str
    role: str
    scope: str


@dataclass(frozen=True)
class Report:
    """A rendered report: its bytes, media type and file name (from the API's headers)."""

    content: bytes
    media_type: str
    filename: str


class ApiClient:
    """Typed access to the POH-Connect API.

    Either give ``base_url`` (the client then owns an ``httpx.Client``) or inject ``http``,
    an ``httpx.Client`` whose base URL points at the API.

    Whose token goes with a request: ``token_provider`` is asked per request (the dashboard
    passes one that reads the logged-in user's token from the session cookie of the request
    being served), so one client serves every user. ``token`` is a fixed bearer token for
    scripts and tests only. A 401 answer to a provided token raises :class:`SessionExpired`.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        token: str | None = None,
        token_provider: Callable[[], str | None] | None = None,
    ) -> None:
        self._retry_delays = retry_delays
        self.token_provider = token_provider
        if http is None:
            if base_url is None:
                raise ValueError("ApiClient needs a base_url or an httpx.Client")
            headers = {"Authorization": f"Bearer {token}"} if token else None
            http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers=headers)
            self._owns_http = True
        else:
            self._owns_http = False
        self._http = http

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------

    def _auth(self, token: str | None = None) -> dict[str, str]:
        """The Authorization header of this request: ``token`` if given, else the provider's
        (the logged-in user's), else none (the client's fixed header, if any, applies)."""
        if token is None and self.token_provider is not None:
            token = self.token_provider()
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _fetch(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """GET with retries of transient errors; raises on an error status."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        res = self._send(path, clean)
        for delay in self._retry_delays:
            if res.status_code not in RETRY_STATUSES:
                break
            time.sleep(delay)
            res = self._send(path, clean)
        if res.status_code == 401 and self.token_provider is not None:
            raise SessionExpired(path)
        if res.is_error:
            raise _problem(res, path)
        return res

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        res = self._fetch(path, params)
        try:
            return res.json()
        except ValueError as exc:
            raise ApiProblem(
                f"De API gaf op {path} een antwoord dat geen JSON is.", status=res.status_code
            ) from exc

    def _send(self, path: str, params: Mapping[str, Any]) -> httpx.Response:
        try:
            try:
                return self._http.get(path, params=params, headers=self._auth())
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                # A pooled keep-alive connection the server had just closed: a GET is safe to
                # send again, once, on a fresh connection.
                return self._http.get(path, params=params, headers=self._auth())
        except httpx.TimeoutException as exc:
            raise ApiUnavailable(
                f"De API op {self.base_url} reageerde niet op tijd ({path}). "
                "Probeer het over een moment opnieuw."
            ) from exc
        except httpx.TransportError as exc:
            raise ApiUnavailable(
                f"De API is niet bereikbaar op {self.base_url}. Draait de server "
                f"(pohconnect serve) en klopt POHCONNECT_API_URL? ({type(exc).__name__})"
            ) from exc

    def _model(self, model: type[M], path: str, params: Mapping[str, Any] | None = None) -> M:
        data = self._get(path, params)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise ApiProblem(
                f"Het antwoord van de API op {path} heeft een onverwachte vorm "
                f"({exc.error_count()} afwijking(en)). Zijn dashboard en API van dezelfde versie?"
            ) from exc

    def _items(self, model: type[M], path: str, params: Mapping[str, Any] | None = None) -> list[M]:
        data = self._get(path, params)
        items = data.get("items") if isinstance(data, dict) else data
        try:
            return TypeAdapter(list[model]).validate_python(items)  # type: ignore[valid-type]
        except ValidationError as exc:
            raise ApiProblem(
                f"Het antwoord van de API op {path} heeft een onverwachte vorm "
                f"({exc.error_count()} afwijking(en)). Zijn dashboard en API van dezelfde versie?"
            ) from exc

    # -- endpoints --------------------------------------------------------------------------

    def health(self) -> Health:
        """``GET /health``."""
        return self._model(Health, "/health")

    def practices(self, *, region: str | None = None) -> list[Practice]:
        """``GET /api/v1/practices`` — practices with their latest list size."""
        return self._items(Practice, f"{API_PREFIX}/practices", {"region": region})

    def providers(
        self,
        *,
        region: str | None = None,
        practice: str | None = None,
        functie: list[str] | None = None,
    ) -> list[Provider]:
        """``GET /api/v1/providers`` — POHs (by default) with the AGBs of their practices."""
        return self._items(
            Provider,
            f"{API_PREFIX}/providers",
            {"region": region, "practice": practice, "functie": functie},
        )

    def periods(self, *, region: str | None = None) -> DataPeriods:
        """``GET /api/v1/periods`` — quarters and years with contacts, newest first."""
        return self._model(DataPeriods, f"{API_PREFIX}/periods", {"region": region})

    def kpis(self) -> list[KpiDefinition]:
        """``GET /api/v1/kpis`` — the KPI catalogue."""
        return self._items(KpiDefinition, f"{API_PREFIX}/kpis")

    def kpi(self, slug: str, *, level: Level, id: str, period: str) -> KpiValue:
        """``GET /api/v1/kpis/{slug}`` — one KPI for one scope and period."""
        return self._model(
            KpiValue, f"{API_PREFIX}/kpis/{slug}", {"level": level, "id": id, "period": period}
        )

    def kpi_series(
        self,
        slug: str,
        *,
        level: Level,
        id: str,
        start: str,
        end: str,
        grain: str = "quarter",
    ) -> KpiSeries:
        """``GET /api/v1/kpis/{slug}/series`` — one KPI per month or quarter."""
        return self._model(
            KpiSeries,
            f"{API_PREFIX}/kpis/{slug}/series",
            {"level": level, "id": id, "from": start, "to": end, "grain": grain},
        )

    def benchmark(self, slug: str, *, region: str, period: str) -> Benchmark:
        """``GET /api/v1/benchmarks/{slug}`` — a KPI over every practice of a region."""
        return self._model(
            Benchmark, f"{API_PREFIX}/benchmarks/{slug}", {"region": region, "period": period}
        )

    def scorecard(self, agb: str, *, period: str) -> Scorecard:
        """``GET /api/v1/practices/{agb}/scorecard`` — every KPI of a practice vs its region."""
        return self._model(Scorecard, f"{API_PREFIX}/practices/{agb}/scorecard", {"period": period})

    def referral_flows(self, *, level: Level, id: str, period: str) -> ReferralFlows:
        """``GET /api/v1/referrals/flows`` — Sankey-ready referral flows."""
        return self._model(
            ReferralFlows,
            f"{API_PREFIX}/referrals/flows",
            {"level": level, "id": id, "period": period},
        )

    def regions(self) -> list[Region]:
        """``GET /api/v1/regions`` — the regions the user may see as a whole."""
        return self._items(Region, f"{API_PREFIX}/regions")

    def teams(self) -> list[Team]:
        """``GET /api/v1/teams``."""
        return self._items(Team, f"{API_PREFIX}/teams")

    def caseload(self, code: str, *, period: str) -> Caseload:
        """``GET /api/v1/providers/{code}/caseload`` — a POH's patients by pseudonym (each
        call is one event in the audit log)."""
        return self._model(Caseload, f"{API_PREFIX}/providers/{code}/caseload", {"period": period})

    def team_overview(self, slug: str, *, period: str) -> TeamOverview:
        """``GET /api/v1/teams/{slug}/overview`` — every POH and practice of a team."""
        return self._model(TeamOverview, f"{API_PREFIX}/teams/{slug}/overview", {"period": period})

    # -- imports and data quality (beheerder) ----------------------------------------------

    def import_file(
        self, filename: str, content: bytes, *, kind: str | None = None, timeout: float = 600.0
    ) -> ImportReport:
        """``POST /api/v1/imports`` — upload one export file with the user's own token; the
        import report. Not retried (an import is not a GET); an import may take minutes, hence
        its own ``timeout``. A refusal (422 unknown format, 413 too large …) is an
        :class:`ApiProblem` carrying the API's Dutch detail."""
        path = f"{API_PREFIX}/imports"
        res = self._post(
            path,
            files={"file": (filename, content)},
            data={"kind": kind} if kind else None,
            headers=self._auth(),
            # an injected client (tests) keeps its own timeout
            timeout=timeout if self._owns_http else httpx.USE_CLIENT_DEFAULT,
        )
        if res.status_code == 401 and self.token_provider is not None:
            raise SessionExpired(path)
        if res.is_error:
            raise _problem(res, path)
        try:
            return ImportReport.model_validate(res.json())
        except (ValueError, ValidationError) as exc:
            raise ApiProblem(
                f"Het antwoord van de API op {path} heeft een onverwachte vorm.",
                status=res.status_code,
            ) from exc

    def imports(self, *, limit: int = 100, status: str | None = None) -> ImportList:
        """``GET /api/v1/imports`` — the import batches, newest first."""
        return self._model(ImportList, f"{API_PREFIX}/imports", {"limit": limit, "status": status})

    def import_report(self, import_id: int) -> ImportReport:
        """``GET /api/v1/imports/{id}`` — one batch's report with its (masked) rejects."""
        return self._model(ImportReport, f"{API_PREFIX}/imports/{int(import_id)}")

    def quality(self, *, region: str, first: str | None = None, last: str | None = None) -> Quality:
        """``GET /api/v1/quality`` — completeness per practice-month, outliers, last import."""
        params = {"region": region, "from": first, "to": last}
        return self._model(Quality, f"{API_PREFIX}/quality", params)

    def report(
        self,
        level: Literal["practice", "region"],
        key: str,
        *,
        quarter: str,
        fmt: Literal["pdf", "xlsx"],
        lang: str = "nl",
    ) -> Report:
        """``GET /api/v1/reports/{practice|region}/{agb|slug}`` — the quarterly report."""
        path = f"{API_PREFIX}/reports/{level}/{key}"
        res = self._fetch(path, {"quarter": quarter, "format": fmt, "lang": lang})
        disposition = res.headers.get("content-disposition", "")
        filename = ""
        if "filename=" in disposition:
            filename = disposition.split("filename=", 1)[-1].strip('"')
        return Report(
            content=res.content,
            media_type=res.headers.get("content-type", "application/octet-stream"),
            filename=filename or f"kwartaalrapportage-{key}-{quarter}.{fmt}",
        )

    def export(
        self, path: str, params: Mapping[str, Any], *, fmt: Literal["csv", "xlsx"]
    ) -> Report:
        """One of the API's own exports (``format=csv|xlsx`` of a GET route, e.g.
        ``/benchmarks/{slug}``, ``/practices/{agb}/scorecard``, ``/providers/{code}/caseload``);
        the API writes the export's audit event."""
        res = self._fetch(f"{API_PREFIX}{path}", {**params, "format": fmt})
        return _file(res, f"export.{fmt}")

    def export_table(self, table: Mapping[str, Any], *, fmt: Literal["csv", "xlsx"]) -> Report:
        """``POST /api/v1/exports``: a table as the dashboard shows it, as a file made by the
        API (Dutch CSV dialect, XLSX with real numbers; one audit event). Not retried: every
        call is an export of its own in the audit log."""
        path = f"{API_PREFIX}/exports"
        res = self._post(path, params={"format": fmt}, json=dict(table), headers=self._auth())
        if res.status_code == 401 and self.token_provider is not None:
            raise SessionExpired(path)
        if res.is_error:
            raise _problem(res, path)
        return _file(res, f"{table.get('filename') or 'tabel'}.{fmt}")

    # -- the session: login, who, logout (the dashboard server's own routes use these) -----

    def login(self, username: str, password: str, *, client_address: str | None = None) -> Login:
        """``POST /api/v1/auth/token``; raises :class:`LoginRefused` on 401/429.

        ``client_address`` (the browser's) goes along as ``X-Forwarded-For``, so that the API's
        lock-out per address counts the user's address, not the dashboard server's (uvicorn
        trusts that header from 127.0.0.1 only, by default)."""
        headers = {"X-Forwarded-For": client_address} if client_address else {}
        path = f"{API_PREFIX}/auth/token"
        res = self._post(path, data={"username": username, "password": password}, headers=headers)
        if res.status_code in (401, 429):
            retry = res.headers.get("retry-after")
            raise LoginRefused(res.status_code, int(retry) if retry and retry.isdigit() else None)
        if res.is_error:
            raise _problem(res, path)
        body = res.json()
        return Login(access_token=body["access_token"], expires_in=int(body["expires_in"]))

    def me(self, token: str) -> Me:
        """``GET /api/v1/auth/me`` with ``token``; raises :class:`SessionExpired` on 401."""
        path = f"{API_PREFIX}/auth/me"
        try:
            res = self._http.get(path, headers=self._auth(token))
        except httpx.TransportError as exc:
            raise ApiUnavailable(f"De API is niet bereikbaar op {self.base_url}.") from exc
        if res.status_code == 401:
            raise SessionExpired(path)
        if res.is_error:
            raise _problem(res, path)
        body = res.json()
        return Me(username=body["username"], role=body["role"], scope=body.get("scope", ""))

    def logout(self, token: str) -> None:
        """``POST /api/v1/auth/logout``: revoke ``token`` (an already invalid one is fine)."""
        path = f"{API_PREFIX}/auth/logout"
        res = self._post(path, headers=self._auth(token))
        if res.is_error and res.status_code != 401:
            raise _problem(res, path)

    # -- OpenID Connect (the dashboard's login/oidc routes; the API does every check) -------

    def oidc_issuer(self) -> str | None:
        """``GET /api/v1/auth/oidc``: the identity provider, or None when OIDC is off."""
        path = f"{API_PREFIX}/auth/oidc"
        try:
            res = self._http.get(path)
        except httpx.TransportError:
            return None
        if res.status_code != 200:
            return None
        return str(res.json().get("issuer") or "") or None

    def oidc_start(self, redirect_uri: str) -> dict[str, Any]:
        """``POST /api/v1/auth/oidc/start``: authorization_url, state, transaction, expires_in."""
        path = f"{API_PREFIX}/auth/oidc/start"
        res = self._post(path, json={"redirect_uri": redirect_uri})
        if res.is_error:
            raise _problem(res, path)
        return dict(res.json())

    def oidc_token(
        self, *, code: str, state: str, transaction: str, client_address: str | None = None
    ) -> Login:
        """``POST /api/v1/auth/oidc/token``; raises :class:`LoginRefused` on 401 (the login or
        its ID token is invalid) and 403 (no or a disabled POH-Connect account)."""
        path = f"{API_PREFIX}/auth/oidc/token"
        headers = {"X-Forwarded-For": client_address} if client_address else {}
        body = {"code": code, "state": state, "transaction": transaction}
        res = self._post(path, json=body, headers=headers)
        if res.status_code in (401, 403):
            raise LoginRefused(res.status_code)
        if res.is_error:
            raise _problem(res, path)
        data = res.json()
        return Login(access_token=data["access_token"], expires_in=int(data["expires_in"]))

    def _post(self, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.post(path, **kwargs)
        except httpx.TimeoutException as exc:
            raise ApiUnavailable(f"De API op {self.base_url} reageerde niet op tijd.") from exc
        except httpx.TransportError as exc:
            raise ApiUnavailable(
                f"De API is niet bereikbaar op {self.base_url}. Draait de server "
                f"(pohconnect serve) en klopt POHCONNECT_API_URL? ({type(exc).__name__})"
            ) from exc


def _file(res: httpx.Response, fallback: str) -> Report:
    disposition = res.headers.get("content-disposition", "")
    filename = (
        disposition.split("filename=", 1)[-1].strip('"') if "filename=" in disposition else ""
    )
    return Report(
        content=res.content,
        media_type=res.headers.get("content-type", "application/octet-stream"),
        filename=filename or fallback,
    )


def _problem(res: httpx.Response, path: str) -> ApiProblem:
    """Turn an error response (problem+json, FastAPI's {"detail": …} or anything) into Dutch."""
    title: str | None = None
    detail: str | None = None
    try:
        body = res.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        title = body.get("title") if isinstance(body.get("title"), str) else None
        raw = body.get("detail")
        if isinstance(raw, str):
            detail = raw
        elif isinstance(raw, list):  # FastAPI's request validation errors
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e.get('loc', [])[1:])}: {e.get('msg', '')}"
                for e in raw
                if isinstance(e, dict)
            )
    title = title or _STATUS_NL.get(res.status_code, "Fout")
    message = f"De API gaf een fout ({res.status_code} {title})"
    message += f": {detail}" if detail else f" op {path}."
    return ApiProblem(message, status=res.status_code, detail=detail)


_STATUS_NL = {
    400: "Ongeldige aanvraag",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    413: "Bestand te groot",
    422: "Ongeldige invoer",
    500: "Interne fout van de server",
    502: "Server onbereikbaar",
    503: "Dienst niet beschikbaar",
}
