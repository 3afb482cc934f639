"""One bounded, thread-safe memo for every process-wide cache (translated plans, drift plans and
their schemas, verified rot, name resolvers, token counts).

Built on cachetools' LRUCache: the least recently used entry goes first once `maxsize` entries
are held, so a long-lived server's memory stays bounded whatever its agents send. The key must
identify the value exactly (the text itself or a strong digest, never a weak hash that two
different inputs can share). `build` runs outside the lock, so two threads may build the same
entry at once: the values are equal by construction, and the second one wins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """get_or_build(key, build) with at most `maxsize` entries (LRU); counts hits and misses."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: LRUCache[K, V] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._data[key] = value
        return value

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        """The cached value of `key`, else `build()` (stored unless it raises)."""
        value = self.get(key)
        return value if value is not None else self.put(key, build())

    def pop(self, key: K) -> V | None:
        with self._lock:
            return self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._data
