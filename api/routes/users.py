"""Users (beheerder only): list, create, read, change (role, grants, password, disable)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.access import BeheerderDep
from api.auth import users as service
from api.auth.users import UserConflict, UserCreate, UserList, UserRead, UserUpdate
from api.deps import SessionDep
from api.errors import Forbidden, Invalid, NotFound, problem_responses

router = APIRouter(prefix="/api/v1/users", tags=["users"])
UsernameP = Annotated[str, Path(max_length=100, examples=["j.jansen"])]


@router.get(
    "", response_model=UserList, summary="All users", responses=problem_responses(Forbidden)
)
def list_users(session: SessionDep, _admin: BeheerderDep) -> UserList:
    return service.list_users(session)


@router.post(
    "",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create a user with a role and grants",
    responses=problem_responses(Invalid, UserConflict, Forbidden),
)
def create_user(session: SessionDep, admin: BeheerderDep, data: UserCreate) -> UserRead:
    return service.create_user(session, data=data, actor=admin.actor)


@router.get(
    "/{username}",
    response_model=UserRead,
    summary="One user",
    responses=problem_responses(NotFound, Forbidden),
)
def get_user(session: SessionDep, _admin: BeheerderDep, username: UsernameP) -> UserRead:
    return service.get_user(session, username=username)


@router.patch(
    "/{username}",
    response_model=UserRead,
    summary="Change a user: role, grants, password, display name, active (fields given)",
    responses=problem_responses(NotFound, Invalid, Forbidden),
)
def update_user(
    session: SessionDep, admin: BeheerderDep, username: UsernameP, data: UserUpdate
) -> UserRead:
    return service.update_user(session, username=username, data=data, actor=admin.actor)
