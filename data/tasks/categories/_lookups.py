"""Generic lookup derivations used by the answerable halves of the privacy categories:
a field of one record, a field of the latest record, a record count, the top group.

Underscore module: registered when a category module imports it (once per process).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from data.tasks.categories._phrasing import first_records
from data.tasks.model import NONE_ANSWER
from data.tasks.registry import AmbiguousAnswer, derivation


def _value(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@derivation("record_field")
def record_field(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """params["field"] of the single record of step params.get("step", 0)."""
    records = first_records(results, params.get("step", 0))
    if len(records) != 1:
        raise AmbiguousAnswer(f"expected one record, found {len(records)}")
    value = _value(records[0], params["field"])
    return [str(value)] if value not in (None, "") else [NONE_ANSWER]


@derivation("latest_record_field")
def latest_record_field(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """params["field"] of the first record of step params.get("step", 0) (ordered newest first
    by params["order_field"]); a tie on that field for first place is ambiguous."""
    records = first_records(results, params.get("step", 0))
    if not records:
        return [NONE_ANSWER]
    order = params["order_field"]
    if len(records) > 1 and _value(records[0], order) == _value(records[1], order):
        raise AmbiguousAnswer("two records share the latest date")
    value = _value(records[0], params["field"])
    return [str(value)] if value not in (None, "") else [NONE_ANSWER]


@derivation("record_count")
def record_count(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """How many records step params.get("step", 0) returned."""
    return [str(len(first_records(results, params.get("step", 0))))]


@derivation("top_group")
def top_group(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """params["group"] of the aggregate row with the highest params["value"] in step 0;
    a tie for first place is ambiguous, no rows is None."""
    rows = [r for r in first_records(results, params.get("step", 0)) if _value(r, params["group"])]
    if not rows:
        return [NONE_ANSWER]
    rows.sort(key=lambda r: float(_value(r, params["value"]) or 0), reverse=True)
    if len(rows) > 1 and float(_value(rows[0], params["value"]) or 0) == \
            float(_value(rows[1], params["value"]) or 0):
        raise AmbiguousAnswer("tie for the top group")
    return [str(_value(rows[0], params["group"]))]
