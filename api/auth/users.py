"""Users: create, list, disable, change role, password and grants. Services never commit.

Every change writes exactly one audit event (api/audit.py), whether it comes from the command
line or from a beheerder through the API.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import ClassVar, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api import audit
from api.audit import Action, Actor
from api.auth.passwords import WeakPassword, hash_password
from api.auth.scope import ALL_KEYS, ALLOWED_LEVELS
from api.errors import DomainError, Invalid, NotFound
from api.timestamps import UtcDateTime
from models import Practice, Provider, Region, Team, User, UserScope
from models.enums import Role, ScopeLevel

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,99}$")
RoleName = Literal["poh", "huisarts", "teamleider", "regio", "beheerder"]
# Who may be granted the caseload lists of POHs: a huisarts (a POH sees their own by role).
CASELOAD_GRANT_ROLES = frozenset({Role.HUISARTS.value})
CASELOAD_GRANT_HELP = (
    "Alleen huisarts: caseloadlijsten (pseudoniemen) van de POH's van de eigen praktijk(en)"
)


class UserConflict(DomainError):
    status_code: ClassVar[int] = 409
    title: ClassVar[str] = "Conflict"


class Grants(BaseModel):
    """What a user may see, by key; see api/auth/scope.py for what each opens."""

    practices: list[str] = Field(default_factory=list, description="AGB-codes")
    providers: list[str] = Field(default_factory=list, description="zorgverlener-codes")
    teams: list[str] = Field(default_factory=list, description="team-slugs")
    regions: list[str] = Field(default_factory=list, description="regio-slugs")
    all: Literal["visible", "own"] | None = Field(
        None, description="De hele installatie (alleen beheerder): visible of own"
    )


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: RoleName
    is_active: bool
    created_at: UtcDateTime | None
    grants: Grants
    caseload_grant: bool = Field(
        False, description="Huisarts: mag caseloadlijsten (pseudoniemen) van de eigen POH's zien"
    )


class UserList(BaseModel):
    items: list[UserRead]
    total: int


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=100, examples=["j.jansen"])
    display_name: str | None = Field(None, max_length=200)
    role: RoleName
    password: str = Field(min_length=1, max_length=200)
    grants: Grants = Field(default_factory=Grants)
    caseload_grant: bool = Field(False, description=CASELOAD_GRANT_HELP)


class UserUpdate(BaseModel):
    """Fields given replace the old ones."""

    display_name: str | None = Field(None, max_length=200)
    role: RoleName | None = None
    is_active: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=200)
    grants: Grants | None = None
    caseload_grant: bool | None = Field(None, description=CASELOAD_GRANT_HELP)


_LEVEL_FIELDS = (
    (ScopeLevel.PRACTICE.value, "practices"),
    (ScopeLevel.PROVIDER.value, "providers"),
    (ScopeLevel.TEAM.value, "teams"),
    (ScopeLevel.REGION.value, "regions"),
)


def _grants_of(user: User) -> Grants:
    g = Grants()
    for row in sorted(user.scopes, key=lambda r: (r.level, r.key)):
        if row.level == ScopeLevel.ALL.value:
            g.all = row.key  # type: ignore[assignment]
        else:
            getattr(g, dict(_LEVEL_FIELDS)[row.level]).append(row.key)
    return g


def read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,  # type: ignore[arg-type]
        is_active=user.is_active,
        created_at=user.created_at,
        grants=_grants_of(user),
        caseload_grant=bool(user.caseload_grant),
    )


def _rows(grants: Grants) -> list[tuple[str, str]]:
    rows = [(level, key) for level, name in _LEVEL_FIELDS for key in getattr(grants, name)]
    if grants.all is not None:
        rows.append((ScopeLevel.ALL.value, grants.all))
    return sorted(set(rows))


def _validate_grants(session: Session, role: str, grants: Grants) -> list[tuple[str, str]]:
    rows = _rows(grants)
    allowed = ALLOWED_LEVELS[role]
    wrong = sorted({level for level, _k in rows if level not in allowed})
    if wrong:
        raise Invalid(
            f"Rol {role} kan geen toegang krijgen op niveau {', '.join(wrong)} "
            f"(toegestaan: {', '.join(sorted(allowed))})."
        )
    lookups = {
        ScopeLevel.PRACTICE.value: (Practice.agb, "praktijk"),
        ScopeLevel.PROVIDER.value: (Provider.code, "zorgverlener"),
        ScopeLevel.TEAM.value: (Team.slug, "team"),
        ScopeLevel.REGION.value: (Region.slug, "regio"),
    }
    for level, (column, noun) in lookups.items():
        keys = {k for lv, k in rows if lv == level}
        if keys:
            found = set(session.scalars(select(column).where(column.in_(keys))))
            missing = sorted(keys - found)
            if missing:
                raise Invalid(f"Onbekende {noun}: {', '.join(missing)}.")
    if any(lv == ScopeLevel.ALL.value and k not in ALL_KEYS for lv, k in rows):
        raise Invalid("Toegang tot alles is 'visible' of 'own'.")
    if role != Role.BEHEERDER.value and (ScopeLevel.ALL.value, "own") in rows:
        raise Invalid("Alleen een beheerder kan alles als eigen scope krijgen (own).")
    return rows


def _check_caseload_grant(role: str, granted: bool) -> None:
    if granted and role not in CASELOAD_GRANT_ROLES:
        raise Invalid(
            f"Rol {role} kan geen toegang tot caseloadlijsten krijgen (alleen huisarts; "
            "een POH ziet de eigen caseload al)."
        )


def _user(session: Session, username: str) -> User:
    user = session.scalar(
        select(User).options(selectinload(User.scopes)).where(User.username == username.lower())
    )
    if user is None:
        raise NotFound(f"Gebruiker {username} bestaat niet.")
    return user


def _password_hash(password: str) -> str:
    try:
        return hash_password(password)
    except WeakPassword as exc:
        raise Invalid(str(exc)) from exc


def _set_scopes(user: User, rows: list[tuple[str, str]]) -> None:
    user.scopes.clear()
    for level, key in rows:
        user.scopes.append(UserScope(level=level, key=key))


def create_user(session: Session, *, data: UserCreate, actor: Actor) -> UserRead:
    username = data.username.strip().lower()
    if not USERNAME.match(username):
        raise Invalid(
            "Een gebruikersnaam heeft 3-100 tekens: kleine letters, cijfers en . _ @ -, "
            "beginnend met een letter of cijfer."
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserConflict(f"Gebruiker {username} bestaat al.")
    rows = _validate_grants(session, data.role, data.grants)
    _check_caseload_grant(data.role, data.caseload_grant)
    user = User(
        username=username,
        display_name=data.display_name or username,
        role=data.role,
        password_hash=_password_hash(data.password),
        is_active=True,
        caseload_grant=data.caseload_grant,
    )
    _set_scopes(user, rows)
    session.add(user)
    session.flush()
    audit.record(
        session,
        action=Action.USER_CREATE,
        actor=actor,
        resource=f"user:{username}",
        detail={
            "role": data.role,
            "grants": [f"{lv}:{k}" for lv, k in rows],
            "caseload_grant": data.caseload_grant,
        },
    )
    return read(user)


def list_users(session: Session, *, include_disabled: bool = True) -> UserList:
    stmt = select(User).options(selectinload(User.scopes)).order_by(User.username)
    if not include_disabled:
        stmt = stmt.where(User.is_active.is_(True))
    items = [read(u) for u in session.scalars(stmt)]
    return UserList(items=items, total=len(items))


def get_user(session: Session, *, username: str) -> UserRead:
    return read(_user(session, username))


def update_user(session: Session, *, username: str, data: UserUpdate, actor: Actor) -> UserRead:
    """Apply the fields given; one audit event per kind of change."""
    user = _user(session, username)
    role = data.role or user.role
    if data.grants is not None or (data.role is not None and data.role != user.role):
        grants = data.grants if data.grants is not None else _grants_of(user)
        rows = _validate_grants(session, role, grants)
    else:
        rows = None
    # a role that cannot hold the caseload grant loses it (said in the set_role event)
    caseload = data.caseload_grant if data.caseload_grant is not None else user.caseload_grant
    if data.caseload_grant is None and role not in CASELOAD_GRANT_ROLES:
        caseload = False
    _check_caseload_grant(role, caseload)
    events: list[tuple[str, dict[str, object]]] = []
    if data.display_name is not None and data.display_name != user.display_name:
        user.display_name = data.display_name
        events.append((Action.USER_UPDATE, {"display_name": data.display_name}))
    if data.role is not None and data.role != user.role:
        detail: dict[str, object] = {"from": user.role, "to": data.role}
        if user.caseload_grant and not caseload and data.caseload_grant is None:
            detail["caseload_grant"] = False
            user.caseload_grant = False
        events.append((Action.USER_SET_ROLE, detail))
        user.role = data.role
    if caseload != user.caseload_grant:
        user.caseload_grant = caseload
        events.append((Action.USER_SET_CASELOAD_GRANT, {"caseload_grant": caseload}))
    if rows is not None and rows != sorted((s.level, s.key) for s in user.scopes):
        _set_scopes(user, rows)
        events.append((Action.USER_SET_SCOPES, {"grants": [f"{lv}:{k}" for lv, k in rows]}))
    if data.password is not None:
        user.password_hash = _password_hash(data.password)
        user.tokens_not_before = dt.datetime.now(dt.UTC)
        events.append((Action.USER_SET_PASSWORD, {}))
    if data.is_active is not None and data.is_active != user.is_active:
        user.is_active = data.is_active
        events.append((Action.USER_ENABLE if data.is_active else Action.USER_DISABLE, {}))
    session.flush()
    for action, detail in events:
        audit.record(
            session, action=action, actor=actor, resource=f"user:{user.username}", detail=detail
        )
    return read(user)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("demo-poh", Role.POH.value),
    ("demo-huisarts", Role.HUISARTS.value),
    ("demo-teamleider", Role.TEAMLEIDER.value),
    ("demo-regio", Role.REGIO.value),
    ("demo-beheerder", Role.BEHEERDER.value),
)


def create_demo_users(session: Session, region_slug: str) -> list[tuple[str, str, str]]:
    """One user per role in the demo region, each with a fresh random password:
    ``[(username, role, password)]``. An existing demo user gets a new password."""
    region = session.scalar(select(Region).where(Region.slug == region_slug))
    if region is None:
        raise NotFound(f"Regio {region_slug} bestaat niet.")
    practice = session.scalar(
        select(Practice).where(Practice.region_id == region.id).order_by(Practice.agb)
    )
    poh = None
    if practice is not None:
        poh = session.scalar(
            select(Provider)
            .where(Provider.practices.any(Practice.id == practice.id))
            .where(Provider.functie.in_(("poh-ggz", "poh-ggz-jeugd")))
            .order_by(Provider.code)
        )
    team = session.scalar(select(Team).where(Team.region_id == region.id).order_by(Team.slug))
    if team is None:  # the demo imports no teams: one of the first two POHs of the region
        pohs = session.scalars(
            select(Provider)
            .where(Provider.practices.any(Practice.region_id == region.id))
            .where(Provider.functie.in_(("poh-ggz", "poh-ggz-jeugd")))
            .order_by(Provider.code)
            .limit(2)
        ).all()
        team = Team(slug=f"{region_slug}-team-1"[:64], name="Demoteam 1", region_id=region.id)
        team.providers.extend(pohs)
        session.add(team)
        session.flush()
    grants = {
        Role.POH.value: Grants(providers=[poh.code] if poh else []),
        Role.HUISARTS.value: Grants(practices=[practice.agb] if practice else []),
        Role.TEAMLEIDER.value: Grants(teams=[team.slug] if team else []),
        Role.REGIO.value: Grants(regions=[region_slug]),
        Role.BEHEERDER.value: Grants(),
    }
    actor = Actor.command_line()
    out: list[tuple[str, str, str]] = []
    for username, role in DEMO_USERS:
        password = generate_password()
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(
                session,
                data=UserCreate(
                    username=username, role=role, password=password, grants=grants[role]
                ),
                actor=actor,
            )
        else:
            update_user(
                session,
                username=username,
                data=UserUpdate(role=role, password=password, grants=grants[role], is_active=True),
                actor=actor,
            )
        out.append((username, role, password))
    return out
