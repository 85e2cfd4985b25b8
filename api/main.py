"""The FastAPI application: API routes under /api/v1, health at /health.

Every route but those of :data:`api.access.PUBLIC_PATHS` needs a valid token: the routers
are included with the one access dependency (``get_caller_scope``), the beheerder's with
``require_role("beheerder")`` on top (tests/auth/test_route_walk.py checks every route).
"""

from __future__ import annotations

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from api.access import BeheerderOnly, Unauthorized, get_caller_scope
from api.errors import DomainError, Forbidden, problem_responses
from api.handlers import install_error_handlers
from api.kpi import cache, revalidate
from api.limits import install_limits
from api.routes import (
    audit,
    auth,
    benchmarks,
    caseload,
    exports,
    health,
    imports,
    kpis,
    periods,
    practices,
    providers,
    quality,
    referrals,
    reports,
    scorecard,
    teams,
    users,
)
from api.security import install_security

_READ_METHODS = frozenset({"GET", "HEAD"})


class KpiReaders:
    """Marks API read requests as readers of the KPI cache: an older result is answered at
    once and the current one is computed in the background (api/kpi/revalidate.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _READ_METHODS:
            await self.app(scope, receive, send)
            return
        token = cache.READER.set(True)  # copied into the thread pool that runs the route
        try:
            await self.app(scope, receive, send)
        finally:
            cache.READER.reset(token)


def create_app() -> FastAPI:
    app = FastAPI(
        title="POH-Connect API",
        version="0.1.0",
        description=(
            "Stuurinformatie voor de POH-GGZ: productie, wachttijden, doorverwijzingen en "
            "uren per POH, praktijk, team en regio, gebenchmarkt tegen de regio. "
            "Log in met POST /api/v1/auth/token (knop Authorize) en stuur het token mee als "
            "`Authorization: Bearer …`."
        ),
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    install_error_handlers(app)
    revalidate.install()
    app.add_middleware(KpiReaders)
    app.add_middleware(imports.UploadSizeLimit)
    install_limits(app)
    install_security(app)  # after the other middleware: its headers go on every response
    signed_in = [Depends(get_caller_scope)]
    beheerder = [BeheerderOnly]
    # every route behind a token answers 401 without a valid one (missing, expired, revoked,
    # a disabled user); the beheerder's routes 403 for every other role
    token = problem_responses(Unauthorized)
    beheerder_only = problem_responses(Unauthorized, Forbidden)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(practices.router, dependencies=signed_in, responses=token)
    app.include_router(providers.router, dependencies=signed_in, responses=token)
    app.include_router(caseload.router, dependencies=signed_in, responses=token)
    app.include_router(periods.router, dependencies=signed_in, responses=token)
    # declared here: 403 for every other role (the rule is attached here) and 400 for a
    # malformed multipart body (refused by Starlette before any route code runs)
    app.include_router(
        imports.router,
        dependencies=beheerder,
        responses=problem_responses(Unauthorized, Forbidden, DomainError),
    )
    app.include_router(kpis.router, dependencies=signed_in, responses=token)
    app.include_router(benchmarks.router, dependencies=signed_in, responses=token)
    app.include_router(scorecard.router, dependencies=signed_in, responses=token)
    app.include_router(referrals.router, dependencies=signed_in, responses=token)
    app.include_router(teams.router, dependencies=signed_in, responses=token)
    app.include_router(reports.router, dependencies=signed_in, responses=token)
    app.include_router(exports.router, dependencies=signed_in, responses=token)
    app.include_router(quality.router, dependencies=signed_in, responses=token)
    app.include_router(users.router, dependencies=beheerder, responses=beheerder_only)
    app.include_router(audit.router, dependencies=beheerder, responses=beheerder_only)
    return app
