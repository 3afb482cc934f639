"""The cache of translated plans, keyed by (statement text, schema version, today).

Plans hold table markers rather than an episode's view names, so one translation serves every
episode that shares a visible schema (same drift) and date. A statement the translator refuses
(a SalesforceError: unknown field, malformed text) is cached as that refusal too: translation
is a pure function of the key, and agents often repeat a failing statement (the oracle's first
query under drift fails by design in every episode), which cost a full translation each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from core.bounded_cache import BoundedCache
from sandbox_db.errors import ErrorCode, SalesforceError

Key = tuple[str, str, str, dt.date]


class _Refused:
    """A cached refusal: raised again as a new SalesforceError (its own traceback)."""

    __slots__ = ("code", "message")

    def __init__(self, error: SalesforceError) -> None:
        self.code: ErrorCode = error.error_code
        self.message: str = error.message


class PlanCache(BoundedCache[Key, Any]):
    """Thread-safe LRU of translated plans and of the statements translation refused."""

    def __init__(self, maxsize: int = 4096) -> None:
        super().__init__(maxsize)

    def get_or_build(self, key: Key, build: Callable[[], Any]) -> Any:
        value = self.get(key)
        if value is None:
            try:
                value = self.put(key, build())
            except SalesforceError as exc:
                self.put(key, _Refused(exc))
                raise
        if isinstance(value, _Refused):
            raise SalesforceError(value.code, value.message)
        return value
