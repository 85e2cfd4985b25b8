"""Response schemas shared by the API routes (KPI schemas live in api/kpi/schemas.py)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


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


class ProviderRead(BaseModel):
    """A zorgverlener with the practices (AGB) it works in, as seen in contacts or hours."""

    code: str = Field(examples=["POH001"])
    name: str | None = Field(None, examples=["Petra de Vries"])
    functie: str = Field(examples=["poh-ggz"])
    practices: list[str] = Field(default_factory=list, examples=[["01234567", "01234568"]])


class ProviderList(BaseModel):
    items: list[ProviderRead]
    total: int
