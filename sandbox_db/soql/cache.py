"""An LRU of translated plans keyed by (statement text, schema version, today).

Plans hold table markers rather than an episode's view names, so one translation serves every
episode that shares a visible schema (same drift) and date.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
Key = tuple[str, str, str, dt.date]


class PlanCache(Generic[T]):
    """Thread-safe LRU; errors are not cached (a failing statement is re-checked each time)."""

    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Key, T] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_build(self, key: Key, build: Callable[[], T]) -> T:
        with self._lock:
            plan = self._data.get(key)
            if plan is not None:
                self._data.move_to_end(key)
                self.hits += 1
                return plan
            self.misses += 1
        plan = build()
        with self._lock:
            self._data[key] = plan
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return plan

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)
