"""Read access to the base org for planning rot: from in-memory OrgData or from the DuckDB file.

Rot needs only a few records per task (the targets, their owners, children to clone), so reading
them by Id from the read-only base catalog is cheaper than materialising the whole org as Python
dicts per episode; tests and the generator can hand in the OrgData they already hold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from sandbox_db.database import OrgData, OrgDatabase, quote_ident


class RecordSource(Protocol):
    def get(self, obj: str, record_id: str) -> dict[str, Any] | None: ...

    def find(self, obj: str, field: str, value: Any, limit: int = 50) -> list[dict[str, Any]]: ...

    def sample(self, obj: str, limit: int) -> list[dict[str, Any]]: ...

    def existing(self, obj: str, field: str, values: Iterable[Any]) -> set[Any]: ...

    def bounds(self, obj: str, field: str) -> tuple[Any, Any]:
        """(smallest, largest) non-null value of obj.field in the base org ((None, None) if
        there is none)."""
        ...

    def values(self, obj: str, field: str) -> list[Any]:
        """Every non-null value of obj.field in the base org, sorted, as often as it occurs
        (a random pick follows the base org's own frequencies)."""
        ...


class DataSource:
    """Records from OrgData (dicts keyed by base names), indexed on first use."""

    def __init__(self, data: OrgData) -> None:
        self.data = data
        self._index: dict[tuple[str, str], dict[Any, list[Mapping[str, Any]]]] = {}

    def _by(self, obj: str, field: str) -> dict[Any, list[Mapping[str, Any]]]:
        key = (obj, field)
        index = self._index.get(key)
        if index is None:
            index = {}
            for row in self.data.get(obj, ()):
                index.setdefault(row.get(field), []).append(row)
            self._index[key] = index
        return index

    def get(self, obj: str, record_id: str) -> dict[str, Any] | None:
        rows = self._by(obj, "Id").get(record_id)
        return dict(rows[0]) if rows else None

    def find(self, obj: str, field: str, value: Any, limit: int = 50) -> list[dict[str, Any]]:
        rows = sorted(self._by(obj, field).get(value, ()), key=lambda r: r["Id"])
        return [dict(r) for r in rows[:limit]]

    def sample(self, obj: str, limit: int) -> list[dict[str, Any]]:
        rows: Sequence[Mapping[str, Any]] = self.data.get(obj, ())
        return [dict(r) for r in sorted(rows, key=lambda r: r["Id"])[:limit]]

    def existing(self, obj: str, field: str, values: Iterable[Any]) -> set[Any]:
        index = self._by(obj, field)
        return {v for v in values if v in index}

    def bounds(self, obj: str, field: str) -> tuple[Any, Any]:
        values = self.values(obj, field)
        return (values[0], values[-1]) if values else (None, None)

    def values(self, obj: str, field: str) -> list[Any]:
        return sorted(v for v, rows in self._by(obj, field).items() if v is not None
                      for _ in rows)


class DbSource:
    """Records read from the base org's read-only DuckDB catalog. The base org is immutable, so
    lookups are cached for the source's lifetime (one source per OrgDatabase, see `for_db`)."""

    def __init__(self, db: OrgDatabase) -> None:
        self.db = db
        self._columns: dict[tuple[str, str], frozenset[Any]] = {}
        self._found: dict[tuple[str, str, Any, int], list[dict[str, Any]]] = {}
        self._bounds: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._values: dict[tuple[str, str], list[Any]] = {}
        self._lock = threading.Lock()

    def _rows(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cur = self.db.cursor()
        try:
            result = cur.execute(sql, list(params))
            cols = [d[0] for d in result.description or []]
            return [dict(zip(cols, r, strict=True)) for r in result.fetchall()]
        finally:
            cur.close()

    def _scalars(self, sql: str) -> list[Any]:
        """The first column of every row of `sql`."""
        return [next(iter(r.values())) for r in self._rows(sql, [])]

    def _memo(self, cache: dict[Any, Any], key: Any, compute: Callable[[], Any]) -> Any:
        """`cache[key]`, computed outside the lock on a miss (the base org never changes, so a
        race only computes the same value twice)."""
        with self._lock:
            hit = cache.get(key)
        if hit is None:
            hit = compute()
            with self._lock:
                cache[key] = hit
        return hit

    def get(self, obj: str, record_id: str) -> dict[str, Any] | None:
        rows = self.find(obj, "Id", record_id, limit=1)
        return rows[0] if rows else None

    def find(self, obj: str, field: str, value: Any, limit: int = 50) -> list[dict[str, Any]]:
        hit = self._memo(self._found, (obj, field, value, limit), lambda: self._rows(
            f"SELECT * FROM {self.db.base_table(obj)} WHERE {quote_ident(field)} = ? "
            f"ORDER BY \"Id\" LIMIT {int(limit)}", [value]))
        return [dict(r) for r in hit]

    def sample(self, obj: str, limit: int) -> list[dict[str, Any]]:
        hit = self._memo(self._found, (obj, "*", None, limit), lambda: self._rows(
            f"SELECT * FROM {self.db.base_table(obj)} ORDER BY \"Id\" LIMIT {int(limit)}", []))
        return [dict(r) for r in hit]

    def existing(self, obj: str, field: str, values: Iterable[Any]) -> set[Any]:
        column: frozenset[Any] = self._memo(self._columns, (obj, field), lambda: frozenset(
            self._scalars(f"SELECT DISTINCT {quote_ident(field)} "
                          f"FROM {self.db.base_table(obj)}")))
        return {v for v in values if v in column}

    def values(self, obj: str, field: str) -> list[Any]:
        column = quote_ident(field)
        return list(self._memo(self._values, (obj, field), lambda: self._scalars(
            f"SELECT {column} FROM {self.db.base_table(obj)} WHERE {column} IS NOT NULL "
            f"ORDER BY {column}")))

    def bounds(self, obj: str, field: str) -> tuple[Any, Any]:
        def compute() -> tuple[Any, Any]:
            row = self._rows(f"SELECT MIN({quote_ident(field)}) AS lo, "
                             f"MAX({quote_ident(field)}) AS hi "
                             f"FROM {self.db.base_table(obj)}", [])[0]
            return row["lo"], row["hi"]
        result: tuple[Any, Any] = self._memo(self._bounds, (obj, field), compute)
        return result


_DB_SOURCES_LOCK = threading.Lock()


def db_source(db: OrgDatabase) -> DbSource:
    """The shared, caching source of one base org (kept on the OrgDatabase object itself, so it
    lives and dies with it; OrgDatabase is an unhashable dataclass)."""
    with _DB_SOURCES_LOCK:
        source = db.__dict__.get("_entropy_record_source")
        if source is None:
            source = DbSource(db)
            db.__dict__["_entropy_record_source"] = source
        return source


def record_source(data_or_db: OrgData | OrgDatabase | RecordSource) -> RecordSource:
    if isinstance(data_or_db, OrgDatabase):
        return db_source(data_or_db)
    if isinstance(data_or_db, Mapping):
        return DataSource(data_or_db)
    return data_or_db
