"""Response schemas shared by the API routes (KPI schemas live in api/kpi/schemas.py)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class Health(BaseModel):
    status: str
    database: str
    version: str


class PracticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    agb: str
    name: str
    region: str
    region_name: str
    listed: int | None
    listed_peildatum: dt.date | None


class PracticeList(BaseModel):
    items: list[PracticeRead]
    total: int
