"""A translated statement: DuckDB SQL with table markers and bound parameters, and how its rows
become Salesforce records (shapes). Produced by translate, run by execute, rendered by results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Salesforce's batch size: more rows than this come back with done=false.
BATCH_SIZE = 2000


def table_marker(object_name: str) -> str:
    """Placeholder for an object's per-episode view name, filled in at execution time."""
    return f"\x00{object_name}\x00"


@dataclass
class Shape:
    """How one record (root or parent) is built from a result row."""

    type_name: str
    id_index: int
    #: leaf int | Shape | ChildRef | Formatted | Compound | TypeOf
    entries: list[tuple[str, Any]] = field(default_factory=list)
    #: column holding the record's type when it varies (a polymorphic parent: What, Who, Owner)
    type_index: int | None = None

    def child(self, key: str, type_name: str, id_index: int,
              type_index: int | None = None) -> Shape:
        for k, v in self.entries:
            if k.lower() == key.lower() and isinstance(v, Shape):
                return v
        node = Shape(type_name, id_index, type_index=type_index)
        self.entries.append((key, node))
        return node

    def has_key(self, key: str) -> bool:
        return any(k.lower() == key.lower() for k, _ in self.entries)


@dataclass(frozen=True)
class ChildRef:
    index: int  # into Plan.children


@dataclass(frozen=True)
class Formatted:
    """A leaf whose value is rendered by `render` (FORMAT(): '$1,200.00')."""

    index: int
    render: Callable[[Any], Any]


@dataclass(frozen=True)
class Compound:
    """A compound field (an address or a geolocation) built from its parts' columns."""

    parts: tuple[tuple[str, int | None], ...]  # (JSON key, column; None: always null)


@dataclass
class TypeOf:
    """TYPEOF: the parent's shape depends on its type (`variants`, else `default`)."""

    id_index: int
    type_index: int
    variants: dict[str, Shape]
    default: Shape | None


@dataclass
class Plan:
    """A translated statement: SQL with table markers, params, and how to shape the rows."""

    kind: str  # "records" | "aggregate" | "count"
    sql: str
    params: list[Any]
    objects: tuple[str, ...]
    shape: Shape | None = None
    #: aggregate results: (key, column, renderer or None)
    aggregate_keys: list[tuple[str, int, Callable[[Any], Any] | None]] = field(
        default_factory=list)
    count_sql: str | None = None  # total row count when the batch is capped
    batch: int = BATCH_SIZE
    #: The statement without its LIMIT/OFFSET, and the query's own LIMIT and OFFSET: a query
    #: locator's later pages are `page_sql LIMIT n OFFSET k` within them (records, aggregates).
    page_sql: str | None = None
    limit: int | None = None
    offset: int | None = None
    children: list[ChildPlan] = field(default_factory=list)
    fk_index: int | None = None  # child subquery plans: the column holding the parent Id


@dataclass
class ChildPlan:
    """A child relationship subquery, run once for all parent Ids ($1 is the Id list)."""

    relationship: str
    plan: Plan
    fk_index: int
