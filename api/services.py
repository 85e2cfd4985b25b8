"""Read services for the organisation tables. Services never commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.schemas import PracticeList, PracticeRead
from models import Practice, PracticeListSize, Region


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
