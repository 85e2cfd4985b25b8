"""Teams: a teamleider's set of practices and POHs, kept by the beheerder. Never commits.

No HIS export carries teams, so they are maintained here (API and ``pohconnect teams``). A team
change bumps the KPI data version, so that cached team figures are recomputed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import Conflict, Invalid, NotFound
from api.kpi import cache
from api.kpi.schemas import TeamCreate, TeamList, TeamRead, TeamUpdate
from models import Practice, Provider, Region, Team


def _read(team: Team, region_slug: str | None) -> TeamRead:
    return TeamRead(
        slug=team.slug,
        name=team.name,
        region=region_slug,
        practices=sorted(p.agb for p in team.practices),
        providers=sorted(p.code for p in team.providers),
    )


def _region_slug(session: Session, team: Team) -> str | None:
    if team.region_id is None:
        return None
    return session.scalar(select(Region.slug).where(Region.id == team.region_id))


def _get(session: Session, slug: str) -> Team:
    team = session.scalar(select(Team).where(Team.slug == slug))
    if team is None:
        raise NotFound(f"Team {slug} bestaat niet")
    return team


def _region_id(session: Session, slug: str | None) -> int | None:
    if slug is None:
        return None
    rid = session.scalar(select(Region.id).where(Region.slug == slug))
    if rid is None:
        raise Invalid(f"Regio {slug} bestaat niet", errors=[{"loc": ["region"]}])
    return rid


def _practices(session: Session, agbs: list[str]) -> list[Practice]:
    found = list(session.scalars(select(Practice).where(Practice.agb.in_(set(agbs)))))
    missing = sorted(set(agbs) - {p.agb for p in found})
    if missing:
        raise Invalid(
            f"Onbekende praktijk(en): {', '.join(missing)}", errors=[{"loc": ["practices"]}]
        )
    return sorted(found, key=lambda p: p.agb)


def _providers(session: Session, codes: list[str]) -> list[Provider]:
    found = list(session.scalars(select(Provider).where(Provider.code.in_(set(codes)))))
    missing = sorted(set(codes) - {p.code for p in found})
    if missing:
        raise Invalid(
            f"Onbekende zorgverlener(s): {', '.join(missing)}", errors=[{"loc": ["providers"]}]
        )
    return sorted(found, key=lambda p: p.code)


def list_teams(session: Session, *, region: str | None = None) -> TeamList:
    stmt = select(Team).order_by(Team.slug)
    if region is not None:
        stmt = stmt.join(Region, Region.id == Team.region_id).where(Region.slug == region)
    items = [_read(t, _region_slug(session, t)) for t in session.scalars(stmt)]
    return TeamList(items=items, total=len(items))


def get_team(session: Session, *, slug: str) -> TeamRead:
    team = _get(session, slug)
    return _read(team, _region_slug(session, team))


def create_team(session: Session, *, data: TeamCreate) -> TeamRead:
    if session.scalar(select(Team.id).where(Team.slug == data.slug)) is not None:
        raise Conflict(f"Team {data.slug} bestaat al")
    team = Team(slug=data.slug, name=data.name, region_id=_region_id(session, data.region))
    team.practices = _practices(session, data.practices)
    team.providers = _providers(session, data.providers)
    session.add(team)
    session.flush()
    cache.bump(session)
    return _read(team, data.region)


def update_team(session: Session, *, slug: str, data: TeamUpdate) -> TeamRead:
    team = _get(session, slug)
    fields = data.model_fields_set
    if "name" in fields and data.name is not None:
        team.name = data.name
    if "region" in fields:
        team.region_id = _region_id(session, data.region)
    if "practices" in fields and data.practices is not None:
        team.practices = _practices(session, data.practices)
    if "providers" in fields and data.providers is not None:
        team.providers = _providers(session, data.providers)
    session.flush()
    cache.bump(session)
    return _read(team, _region_slug(session, team))


def delete_team(session: Session, *, slug: str) -> None:
    team = _get(session, slug)
    session.delete(team)
    session.flush()
    cache.bump(session)
