"""The FastAPI application: API routes under /api/v1, health at /health."""

from __future__ import annotations

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.limits import install_limits
from api.routes import (
    benchmarks,
    health,
    imports,
    kpis,
    periods,
    practices,
    providers,
    referrals,
    scorecard,
    teams,
)


def create_app() -> FastAPI:
    app = FastAPI(
        title="POH-Connect API",
        version="0.1.0",
        description=(
            "Stuurinformatie voor de POH-GGZ: productie, wachttijden, doorverwijzingen en "
            "uren per POH, praktijk, team en regio, gebenchmarkt tegen de regio."
        ),
    )
    install_error_handlers(app)
    app.add_middleware(imports.UploadSizeLimit)
    install_limits(app)
    app.include_router(health.router)
    app.include_router(practices.router)
    app.include_router(providers.router)
    app.include_router(periods.router)
    app.include_router(imports.router)
    app.include_router(kpis.router)
    app.include_router(benchmarks.router)
    app.include_router(scorecard.router)
    app.include_router(referrals.router)
    app.include_router(teams.router)
    return app
