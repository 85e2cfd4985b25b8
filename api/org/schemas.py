"""Request and response models of the organisation: practices, providers (POHs) and teams."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


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


class TeamCreate(BaseModel):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["team-noord"])
    name: str = Field(min_length=1, max_length=200, examples=["Team Noord"])
    region: str | None = Field(None, examples=["regio-west"])
    practices: list[str] = Field(default_factory=list, examples=[["01234567"]])
    providers: list[str] = Field(default_factory=list, examples=[["POH001"]])


class TeamUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    region: str | None = None
    practices: list[str] | None = None
    providers: list[str] | None = None


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    region: str | None
    practices: list[str]
    providers: list[str]


class TeamList(BaseModel):
    items: list[TeamRead]
    total: int


class RegionRead(BaseModel):
    slug: str = Field(examples=["regio-west"])
    name: str = Field(examples=["Regio West"])


class RegionList(BaseModel):
    items: list[RegionRead]
    total: int
