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
  deterministic; ASC puts nulls first and DESC nulls last unless NULLS FIRST/LAST says otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from sandbox_db.database import quote_ident
from sandbox_db.errors import (
    ErrorCode,
    SalesforceError,
    invalid_field,
    invalid_relationship,
    invalid_type,
)
from sandbox_db.ids import to_18
from sandbox_db.schema import NUMERIC_TYPES, TEXT_TYPES, FieldType, OrgSchema, SField, SObject
from sandbox_db.soql.dates import parse_date_value, relative_range
from sandbox_db.soql.dialect import SoqlDate, SoqlFields, SoqlIncludes, parse_soql

#: Salesforce's batch size: more rows than this come back with done=false.
BATCH_SIZE = 2000
FIELDS_LIMIT = 200
ID_TYPES = frozenset({FieldType.ID, FieldType.REFERENCE})
DATE_TYPES = frozenset({FieldType.DATE, FieldType.DATETIME})

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
#: Display functions that return the field's own value here (single currency, no translations).
VALUE_FUNCTIONS = frozenset({"TOLABEL", "FORMAT", "CONVERTCURRENCY"})
AGGREGATES = {exp.Count: "COUNT", exp.Sum: "SUM", exp.Avg: "AVG", exp.Min: "MIN", exp.Max: "MAX"}
_SELECT_ARGS = frozenset({"expressions", "from_", "where", "group", "having", "order", "limit",
                          "offset"})
_COMPARISONS = {exp.EQ: "=", exp.NEQ: "!=", exp.LT: "<", exp.LTE: "<=", exp.GT: ">",
                exp.GTE: ">="}
_SF_TYPE_NAMES = {FieldType.ID: "id", FieldType.REFERENCE: "id", FieldType.BOOLEAN: "boolean",
                  FieldType.INT: "integer", FieldType.DOUBLE: "double",
                  FieldType.CURRENCY: "double", FieldType.PERCENT: "double",
                  FieldType.DATE: "date", FieldType.DATETIME: "dateTime"}


def table_marker(object_name: str) -> str:
    """Placeholder for an object's per-episode view name, filled in at execution time."""
    return f"\x00{object_name}\x00"


def malformed(message: str) -> SalesforceError:
    return SalesforceError(ErrorCode.MALFORMED_QUERY, message)


def unexpected(token: str) -> SalesforceError:
    return malformed(f"unexpected token: '{token}'")


# ---------------------------------------------------------------------------------------------
# Plans


@dataclass
class Shape:
    """How one record (root or parent) is built from a result row."""

    type_name: str
    id_index: int
    entries: list[tuple[str, Any]] = field(default_factory=list)  # leaf int | Shape | ChildRef

    def child(self, key: str, type_name: str, id_index: int) -> "Shape":
        for k, v in self.entries:
            if k == key and isinstance(v, Shape):
                return v
        node = Shape(type_name, id_index)
        self.entries.append((key, node))
        return node

    def has_key(self, key: str) -> bool:
        return any(k == key for k, _ in self.entries)


@dataclass(frozen=True)
class ChildRef:
    index: int  # into Plan.children


@dataclass
class Plan:
    """A translated statement: SQL with table markers, params, and how to shape the rows."""

    kind: str  # "records" | "aggregate" | "count"
    sql: str
    params: list[Any]
    objects: tuple[str, ...]
    shape: Shape | None = None
    aggregate_keys: list[tuple[str, int]] = field(default_factory=list)
    count_sql: str | None = None  # total row count when the batch is capped
    batch: int = BATCH_SIZE
    #: The statement without its LIMIT/OFFSET, and the query's own LIMIT and OFFSET: a query
    #: locator's later pages are `page_sql LIMIT n OFFSET k` within them (records, aggregates).
    page_sql: str | None = None
    limit: int | None = None
    offset: int | None = None
    children: list["ChildPlan"] = field(default_factory=list)
    fk_index: int | None = None  # child subquery plans: the column holding the parent Id


@dataclass
class ChildPlan:
    """A child relationship subquery, run once for all parent Ids ($1 is the Id list)."""

    relationship: str
    plan: Plan
    fk_index: int


# ---------------------------------------------------------------------------------------------
# Scopes: one FROM object plus the LEFT JOINs its parent paths need


@dataclass
class Resolved:
    sql: str
    field: SField
    obj: SObject
    rel_path: tuple[tuple[str, str, str], ...]  # (relationship name, parent type, join alias)
    key: str  # canonical path, lower-case, for GROUP BY matching


class Scope:
    def __init__(self, tr: "Translator", obj: SObject, user_alias: str | None) -> None:
        self.tr = tr
        self.obj = obj
        self.user_alias = user_alias
        self.alias = tr.new_alias()
        self.joins: dict[tuple[str, ...], tuple[str, SObject]] = {}
        self.join_sql: list[str] = []

    def from_sql(self) -> str:
        return " ".join([f"{table_marker(self.obj.name)} AS {self.alias}", *self.join_sql])

    def resolve(self, parts: list[str]) -> Resolved:
        if len(parts) > 1:
            head = parts[0].lower()
            if self.user_alias and head == self.user_alias.lower():
                parts = parts[1:]
            elif head == self.obj.name.lower() and self.obj.field_by_relationship(head) is None:
                parts = parts[1:]
        obj, alias, key = self.obj, self.alias, ()
        rel_path: list[tuple[str, str, str]] = []
        for rel in parts[:-1]:
            ref = obj.field_by_relationship(rel)
            if ref is None:
                raise invalid_relationship(rel, obj.name)
            target = self.tr.schema.get(ref.reference_to[0])
            if target is None:
                raise invalid_relationship(rel, obj.name)
            key = key + (ref.relationship_name.lower(),)
            if key not in self.joins:
                join_alias = self.tr.new_alias()
                self.joins[key] = (join_alias, target)
                self.join_sql.append(
                    f"LEFT JOIN {table_marker(target.name)} AS {join_alias} "
                    f"ON {join_alias}.\"Id\" = {alias}.{quote_ident(ref.name)}")
                self.tr.objects.add(target.name)
            alias = self.joins[key][0]
            rel_path.append((ref.relationship_name, target.name, alias))
            obj = target
        f = obj.field(parts[-1])
        if f is None:
            raise invalid_field(parts[-1], obj.name)
        sql = f"{alias}.{quote_ident(f.name)}"
        if f.type == FieldType.BOOLEAN:  # Salesforce checkboxes are never null: null is false
            sql = f"COALESCE({sql}, FALSE)"
        return Resolved(sql, f, obj, tuple(rel_path), ".".join([*key, f.name.lower()]))


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
    return None


def function_args(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.Format):
        return [node.this, *node.expressions]
    return list(node.expressions)


# ---------------------------------------------------------------------------------------------
# The translator


@dataclass
class Value:
    """A filter value: a Python scalar (bound), a relative date range, or null."""

    kind: str  # "null" | "string" | "number" | "boolean" | "date" | "datetime" | "range"
    value: Any = None


class Translator:
    def __init__(self, schema: OrgSchema, today: dt.date) -> None:
        self.schema = schema
        self.today = today
        self.params: list[Any] = []
        self.objects: set[str] = set()
        self._aliases = 0

    def new_alias(self) -> str:
        self._aliases += 1
        return f"t{self._aliases}"

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    # -- statements -------------------------------------------------------------------------

    def translate(self, select: exp.Select) -> Plan:
        self._check_select_args(select)
        scope = self._from_scope(select)
        items = select.expressions
        if len(items) == 1 and isinstance(items[0], exp.Count) and items[0].this is None:
            return self._count_plan(select, scope)
        grouped = bool(select.args.get("group")) or any(
            _is_aggregate(_unalias(i)) for i in items)
        if grouped:
            return self._aggregate_plan(select, scope)
        return self._records_plan(select, scope)

    def _check_select_args(self, select: exp.Select) -> None:
        for key, value in select.args.items():
            if key not in _SELECT_ARGS and value:
                raise unexpected(key.upper() if not isinstance(value, exp.Expression)
                                 else value.key.upper())
        if not select.args.get("from_"):
            raise malformed("unexpected token: '<EOF>'")

    def _from_scope(self, select: exp.Select) -> Scope:
        table = select.args["from_"].this
        if not isinstance(table, exp.Table) or table.args.get("db") or table.args.get("catalog") \
                or not isinstance(table.this, exp.Identifier) or table.this.quoted:
            raise unexpected(source_text(table) if isinstance(table, exp.Expression) else "FROM")
        for key in ("joins", "laterals", "pivots", "sample", "hints", "version", "when"):
            if table.args.get(key):
                raise unexpected(key.upper())
        obj = self.schema.get(table.name)
        if obj is None:
            raise invalid_type(table.name)
        alias = table.args.get("alias")
        user_alias = alias.name if alias is not None else None
        if alias is not None and alias.args.get("columns"):
            raise unexpected("(")
        self.objects.add(obj.name)
        return Scope(self, obj, user_alias)

    def _limit_offset(self, select: exp.Select) -> tuple[int | None, int | None]:
        limit = offset = None
        if (node := select.args.get("limit")) is not None:
            if any(v for k, v in node.args.items() if k != "expression"):
                raise unexpected(",")  # LIMIT m, n / LIMIT ... BY: not SOQL
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
        node = select.args.get("where")
        if node is None:
            return ""
        return " WHERE " + self.condition(node.this, scope)

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
        for item in select.expressions:
            if isinstance(item, exp.Alias):
                raise malformed("only aggregate expressions use field aliasing")
            if isinstance(item, SoqlFields):
                if item.this in ("ALL", "CUSTOM") and (limit is None or limit > FIELDS_LIMIT):
                    raise malformed(
                        "The SOQL FIELDS function must have a LIMIT of at most 200")
                for f in scope.obj.fields:
                    if item.this == "ALL" or (item.this == "CUSTOM") == f.custom:
                        if f.name.lower() not in seen:
                            seen.add(f.name.lower())
                            column = f"{scope.alias}.{quote_ident(f.name)}"
                            if f.type == FieldType.BOOLEAN:
                                column = f"COALESCE({column}, FALSE)"
                            shape.entries.append((f.name, col(column)))
                continue
            if isinstance(item, exp.Subquery):
                if child_fk is not None:
                    raise malformed("nested child relationship subqueries are not supported")
                child = self._child_plan(item, scope)
                if shape.has_key(child.relationship):
                    raise malformed(f"duplicate field selected: {child.relationship}")
                children.append(child)
                shape.entries.append((child.relationship, ChildRef(len(children) - 1)))
                continue
            target = item
            fname = function_name(item)
            if fname in VALUE_FUNCTIONS and len(function_args(item)) == 1:
                target = function_args(item)[0]
            elif fname in DATE_FUNCTIONS or _is_aggregate(item):
                raise malformed(f"Field must be grouped or aggregated: {fname or item.key}")
            parts = path_parts(target)
            if parts is None:
                raise _unsupported(item)
            res = scope.resolve(parts)
            if res.key in seen:
                raise malformed(f"duplicate field selected: {'.'.join(parts)}")
            seen.add(res.key)
            node = shape
            for rel, type_name, alias in res.rel_path:
                node = node.child(rel, type_name, col(f"{alias}.\"Id\""))
            node.entries.append((res.field.name, col(res.sql)))
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
                        fk_index=fk_index)
        base = f"SELECT {', '.join(columns)} FROM {scope.from_sql()}{where}{order_sql}"
        capped = BATCH_SIZE + 1 if limit is None else min(limit, BATCH_SIZE + 1)
        count_sql = (f"SELECT COUNT(*) FROM (SELECT 1 FROM {scope.from_sql()}{where}"
                     f"{_limit_sql(limit, offset)}) AS c")
        return Plan("records", base + _limit_sql(capped, offset), self.params,
                    tuple(sorted(self.objects)), shape=shape, count_sql=count_sql,
                    children=children, page_sql=base, limit=limit, offset=offset)

    def _child_plan(self, sub: exp.Subquery, parent: Scope) -> ChildPlan:
        select = sub.this
        if not isinstance(select, exp.Select) or sub.args.get("alias"):
            raise _unsupported(sub)
        self._check_select_args(select)
        table = select.args["from_"].this
        if not isinstance(table, exp.Table) or table.args.get("db") \
                or not isinstance(table.this, exp.Identifier):
            raise _unsupported(sub)
        rel = parent.obj.child_relationship(table.name)
        child_obj = self.schema.get(rel.child_object) if rel else None
        if rel is None or child_obj is None:
            raise SalesforceError(
                ErrorCode.INVALID_TYPE,
                f"Didn't understand relationship '{table.name}' in FROM part of query call. If "
                "you are attempting to use a custom relationship, be sure to append the '__r' "
                "after the custom relationship name. Please reference your WSDL or the describe "
                "call for the appropriate names.")
        if select.args.get("group") or any(_is_aggregate(_unalias(i)) for i in select.expressions):
            raise malformed("aggregate functions are not supported in child relationship queries")
        sub_tr = Translator(self.schema, self.today)
        sub_tr.params.append(None)  # $1: the parent Id list
        sub_tr.objects.add(child_obj.name)
        alias = table.args.get("alias")
        scope = Scope(sub_tr, child_obj, alias.name if alias is not None else None)
        plan = sub_tr._records_plan(select, scope, child_fk=rel.field)
        assert plan.fk_index is not None
        return ChildPlan(rel.relationship_name, plan, plan.fk_index)

    # -- aggregate queries ------------------------------------------------------------------

    def _aggregate_plan(self, select: exp.Select, scope: Scope) -> Plan:
        group_keys: dict[str, str] = {}  # canonical key -> sql
        group_sql: list[str] = []
        group = select.args.get("group")
        if group is not None:
            for key in ("rollup", "cube", "grouping_sets", "totals", "all"):
                if group.args.get(key):
                    raise unexpected(key.upper())
            for g in group.expressions:
                sql, key = self._group_expr(g, scope)
                group_keys[key] = sql
                group_sql.append(sql)
        columns: list[str] = []
        keys: list[tuple[str, int]] = []
        expr_n = 0
        for item in select.expressions:
            alias = None
            if isinstance(item, exp.Alias):
                alias = item.alias
                item = item.this
            if isinstance(item, (exp.Subquery, SoqlFields)):
                raise malformed("child relationship and FIELDS() are not allowed in aggregate "
                                "queries")
            if _is_aggregate(item):
                sql = self._aggregate_sql(item, scope)
                name = alias
            else:
                sql, key = self._group_expr(item, scope)
                if key not in group_keys:
                    parts = path_parts(_value_target(item))
                    label = scope.resolve(parts).field.name if parts else function_name(item)
                    raise malformed(f"Field must be grouped or aggregated: {label}")
                name = alias
                if name is None and path_parts(_value_target(item)) is not None:
                    name = scope.resolve(path_parts(_value_target(item))).field.name
            if name is None:
                name = f"expr{expr_n}"
                expr_n += 1
            if any(k.lower() == name.lower() for k, _ in keys):
                raise malformed(f"duplicate alias: {name}")
            columns.append(sql)
            keys.append((name, len(columns) - 1))
        where = self._where(select, scope)
        having = ""
        if (node := select.args.get("having")) is not None:
            having = " HAVING " + self.condition(node.this, scope, having_groups=group_keys)
        order = self._order(select, scope, grouped=True, group_keys=group_keys)
        order = order or [f"{s} ASC NULLS FIRST" for s in group_sql]
        order_sql = (" ORDER BY " + ", ".join(order)) if order else ""
        limit, offset = self._limit_offset(select)
        group_clause = (" GROUP BY " + ", ".join(group_sql)) if group_sql else ""
        body = f"SELECT {', '.join(columns)} FROM {scope.from_sql()}{where}{group_clause}{having}"
        capped = BATCH_SIZE + 1 if limit is None else min(limit, BATCH_SIZE + 1)
        count_sql = f"SELECT COUNT(*) FROM ({body}{_limit_sql(limit, offset)}) AS c"
        return Plan("aggregate", body + order_sql + _limit_sql(capped, offset), self.params,
                    tuple(sorted(self.objects)), aggregate_keys=keys, count_sql=count_sql,
                    page_sql=body + order_sql, limit=limit, offset=offset)

    def _group_expr(self, node: exp.Expression, scope: Scope) -> tuple[str, str]:
        """SQL and canonical key of a groupable expression: a field path or a date function."""
        fname = function_name(node)
        if fname in DATE_FUNCTIONS:
            sql, _ = self._date_function(node, scope)
            return sql, f"{fname}({sql})"
        if fname in VALUE_FUNCTIONS:
            node = _value_target(node)
        parts = path_parts(node)
        if parts is None:
            raise _unsupported(node)
        res = scope.resolve(parts)
        if res.field.type in (FieldType.TEXTAREA, FieldType.DOUBLE, FieldType.CURRENCY,
                              FieldType.PERCENT, FieldType.DATETIME) \
                and not isinstance(node.parent, exp.Alias) and _in_group(node):
            raise malformed(f"field '{res.field.name}' can not be grouped in a query call")
        return res.sql, res.key

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
            raise _unsupported(node)
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
            raise _unsupported(node)
        return scope.resolve(parts)

    def _date_function(self, node: exp.Expression, scope: Scope) -> tuple[str, FieldType]:
        fname = function_name(node)
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
               group_keys: dict[str, str] | None = None) -> list[str]:
        order = select.args.get("order")
        if order is None:
            return []
        out = []
        for o in order.expressions:
            if not isinstance(o, exp.Ordered):
                raise _unsupported(o)
            node = o.this
            if grouped and _is_aggregate(node):
                sql = self._aggregate_sql(node, scope)
            elif function_name(node) in DATE_FUNCTIONS:
                sql, _ = self._date_function(node, scope)
            else:
                parts = path_parts(node)
                if parts is None:
                    raise _unsupported(node)
                res = scope.resolve(parts)
                if res.field.type == FieldType.TEXTAREA:
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
        if isinstance(node, exp.And):
            return (f"({self.condition(node.this, scope, having_groups)} AND "
                    f"{self.condition(node.expression, scope, having_groups)})")
        if isinstance(node, exp.Or):
            return (f"({self.condition(node.this, scope, having_groups)} OR "
                    f"{self.condition(node.expression, scope, having_groups)})")
        if isinstance(node, exp.Not):
            return f"(NOT {self.condition(node.this, scope, having_groups)})"
        if isinstance(node, exp.Paren):
            return self.condition(node.this, scope, having_groups)
        if type(node) in _COMPARISONS:
            return self._comparison(node, _COMPARISONS[type(node)], scope, having_groups)
        if isinstance(node, exp.Like):
            if node.args.get("escape"):
                raise unexpected("ESCAPE")
            return self._like(node, scope, having_groups)
        if isinstance(node, exp.In):
            return self._in(node, scope, having_groups)
        if isinstance(node, SoqlIncludes):
            return self._includes(node, scope)
        raise _unsupported(node)

    def _operand(self, node: exp.Expression, scope: Scope,
                 having_groups: dict[str, str] | None) -> tuple[str, FieldType, str, SField | None]:
        """(sql, type, display name, field) of a filter's left side."""
        if having_groups is not None and _is_aggregate(node):
            sql = self._aggregate_sql(node, scope)
            if isinstance(node, exp.Count) or function_name(node) == "COUNT_DISTINCT":
                return sql, FieldType.INT, "COUNT", None
            res = self._field_arg(node.this, scope)
            ftype = FieldType.DOUBLE if isinstance(node, exp.Avg) else res.field.type
            return sql, ftype, res.field.name, None
        fname = function_name(node)
        if fname in DATE_FUNCTIONS:
            sql, ftype = self._date_function(node, scope)
            return sql, ftype, fname, None
        parts = path_parts(node)
        if parts is None:
            raise _unsupported(node)
        res = scope.resolve(parts)
        if having_groups is not None and res.key not in having_groups:
            raise malformed(f"Field must be grouped or aggregated: {res.field.name}")
        if res.field.type == FieldType.TEXTAREA:
            raise SalesforceError(ErrorCode.INVALID_FIELD,
                                  f"field '{res.field.name}' can not be filtered in a query call")
        return res.sql, res.field.type, res.field.name, res.field

    def _value(self, node: exp.Expression, ftype: FieldType, name: str) -> Value:
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
        if isinstance(node, (exp.Literal, exp.Neg)):
            number = _number(node)
            if number is None:
                raise _unsupported(node)
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
        raise _unsupported(node)

    def _comparison(self, node: exp.Expression, op: str, scope: Scope,
                    having_groups: dict[str, str] | None) -> str:
        left, ftype, name, _ = self._operand(node.this, scope, having_groups)
        value = self._value(node.expression, ftype, name)
        return self._compare(left, ftype, op, value)

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
        left, ftype, name, _ = self._operand(node.this, scope, having_groups)
        pattern = node.expression
        if ftype in ID_TYPES:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  "invalid operator on id field")
        if ftype not in TEXT_TYPES:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  f"invalid operator on {_SF_TYPE_NAMES.get(ftype, ftype.value)} "
                                  f"field")
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise _type_mismatch(name, ftype)
        return f"COALESCE({left} ILIKE {self.param(pattern.this)} ESCAPE '\\', FALSE)"

    def _in(self, node: exp.In, scope: Scope, having_groups: dict[str, str] | None) -> str:
        for key in ("unnest", "field", "is_global"):
            if node.args.get(key):
                raise _unsupported(node)
        left, ftype, name, fld = self._operand(node.this, scope, having_groups)
        query = node.args.get("query")
        if query is not None:
            return self._semi_join(left, fld, name, query, scope)
        values = [self._value(v, ftype, name) for v in node.expressions]
        if not values:
            raise unexpected(")")
        if any(v.kind in ("range", "null") for v in values):
            return "(" + " OR ".join(self._compare(left, ftype, "=", v) for v in values) + ")"
        if values[0].kind == "string" and ftype not in ID_TYPES:
            left = f"lower({left})"
            params = [self.param(v.value.lower()) for v in values]
        else:
            params = [self.param(v.value) for v in values]
        return f"COALESCE({left} IN ({', '.join(params)}), FALSE)"

    def _semi_join(self, left: str, fld: SField | None, name: str, query: exp.Expression,
                   scope: Scope) -> str:
        select = query.this if isinstance(query, exp.Subquery) else query
        if not isinstance(select, exp.Select):
            raise _unsupported(query)
        if fld is None or fld.type not in ID_TYPES:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  f"Invalid semi join: field '{name}' must be an Id or a "
                                  f"reference field")
        self._check_select_args(select)
        for key in ("group", "having", "order", "offset"):
            if select.args.get(key):
                raise malformed(f"{key.upper()} is not supported in semi join inner selects")
        sub_scope = self._from_scope(select)
        if len(select.expressions) != 1:
            raise malformed("semi join inner selects must select exactly one Id field")
        parts = path_parts(select.expressions[0])
        if parts is None:
            raise _unsupported(select.expressions[0])
        res = sub_scope.resolve(parts)
        if res.field.type not in ID_TYPES:
            raise malformed(f"Invalid semi join: field '{res.field.name}' must be an Id or a "
                            f"reference field")
        where = self._where(select, sub_scope)
        where = f"{where} AND {res.sql} IS NOT NULL" if where else f" WHERE {res.sql} IS NOT NULL"
        limit, _ = self._limit_offset(select)
        inner = f"SELECT {res.sql} FROM {sub_scope.from_sql()}{where}{_limit_sql(limit, None)}"
        return f"COALESCE({left} IN ({inner}), FALSE)"

    def _includes(self, node: SoqlIncludes, scope: Scope) -> str:
        left, ftype, name, _ = self._operand(node.this, scope, None)
        if ftype != FieldType.MULTIPICKLIST:
            raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                                  "includes or excludes operator only valid on multipicklist "
                                  "field")
        alternatives = []
        for v in node.expressions:
            if not (isinstance(v, exp.Literal) and v.is_string):
                raise _type_mismatch(name, ftype)
            wanted = [s.strip().lower() for s in v.this.split(";") if s.strip()]
            alternatives.append(
                f"list_has_all(string_split(lower({left}), ';'), {self.param(wanted)}::VARCHAR[])")
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


def _unsupported(node: exp.Expression) -> SalesforceError:
    if isinstance(node, exp.Star):
        return unexpected("*")
    name = function_name(node)
    if name is None and isinstance(node, exp.Func):
        name = node.sql_name() if hasattr(node, "sql_name") else node.key.upper()
    if name:
        return malformed(f"Unknown function: {name}")
    return unexpected(source_text(node))


def source_text(node: exp.Expression) -> str:
    """A short rendering of a node for an error message (SOQL-only nodes have no SQL form)."""
    if isinstance(node, SoqlDate):
        return str(node.this)
    try:
        return node.sql()[:40]
    except Exception:  # noqa: BLE001 - the generator must never leak its own errors
        return node.key.upper()


def _unalias(node: exp.Expression) -> exp.Expression:
    return node.this if isinstance(node, exp.Alias) else node


def _is_aggregate(node: exp.Expression) -> bool:
    return type(node) in AGGREGATES or function_name(node) == "COUNT_DISTINCT"


def _value_target(node: exp.Expression) -> exp.Expression:
    if function_name(node) in VALUE_FUNCTIONS and len(function_args(node)) == 1:
        return function_args(node)[0]
    return node


def _in_group(node: exp.Expression) -> bool:
    return isinstance(node.parent, exp.Group)


def translate_soql(query: str, schema: OrgSchema, today: dt.date) -> Plan:
    """Parse, validate and translate one SOQL statement (raises SalesforceError only)."""
    select = parse_soql(query)
    return Translator(schema, today).translate(select)
