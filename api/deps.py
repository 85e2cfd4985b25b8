"""FastAPI dependencies: one session per request, committed after the handler.

A request that may write (any method but GET, HEAD and OPTIONS) gets a write session: on SQLite
it takes the write lock when its transaction begins (models/db.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from models.db import session_factory

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    session = session_factory(write=request.method not in _READ_METHODS)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]
