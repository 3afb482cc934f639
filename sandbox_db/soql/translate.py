"""SOQL AST -> validated DuckDB SQL plan, from an allowlist.

The translator walks the sqlglot AST produced by `dialect.parse_soql` and accepts only the node
types and functions SOQL has; anything else (unknown functions, `*`, joins, CTEs, casts, ...)
is a Salesforce error, so nothing the agent writes reaches DuckDB except through this code.
Names are resolved against the episode's visible schema (case-insensitively) and emitted as exact,
quoted identifiers; every literal becomes a bound parameter (`$n`); LIMIT/OFFSET are validated ints.

Salesforce semantics (documented choices):
- predicates are two-valued, as in SOQL: `f != v`, `NOT IN` and `EXCLUDES` match rows where `f`
  is null; `f = null` / `f != null` test nullness;
- string `=`, `!=`, `IN` compare case-insensitively (`lower(f) = lower(v)`), `LIKE` is `ILIKE`
  with `\\` as the escape; Id and reference comparisons accept 15- or 18-char Ids;
- checkboxes are never null: a null boolean reads as false and `= null` means `= false`;
- a datetime field compares with datetime literals and relative date literals (UTC days); a plain
  date literal against a datetime field, or a datetime literal against a date field, is the
  INVALID_FIELD error Salesforce gives;
- strings sort case-insensitively; record queries add the Id as a final sort key, so results are
  deterministic; ASC puts nulls first and DESC nulls last unless NULLS FIRST/LAST says otherwise;
- AND and OR never mix without parentheses; semi-joins (`IN (SELECT ...)`) stand only at the top
  level of WHERE, at most two, never nested;
- GROUP BY ROLLUP/CUBE (up to three fields) add subtotal rows: by default each group's rows
  come before its subtotal, the grand total last; GROUPING(field) is 1 on subtotal rows;
- parent-child subqueries nest up to four levels below the root (five levels in all).
Functions and literals: see functions.py; polymorphic paths and compound fields: paths.py; USING
SCOPE, WITH DATA CATEGORY and list views: filters.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from sandbox_db.database import quote_ident
from sandbox_db.errors import (
    ErrorCode,
    SalesforceError,
    invalid_relationship,
    invalid_type,
)
from sandbox_db.ids import to_18
from sandbox_db.schema import NUMERIC_TYPES, TEXT_TYPES, FieldType, OrgSchema, SField
from sandbox_db.soql.context import OrgContext, as_context
from sandbox_db.soql.dates import parse_date_value, relative_range
from sandbox_db.soql.dialect import (
    SoqlAliasJoin,
    SoqlCurrency,
    SoqlDate,
    SoqlFields,
    SoqlIncludes,
    SoqlTypeOf,
    malformed_at,
    parse_soql,
    source_span,
)
from sandbox_db.soql.filters import (
    category_predicate,
    filter_error,
    list_view_predicate,
    scope_predicate,
)
from sandbox_db.soql.functions import (
    DISPLAY_FUNCTIONS,
    EARTH_RADIUS,
    ORG_CURRENCY,
    distance_sql,
    formatter,
)
from sandbox_db.soql.paths import Resolved, Scope, is_polymorphic
from sandbox_db.soql.plan import (
    BATCH_SIZE,
    ChildPlan,
    ChildRef,
    Compound,
    Formatted,
    Plan,
    Shape,
    TypeOf,
    table_marker,
)

__all__ = ["BATCH_SIZE", "Plan", "Scope", "Translator", "table_marker", "translate_soql"]

FIELDS_LIMIT = 200
#: Child subqueries below the root (Salesforce: five levels in all since API v58).
MAX_CHILD_DEPTH = 4
MAX_SEMI_JOINS = 2
MAX_SUBTOTAL_FIELDS = 3
ID_TYPES = frozenset({FieldType.ID, FieldType.REFERENCE})
DATE_TYPES = frozenset({FieldType.DATE, FieldType.DATETIME})
UNGROUPABLE = frozenset({FieldType.TEXTAREA, FieldType.DOUBLE, FieldType.CURRENCY,
                         FieldType.PERCENT, FieldType.DATETIME})

#: SOQL date functions -> DuckDB expression template over `{c}`; result is int unless noted.
DATE_FUNCTIONS: dict[str, str] = {
    "CALENDAR_YEAR": "year({c})",
    "CALENDAR_QUARTER": "quarter({c})",
    "CALENDAR_MONTH": "month({c})",
    "DAY_IN_MONTH": "day({c})",
    "DAY_IN_WEEK": "(dayofweek({c}) + 1)",
    "DAY_IN_YEAR": "dayofyear({c})",
    "WEEK_IN_YEAR": "((dayofyear({c}) - 1) // 7 + 1)",
    "WEEK_IN_MONTH": "((day({c}) - 1) // 7 + 1)",
    "FISCAL_YEAR": "year({c})",
    "FISCAL_QUARTER": "quarter({c})",
    "FISCAL_MONTH": "month({c})",
    "DAY_ONLY": "CAST({c} AS DATE)",
    "HOUR_IN_DAY": "hour({c})",
}
DATETIME_ONLY_FUNCTIONS = frozenset({"DAY_ONLY", "HOUR_IN_DAY"})
AGGREGATES: dict[type[exp.Expression], str] = {
    exp.Count: "COUNT", exp.Sum: "SUM", exp.Avg: "AVG", exp.Min: "MIN", exp.Max: "MAX"}
_SELECT_ARGS = frozenset({"expressions", "from_", "where", "group", "having", "order", "limit",
                          "offset", "scope", "list_view", "data_category", "with_mode",
                          "visibility", "soql_for", "soql_update", "soql_joins"})
_COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "=", exp.NEQ: "!=", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
_SF_TYPE_NAMES = {FieldType.ID: "id", FieldType.REFERENCE: "id", FieldType.BOOLEAN: "boolean",
                  FieldType.INT: "integer", FieldType.DOUBLE: "double",
                  FieldType.CURRENCY: "double", FieldType.PERCENT: "double",
                  FieldType.DATE: "date", FieldType.DATETIME: "dateTime"}


def malformed(message: str) -> SalesforceError:
    return SalesforceError(ErrorCode.MALFORMED_QUERY, message)


def unexpected(token: str) -> SalesforceError:
    return malformed(f"unexpected token: '{token}'")


# ---------------------------------------------------------------------------------------------
# Small AST helpers


def path_parts(node: exp.Expression) -> list[str] | None:
    """`Account.Owner.Name` as ['Account', 'Owner', 'Name'] (None when not a plain path)."""
    if isinstance(node, exp.Column):
        parts = [p for p in node.parts]
        if any(not isinstance(p, exp.Identifier) or p.quoted for p in parts):
            return None
        return [p.name for p in parts]
    if isinstance(node, exp.Dot):
        left = path_parts(node.this)
        right = node.expression
        if left is None or not isinstance(right, exp.Identifier) or right.quoted:
            return None
        return [*left, right.name]
    return None


def function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.this).upper()
    if isinstance(node, exp.Format):
        return "FORMAT"
    if isinstance(node, exp.Grouping):
        return "GROUPING"
    return None


def function_args(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.Format):
        return [node.this, *node.expressions]
    return list(node.expressions)


def _unalias(node: exp.Expression) -> exp.Expression:
    return node.this if isinstance(node, exp.Alias) else node


def _is_aggregate(node: exp.Expression) -> bool:
    return type(node) in AGGREGATES or function_name(node) == "COUNT_DISTINCT"


def _contains_aggregate(node: exp.Expression) -> bool:
    return _is_aggregate(node) or (function_name(node) in DISPLAY_FUNCTIONS and any(
        _contains_aggregate(a) for a in function_args(node)))


# ---------------------------------------------------------------------------------------------
# The translator


@dataclass
class Value:
    """A filter value: a Python scalar (bound), a relative date range, or null."""

    kind: str  # "null" | "string" | "number" | "boolean" | "date" | "datetime" | "range"
    value: Any = None


@dataclass
class Operand:
    """The left side of a filter: its SQL, type, display name and field (None: computed)."""

    sql: str
    ftype: FieldType
    name: str
    field: SField | None
    kind: str = "field"  # "field" | "aggregate" | "distance"


class Translator:
    def __init__(self, context: OrgContext | OrgSchema, today: dt.date, text: str = "",
                 depth: int = 0) -> None:
        self.ctx = as_context(context)
        self.schema = self.ctx.visible
        self.today = today
        self.text = text
        self.depth = depth  # child subquery nesting (0: the root statement)
        self.params: list[Any] = []
        self.objects: set[str] = set()
        self._aliases = 0
        self._semi_joins = 0
        self.in_semi_join = False
        self.allow_list_view = False

    def new_alias(self) -> str:
        self._aliases += 1
        return f"t{self._aliases}"

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def unexpected_at(self, node: exp.Expression | None, fallback: str = "") -> SalesforceError:
        """MALFORMED_QUERY naming what the user wrote at `node` (with Row/Column when known)."""
        span = source_span(node) if node is not None else None
        if span is not None and self.text and span[1] < len(self.text):
            start, end = span
            return malformed_at(self.text, start, self.text[start:end + 1])
        return unexpected(fallback or (source_text(node) if node is not None else "<EOF>"))

    # -- statements -------------------------------------------------------------------------

    def translate(self, select: exp.Select) -> Plan:
        self._check_select_args(select)
        scope = self._from_scope(select)
        items = select.expressions
        if len(items) == 1 and isinstance(items[0], exp.Count) and items[0].this is None:
            return self._count_plan(select, scope)
        grouped = bool(select.args.get("group")) or any(
            _contains_aggregate(_unalias(i)) for i in items)
        if grouped:
            return self._aggregate_plan(select, scope)
        return self._records_plan(select, scope)

    def _check_select_args(self, select: exp.Select) -> None:
        for key, value in select.args.items():
            if key not in _SELECT_ARGS and value:
                raise self.unexpected_at(value if isinstance(value, exp.Expression) else None,
                                         key.upper())
        if not select.args.get("from_"):
            raise malformed("unexpected token: '<EOF>'")

    def _table(self, select: exp.Select) -> tuple[exp.Table, list[exp.Identifier]]:
        table = select.args["from_"].this
        path = table.args.get("soql_path") if isinstance(table, exp.Table) else None
        if not path or any(not isinstance(p, exp.Identifier) or p.quoted for p in path):
            raise self.unexpected_at(table, "FROM")
        return table, path

    def _from_scope(self, select: exp.Select) -> Scope:
        table, path = self._table(select)
        if len(path) != 1:
            raise self.unexpected_at(path[1], path[1].name)
        obj = self.schema.get(path[0].name)
        if obj is None:
            raise invalid_type(path[0].name)
        alias = table.args.get("alias")
        self.objects.add(obj.name)
        scope = Scope(self, obj, alias.name if alias is not None else None)
        self._alias_joins(select, scope)
        self._check_clauses(select, scope)
        return scope

    def _alias_joins(self, select: exp.Select, scope: Scope) -> None:
        """`FROM Contact c, c.Account a`: `a` names the path c.Account."""
        for join in select.args.get("soql_joins") or []:
            assert isinstance(join, SoqlAliasJoin)
            parts = path_parts(join.this) or []
            known = {scope.user_alias.lower()} if scope.user_alias else set()
            known |= set(scope.path_aliases)
            if len(parts) < 2 or parts[0].lower() not in known:
                raise self.unexpected_at(join.this)
            rel = scope.strip_prefix(parts)
            key: tuple[str, ...] = ()
            obj, alias = scope.obj, scope.alias
            for name in rel:
                ref = obj.field_by_relationship(name)
                if ref is not None and is_polymorphic(ref):
                    raise invalid_relationship(name, obj.name)
                _, obj, alias, key = scope.parent(obj, alias, key, name)
            name = join.args["alias"].name.lower()
            if name in known or name == scope.obj.name.lower():
                raise malformed(f"duplicate alias: {join.args['alias'].name}")
            scope.path_aliases[name] = rel

    def _check_clauses(self, select: exp.Select, scope: Scope) -> None:
        """Clauses valid only on some objects (the predicates they add come in _where)."""
        update = select.args.get("soql_update")
        if update:
            base = self.ctx.base_object(scope.obj)
            if base is None or not base.name.endswith("__kav"):
                raise filter_error(f"UPDATE {update} is only supported on knowledge "
                                           f"article types, not {scope.obj.name}")
        if select.args.get("list_view") is not None and not self.allow_list_view:
            raise self.unexpected_at(select.args["list_view"])

    def _limit_offset(self, select: exp.Select) -> tuple[int | None, int | None]:
        limit = offset = None
        if (node := select.args.get("limit")) is not None:
            limit = _int_literal(node.args.get("expression"), "LIMIT")
        if (node := select.args.get("offset")) is not None:
            offset = _int_literal(node.args.get("expression"), "OFFSET")
            if offset > 2000:
                raise SalesforceError(ErrorCode.MALFORMED_QUERY,
                                      "Maximum SOQL offset allowed is 2000")
        return limit, offset

    def _count_plan(self, select: exp.Select, scope: Scope) -> Plan:
        if select.args.get("group") or select.args.get("having") or select.args.get("order"):
            raise malformed("COUNT() can only be used by itself in a SELECT without GROUP BY")
        where = self._where(select, scope)
        limit, offset = self._limit_offset(select)
        if limit is None and not offset:
            sql = f"SELECT COUNT(*) FROM {scope.from_sql()}{where}"
        else:
            inner = f"SELECT 1 FROM {scope.from_sql()}{where}{_limit_sql(limit, offset)}"
            sql = f"SELECT COUNT(*) FROM ({inner}) AS c"
        return Plan("count", sql, self.params, tuple(sorted(self.objects)))

    def _where(self, select: exp.Select, scope: Scope) -> str:
        """WHERE, plus the rows USING SCOPE, WITH DATA CATEGORY and USING ListView keep."""
        preds: list[str | None] = []
        if (node := select.args.get("where")) is not None:
            self._check_semi_joins(node.this)
            preds.append(self.condition(node.this, scope))
        if (name := select.args.get("scope")) is not None:
            preds.append(scope_predicate(self, scope, name.name))
        if (categories := select.args.get("data_category")) is not None:
            preds.append(category_predicate(self, scope, categories))
        if (view := select.args.get("list_view")) is not None:
            preds.append(list_view_predicate(self, scope, view.name))
        kept = [p for p in preds if p]
        return (" WHERE " + " AND ".join(kept)) if kept else ""

    def _check_semi_joins(self, node: exp.Expression, top: bool = True) -> None:
        """Semi-joins only as top-level AND terms of WHERE (Salesforce's rule)."""
        if isinstance(node, exp.And) and top:
            self._check_semi_joins(node.this, True)
            self._check_semi_joins(node.expression, True)
            return
        if isinstance(node, exp.Paren):
            self._check_semi_joins(node.this, top and isinstance(node.this, exp.And))
            return
        if isinstance(node, exp.In) and node.args.get("query") is not None:
            if not top:
                raise malformed("Semi join sub-selects are only allowed at the top level WHERE "
                                "expressions and not in nested WHERE expressions.")
            return
        if isinstance(node, exp.Not) and isinstance(node.this, exp.In) \
                and node.this.args.get("query") is not None and top:
            return
        for child in node.iter_expressions():
            self._check_semi_joins(child, False)

    # -- record queries ---------------------------------------------------------------------

    def _records_plan(self, select: exp.Select, scope: Scope, child_fk: str | None = None,
                      ) -> Plan:
        if select.args.get("having"):
            raise malformed("HAVING requires GROUP BY")
        columns: list[str] = []

        def col(sql: str) -> int:
            columns.append(sql)
            return len(columns) - 1

        shape = Shape(scope.obj.name, col(f"{scope.alias}.\"Id\""))
        children: list[ChildPlan] = []
        seen: set[str] = set()
        limit, offset = self._limit_offset(select)
        expr_n = 0
        for item in select.expressions:
            alias = None
            node = item
            if isinstance(item, exp.Alias):
                alias, node = item.alias, item.this
                fname = function_name(node)
                if fname not in DISPLAY_FUNCTIONS and fname != "DISTANCE":
                    raise malformed("only aggregate expressions use field aliasing")
                if alias.lower() in seen or any(k.lower() == alias.lower()
                                                for k, _ in shape.entries):
                    raise malformed(f"duplicate alias: {alias}")
            if isinstance(node, SoqlFields):
                self._fields_function(node, scope, shape, seen, col, limit)
                continue
            if isinstance(node, exp.Subquery):
                child = self._child_plan(node, scope)
                if shape.has_key(child.relationship):
                    raise malformed(f"duplicate field selected: {child.relationship}")
                children.append(child)
                shape.entries.append((child.relationship, ChildRef(len(children) - 1)))
                continue
            if isinstance(node, SoqlTypeOf):
                self._typeof(node, scope, shape, col)
                continue
            fname = function_name(node)
            if fname == "DISTANCE":
                key = alias or f"expr{expr_n}"
                expr_n += alias is None
                shape.entries.append((key, col(self._distance(node, scope))))
                continue
            render = None
            if fname in DISPLAY_FUNCTIONS:
                res, render = self._display(node, scope)
            elif fname in DATE_FUNCTIONS or _is_aggregate(node) or fname == "GROUPING":
                raise malformed(f"Field must be grouped or aggregated: {fname or node.key}")
            else:
                parts = path_parts(node)
                if parts is None:
                    raise _unsupported(node, self)
                res = scope.resolve(parts)
            key = alias.lower() if alias else res.key
            if key in seen:
                raise malformed(f"duplicate field selected: {'.'.join(path_parts(node) or [])}"
                                if not alias else f"duplicate alias: {alias}")
            seen.add(key)
            if res.compound is not None:
                leaf: Any = _compound(res.compound, col)
            elif render is not None:
                leaf = Formatted(col(res.sql), render)
            else:
                leaf = col(res.sql)
            if alias:
                shape.entries.append((alias, leaf))
                continue
            target = shape
            for hop in res.rel_path:
                target = target.child(hop.name, hop.type_name, col(hop.id_sql),
                                      col(hop.type_sql) if hop.type_sql else None)
            target.entries.append((res.field.name, leaf))
        where = self._where(select, scope)
        order = self._order(select, scope, grouped=False)
        order_terms = [*order, f"{scope.alias}.\"Id\""]
        order_sql = " ORDER BY " + ", ".join(order_terms)
        if child_fk is not None:
            fk_index = col(f"{scope.alias}.{quote_ident(child_fk)}")
            fk = f"{scope.alias}.{quote_ident(child_fk)}"
            cond = f"{fk} IN (SELECT unnest($1::VARCHAR[]))"
            where = f" WHERE {cond}" + (f" AND ({where[7:]})" if where else "")
            qualify = ""
            if limit is not None or offset is not None:
                window = f"row_number() OVER (PARTITION BY {fk}{order_sql})"
                lo = offset or 0
                hi = "" if limit is None else f" AND {window} <= {lo + limit}"
                qualify = f" QUALIFY {window} > {lo}{hi}"
            sql = (f"SELECT {', '.join(columns)} FROM {scope.from_sql()}{where}{qualify}"
                   f" ORDER BY {', '.join([fk, *order_terms])}")
            return Plan("records", sql, self.params, tuple(sorted(self.objects)), shape=shape,
                        fk_index=fk_index, children=children)
        base = f"SELECT {', '.join(columns)} FROM {scope.from_sql()}{where}{order_sql}"
        capped = BATCH_SIZE + 1 if limit is None else min(limit, BATCH_SIZE + 1)
        count_sql = (f"SELECT COUNT(*) FROM (SELECT 1 FROM {scope.from_sql()}{where}"
                     f"{_limit_sql(limit, offset)}) AS c")
        return Plan("records", base + _limit_sql(capped, offset), self.params,
                    tuple(sorted(self.objects)), shape=shape, count_sql=count_sql,
                    children=children, page_sql=base, limit=limit, offset=offset)

    def _fields_function(self, node: SoqlFields, scope: Scope, shape: Shape, seen: set[str],
                         col: Callable[[str], int], limit: int | None) -> None:
        if node.this in ("ALL", "CUSTOM") and (limit is None or limit > FIELDS_LIMIT):
            raise malformed("The SOQL FIELDS function must have a LIMIT of at most 200")
        for f in scope.obj.fields:
            if node.this == "ALL" or (node.this == "CUSTOM") == f.custom:
                if f.name.lower() in seen:
                    raise SalesforceError(ErrorCode.INVALID_FIELD,
                                          f"duplicate field selected: {f.name}")
                seen.add(f.name.lower())
                column = f"{scope.alias}.{quote_ident(f.name)}"
                if f.type == FieldType.BOOLEAN:
                    column = f"COALESCE({column}, FALSE)"
                shape.entries.append((f.name, col(column)))

    def _typeof(self, node: SoqlTypeOf, scope: Scope, shape: Shape,
                col: Callable[[str], int]) -> None:
        """TYPEOF What WHEN Account THEN ... ELSE ... END: fields per type of the parent."""
        parts = path_parts(node.this)
        if parts is None:
            raise self.unexpected_at(node.this)
        obj, alias, key, ref = scope.relationship(parts)
        if not is_polymorphic(ref):
            raise malformed(f"TYPEOF can only be used on a polymorphic relationship; "
                            f"{ref.relationship_name} always refers to {ref.reference_to[0]}")
        if shape.has_key(ref.relationship):
            raise malformed(f"duplicate field selected: {ref.relationship_name}")
        hop = scope.polymorphic_hop(alias, ref)
        id_index = col(hop.id_sql)
        type_index = col(hop.type_sql or "NULL")
        targets = {t.name.lower(): t for t in scope.targets(ref)}
        variants: dict[str, Shape] = {}
        for when in node.expressions:
            name = when.this.name
            target = targets.get(name.lower())
            if target is None:
                if self.schema.get(name) is None:
                    raise invalid_type(name)
                raise malformed(f"TYPEOF {ref.relationship_name}: {name} is not one of its "
                                f"types ({', '.join(ref.reference_to)})")
            if target.name in variants:
                raise malformed(f"duplicate WHEN {name} in TYPEOF")
            t_alias = scope.target_alias(alias, key, ref, target)
            start = (target, t_alias, key + (ref.relationship.lower(), target.name.lower()))
            variant = Shape(target.name, id_index)
            for f in when.expressions:
                res = scope.resolve(path_parts(f) or [], start=start)
                self._add_leaf(variant, res, col)
            variants[target.name] = variant
        default = None
        if node.args.get("default"):
            default = Shape(ref.reference_to[0], id_index, type_index=type_index)
            for f in node.args["default"]:
                parts = path_parts(f) or []
                if len(parts) != 1:
                    raise invalid_relationship(parts[0], "Name")
                res = scope.name_field(alias, key, ref, parts[0], [])
                default.entries.append((res.field.name, col(res.sql)))
        shape.entries.append((ref.relationship, TypeOf(id_index, type_index, variants,
                                                             default)))

    def _add_leaf(self, shape: Shape, res: Resolved, col: Callable[[str], int]) -> None:
        target = shape
        for hop in res.rel_path:
            target = target.child(hop.name, hop.type_name, col(hop.id_sql),
                                  col(hop.type_sql) if hop.type_sql else None)
        if target.has_key(res.field.name):
            raise malformed(f"duplicate field selected: {res.field.name}")
        target.entries.append((res.field.name, col(res.sql) if res.compound is None else
                               _compound(res.compound, col)))

    def _child_plan(self, sub: exp.Subquery, parent: Scope) -> ChildPlan:
        select = sub.this
        if not isinstance(select, exp.Select) or sub.args.get("alias"):
            raise _unsupported(sub, self)
        if self.depth >= MAX_CHILD_DEPTH:
            raise malformed("SOQL statements cannot query aggregate relationships more than "
                            f"{MAX_CHILD_DEPTH} levels away from the root entity object.")
        self._check_select_args(select)
        table, path = self._table(select)
        rel_name = path[-1].name
        qualifier = [p.name.lower() for p in path[:-1]]
        allowed = {parent.obj.name.lower(), *([parent.user_alias.lower()]
                                              if parent.user_alias else [])}
        rel = parent.obj.child_relationship(rel_name) \
            if len(qualifier) <= 1 and set(qualifier) <= allowed else None
        child_obj = self.schema.get(rel.child_object) if rel else None
        if rel is None or child_obj is None:
            raise SalesforceError(
                ErrorCode.INVALID_TYPE,
                f"Didn't understand relationship '{'.'.join(p.name for p in path)}' in FROM part "
                "of query call. If you are attempting to use a custom relationship, be sure to "
                "append the '__r' after the custom relationship name. Please reference your WSDL "
                "or the describe call for the appropriate names.")
        if select.args.get("group") or any(_contains_aggregate(_unalias(i))
                                           for i in select.expressions):
            raise malformed("aggregate functions are not supported in child relationship queries")
        for key in ("scope", "soql_update", "soql_joins"):
            if select.args.get(key):
                raise self.unexpected_at(None, key.removeprefix("soql_").upper())
        sub_tr = Translator(self.ctx, self.today, self.text, self.depth + 1)
        sub_tr.params.append(None)  # $1: the parent Id list
        sub_tr.objects.add(child_obj.name)
        alias = table.args.get("alias")
        scope = Scope(sub_tr, child_obj, alias.name if alias is not None else None)
        sub_tr._check_clauses(select, scope)
        plan = sub_tr._records_plan(select, scope, child_fk=rel.field)
        assert plan.fk_index is not None
        self.objects |= sub_tr.objects
        return ChildPlan(rel.relationship_name, plan, plan.fk_index)

    # -- display functions, DISTANCE ----------------------------------------------------------

    def _display(self, node: exp.Expression, scope: Scope,
                 ) -> tuple[Resolved, Callable[[Any], Any] | None]:
        """toLabel/convertCurrency/FORMAT over a field: (the field, how to render it)."""
        fname = function_name(node)
        args = function_args(node)
        if len(args) != 1:
            raise malformed(f"{_display_name(fname)}() takes one field")
        inner = args[0]
        if fname == "FORMAT" and function_name(inner) == "CONVERTCURRENCY":
            res, _ = self._display(inner, scope)
            return res, formatter(res.field.type)
        parts = path_parts(inner)
        if parts is None:
            raise _unsupported(inner, self)
        res = scope.resolve(parts)
        self._check_display(fname, res)
        return res, formatter(res.field.type) if fname == "FORMAT" else None

    def _check_display(self, fname: str | None, res: Resolved) -> None:
        """The field types each display function takes (INVALID_FIELD otherwise)."""
        name = _display_name(fname)
        if res.compound is not None:
            raise SalesforceError(ErrorCode.INVALID_FIELD, f"{name}() can not be applied to the "
                                                           f"compound field {res.field.name}")
        wanted = {"TOLABEL": (FieldType.PICKLIST, FieldType.MULTIPICKLIST),
                  "CONVERTCURRENCY": (FieldType.CURRENCY,)}.get(fname or "")
        if wanted is not None and res.field.type not in wanted:
            raise SalesforceError(
                ErrorCode.INVALID_FIELD,
                f"{name}() can only be applied to "
                f"{'picklist' if fname == 'TOLABEL' else 'currency'} fields; {res.field.name} is "
                f"of type {res.field.type.value}")

    def _distance(self, node: exp.Expression, scope: Scope) -> str:
        """DISTANCE(location field, GEOLOCATION(lat, lon), 'mi'|'km') -> SQL."""
        args = function_args(node)
        if len(args) != 3:
            raise malformed("DISTANCE() takes a location field, a GEOLOCATION() and a unit")
        field_node, point, unit_node = args
        parts = path_parts(field_node)
        if parts is None:
            raise _unsupported(field_node, self)
        res = scope.resolve(parts)
        if res.compound is None or not {"latitude", "longitude"} <= set(res.compound):
            raise SalesforceError(ErrorCode.INVALID_FIELD,
                                  f"DISTANCE() needs a location or address field; "
                                  f"{res.field.name} is not one")
        if function_name(point) != "GEOLOCATION" or len(function_args(point)) != 2:
            raise malformed("DISTANCE() needs GEOLOCATION(latitude, longitude) as its second "
                            "argument")
        lat, lon = (_number(a) for a in function_args(point))
        if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  "GEOLOCATION() needs a latitude in [-90, 90] and a longitude "
                                  "in [-180, 180]")
        if not (isinstance(unit_node, exp.Literal) and unit_node.is_string
                and unit_node.this.lower() in EARTH_RADIUS):
            raise malformed("DISTANCE() units are 'mi' or 'km'")
        return distance_sql(res.compound["latitude"], res.compound["longitude"],
                            self.param(float(lat)), self.param(float(lon)),
                            unit_node.this.lower())

    # -- aggregate queries ------------------------------------------------------------------

    def _aggregate_plan(self, select: exp.Select, scope: Scope) -> Plan:
        group_keys: dict[str, str] = {}  # canonical key -> sql
        group_sql: list[str] = []
        subtotals = None  # "ROLLUP" | "CUBE"
        group = select.args.get("group")
        limit, offset = self._limit_offset(select)
        if group is not None:
            fields = group.expressions
            for key in ("rollup", "cube"):
                if group.args.get(key):
                    subtotals = key.upper()
                    fields = group.args[key][0].expressions
                    if len(fields) > MAX_SUBTOTAL_FIELDS:
                        raise malformed(f"GROUP BY {subtotals} takes at most "
                                        f"{MAX_SUBTOTAL_FIELDS} fields")
            for g in fields:
                sql, key = self._group_expr(g, scope, in_group=True)
                if key in group_keys:
                    raise malformed(f"duplicate field in GROUP BY: {source_text(g)}")
                group_keys[key] = sql
                group_sql.append(sql)
        elif limit is not None:
            raise malformed("An aggregate query without GROUP BY returns one row: it can't "
                            "use LIMIT")
        columns: list[str] = []
        keys: list[tuple[str, int, Callable[[Any], Any] | None]] = []
        expr_n = 0
        for item in select.expressions:
            alias = None
            if isinstance(item, exp.Alias):
                alias = item.alias
                item = item.this
            if isinstance(item, (exp.Subquery, SoqlFields, SoqlTypeOf)):
                raise malformed("child relationship, TYPEOF and FIELDS() are not allowed in "
                                "aggregate queries")
            sql, name, render = self._aggregate_item(item, scope, group_keys, subtotals)
            name = alias or name
            if name is None:
                name = f"expr{expr_n}"
                expr_n += 1
            if any(k.lower() == name.lower() for k, _, _ in keys):
                raise malformed(f"duplicate alias: {name}")
            columns.append(sql)
            keys.append((name, len(columns) - 1, render))
        where = self._where(select, scope)
        having = ""
        if (node := select.args.get("having")) is not None:
            having = " HAVING " + self.condition(node.this, scope, having_groups=group_keys)
        order = self._order(select, scope, grouped=True, group_keys=group_keys,
                            subtotals=subtotals)
        if not order:
            order = [term for s in group_sql for term in (
                [f"GROUPING({s}) ASC"] if subtotals else []) + [f"{s} ASC NULLS FIRST"]]
        order_sql = (" ORDER BY " + ", ".join(order)) if order else ""
        group_clause = ""
        if group_sql:
            joined = ", ".join(group_sql)
            group_clause = f" GROUP BY {subtotals} ({joined})" if subtotals else \
                f" GROUP BY {joined}"
        body = f"SELECT {', '.join(columns)} FROM {scope.from_sql()}{where}{group_clause}{having}"
        capped = BATCH_SIZE + 1 if limit is None else min(limit, BATCH_SIZE + 1)
        count_sql = f"SELECT COUNT(*) FROM ({body}{_limit_sql(limit, offset)}) AS c"
        return Plan("aggregate", body + order_sql + _limit_sql(capped, offset), self.params,
                    tuple(sorted(self.objects)), aggregate_keys=keys, count_sql=count_sql,
                    page_sql=body + order_sql, limit=limit, offset=offset)

    def _aggregate_item(self, item: exp.Expression, scope: Scope, group_keys: dict[str, str],
                        subtotals: str | None,
                        ) -> tuple[str, str | None, Callable[[Any], Any] | None]:
        """(SQL, default key, renderer) of one select item of an aggregate query."""
        fname = function_name(item)
        if fname == "GROUPING":
            return self._grouping(item, scope, group_keys, subtotals), None, None
        if _is_aggregate(item):
            return self._aggregate_sql(item, scope), None, None
        if fname in DISPLAY_FUNCTIONS and _contains_aggregate(item):
            (inner,) = function_args(item) if len(function_args(item)) == 1 else (None,)
            if fname != "FORMAT" or inner is None or not _is_aggregate(inner):
                raise malformed(f"{_display_name(fname)}() can't be applied to an aggregate "
                                "result (only FORMAT() can)")
            return self._aggregate_sql(inner, scope), None, formatter(
                self._aggregate_type(inner, scope))
        sql, key = self._group_expr(item, scope)
        if key not in group_keys:
            label = fname if fname in DATE_FUNCTIONS else key.rsplit(".", 1)[-1]
            parts = path_parts(item if fname not in DISPLAY_FUNCTIONS else function_args(item)[0])
            if parts is not None:
                label = scope.resolve(parts).field.name
            raise malformed(f"Field must be grouped or aggregated: {label}")
        name, render = None, None
        if fname in DISPLAY_FUNCTIONS:
            res, render = self._display(item, scope)
            name = res.field.name
        elif (parts := path_parts(item)) is not None:
            name = scope.resolve(parts).field.name
        return sql, name, render

    def _grouping(self, node: exp.Expression, scope: Scope, group_keys: dict[str, str],
                  subtotals: str | None) -> str:
        args = function_args(node)
        if subtotals is None:
            raise malformed("GROUPING() can only be used with GROUP BY ROLLUP or CUBE")
        if len(args) != 1:
            raise malformed("GROUPING() takes one field")
        sql, key = self._group_expr(args[0], scope)
        if key not in group_keys:
            raise malformed(f"GROUPING() field must be in the GROUP BY: {source_text(args[0])}")
        return f"GROUPING({sql})"

    def _group_expr(self, node: exp.Expression, scope: Scope, in_group: bool = False,
                    ) -> tuple[str, str]:
        """SQL and canonical key of a groupable expression: a field path or a date function."""
        fname = function_name(node)
        if fname in DATE_FUNCTIONS:
            sql, _ = self._date_function(node, scope)
            return sql, f"{fname}({sql})"
        if fname in DISPLAY_FUNCTIONS:
            if in_group:
                raise malformed(f"{_display_name(fname)}() can not be used in GROUP BY")
            res, _ = self._display(node, scope)
            return res.sql, res.key
        parts = path_parts(node)
        if parts is None:
            raise _unsupported(node, self)
        res = scope.resolve(parts)
        if res.compound is not None or (res.field.type in UNGROUPABLE and in_group):
            raise malformed(f"field '{res.field.name}' can not be grouped in a query call")
        return res.sql, res.key

    def _aggregate_type(self, node: exp.Expression, scope: Scope) -> FieldType:
        if isinstance(node, exp.Count) or function_name(node) == "COUNT_DISTINCT":
            return FieldType.INT
        if isinstance(node, exp.Avg):
            return FieldType.DOUBLE
        return self._field_arg(node.this, scope).field.type

    def _aggregate_sql(self, node: exp.Expression, scope: Scope) -> str:
        fname = function_name(node)
        if fname == "COUNT_DISTINCT":
            args = function_args(node)
            if len(args) != 1:
                raise malformed("COUNT_DISTINCT takes one field")
            res = self._field_arg(args[0], scope)
            return f"COUNT(DISTINCT {res.sql})"
        name = AGGREGATES[type(node)]
        arg = node.this
        if node.expressions or isinstance(arg, exp.Distinct):
            raise _unsupported(node, self)
        if arg is None:
            if name != "COUNT":
                raise malformed(f"{name}() needs a field")
            return "COUNT(*)"
        res = self._field_arg(arg, scope)
        if name in ("SUM", "AVG") and res.field.type not in NUMERIC_TYPES:
            raise malformed(f"field {res.field.name} does not support aggregate operator {name}")
        if name in ("MIN", "MAX") and res.field.type in (FieldType.TEXTAREA, FieldType.BOOLEAN,
                                                          FieldType.MULTIPICKLIST):
            raise malformed(f"field {res.field.name} does not support aggregate operator {name}")
        return f"{name}({res.sql})"

    def _field_arg(self, node: exp.Expression, scope: Scope) -> Resolved:
        parts = path_parts(node)
        if parts is None:
            raise _unsupported(node, self)
        res = scope.resolve(parts)
        if res.compound is not None:
            raise malformed(f"compound field {res.field.name} can not be aggregated")
        return res

    def _date_function(self, node: exp.Expression, scope: Scope) -> tuple[str, FieldType]:
        fname = function_name(node)
        assert fname is not None  # dispatched here by its name
        args = function_args(node)
        if len(args) != 1:
            raise malformed(f"{fname} takes one date or dateTime field")
        inner = args[0]
        if function_name(inner) == "CONVERTTIMEZONE" and len(function_args(inner)) == 1:
            inner = function_args(inner)[0]  # times are UTC: the user's zone is UTC
        res = self._field_arg(inner, scope)
        if res.field.type not in DATE_TYPES or (
                fname in DATETIME_ONLY_FUNCTIONS and res.field.type != FieldType.DATETIME):
            raise malformed(f"{fname} can not be applied to field {res.field.name} "
                            f"of type {res.field.type.value}")
        result = FieldType.DATE if fname == "DAY_ONLY" else FieldType.INT
        return DATE_FUNCTIONS[fname].format(c=res.sql), result

    # -- ORDER BY ---------------------------------------------------------------------------

    def _order(self, select: exp.Select, scope: Scope, grouped: bool,
               group_keys: dict[str, str] | None = None,
               subtotals: str | None = None) -> list[str]:
        order = select.args.get("order")
        if order is None:
            return []
        out = []
        for o in order.expressions:
            if not isinstance(o, exp.Ordered):
                raise _unsupported(o, self)
            node = o.this
            fname = function_name(node)
            if grouped and _is_aggregate(node):
                sql = self._aggregate_sql(node, scope)
            elif grouped and fname == "GROUPING":
                sql = self._grouping(node, scope, group_keys or {}, subtotals)
            elif fname in DATE_FUNCTIONS:
                sql, _ = self._date_function(node, scope)
            elif fname == "DISTANCE" and not grouped:
                sql = self._distance(node, scope)
            else:
                if fname in DISPLAY_FUNCTIONS:
                    raise malformed(f"{_display_name(fname)}() can not be used in ORDER BY")
                parts = path_parts(node)
                if parts is None:
                    raise _unsupported(node, self)
                res = scope.resolve(parts)
                if res.field.type == FieldType.TEXTAREA or res.compound is not None:
                    raise malformed(f"field '{res.field.name}' can not be sorted in a query call")
                if grouped and group_keys is not None and res.key not in group_keys:
                    raise malformed(f"Ordered field must be grouped or aggregated: "
                                    f"{res.field.name}")
                sql = f"lower({res.sql})" if res.field.type in TEXT_TYPES else res.sql
            direction = "DESC" if o.args.get("desc") else "ASC"
            nulls = "NULLS FIRST" if o.args.get("nulls_first") else "NULLS LAST"
            out.append(f"{sql} {direction} {nulls}")
        return out

    # -- conditions -------------------------------------------------------------------------

    def condition(self, node: exp.Expression, scope: Scope,
                  having_groups: dict[str, str] | None = None) -> str:
        """A two-valued SQL predicate (never NULL)."""
        if isinstance(node, (exp.And, exp.Or)):
            self._check_no_mixing(node)
            op = "AND" if isinstance(node, exp.And) else "OR"
            return (f"({self.condition(node.this, scope, having_groups)} {op} "
                    f"{self.condition(node.expression, scope, having_groups)})")
        if isinstance(node, exp.Not):
            return f"(NOT {self.condition(node.this, scope, having_groups)})"
        if isinstance(node, exp.Paren):
            return self.condition(node.this, scope, having_groups)
        if type(node) in _COMPARISONS:
            return self._comparison(node, _COMPARISONS[type(node)], scope, having_groups)
        if isinstance(node, exp.Like):
            return self._like(node, scope, having_groups)
        if isinstance(node, exp.In):
            return self._in(node, scope, having_groups)
        if isinstance(node, SoqlIncludes):
            return self._includes(node, scope)
        raise _unsupported(node, self)

    def _check_no_mixing(self, node: exp.Expression) -> None:
        """`a AND b OR c` is MALFORMED in SOQL: parentheses must say which is meant. Salesforce
        reports the second of the two operators, as its parser meets it."""
        other = exp.Or if isinstance(node, exp.And) else exp.And
        for side, reported in ((node.this, node), (node.expression, node.expression)):
            if isinstance(side, other):
                word = "AND" if isinstance(reported, exp.And) else "OR"
                left, right = source_span(reported.this), source_span(reported.expression)
                if left and right and self.text:
                    offset = self.text[left[1] + 1:right[0]].upper().find(word)
                    if offset >= 0:
                        start = left[1] + 1 + offset
                        raise malformed_at(self.text, start, self.text[start:start + len(word)])
                raise unexpected(word)

    def _operand(self, node: exp.Expression, scope: Scope,
                 having_groups: dict[str, str] | None) -> Operand:
        """The left side of a filter."""
        if having_groups is not None and _is_aggregate(node):
            sql = self._aggregate_sql(node, scope)
            if isinstance(node, exp.Count) or function_name(node) == "COUNT_DISTINCT":
                return Operand(sql, FieldType.INT, "COUNT", None, "aggregate")
            res = self._field_arg(node.this, scope)
            ftype = FieldType.DOUBLE if isinstance(node, exp.Avg) else res.field.type
            return Operand(sql, ftype, res.field.name, None, "aggregate")
        fname = function_name(node)
        if fname in DATE_FUNCTIONS:
            sql, ftype = self._date_function(node, scope)
            return Operand(sql, ftype, fname, None)
        if fname == "DISTANCE" and having_groups is None:
            return Operand(self._distance(node, scope), FieldType.DOUBLE, "DISTANCE", None,
                           "distance")
        if fname == "TOLABEL":
            res, _ = self._display(node, scope)
            node = function_args(node)[0]
        elif fname is not None:
            raise _unsupported(node, self)
        parts = path_parts(node)
        if parts is None:
            raise _unsupported(node, self)
        res = scope.resolve(parts)
        if having_groups is not None and res.key not in having_groups:
            raise malformed(f"Field must be grouped or aggregated: {res.field.name}")
        if res.field.type == FieldType.TEXTAREA or res.compound is not None:
            raise SalesforceError(ErrorCode.INVALID_FIELD,
                                  f"field '{res.field.name}' can not be filtered in a query call")
        return Operand(res.sql, res.field.type, res.field.name, res.field)

    def _value(self, node: exp.Expression, ftype: FieldType, name: str,
               in_having: bool = False) -> Value:
        """Check a literal against the field type, as Salesforce does, and convert it."""
        if isinstance(node, exp.Null):
            return Value("null")
        if isinstance(node, exp.Literal) and node.is_string:
            text = node.this
            if ftype in ID_TYPES:
                if text == "":
                    return Value("string", "")
                if len(text) not in (15, 18) or not text.isalnum():
                    raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                          f"invalid ID field: {text}")
                return Value("string", canonical_id(text))
            if ftype in TEXT_TYPES:
                return Value("string", text)
            raise _type_mismatch(name, ftype)
        if isinstance(node, SoqlCurrency):
            if in_having:
                raise malformed("currency ISO code values can not be used in HAVING: the "
                                "aggregate is in the org's currency")
            if ftype != FieldType.CURRENCY:
                raise _type_mismatch(name, ftype)
            if node.this != ORG_CURRENCY:
                raise SalesforceError(ErrorCode.INVALID_FIELD,
                                      f"invalid currency ISO code: {node.this} (this org's "
                                      f"currency is {ORG_CURRENCY})")
            return Value("number", float(node.expression))
        if isinstance(node, (exp.Literal, exp.Neg)):
            number = _number(node)
            if number is None:
                raise _unsupported(node, self)
            if ftype in NUMERIC_TYPES:
                return Value("number", number)
            raise _type_mismatch(name, ftype)
        if isinstance(node, exp.Boolean):
            if ftype == FieldType.BOOLEAN:
                return Value("boolean", bool(node.this))
            raise _type_mismatch(name, ftype)
        if isinstance(node, SoqlDate):
            text = node.this
            if text[0].isdigit():
                value = parse_date_value(text)
                if value is None:
                    raise malformed(f"invalid date literal: {text}")
                is_dt = isinstance(value, dt.datetime)
                if ftype == FieldType.DATE and not is_dt:
                    return Value("date", value)
                if ftype == FieldType.DATETIME and is_dt:
                    return Value("datetime", value)
                raise _type_mismatch(name, ftype)
            if ftype in DATE_TYPES:
                return Value("range", relative_range(text, self.today))
            raise _type_mismatch(name, ftype)
        raise _unsupported(node, self)

    def _comparison(self, node: exp.Expression, op: str, scope: Scope,
                    having_groups: dict[str, str] | None) -> str:
        left = self._operand(node.this, scope, having_groups)
        if left.kind == "distance" and op not in ("<", ">"):
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  f"DISTANCE() can only be compared with < or >, not {op}")
        value = self._value(node.expression, left.ftype, left.name, having_groups is not None)
        return self._compare(left.sql, left.ftype, op, value)

    def _compare(self, left: str, ftype: FieldType, op: str, value: Value) -> str:
        if value.kind == "null" and ftype == FieldType.BOOLEAN:
            value = Value("boolean", False)  # `checkbox = null` means `= false`, as Salesforce
        if value.kind == "null":
            if op == "=":
                return f"({left} IS NULL)"
            if op == "!=":
                return f"({left} IS NOT NULL)"
            return "FALSE"
        if op in ("<", "<=", ">", ">=") and ftype == FieldType.BOOLEAN:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  f"invalid operator on boolean field: {op}")
        if value.kind == "range":
            start, end = value.value
            if ftype == FieldType.DATETIME:
                start = dt.datetime.combine(start, dt.time())
                end = dt.datetime.combine(end, dt.time())
            if op in ("=", "!="):
                inside = f"({left} >= {self.param(start)} AND {left} < {self.param(end)})"
                pred = inside if op == "=" else f"NOT {inside}"
            else:
                bound = self.param(start if op in ("<", ">=") else end)
                pred = f"{left} {'<' if op in ('<', '<=') else '>='} {bound}"
            return f"COALESCE({pred}, {'TRUE' if op == '!=' else 'FALSE'})"
        if value.kind == "string" and ftype not in ID_TYPES:
            left, p = f"lower({left})", self.param(value.value.lower())
        else:
            p = self.param(value.value)
        if op == "!=":
            return f"(NOT COALESCE({left} = {p}, FALSE))"
        return f"COALESCE({left} {op} {p}, FALSE)"

    def _like(self, node: exp.Like, scope: Scope, having_groups: dict[str, str] | None) -> str:
        left = self._operand(node.this, scope, having_groups)
        pattern = node.expression
        if left.ftype in ID_TYPES:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  "invalid operator on id field")
        if left.ftype not in TEXT_TYPES:
            raise SalesforceError(
                ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                f"invalid operator on {_SF_TYPE_NAMES.get(left.ftype, left.ftype.value)} field")
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise _type_mismatch(left.name, left.ftype)
        return f"COALESCE({left.sql} ILIKE {self.param(pattern.this)} ESCAPE '\\', FALSE)"

    def _in(self, node: exp.In, scope: Scope, having_groups: dict[str, str] | None) -> str:
        for key in ("unnest", "field", "is_global"):
            if node.args.get(key):
                raise _unsupported(node, self)
        left = self._operand(node.this, scope, having_groups)
        if left.kind == "distance":
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  "DISTANCE() can only be compared with < or >")
        query = node.args.get("query")
        if query is not None:
            return self._semi_join(left, query)
        values = [self._value(v, left.ftype, left.name, having_groups is not None)
                  for v in node.expressions]
        if not values:
            raise unexpected(")")
        if any(v.kind in ("range", "null") for v in values):
            return "(" + " OR ".join(self._compare(left.sql, left.ftype, "=", v)
                                     for v in values) + ")"
        if values[0].kind == "string" and left.ftype not in ID_TYPES:
            sql = f"lower({left.sql})"
            params = [self.param(v.value.lower()) for v in values]
        else:
            sql = left.sql
            params = [self.param(v.value) for v in values]
        return f"COALESCE({sql} IN ({', '.join(params)}), FALSE)"

    def _semi_join(self, left: Operand, query: exp.Expression) -> str:
        select = query.this if isinstance(query, exp.Subquery) else query
        if not isinstance(select, exp.Select):
            raise _unsupported(query, self)
        if self.in_semi_join:
            raise malformed("Nesting of semi join sub-selects is not supported")
        self._semi_joins += 1
        if self._semi_joins > MAX_SEMI_JOINS:
            raise malformed(f"A WHERE clause can have at most {MAX_SEMI_JOINS} semi join or "
                            "anti join sub-selects")
        if left.field is None or left.ftype not in ID_TYPES:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  f"Invalid semi join: field '{left.name}' must be an Id or a "
                                  f"reference field")
        self._check_select_args(select)
        for key in ("group", "having", "order", "offset", "soql_update", "list_view"):
            if select.args.get(key):
                raise malformed(f"{key.removeprefix('soql_').upper()} is not supported in semi "
                                "join inner selects")
        self.in_semi_join = True
        try:
            sub_scope = self._from_scope(select)
            if len(select.expressions) != 1:
                raise malformed("semi join inner selects must select exactly one Id field")
            parts = path_parts(select.expressions[0])
            if parts is None:
                raise _unsupported(select.expressions[0], self)
            res = sub_scope.resolve(parts)
            if res.field.type not in ID_TYPES:
                raise malformed(f"Invalid semi join: field '{res.field.name}' must be an Id or "
                                f"a reference field")
            where = self._where(select, sub_scope)
        finally:
            self.in_semi_join = False
        where = f"{where} AND {res.sql} IS NOT NULL" if where else f" WHERE {res.sql} IS NOT NULL"
        limit, _ = self._limit_offset(select)
        inner = f"SELECT {res.sql} FROM {sub_scope.from_sql()}{where}{_limit_sql(limit, None)}"
        return f"COALESCE({left.sql} IN ({inner}), FALSE)"

    def _includes(self, node: SoqlIncludes, scope: Scope) -> str:
        left = self._operand(node.this, scope, None)
        if left.ftype != FieldType.MULTIPICKLIST:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  "includes or excludes operator only valid on multipicklist "
                                  "field")
        alternatives = []
        for v in node.expressions:
            if not (isinstance(v, exp.Literal) and v.is_string):
                raise _type_mismatch(left.name, left.ftype)
            wanted = [s.strip().lower() for s in v.this.split(";") if s.strip()]
            alternatives.append(
                f"list_has_all(string_split(lower({left.sql}), ';'), "
                f"{self.param(wanted)}::VARCHAR[])")
        pred = "COALESCE(" + " OR ".join(alternatives) + ", FALSE)"
        return f"(NOT {pred})" if node.args.get("exclude") else pred


_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def canonical_id(text: str) -> str:
    """An Id as stored: 15-char Ids get their suffix; an 18-char Id's suffix restores the case
    of its first 15 chars, so 18-char Ids match case-insensitively, as in Salesforce."""
    if len(text) == 15:
        return to_18(text)
    suffix = text[15:].upper()
    if any(c not in _SUFFIX_CHARS for c in suffix):
        return text
    chars = list(text[:15])
    for chunk, code in enumerate(suffix):
        bits = _SUFFIX_CHARS.index(code)
        for i in range(5):
            pos = chunk * 5 + i
            chars[pos] = chars[pos].upper() if bits >> i & 1 else chars[pos].lower()
    return "".join(chars) + suffix


#: The keys of an address value, as the REST API returns it (a geolocation: latitude, longitude).
ADDRESS_KEYS = ("city", "country", "geocodeAccuracy", "latitude", "longitude", "postalCode",
                "state", "street")


def _compound(parts: dict[str, str], col: Callable[[str], int]) -> Compound:
    """An address (every address key, null where the org has no part) or a geolocation."""
    keys = ("latitude", "longitude") if set(parts) <= {"latitude", "longitude"} else ADDRESS_KEYS
    return Compound(tuple((k, col(parts[k]) if k in parts else None) for k in keys))


def _limit_sql(limit: int | None, offset: int | None) -> str:
    out = f" LIMIT {int(limit)}" if limit is not None else ""
    return out + (f" OFFSET {int(offset)}" if offset else "")


def _int_literal(node: exp.Expression | None, clause: str) -> int:
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return int(node.this)
    raise unexpected(source_text(node) if isinstance(node, exp.Expression) else clause)


def _number(node: exp.Expression) -> int | float | None:
    sign = 1
    if isinstance(node, exp.Neg):
        sign, node = -1, node.this
    if not isinstance(node, exp.Literal) or node.is_string:
        return None
    text = node.this
    try:
        return sign * (int(text) if text.isdigit() else float(text))
    except ValueError:
        return None


def _type_mismatch(name: str, ftype: FieldType) -> SalesforceError:
    sf_type = _SF_TYPE_NAMES.get(ftype, "string")
    quoted = sf_type in ("string", "id")
    return SalesforceError(
        ErrorCode.INVALID_FIELD,
        f"value of filter criterion for field '{name}' must be of type {sf_type} and should "
        f"{'' if quoted else 'not '}be enclosed in quotes")


def _display_name(fname: str | None) -> str:
    return {"TOLABEL": "toLabel", "CONVERTCURRENCY": "convertCurrency"}.get(fname or "",
                                                                          fname or "")


#: Operators SOQL lacks, reported at the operator the user wrote.
_OPERATORS: dict[type[exp.Expression], str] = {
    exp.Is: "IS", exp.Escape: "ESCAPE", exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/",
    exp.DPipe: "||", exp.Between: "BETWEEN"}


def _unsupported(node: exp.Expression, tr: Translator | None = None) -> SalesforceError:
    word = _OPERATORS.get(type(node))
    if word is not None and tr is not None and tr.text:
        span = source_span(node.this)
        pattern = rf"\b{word}\b" if word.isalpha() else re.escape(word)
        found = re.compile(pattern, re.IGNORECASE).search(tr.text, span[1] + 1 if span else 0)
        if found:
            return malformed_at(tr.text, found.start(), found.group(0))
    name = function_name(node)
    if name is None and isinstance(node, exp.Func) and not isinstance(node, exp.Concat):
        name = node.sql_name() if hasattr(node, "sql_name") else node.key.upper()
    if name:
        return malformed(f"Unknown function: {name}")
    if tr is not None:
        return tr.unexpected_at(node)
    return unexpected(source_text(node))


def source_text(node: exp.Expression | None) -> str:
    """A short rendering of a node for an error message (SOQL-only nodes have no SQL form)."""
    if node is None:
        return "<EOF>"
    if isinstance(node, exp.Star):
        return "*"
    if isinstance(node, SoqlDate):
        return str(node.this)
    if isinstance(node, exp.Identifier):
        return node.name
    parts = path_parts(node)
    if parts is not None:
        return ".".join(parts)
    if isinstance(node, exp.Literal):
        return f"'{node.this}'" if node.is_string else str(node.this)
    return node.key.upper()


def translate_soql(query: str, schema: OrgSchema | OrgContext, today: dt.date) -> Plan:
    """Parse, validate and translate one SOQL statement (raises SalesforceError only)."""
    select = parse_soql(query)
    return Translator(schema, today, query).translate(select)
