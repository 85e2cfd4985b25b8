"""Who asks and about what: the caller's scope, and a scope named by the API resolved to the
rows it covers (a :class:`~api.kpi.facts.Target`).

:class:`CallerScope` lives here, framework-free, because the KPI service is what applies it;
``api/access.py`` re-exports it and decides, per request, what the caller's scope is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.errors import Invalid, NotFound
from api.kpi.facts import Target
from models import Practice, Provider, ProviderPractice, Region, Team

LEVEL_HINT = "provider|practice|team|region"


@dataclass(frozen=True)
class CallerScope:
    """What the caller may see and what is their *own* scope (domain.md §6).

    ``visible_all``: may see every scope (until access control exists, everyone may).
    ``own_practices`` / ``own_providers`` / ``own_all``: scopes whose small patient counts are
    shown unmasked; elsewhere a patient count below 10 is shown as "<10".
    """

    visible_all: bool = True
    visible: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    own_all: bool = False
    own_practices: frozenset[str] = field(default_factory=frozenset)  # AGB codes
    own_providers: frozenset[str] = field(default_factory=frozenset)  # zorgverlener codes
    # a POH: other practices in benchmark rows as "Praktijk A, B, …" (no AGB, no name)
    anonymise_others: bool = False
    # the secret that orders the anonymous labels (api/access.py: the token secret)
    anonymise_key: bytes = field(default=b"", repr=False)

    def can_see(self, level: str, key: str) -> bool:
        return self.visible_all or (level, key) in self.visible

    def is_own(self, level: str, key: str) -> bool:
        if self.own_all:
            return True
        if level == "practice":
            return key in self.own_practices
        if level == "provider":
            return key in self.own_providers
        return False

    def check_visible(self, level: str, key: str) -> None:
        """404 for a named resource outside the scope, worded exactly as for one that does not
        exist, so that its existence does not leak (docs/security.md)."""
        if not self.can_see(level, key):
            raise not_found(level, key)


NOT_FOUND = {
    "practice": "AGB {} bestaat niet",
    "provider": "Zorgverlener {} bestaat niet",
    "team": "Team {} bestaat niet",
    "region": "Regio {} bestaat niet",
}


def not_found(level: str, key: str) -> NotFound:
    """The one 404 for a named resource: missing, or outside the caller's scope."""
    return NotFound(NOT_FOUND.get(level, level + " {} bestaat niet").format(key))


@dataclass(frozen=True)
class ScopeRef:
    """A scope as the API names it: level + AGB, zorgverlener_code or slug."""

    level: str
    id: str


@dataclass(frozen=True)
class ResolvedScope:
    ref: ScopeRef
    target: Target
    name: str | None
    region_slug: str | None = None


@dataclass(frozen=True, slots=True)
class PracticeRef:
    id: int
    agb: str
    name: str


def region_practices(session: Session, region_id: int) -> list[PracticeRef]:
    """The practices of a region, by AGB."""
    stmt = (
        select(Practice.id, Practice.agb, Practice.name)
        .where(Practice.region_id == region_id)
        .order_by(Practice.agb)
    )
    return [PracticeRef(*row) for row in session.execute(stmt)]


def region_key(session: Session, key: str) -> str:
    """A region as the API accepts it — its slug or its name, in any case ("Demoland",
    "demoland") — as its slug. An unknown key comes back unchanged, so that the 404 names what
    was asked."""
    slug = session.scalar(
        select(Region.slug)
        .where(or_(Region.slug == key, func.lower(Region.name) == key.strip().lower()))
        .order_by(Region.slug != key)  # an exact slug wins over another region's name
        .limit(1)
    )
    return slug if slug is not None else key


def canonical(session: Session, scope: ScopeRef) -> ScopeRef:
    """The scope with a region named by its slug (cache keys and scope checks use the slug)."""
    if scope.level != "region":
        return scope
    return ScopeRef("region", region_key(session, scope.id))


def region_by_slug(session: Session, slug: str) -> Region:
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        raise not_found("region", slug)
    return region


def practice_and_region(session: Session, agb: str) -> tuple[str, Region]:
    """A practice's name and its region."""
    row = session.execute(
        select(Practice.name, Region).join(Region).where(Practice.agb == agb)
    ).first()
    if row is None:
        raise not_found("practice", agb)
    return row[0], row[1]


def resolve_scope(session: Session, *, scope: ScopeRef) -> ResolvedScope:
    level, key = scope.level, scope.id
    if level == "practice":
        row = session.execute(
            select(Practice.id, Practice.name, Region.slug)
            .join(Region, Region.id == Practice.region_id)
            .where(Practice.agb == key)
        ).first()
        if row is None:
            raise not_found("practice", key)
        return ResolvedScope(scope, Target("practice", practice_ids=(row[0],)), row[1], row[2])
    if level == "provider":
        provider = session.scalar(select(Provider).where(Provider.code == key))
        if provider is None:
            raise not_found("provider", key)
        target = Target("provider", provider_ids=(provider.id,), referrals_by_provider=True)
        return ResolvedScope(scope, target, provider.name or provider.code)
    if level == "team":
        return _resolve_team(session, scope)
    if level == "region":
        region = region_by_slug(session, key)
        ids = tuple(practice.id for practice in region_practices(session, region.id))
        return ResolvedScope(scope, Target("all", practice_ids=ids), region.name, region.slug)
    raise Invalid(
        f"Onbekend niveau '{level}': kies provider, practice, team of region",
        errors=[{"loc": ["level"], "msg": LEVEL_HINT}],
    )


def _resolve_team(session: Session, scope: ScopeRef) -> ResolvedScope:
    """A team's practices and, if it lists POHs, only those POHs; a team without practices
    uses the practices its POHs work in."""
    team = session.scalar(select(Team).where(Team.slug == scope.id))
    if team is None:
        raise not_found("team", scope.id)
    provider_ids = tuple(sorted(p.id for p in team.providers)) or None
    practice_ids = tuple(sorted(p.id for p in team.practices))
    if not practice_ids and provider_ids:
        practice_ids = tuple(
            sorted(
                session.scalars(
                    select(ProviderPractice.practice_id).where(
                        ProviderPractice.provider_id.in_(provider_ids)
                    )
                ).unique()
            )
        )
    region_slug = (
        session.scalar(select(Region.slug).where(Region.id == team.region_id))
        if team.region_id
        else None
    )
    return ResolvedScope(
        scope,
        Target("all", practice_ids=practice_ids, provider_ids=provider_ids),
        team.name,
        region_slug,
    )


@dataclass(frozen=True)
class OwnPractices:
    """``own(agb)``: whether a practice lies in the caller's own scope; equal for equal callers."""

    caller: CallerScope

    def __call__(self, agb: str) -> bool:
        return self.caller.is_own("practice", agb)
