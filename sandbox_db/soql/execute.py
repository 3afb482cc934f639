"""Run a translated plan on an OrgView and shape the Salesforce REST result."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sandbox_db.database import OrgView
from sandbox_db.errors import ErrorCode, SalesforceError, only_salesforce_errors
from sandbox_db.soql.cache import PlanCache
from sandbox_db.soql.context import RUNNING_USER, context_of
from sandbox_db.soql.results import aggregate_record, build_record, child_result, query_result
from sandbox_db.soql.translate import BATCH_SIZE, Plan, table_marker, translate_soql

#: Salesforce's statement length limit.
MAX_STATEMENT_CHARS = 100_000

#: Shared by all views: plans carry table markers, not an episode's view names. SOQL entries
#: are a Plan, SOSL entries (plans, limit): see sosl.run_sosl.
translation_cache = PlanCache()


def is_sosl(text: str) -> bool:
    """True for `FIND {...}` / `FIND '...'` statements (case-insensitive)."""
    head = text.lstrip()
    return head[:4].upper() == "FIND" and head[4:5] in (" ", "\t", "\n", "\r", "{", "'")


def run_soql(view: OrgView, query: str, *, today: dt.date) -> dict[str, Any]:
    """Run one SOQL query; the result (or SalesforceError) is what the REST API would give."""
    with only_salesforce_errors(ErrorCode.UNKNOWN_EXCEPTION,
                                "An unexpected error occurred while running the query."):
        return execute_plan(view, _soql_plan(view, query, today), query)


def run_soql_page(view: OrgView, query: str, *, today: dt.date, start: int, size: int,
                  ) -> list[dict[str, Any]]:
    """Records [start, start + size) of the query's whole result, in run_soql's order: the
    pages after the first batch, which a query locator (nextRecordsUrl) serves."""
    with only_salesforce_errors(ErrorCode.UNKNOWN_EXCEPTION,
                                "An unexpected error occurred while running the query."):
        plan = _soql_plan(view, query, today)
        if plan.page_sql is None:  # COUNT(): one page, no records
            return []
        size = size if plan.limit is None else min(size, plan.limit - start)
        if start < 0 or size <= 0:
            return []
        sql = f"{plan.page_sql} LIMIT {int(size)} OFFSET {int(start + (plan.offset or 0))}"
        _, rows = view.execute(bind_sql(view, sql, plan.objects), bind_params(view, plan.params))
        return _records(view, plan, rows)


def _soql_plan(view: OrgView, query: str, today: dt.date) -> Plan:
    if not isinstance(query, str):
        raise SalesforceError(ErrorCode.MALFORMED_QUERY, "the query must be a string")
    if len(query) > MAX_STATEMENT_CHARS:
        raise SalesforceError(ErrorCode.MALFORMED_QUERY,
                              f"SOQL statements cannot exceed {MAX_STATEMENT_CHARS} characters")
    today = as_date(today)
    return translation_cache.get_or_build(
        (query, view.schema.version, "soql", today),
        lambda: translate_soql(query, context_of(view), today))


def as_date(today: dt.date) -> dt.date:
    """`today` as a plain date (a datetime's time of day plays no part in date literals)."""
    return today.date() if isinstance(today, dt.datetime) else today


def bind_sql(view: OrgView, sql: str, objects: tuple[str, ...]) -> str:
    for name in objects:
        sql = sql.replace(table_marker(name), view.table(name))
    return sql


def bind_params(view: OrgView, params: list[Any]) -> list[Any]:
    """The plan's parameters with the running user's Id in place of RUNNING_USER."""
    if RUNNING_USER not in params:
        return params
    user = view.effective_user_id
    return [user if p is RUNNING_USER else p for p in params]


def execute_plan(view: OrgView, plan: Plan, query: str = "") -> dict[str, Any]:
    params = bind_params(view, plan.params)
    _, rows = view.execute(bind_sql(view, plan.sql, plan.objects), params)
    if plan.kind == "count":
        return {"totalSize": int(rows[0][0]), "done": True, "records": []}
    total = len(rows)
    if total > BATCH_SIZE:
        rows = rows[:BATCH_SIZE]
        _, counted = view.execute(bind_sql(view, plan.count_sql or "", plan.objects), params)
        total = int(counted[0][0])
    query_id = "01g" + hashlib.sha1(query.encode()).hexdigest()[:15] if total > len(rows) else None
    return query_result(_records(view, plan, rows), total, query_id)


def _records(view: OrgView, plan: Plan, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of a records or aggregate plan as REST records (child subqueries filled in)."""
    if plan.kind == "aggregate":
        return [aggregate_record(plan.aggregate_keys, r) for r in rows]
    shape = plan.shape
    assert shape is not None
    records = [build_record(shape, r) for r in rows]
    _attach_children(view, plan, records, [r[shape.id_index] for r in rows])
    return records  # type: ignore[return-value]


def _attach_children(view: OrgView, plan: Plan, records: list[Any], ids: list[str]) -> None:
    """Run each child subquery once for all `ids` (and its own children, level by level)."""
    if not plan.children or not records:
        return
    for child in plan.children:
        sub = child.plan
        params = [ids, *bind_params(view, sub.params[1:])]
        _, rows = view.execute(bind_sql(view, sub.sql, sub.objects), params)
        assert sub.shape is not None
        built = [build_record(sub.shape, r) for r in rows]
        _attach_children(view, sub, built, [r[sub.shape.id_index] for r in rows])
        grouped: dict[str, list[dict[str, Any]]] = {}
        for r, rec in zip(rows, built, strict=True):
            grouped.setdefault(r[child.fk_index], []).append(rec)  # type: ignore[arg-type]
        for rec, rid in zip(records, ids, strict=True):
            rec[child.relationship] = child_result(grouped.get(rid, []))
