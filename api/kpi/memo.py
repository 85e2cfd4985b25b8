"""What a process remembers: a bounded memo (least recently used out), and which sessions may
use one.

Used for the caller's answers (answers.py), the region tables of a data version (cache.py) and
the callers' grants and account state (api/access.py). Thread-safe; two threads that miss the
same key both compute it, and both are right.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[K]:
        with self._lock:
            return list(self._items)


def process_bind(session: Session) -> Engine | None:
    """The engine of a session whose data only committed transactions change (a server's or a
    command's), else None: a session bound to one connection (the test suite, jobs given one:
    its flushes change the data under one version) or to an in-memory database."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.url.database in (None, "", ":memory:"):
        return None
    return bind
