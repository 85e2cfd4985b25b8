"""Who the caller is, as far as KPI queries are concerned: one dependency for every route.

For now every scope is visible (``visible_all``) and nothing is the caller's *own* scope, so the
small-number rule of domain.md §6 applies to every practice-level patient count: a count below
10 of a practice outside the caller's own scope is shown as "<10". The access-control issue only
has to replace :func:`get_caller_scope` (e.g. from the user's UserScope rows).

:class:`CallerScope` itself is defined framework-free in ``api/kpi/scope.py`` (the KPI service
applies it, and ``api/kpi`` imports no FastAPI) and re-exported here, so that the rest of the
API and the tests name it from here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.kpi.scope import CallerScope

__all__ = ["CallerDep", "CallerScope", "get_caller_scope"]


def get_caller_scope() -> CallerScope:
    """The caller's scope. Placeholder until authentication exists: sees everything."""
    return CallerScope()


CallerDep = Annotated[CallerScope, Depends(get_caller_scope)]
