"""The small-number rule across periods and levels (docs/security.md, "Over perioden en
niveaus heen").

Within one period, present.py and regional.py make sure that no response lets a caller
recover a hidden count: a related KPI, a share, a breakdown's other items and the benchmark's
other rows all hide with it. Counts of *different* periods or levels add up too: a year minus
its shown quarters, a quarter minus its shown months, a team minus its shown practices. For a
scope the caller sees masked (a practice or POH outside their own scope, a team not wholly
their own) the patient counts are therefore given only as the benchmarks give them:

* per quarter — the period of the benchmarks and reports; a month, a year or another range of
  a masked scope hides every figure of a patient-count KPI;
* per practice, as in the caller's view of the region's benchmark (its complements included);
* a team, only when none of its practices is hidden in those views, nor any item of their
  breakdowns;
* a POH outside the own scope: never (its counts are a part of its practices').
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.kpi import regional
from api.kpi.definitions import KpiDefinition
from api.kpi.periods import Period, is_quarter
from api.kpi.scope import CallerScope, ScopeRef, practice_and_region, resolve_scope
from models import Practice, Region, Team

__all__ = ["as_benchmarked", "forced", "is_quarter", "masked", "practice_figures"]


def _team_practices(session: Session, slug: str) -> list[tuple[str, Region]]:
    """The practices a team's figures cover (as the KPI service resolves it), with regions."""
    ids = resolve_scope(session, scope=ScopeRef("team", slug)).target.practice_ids or ()
    stmt = select(Practice.agb, Region).join(Region).where(Practice.id.in_(ids))
    return [(agb, region) for agb, region in session.execute(stmt)]


def masked(session: Session, scope: ScopeRef, caller: CallerScope) -> bool:
    """Whether the small-number rule applies to this scope for this caller."""
    if scope.level in ("practice", "provider"):
        return not caller.is_own(scope.level, scope.id)
    if scope.level == "team" and not caller.own_all:
        if session.scalar(select(Team.id).where(Team.slug == scope.id)) is None:
            return False
        return not all(caller.is_own("practice", a) for a, _r in _team_practices(session, scope.id))
    return False


def forced(
    session: Session,
    definition: KpiDefinition,
    scope: ScopeRef,
    period: Period,
    own: Callable[[str], bool],
) -> bool:
    """Whether a masked scope's figures of this KPI and period are hidden whatever their
    size (the rules above); KPIs without a patient count are never hidden."""
    if not regional.uses_patient_counts(definition):
        return False
    if scope.level == "provider" or not is_quarter(period):
        return True
    if scope.level == "practice":
        return _hides(_row(session, definition, scope.id, period, own))
    if scope.level != "team":
        return False
    members = _team_practices(session, scope.id)
    by_region: dict[str, tuple[Region, set[str]]] = {}
    for agb, region in members:
        by_region.setdefault(region.slug, (region, set()))[1].add(agb)
    for region, agbs in by_region.values():
        bm = regional.caller_benchmark(session, definition, region, period, own)
        if any(_hides(row) for row in bm.practices if row.agb in agbs):
            return True
    return False


def _hides(row: Any) -> bool:
    """Whether a benchmark row hides anything: its figures or an item of its breakdown."""
    return row.suppressed or any(item.suppressed for item in row.breakdown)


def as_benchmarked(definition: KpiDefinition, scope: ScopeRef, period: Period) -> bool:
    """Whether a masked scope's figures for this period are those of its benchmark row."""
    return (
        scope.level == "practice"
        and "practice" in definition.levels
        and regional.uses_patient_counts(definition)
        and is_quarter(period)
    )


def practice_figures(
    session: Session,
    definition: KpiDefinition,
    agb: str,
    period: Period,
    own: Callable[[str], bool],
) -> dict[str, Any]:
    """A practice's figures as the caller's view of its region's benchmark shows them (a
    copy: the view is shared)."""
    row = _row(session, definition, agb, period, own)
    figures = copy.deepcopy(regional.figures_of(row))
    figures["suppressed"] = row.suppressed
    return figures


def _row(
    session: Session,
    definition: KpiDefinition,
    agb: str,
    period: Period,
    own: Callable[[str], bool],
) -> Any:
    """A practice's row in the caller's view of its region's benchmark (shared: read only)."""
    _name, region = practice_and_region(session, agb)
    bm = regional.caller_benchmark(session, definition, region, period, own)
    return next(r for r in bm.practices if r.agb == agb)
