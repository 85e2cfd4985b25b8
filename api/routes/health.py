from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep
from api.schemas import Health

router = APIRouter(tags=["health"])


def _version() -> str:
    try:
        return version("pohconnect")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


@router.get("/health", response_model=Health, summary="Liveness and database check")
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok", database=session.get_bind().dialect.name, version=_version())
