"""The org in DuckDB: a read-only base catalog, locked down, plus cheap per-episode views.

Layout inside one DuckDB instance:
- catalog `org`: the base org's tables (one per object, one column per field, API names),
  ATTACHed READ_ONLY from the on-disk cache file, so no query can ever write to it;
- schema `main.v_<n>` per episode: one VIEW per object under the episode's (possibly drifted)
  names, over the base table UNION ALL the episode's distractor rows (context rot);
- schema `main.r_<n>` per episode: the distractor rows, as small tables.

After ATTACH the configuration is locked: no external access (files, network, ATTACH of files),
no extension install/load, memory and thread limits, then `lock_configuration`. Every agent
statement additionally passes `guard_select` (DuckDB's own parser: exactly one SELECT) and runs on
its own cursor with an interrupt-based timeout.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from sandbox_db.errors import ErrorCode, SalesforceError, query_timeout
from sandbox_db.schema import OrgSchema, SObject

#: Records per object: {"Case": [{"Id": ..., "Status": ...}, ...]}; values are Python scalars
#: (str, int, float, bool, datetime.date, datetime.datetime, None), keyed by base API names.
OrgData = Mapping[str, Sequence[Mapping[str, Any]]]

DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_THREADS = 2
DEFAULT_QUERY_TIMEOUT_S = 5.0


def quote_ident(name: str) -> str:
    """A DuckDB identifier, always quoted (API names such as Case and Order are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(obj: SObject, qualified_name: str) -> str:
    cols = ", ".join(f"{quote_ident(f.name)} {f.duckdb_type}" for f in obj.fields)
    return f"CREATE TABLE {qualified_name} ({cols})"


def insert_rows(con: duckdb.DuckDBPyConnection, obj: SObject, table: str,
                rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert records (missing fields become NULL) into `table`, typed by the schema."""
    if not rows:
        return
    names = [f.name for f in obj.fields]
    unknown = set().union(*(r.keys() for r in rows)) - set(names)
    if unknown:
        raise ValueError(f"{obj.name}: unknown fields {sorted(unknown)}")
    placeholders = ", ".join("?" for _ in names)
    con.executemany(f"INSERT INTO {table} VALUES ({placeholders})",
                    [[r.get(n) for n in names] for r in rows])


def write_org_file(path: Path, schema: OrgSchema, data: OrgData) -> None:
    """Write `data` to a DuckDB file with one typed table per object (atomic: temp + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for obj in schema.objects:
            con.execute(create_table_sql(obj, quote_ident(obj.name)))
            _bulk_insert(con, obj, quote_ident(obj.name), data.get(obj.name, ()))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.replace(path)


def _bulk_insert(con: duckdb.DuckDBPyConnection, obj: SObject, table: str,
                 rows: Sequence[Mapping[str, Any]]) -> None:
    """Column-wise insert through a DuckDB relation: ~50x faster than executemany."""
    if not rows:
        return
    names = [f.name for f in obj.fields]
    unknown = set().union(*(r.keys() for r in rows)) - set(names)
    if unknown:
        raise ValueError(f"{obj.name}: unknown fields {sorted(unknown)}")
    columns = {n: [r.get(n) for r in rows] for n in names}
    # A struct-of-lists literal bound as one parameter, unnested into rows.
    select = ", ".join(
        f"CAST(UNNEST(struct_extract(p, {_sql_str(f.name)})) AS {f.duckdb_type}) AS {quote_ident(f.name)}"
        for f in obj.fields)
    con.execute(f"INSERT INTO {table} SELECT {select} FROM (SELECT $1 AS p)", [columns])


def guard_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but exactly one SELECT statement (DuckDB's own parser decides)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise SalesforceError(ErrorCode.MALFORMED_QUERY, "unexpected token in query") from exc
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise SalesforceError(ErrorCode.MALFORMED_QUERY, "only one SELECT statement is allowed")


@dataclass
class OrgDatabase:
    """One base org, attached read-only and locked down. Thread-safe: one cursor per caller."""

    schema: OrgSchema
    path: Path
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = DEFAULT_THREADS
    con: duckdb.DuckDBPyConnection = field(init=False, repr=False)
    _ids: itertools.count = field(init=False, repr=False, default_factory=itertools.count)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.con = duckdb.connect(":memory:", config={"threads": self.threads})
        self.con.execute(f"ATTACH {_sql_str(str(self.path))} AS org (READ_ONLY)")
        for setting in (
            "SET enable_external_access = false",
            "SET autoload_known_extensions = false",
            "SET autoinstall_known_extensions = false",
            "SET allow_community_extensions = false",
            f"SET memory_limit = {_sql_str(self.memory_limit)}",
            "SET max_temp_directory_size = '0B'",
            "SET lock_configuration = true",
        ):
            self.con.execute(setting)

    def base_table(self, object_name: str) -> str:
        return f"org.main.{quote_ident(object_name)}"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def next_namespace(self) -> int:
        with self._lock:
            return next(self._ids)

    def close(self) -> None:
        self.con.close()


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class OrgView:
    """The org as one episode's agent sees it: views under (maybe drifted) names, plus rot rows.

    `schema` is the agent-visible schema (drifted names); `base_names` maps each visible object
    name to (base object name, {visible field name: base field name}).
    """

    db: OrgDatabase
    schema: OrgSchema
    namespace: str
    base_names: dict[str, tuple[str, dict[str, str]]]
    query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S
    cursor: duckdb.DuckDBPyConnection = field(init=False, repr=False)
    _closed: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.cursor = self.db.cursor()

    def table(self, object_name: str) -> str:
        """The qualified view name for a visible object name (exact case as in `schema`)."""
        return f"main.{quote_ident(self.namespace)}.{quote_ident(object_name)}"

    def execute(self, sql: str, params: Sequence[Any] | None = None,
                timeout_s: float | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one translated SELECT with a timeout; returns (column names, rows)."""
        if self._closed:
            raise SalesforceError(ErrorCode.UNKNOWN_EXCEPTION, "the org session is closed")
        guard_select(self.cursor, sql)
        limit = self.query_timeout_s if timeout_s is None else timeout_s
        timer = threading.Timer(limit, self.cursor.interrupt)
        timer.start()
        started = time.perf_counter()
        try:
            result = self.cursor.execute(sql, params or [])
            rows = result.fetchall()
            cols = [d[0] for d in result.description or []]
        except duckdb.InterruptException as exc:
            raise query_timeout() from exc
        except duckdb.OutOfMemoryException as exc:
            raise SalesforceError(ErrorCode.EXCEEDED_MAX_SIZE_REQUEST,
                                  "Your query used too much memory; make it more selective.") from exc
        except duckdb.Error as exc:
            if time.perf_counter() - started >= limit:
                raise query_timeout() from exc
            raise SalesforceError(ErrorCode.UNKNOWN_EXCEPTION,
                                  "An unexpected error occurred while running the query.") from exc
        finally:
            timer.cancel()
        return cols, rows

    def close(self) -> None:
        """Drop this episode's views and rot tables."""
        if self._closed:
            return
        self._closed = True
        cur = self.db.cursor()
        try:
            cur.execute(f"DROP SCHEMA IF EXISTS main.{quote_ident(self.namespace)} CASCADE")
            cur.execute(f"DROP SCHEMA IF EXISTS main.{quote_ident('r' + self.namespace[1:])} CASCADE")
        finally:
            cur.close()
            self.cursor.close()

    def __enter__(self) -> "OrgView":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_view(db: OrgDatabase, schema: OrgSchema | None = None,
              base_names: dict[str, tuple[str, dict[str, str]]] | None = None,
              extra_rows: OrgData | None = None,
              query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S) -> OrgView:
    """Create one episode's views. Without arguments: the undrifted, unrotted org.

    `schema`/`base_names` come from a drift plan (sandbox_db.entropy); `extra_rows` are distractor
    rows keyed by *base* object and field names.
    """
    schema = schema or db.schema
    if base_names is None:
        base_names = {o.name: (o.name, {f.name: f.name for f in o.fields}) for o in schema.objects}
    n = db.next_namespace()
    ns, rot_ns = f"v_{n}", f"r_{n}"
    cur = db.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        cur.execute(f"CREATE SCHEMA main.{quote_ident(ns)}")
        if extra_rows:
            cur.execute(f"CREATE SCHEMA main.{quote_ident(rot_ns)}")
        for visible in schema.objects:
            base_obj_name, field_map = base_names[visible.name]
            base_obj = db.schema.get(base_obj_name)
            assert base_obj is not None, base_obj_name
            source = db.base_table(base_obj.name)
            rows = (extra_rows or {}).get(base_obj.name)
            if rows:
                rot_table = f"main.{quote_ident(rot_ns)}.{quote_ident(base_obj.name)}"
                cur.execute(create_table_sql(base_obj, rot_table))
                _bulk_insert(cur, base_obj, rot_table, rows)
                source = f"(SELECT * FROM {source} UNION ALL SELECT * FROM {rot_table})"
            cols = ", ".join(f"{quote_ident(field_map[f.name])} AS {quote_ident(f.name)}"
                             for f in visible.fields)
            cur.execute(f"CREATE VIEW main.{quote_ident(ns)}.{quote_ident(visible.name)} AS "
                        f"SELECT {cols} FROM {source}")
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()
    return OrgView(db=db, schema=schema, namespace=ns, base_names=base_names,
                   query_timeout_s=query_timeout_s)


def iter_table_names(schema: OrgSchema) -> Iterable[str]:
    return (o.name for o in schema.objects)
