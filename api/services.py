"""Read services for the organisation tables. Services never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import Forbidden
from api.kpi.service import CallerScope
from api.schemas import PracticeList, PracticeRead, ProviderList, ProviderRead
from models import Practice, PracticeListSize, Provider, ProviderPractice, Region
from models.enums import POH_GGZ_FUNCTIES


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
    if region is not None and not caller.can_see("region", region):
        raise Forbidden(f"Geen toegang tot regio {region}")
    if practice is not None and not caller.can_see("practice", practice):
        raise Forbidden(f"Geen toegang tot praktijk {practice}")
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
