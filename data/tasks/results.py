"""Reading Salesforce-shaped tool results inside derivations, and the argmax/argmin rule.

Why: derivations are pure functions of the JSON an agent would see (records with nested parent
objects, ISO datetime strings, aggregate aliases). These helpers read that shape in one way, and
`unique_best` is the single place that decides a winner is unique (else AmbiguousAnswer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from data.tasks.registry import AmbiguousAnswer

K = TypeVar("K", bound=Hashable)


def records(result: Any) -> list[dict[str, Any]]:
    """The records of a SOQL result ({"records": [...]}), or a SOSL result's searchRecords."""
    if isinstance(result, Mapping):
        for key in ("records", "searchRecords"):
            if key in result:
                return list(result[key] or [])
        raise ValueError(f"not a query result: keys {sorted(result)}")
    return list(result or [])


def value(record: Mapping[str, Any], path: str) -> Any:
    """A (possibly dotted, case-insensitive) field of a record: "Account.ShippingState"."""
    current: Any = record
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        if part in current:
            current = current[part]
            continue
        low = part.lower()
        current = next((v for k, v in current.items() if k.lower() == low), None)
    return current


def as_datetime(v: Any) -> dt.datetime | None:
    """A naive UTC datetime from a result value ("2023-01-02T03:04:05.000+0000", ISO text,
    a date or a datetime)."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).replace(tzinfo=None) if v.tzinfo else v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    text = str(v).strip().replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":  # +0000 -> +00:00
        text = text[:-2] + ":" + text[-2:]
    parsed = dt.datetime.fromisoformat(text)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def as_bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() == "true"
    return bool(v)


def aggregate(record: Mapping[str, Any], alias: str, default: Any = 0) -> Any:
    """An aggregate column by alias (falls back to expr0 when the alias was dropped)."""
    v = value(record, alias)
    if v is None:
        v = record.get("expr0", default)
    return default if v is None else v


#: How a tie the policy does not break is settled: None raises AmbiguousAnswer (gold answers);
#: "first" / "last" take the lowest / highest tied key, as a lazy solver reading the first or
#: last row would (data.tasks.heuristics replays derivations that way).
TIE_BREAK: ContextVar[str | None] = ContextVar("TIE_BREAK", default=None)


@contextmanager
def ties_broken(order: str) -> Iterator[None]:
    """Derivations in this block settle ties by `order` ("first" or "last")."""
    token = TIE_BREAK.set(order)
    try:
        yield
    finally:
        TIE_BREAK.reset(token)


def unique_best(scores: Mapping[K, Any], *, highest: bool = True,
                margin: float = 0.0) -> K | None:
    """The key with the best score, None if `scores` is empty; AmbiguousAnswer when the best two
    are within `margin` (a tie the policy does not break; see TIE_BREAK). Scores may be tuples
    (compared lexicographically; `margin` then applies to the first element only when the rest
    tie)."""
    if not scores:
        return None
    ordered = sorted(scores.items(), key=lambda kv: kv[1], reverse=highest)
    if len(ordered) > 1:
        best, second = ordered[0][1], ordered[1][1]
        if _close(best, second, margin):
            order = TIE_BREAK.get()
            if order is None:
                raise AmbiguousAnswer(f"tie between {ordered[0][0]} and {ordered[1][0]}")
            tied = [k for k, v in ordered if _close(best, v, margin)]
            return (min if order == "first" else max)(tied, key=str)
    return ordered[0][0]


def _close(a: Any, b: Any, margin: float) -> bool:
    if isinstance(a, tuple):
        return a == b
    return abs(a - b) <= margin


def group_count(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for r in rows:
        k = key(r)
        if k is not None:
            counts[k] = counts.get(k, 0) + 1
    return counts
