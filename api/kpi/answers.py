"""The caller's answers, remembered per process: the last presentation step, made once.

A KPI answer is the cached result (api/kpi/cache.py, shared by every process through the
database) *presented for the caller*: the small-number rule outside their own scope, other
practices anonymised for a POH, a scorecard assembled from 20-odd benchmarks. That step costs
more than reading the cached result (a scorecard ~25 ms of CPU, a benchmark ~10 ms), so a
busy server would spend most of its time presenting the same answers again.

An answer is a function of the question (kind and parameters), the caller's scope
(:class:`~api.kpi.scope.CallerScope`: what they may see and what is their own; frozen, so
equal scopes share answers) and the data version. Keyed by all three, a remembered answer is
never stale: an import or a team change moves the data version, and the next question is
answered afresh. Only answers at the current data version are remembered (one served from an
older result while the new one is computed is not), errors never.

Bounded (least recently used out, api/kpi/memo.py), per process: two threads may present
the same answer at once, and both are right.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from api.kpi import cache
from api.kpi.memo import Memo, process_bind

Answer = TypeVar("Answer")
MAX_ANSWERS = 8192

_answers: Memo[tuple[Any, ...], Any] = Memo(MAX_ANSWERS)


def remembered(
    session: Session,
    question: tuple[Hashable, ...],
    caller: Hashable,
    answer: Callable[[], Answer],
) -> Answer:
    """The caller's answer to ``question``, presented once per data version and scope.

    The answer is shared: callers must not change it (the routes only serialise it)."""
    bind = process_bind(session)
    if bind is None:
        return answer()  # one connection (tests, jobs): flushes change the data under it
    version = cache.data_version(session)
    key = (str(bind.url), question, caller, version)
    found = _answers.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    out = answer()
    if getattr(out, "data_version", None) == version:
        _answers.put(key, out)
    return out


def forget() -> None:
    """Drop every remembered answer (tests that change data under one version)."""
    _answers.clear()
