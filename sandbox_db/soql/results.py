"""Rows -> Salesforce REST result JSON (records with attributes, nested parents and children).

Values are typed as the REST API gives them: dates "YYYY-MM-DD", datetimes
"YYYY-MM-DDTHH:MM:SS.000+0000", numbers as numbers, booleans as booleans.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

from sandbox_db.soql.plan import ChildRef, Compound, Formatted, Shape, TypeOf

API_VERSION = "v62.0"
SOBJECT_URL = f"/services/data/{API_VERSION}/sobjects"
QUERY_URL = f"/services/data/{API_VERSION}/query"


def json_value(value: Any) -> Any:
    """A DuckDB value as the REST API would serialise it."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool or kind is float:
        return value
    if kind is dt.datetime:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"
    if kind is dt.date:
        return value.isoformat()
    if kind is decimal.Decimal:
        return float(value)
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return str(value)


def build_record(shape: Shape, row: tuple[Any, ...]) -> dict[str, Any] | None:
    """One record (or a parent object; None when its Id is null)."""
    rid = row[shape.id_index]
    if rid is None:
        return None
    type_name = shape.type_name if shape.type_index is None else row[shape.type_index]
    rec: dict[str, Any] = {"attributes": {"type": type_name,
                                          "url": f"{SOBJECT_URL}/{type_name}/{rid}"}}
    for key, item in shape.entries:
        kind = type(item)
        if kind is int:
            rec[key] = json_value(row[item])
        elif kind is Shape:
            rec[key] = build_record(item, row)
        elif kind is ChildRef:
            rec[key] = None
        elif kind is Formatted:
            rec[key] = item.render(row[item.index])
        elif kind is Compound:
            parts = {k: None if i is None else json_value(row[i]) for k, i in item.parts}
            rec[key] = parts if any(v is not None for v in parts.values()) else None
        else:
            rec[key] = _typeof_record(item, row)
    return rec


def _typeof_record(item: TypeOf, row: tuple[Any, ...]) -> dict[str, Any] | None:
    """A TYPEOF parent: the WHEN branch of its type, else the ELSE fields, else just its type."""
    rid = row[item.id_index]
    if rid is None:
        return None
    shape = item.variants.get(row[item.type_index]) or item.default
    if shape is None:
        type_name = row[item.type_index]
        return {"attributes": {"type": type_name, "url": f"{SOBJECT_URL}/{type_name}/{rid}"}}
    return build_record(shape, row)


def aggregate_record(keys: list[tuple[str, int, Callable[[Any], Any] | None]],
                     row: tuple[Any, ...]) -> dict[str, Any]:
    rec: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
    for key, index, render in keys:
        rec[key] = json_value(row[index]) if render is None else render(row[index])
    return rec


def query_result(records: list[dict[str, Any]], total: int, query_id: str | None = None,
                 ) -> dict[str, Any]:
    """The `query` response; when capped, done=false and a nextRecordsUrl as Salesforce gives."""
    done = total <= len(records)
    result: dict[str, Any] = {"totalSize": total, "done": done}
    if not done:
        result["nextRecordsUrl"] = f"{QUERY_URL}/{query_id or '01g'}-{len(records)}"
    result["records"] = records
    return result


def child_result(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not records:
        return None
    return {"totalSize": len(records), "done": True, "records": records}
