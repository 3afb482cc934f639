"""The cache of translated plans, keyed by (statement text, schema version, today).

Plans hold table markers rather than an episode's view names, so one translation serves every
episode that shares a visible schema (same drift) and date. Errors are not cached: a failing
statement is re-checked each time.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from core.bounded_cache import BoundedCache

T = TypeVar("T")
Key = tuple[str, str, str, dt.date]


class PlanCache(BoundedCache[Key, T]):
    """Thread-safe LRU of translated plans."""

    def __init__(self, maxsize: int = 4096) -> None:
        super().__init__(maxsize)
