"""Practices, providers (POHs) and teams: the organisation the KPIs are about. Never commits.

Practices and providers come from the imports and are only read here. Teams — a teamleider's
set of practices and POHs — are kept by the beheerder (no HIS export carries them), through the
API and ``pohconnect teams``; a team change bumps the KPI data version, so that cached team
figures are recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import Conflict, Invalid, NotFound
from api.kpi import cache
from api.kpi.scope import CallerScope
from api.org.schemas import (
    PracticeList,
    PracticeRead,
    ProviderList,
    ProviderRead,
    RegionList,
    RegionRead,
    TeamCreate,
    TeamList,
    TeamRead,
    TeamUpdate,
)
from models import Practice, PracticeListSize, Provider, ProviderPractice, Region, Team
from models.enums import POH_GGZ_FUNCTIES

# ---- practices and providers ---------------------------------------------------------------


def list_practices(session: Session, *, region: str | None = None) -> PracticeList:
    latest = (
        select(
            PracticeListSize.practice_id,
            func.max(PracticeListSize.peildatum).label("peildatum"),
        )
        .group_by(PracticeListSize.practice_id)
        .subquery()
    )
    stmt = (
        select(Practice, Region, PracticeListSize.listed, PracticeListSize.peildatum)
        .join(Region, Practice.region_id == Region.id)
        .outerjoin(latest, latest.c.practice_id == Practice.id)
        .outerjoin(
            PracticeListSize,
            (PracticeListSize.practice_id == Practice.id)
            & (PracticeListSize.peildatum == latest.c.peildatum),
        )
        .order_by(Practice.name, Practice.agb)
    )
    if region is not None:
        stmt = stmt.where(Region.slug == region)
    items = [
        PracticeRead(
            agb=p.agb,
            name=p.name,
            region=r.slug,
            region_name=r.name,
            listed=listed,
            listed_peildatum=peildatum,
        )
        for p, r, listed, peildatum in session.execute(stmt)
    ]
    return PracticeList(items=items, total=len(items))


def list_providers(
    session: Session,
    *,
    region: str | None = None,
    practice: str | None = None,
    functies: Sequence[str] = POH_GGZ_FUNCTIES,
    caller: CallerScope | None = None,
) -> ProviderList:
    """Zorgverleners with the given functies (default: POH-GGZ and POH-GGZ jeugd), sorted by
    name, each with the AGBs of all the practices it works in (ProviderPractice).

    ``region`` / ``practice`` keep the providers that work in at least one practice of that
    region / in that practice. Only providers the caller may see are listed.
    """
    caller = caller or CallerScope()
    if region is not None:
        caller.check_visible("region", region)  # 404, as for a region that does not exist
    if practice is not None:
        caller.check_visible("practice", practice)
    stmt = select(Provider.id, Provider.code, Provider.name, Provider.functie).where(
        Provider.functie.in_(list(functies))
    )
    if region is not None or practice is not None:
        works_in = select(ProviderPractice.provider_id).join(
            Practice, Practice.id == ProviderPractice.practice_id
        )
        if region is not None:
            works_in = works_in.join(Region, Region.id == Practice.region_id).where(
                Region.slug == region
            )
        if practice is not None:
            works_in = works_in.where(Practice.agb == practice)
        stmt = stmt.where(Provider.id.in_(works_in))
    rows = [r for r in session.execute(stmt) if caller.can_see("provider", r.code)]
    agbs: dict[int, list[str]] = defaultdict(list)
    if rows:
        links = (
            select(ProviderPractice.provider_id, Practice.agb)
            .join(Practice, Practice.id == ProviderPractice.practice_id)
            .where(ProviderPractice.provider_id.in_([r.id for r in rows]))
            .order_by(Practice.agb)
        )
        for provider_id, agb in session.execute(links):
            agbs[provider_id].append(agb)
    rows.sort(key=lambda r: ((r.name or r.code).casefold(), r.code))
    items = [
        ProviderRead(code=r.code, name=r.name, functie=r.functie, practices=agbs[r.id])
        for r in rows
    ]
    return ProviderList(items=items, total=len(items))


# ---- teams ---------------------------------------------------------------------------------


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


def list_regions(session: Session) -> RegionList:
    """Every region, by name."""
    items = [
        RegionRead(slug=slug, name=name)
        for slug, name in session.execute(
            select(Region.slug, Region.name).order_by(Region.name, Region.slug)
        )
    ]
    return RegionList(items=items, total=len(items))


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
