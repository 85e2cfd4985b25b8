"""Response schemas of the API's own routes (health). KPI schemas live in api/kpi/schemas.py,
those of practices, providers and teams in api/org/schemas.py, of imports in api/imports/."""

from __future__ import annotations

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    database: str
    version: str
