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

An answer is remembered as its JSON (the bytes the API sends, :func:`encoded`), not as the
object: thousands of remembered objects made every full run of Python's garbage collector walk
them all again, pauses of 100–200 ms in which the worker answered nothing (docs/benchmarks.md,
"Pauzes van de garbage collector"); bytes are not tracked by it. A route sends the bytes as
they are; :func:`answer` gives a caller in Python its own copy of the object.
:func:`shared` keeps objects for the few building blocks read by many answers (a caller's
view of a region's benchmark), read only.

Bounded (least recently used out, api/kpi/memo.py), per process: two threads may present
the same answer at once, and both are right.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.kpi import cache
from api.kpi.memo import Memo, process_bind

Answer = TypeVar("Answer")
Model = TypeVar("Model", bound=BaseModel)
MAX_ANSWERS = 8192
MAX_SHARED = 2048

# (question, caller, data version) → the answer's model class and its JSON
_answers: Memo[tuple[Any, ...], tuple[type[BaseModel], bytes]] = Memo(MAX_ANSWERS)
_shared: Memo[tuple[Any, ...], Any] = Memo(MAX_SHARED)


@dataclass(frozen=True)
class Asked(Generic[Model]):
    """A question as the service builds it: its key, who asks, and how it is answered."""

    question: tuple[Hashable, ...]
    caller: Hashable
    compute: Callable[[], Model]


def to_json(model: BaseModel) -> bytes:
    """The JSON the API sends for ``model`` (what FastAPI writes for a response model of its
    class: by alias, nothing left out)."""
    return type(model).__pydantic_serializer__.to_json(model, by_alias=True)


def _key(
    session: Session, question: tuple[Hashable, ...], caller: Hashable
) -> tuple[tuple[Any, ...], str] | None:
    """The memo key of a question and the data version, or None for a session whose data
    changes under one version."""
    bind = process_bind(session)
    if bind is None:
        return None  # one connection (tests, jobs): flushes change the data under it
    version = cache.data_version(session)
    return (str(bind.url), question, caller, version), version


def _remember(key: tuple[Any, ...], version: str, model: BaseModel) -> bytes:
    data = to_json(model)
    if getattr(model, "data_version", None) == version:
        _answers.put(key, (type(model), data))
    return data


def encoded(session: Session, asked: Asked[Any]) -> bytes:
    """The caller's answer as the API sends it (JSON), presented once per data version and
    scope."""
    keyed = _key(session, asked.question, asked.caller)
    if keyed is None:
        return to_json(asked.compute())
    key, version = keyed
    found = _answers.get(key)
    if found is not None:
        return found[1]
    return _remember(key, version, asked.compute())


def answer(session: Session, asked: Asked[Model]) -> Model:
    """The caller's answer as an object of its own (the caller may change it), read from the
    remembered JSON when there is one."""
    keyed = _key(session, asked.question, asked.caller)
    if keyed is None:
        return asked.compute()
    key, version = keyed
    found = _answers.get(key)
    if found is not None:
        model_class, data = found
        return model_class.model_validate_json(data)  # type: ignore[return-value]
    model = asked.compute()
    _remember(key, version, model)
    return model


def shared(
    session: Session,
    question: tuple[Hashable, ...],
    caller: Hashable,
    build: Callable[[], Answer],
) -> Answer:
    """A building block of many answers (the caller's view of a region's benchmark), kept as
    the object itself: callers read it and must not change it."""
    keyed = _key(session, question, caller)
    if keyed is None:
        return build()
    key, version = keyed
    found = _shared.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    out = build()
    if getattr(out, "data_version", None) == version:
        _shared.put(key, out)
    return out


def forget() -> None:
    """Drop every remembered answer (tests that change data under one version)."""
    _answers.clear()
    _shared.clear()
