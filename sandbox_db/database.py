"""The org in DuckDB: a read-only base catalog, locked down, plus cheap per-episode views.

Layout inside one DuckDB instance:
- catalog `org`: the base org's tables (one per object, one column per field, API names),
  ATTACHed READ_ONLY from the on-disk cache file, so no query can ever write to it;
- schema `main.v_<n>` per distinct object view: one VIEW under an episode's (possibly drifted)
  object and field names over the base table. Episodes whose view of an object is the same
  definition share that one view (`SharedViews`): most episodes of an assessment rename most
  objects alike, and creating a view costs a DuckDB catalog write each time;
- tables `main.rows_<object>_<n>`: the episodes' distractor rows (context rot), each set under
  its own number (`SharedRows`). An object with distractor rows is, in that episode's
  statements, a subquery over the base table UNION ALL its own set: no catalog write per
  episode, and no rows parsed at every query.

After ATTACH the configuration is locked: no external access (files, network, ATTACH of files),
no extension install/load, memory and thread limits, then `lock_configuration`. Every agent
statement additionally passes `guard_select` (DuckDB's own parser: exactly one SELECT) and runs on
its own cursor with an interrupt-based timeout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from core.atomic import atomic_path
from core.bounded_cache import BoundedCache
from sandbox_db.errors import ErrorCode, SalesforceError, query_timeout
from sandbox_db.schema import FieldType, OrgSchema, SField, SObject
from sandbox_db.watchdog import WATCHDOG

#: Records per object: {"Case": [{"Id": ..., "Status": ...}, ...]}; values are Python scalars
#: (str, int, float, bool, datetime.date, datetime.datetime, None), keyed by base API names.
OrgData = Mapping[str, Sequence[Mapping[str, Any]]]

DEFAULT_MEMORY_LIMIT = "1GB"
#: DuckDB threads per org. One: an episode's queries are small, concurrency comes from the
#: episodes (each on its own cursor, run on the calling thread), and with two a query also woke
#: DuckDB's pool for nothing: an episode's org, views and queries took 7.5-8.9 ms of CPU with
#: two threads against 5.7-5.8 with one (the default tasks one after another, warm).
DEFAULT_THREADS = 1
DEFAULT_QUERY_TIMEOUT_S = 5.0


def quote_ident(name: str) -> str:
    """A DuckDB identifier, always quoted (API names such as Case and Order are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(obj: SObject, qualified_name: str, *extra_columns: str) -> str:
    """A table with one column per field of `obj` (then any `extra_columns`, "name TYPE")."""
    cols = ", ".join([*(f"{quote_ident(f.name)} {f.duckdb_type}" for f in obj.fields),
                      *extra_columns])
    return f"CREATE TABLE {qualified_name} ({cols})"


def write_org_file(path: Path, schema: OrgSchema, data: OrgData) -> None:
    """Write `data` to a DuckDB file with one typed table per object (atomic: temp + rename)."""
    with atomic_path(path) as tmp:
        con = duckdb.connect(str(tmp))
        try:
            for obj in schema.objects:
                con.execute(create_table_sql(obj, quote_ident(obj.name)))
                _bulk_insert(con, obj, quote_ident(obj.name), data.get(obj.name, ()))
            con.execute("CHECKPOINT")
        finally:
            con.close()


def _bulk_insert(con: duckdb.DuckDBPyConnection, obj: SObject, table: str,
                 rows: Sequence[Mapping[str, Any]]) -> None:
    """Column-wise insert: the records as one struct-of-lists parameter, unnested into rows
    (~50x faster than executemany). Missing fields become NULL; unknown ones are an error."""
    if not rows:
        return
    names = [f.name for f in obj.fields]
    unknown = set().union(*(r.keys() for r in rows)) - set(names)
    if unknown:
        raise ValueError(f"{obj.name}: unknown fields {sorted(unknown)}")
    columns = {n: [r.get(n) for r in rows] for n in names}
    # A struct-of-lists literal bound as one parameter, unnested into rows.
    select = ", ".join(
        f"CAST(UNNEST(struct_extract(p, {_sql_str(f.name)})) AS {f.duckdb_type}) AS "
        f"{quote_ident(f.name)}"
        for f in obj.fields)
    con.execute(f"INSERT INTO {table} SELECT {select} FROM (SELECT $1 AS p)", [columns])


def _sql_literal(f: SField, value: Any) -> str:
    """A value as a SQL literal for a VALUES list (cast to the column type by the caller)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    if isinstance(value, dt.datetime):
        value = value.date() if f.type == FieldType.DATE else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        value = value.isoformat()
    return _sql_str(str(value))


def values_select(obj: SObject, rows: Sequence[Mapping[str, Any]]) -> str:
    """`SELECT CAST(col0 AS T) AS "F", ... FROM (VALUES ...)`: rows as one typed relation, so an
    episode's view of an object can carry its distractor rows without creating and filling a
    table (a DuckDB catalog write costs milliseconds)."""
    values = ", ".join("(" + ", ".join(_sql_literal(f, r.get(f.name)) for f in obj.fields) + ")"
                       for r in rows)
    casts = ", ".join(f"CAST(col{i} AS {f.duckdb_type}) AS {quote_ident(f.name)}"
                      for i, f in enumerate(obj.fields))
    return f"SELECT {casts} FROM (VALUES {values})"


def _json_value(f: SField, value: Any) -> Any:
    """A value as `rows_select` passes it in JSON: what CAST(`_sql_literal`(value) AS type)
    gives, with text for dates, times and every text column."""
    if value is None:
        return None
    if f.duckdb_type != "VARCHAR" and isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if f.type == FieldType.DATE else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def rows_json(obj: SObject, rows: Sequence[Mapping[str, Any]]) -> str | None:
    """`rows` as the JSON array `rows_select` hands DuckDB (`obj`'s fields in order), or None
    for rows JSON cannot carry (a non-finite float)."""
    if any(isinstance(v, float) and not math.isfinite(v) for r in rows for v in r.values()):
        return None
    return json.dumps([{f.name: _json_value(f, r.get(f.name)) for f in obj.fields}
                       for r in rows], ensure_ascii=False, separators=(",", ":"))


def _row_structure(obj: SObject) -> str:
    """from_json's structure (JSON text) of one row of `obj`."""
    return json.dumps({f.name: f.duckdb_type for f in obj.fields})


def rows_select(obj: SObject, rows: Sequence[Mapping[str, Any]],
                payload: str | None = None) -> str:
    """A SELECT of `rows` with `obj`'s columns and types, for the UNION ALL that adds an
    episode's distractor rows to its view of an object. The rows travel as one JSON text that
    DuckDB parses natively: DuckDB binds a VALUES list value by value (about 20 us each) at every
    query of the view (a typical 14-row view cost 1.8 ms a query, against 1.4 ms this way and
    0.4 ms for the bare table). Rows JSON cannot carry (a non-finite float) use VALUES.
    `payload` is `rows_json(obj, rows)` when the caller has it."""
    payload = payload if payload is not None else rows_json(obj, rows)
    if payload is None:
        return values_select(obj, rows)
    structure = _sql_str(f"[{_row_structure(obj)}]")
    return f"SELECT UNNEST(from_json({_sql_str(payload)}, {structure}), recursive := true)"


#: SQL texts that passed guard_select (most recent last): the check is a pure function of the
#: text and costs ~0.2 ms, while translated plans repeat their SQL across episodes and drafts.
_GUARDED: dict[str, None] = {}
_GUARDED_SIZE = 4096
_guard_lock = threading.Lock()


def guard_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but exactly one SELECT statement (DuckDB's own parser decides)."""
    if sql in _GUARDED:
        return
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise SalesforceError(ErrorCode.MALFORMED_QUERY, "unexpected token in query") from exc
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise SalesforceError(ErrorCode.MALFORMED_QUERY, "only one SELECT statement is allowed")
    with _guard_lock:
        if len(_GUARDED) >= _GUARDED_SIZE:
            del _GUARDED[next(iter(_GUARDED))]
        _GUARDED[sql] = None


@dataclass
class OrgDatabase:
    """One base org, attached read-only and locked down. Thread-safe: one cursor per caller."""

    schema: OrgSchema
    path: Path
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = DEFAULT_THREADS
    con: duckdb.DuckDBPyConnection = field(init=False, repr=False)
    views: SharedViews = field(init=False, repr=False)
    rows: SharedRows = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    _user_index: tuple[dict[str, dict[str, Any]], str | None] | None = field(
        init=False, repr=False, default=None)
    _names_checked: dict[tuple[int, int], tuple[Any, Any]] = field(
        init=False, repr=False, default_factory=dict)

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
        self.views = SharedViews(self)
        self.rows = SharedRows(self)

    def base_table(self, object_name: str) -> str:
        return f"org.main.{quote_ident(object_name)}"

    @property
    def default_running_user_id(self) -> str | None:
        """The user statements run as when a view names none: the org's first active User
        (lowest Id; in the generated orgs a System Administrator), or None without users."""
        return self._users()[1]

    def user(self, user_id: str) -> dict[str, Any] | None:
        """{"Id", "Name", "Username"} of a User of the org, or None."""
        found = self._users()[0].get(user_id)
        return dict(found) if found is not None else None

    def _users(self) -> tuple[dict[str, dict[str, Any]], str | None]:
        """Every User by Id, and the default running user's Id: read once (the org is
        immutable), since every episode asks for its persona and running user."""
        with self._lock:
            if self._user_index is None:
                users: dict[str, dict[str, Any]] = {}
                default = None
                if self.schema.get("User") is not None:
                    cur = self.cursor()
                    try:
                        rows = cur.execute(
                            "SELECT \"Id\", \"Name\", \"Username\", "
                            "COALESCE(\"IsActive\", TRUE) FROM "
                            f"{self.base_table('User')} ORDER BY \"Id\"").fetchall()
                    finally:
                        cur.close()
                    for user_id, name, username, active in rows:
                        users[user_id] = {"Id": user_id, "Name": name, "Username": username}
                        if active and default is None:
                            default = user_id
                self._user_index = (users, default)
            return self._user_index

    def check_names(self, schema: OrgSchema,
                    base_names: dict[str, tuple[str, dict[str, str]]]) -> None:
        """ValueError unless every visible object and field of `schema` maps to a base one.
        Checked once per (schema, base_names) pair of objects: drift plans are cached, so
        episodes of one plan pass the same objects."""
        key = (id(schema), id(base_names))
        with self._lock:
            seen = self._names_checked.get(key)
        if seen is not None and seen[0] is schema and seen[1] is base_names:
            return
        for visible in schema.objects:
            if visible.name not in base_names:
                raise ValueError(f"base_names has no entry for visible object {visible.name}")
            base_obj_name, field_map = base_names[visible.name]
            base_obj = self.schema.get(base_obj_name)
            if base_obj is None:
                raise ValueError(f"unknown base object {base_obj_name}")
            missing = [f.name for f in visible.fields
                       if base_obj.field(field_map.get(f.name, "")) is None]
            if missing:
                raise ValueError(f"{visible.name}: no base field for {missing}")
        with self._lock:
            if len(self._names_checked) >= 256:
                self._names_checked.pop(next(iter(self._names_checked)))
            self._names_checked[key] = (schema, base_names)  # held: ids stay theirs

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def close(self) -> None:
        self.con.close()


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class SharedViews:
    """The object views of one OrgDatabase, shared by every episode whose view of an object has
    the same definition (its visible object and field names over the base table).

    A view is created on first use and counted while episodes hold it; once none does it stays
    (idle) for the next episode that needs it, until more than `idle_limit` idle views exist and
    the least recently used is dropped. Views are read-only like everything an agent reaches, so
    sharing one between episodes shares only what each of them would have seen anyway.
    """

    def __init__(self, db: OrgDatabase, idle_limit: int = 256) -> None:
        self._db = db
        self.idle_limit = idle_limit
        self._lock = threading.Lock()
        self._ids = itertools.count()
        #: definition -> [qualified view name, episodes holding it]
        self._views: dict[str, list[Any]] = {}
        self._idle: OrderedDict[str, None] = OrderedDict()

    def acquire(self, definition: str, visible_name: str) -> str:
        """The qualified name of a view `SELECT ...` `definition`, created if need be; hold it
        until `release(definition)`."""
        with self._lock:
            entry = self._views.get(definition)
            if entry is None:
                schema = f"main.{quote_ident(f'v_{next(self._ids)}')}"
                name = f"{schema}.{quote_ident(visible_name)}"
                cur = self._db.cursor()
                try:
                    cur.execute(f"CREATE SCHEMA {schema}; CREATE VIEW {name} AS {definition}")
                finally:
                    cur.close()
                entry = self._views[definition] = [name, 0]
            entry[1] += 1
            self._idle.pop(definition, None)
            return str(entry[0])

    def release(self, definitions: Sequence[str]) -> None:
        """Let go of views taken with `acquire` (once per acquire); drop the oldest idle ones."""
        with self._lock:
            drop = []
            for definition in definitions:
                entry = self._views[definition]
                entry[1] -= 1
                if entry[1] == 0:
                    self._idle[definition] = None
            while len(self._idle) > self.idle_limit:
                definition, _ = self._idle.popitem(last=False)
                drop.append(self._views.pop(definition)[0])
            if drop:
                cur = self._db.cursor()
                try:
                    for name in drop:
                        cur.execute(f"DROP SCHEMA {name.rsplit('.', 1)[0]} CASCADE")
                finally:
                    cur.close()

    def __len__(self) -> int:
        with self._lock:
            return len(self._views)


class SharedRows:
    """Episodes' distractor rows, kept in DuckDB tables so that an episode's view of an object
    reads them as a filtered scan: neither a catalog write per episode (a view costs one to
    create and one to drop, milliseconds each, one at a time) nor its rows parsed again at
    every query (JSON in a view: +1.1 ms a query against +0.6 ms this way).

    Each object's rows go to `main."rows_<object>_<generation>"`, one column per field plus
    `__set`, the number of the set of rows one `acquire` brought. Equal sets (the trials of a
    task, reference runs while rot is verified) are one set, held while episodes use it and
    then kept (idle) for the next, until more than `idle_limit` are idle and the least recently
    used is forgotten. A table takes new sets until it holds `generation_rows` rows; then the
    next generation starts, and an old generation is dropped once none of its sets is held or
    idle, so memory stays bounded without deleting rows. An episode reaches its own set only:
    its statements name the set's number, which the agent never writes.
    """

    def __init__(self, db: OrgDatabase, idle_limit: int = 1024,
                 generation_rows: int = 50_000) -> None:
        self._db = db
        self.idle_limit = idle_limit
        self.generation_rows = generation_rows
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._generations = itertools.count()
        #: object name -> [current table, rows in it]
        self._current: dict[str, list[Any]] = {}
        #: table -> sets in it (held or idle)
        self._live: dict[str, int] = {}
        #: digest of the object and its rows (`_key`) -> [table, set number, episodes holding
        #: it, object]
        self._sets: dict[str, list[Any]] = {}
        self._idle: OrderedDict[str, None] = OrderedDict()
        #: id(rows) -> (rows, key) for row lists seen lately. The lists of a task's verified rot
        #: are shared by its episodes (and the prefetch) and never changed, so their key is
        #: computed once; holding the list keeps its id from being reused.
        self._known: OrderedDict[int, tuple[Sequence[Mapping[str, Any]], str]] = OrderedDict()

    def acquire(self, obj: SObject, rows: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
        """(key, SELECT of `rows` with `obj`'s columns); hold them until `release([key])`.
        `rows` must not change once acquired (their key is remembered by the list)."""
        key, payload = self._key_of(obj, rows)
        with self._lock:
            entry = self._sets.get(key)
            if entry is None:
                if payload is None:
                    payload = rows_json(obj, rows)
                cur = self._db.cursor()
                try:
                    table = self._table_for(cur, obj, len(rows))
                    number = next(self._ids)
                    cur.execute(f"INSERT INTO {table} SELECT *, {number} "
                                f"FROM ({rows_select(obj, rows, payload)})")
                finally:
                    cur.close()
                entry = self._sets[key] = [table, number, 0, obj.name]
                self._live[table] += 1
            entry[2] += 1
            self._idle.pop(key, None)
            table, number = entry[0], entry[1]
        return key, f"SELECT * EXCLUDE (\"__set\") FROM {table} WHERE \"__set\" = {number}"

    def _key_of(self, obj: SObject, rows: Sequence[Mapping[str, Any]]
                ) -> tuple[str, str | None]:
        """(key, rows JSON or None when the key was remembered)."""
        known = self._known.get(id(rows))
        if known is not None and known[0] is rows:
            return known[1], None
        payload = rows_json(obj, rows)
        key = self._key(obj, rows, payload)
        with self._lock:
            self._known[id(rows)] = (rows, key)
            while len(self._known) > 4 * self.idle_limit:
                self._known.popitem(last=False)
        return key, payload

    @staticmethod
    def _key(obj: SObject, rows: Sequence[Mapping[str, Any]], payload: str | None) -> str:
        # a digest, not the text: a thousand sets' texts held 6.6 MB
        text = payload if payload is not None else values_select(obj, rows)
        return hashlib.blake2b(f"{obj.name}\0{text}".encode(), digest_size=16).hexdigest()

    def prefetch(self, sets: Iterable[tuple[SObject, Sequence[Mapping[str, Any]]]],
                 chunk_rows: int = 5_000) -> int:
        """Insert sets that episodes are about to `acquire`, one INSERT per object (and chunk of
        `chunk_rows`) instead of one per set: a statement costs about a millisecond to plan, a
        set's rows a tenth of that. They wait idle, as released sets do. Sets already here, or
        whose rows JSON cannot carry, are left to `acquire`. Returns how many were inserted."""
        pending: dict[str, tuple[SObject, dict[str, tuple[str, int]]]] = {}
        for obj, rows in sets:
            if not rows:
                continue
            key, payload = self._key_of(obj, rows)
            if key in self._sets:
                continue
            payload = payload if payload is not None else rows_json(obj, rows)
            if payload is not None:
                pending.setdefault(obj.name, (obj, {}))[1].setdefault(key, (payload, len(rows)))
        inserted = 0
        with self._lock:
            cur = self._db.cursor()
            try:
                for obj, by_key in pending.values():
                    chunk: list[tuple[str, str, int]] = []
                    count = 0
                    for key, (payload, n) in by_key.items():
                        if key in self._sets:
                            continue
                        if chunk and count + n > chunk_rows:
                            self._insert_sets(cur, obj, chunk, count)
                            inserted, chunk, count = inserted + len(chunk), [], 0
                        chunk.append((key, payload, n))
                        count += n
                    if chunk:
                        self._insert_sets(cur, obj, chunk, count)
                        inserted += len(chunk)
                self._trim_idle()
            finally:
                cur.close()
        return inserted

    def _insert_sets(self, cur: duckdb.DuckDBPyConnection, obj: SObject,
                     chunk: list[tuple[str, str, int]], count: int) -> None:
        """One INSERT of several sets (key, rows JSON, row count) of `obj`, left idle."""
        table = self._table_for(cur, obj, count)
        numbers = [next(self._ids) for _ in chunk]
        payload = "[" + ",".join(f'{{"n":{n},"rows":{rows}}}'
                                 for n, (_, rows, _) in zip(numbers, chunk, strict=True)) + "]"
        structure = _sql_str(f'[{{"n":"BIGINT","rows":[{_row_structure(obj)}]}}]')
        cur.execute(f"INSERT INTO {table} SELECT UNNEST(r, recursive := true), n FROM "
                    f"(SELECT s.n AS n, UNNEST(s.rows) AS r FROM "
                    f"(SELECT UNNEST(from_json(?, {structure})) AS s))", [payload])
        for n, (key, _, _) in zip(numbers, chunk, strict=True):
            self._sets[key] = [table, n, 0, obj.name]
            self._live[table] += 1
            self._idle[key] = None

    def _table_for(self, cur: duckdb.DuckDBPyConnection, obj: SObject, count: int) -> str:
        current = self._current.get(obj.name)
        if current is None or current[1] + count > self.generation_rows:
            if current is not None:
                self._retire(current[0])
            name = f"main.{quote_ident(f'rows_{obj.name}_{next(self._generations)}')}"
            cur.execute(create_table_sql(obj, name, '"__set" BIGINT'))
            current = self._current[obj.name] = [name, 0]
            self._live[name] = 0
        current[1] += count
        return str(current[0])

    def _retire(self, table: str) -> None:
        """A table no longer current: forget its idle sets, drop it once no set is left."""
        for key in [k for k in self._idle if self._sets[k][0] == table]:
            del self._idle[key]
            self._forget(key)
        if self._live[table] == 0:
            self._drop(table)

    def _forget(self, key: str) -> None:
        table = self._sets.pop(key)[0]
        self._live[table] -= 1
        if self._live[table] == 0 and all(c[0] != table for c in self._current.values()):
            self._drop(table)

    def _drop(self, table: str) -> None:
        """Drop a retired table (rare: its own cursor, not one per release)."""
        del self._live[table]
        cur = self._db.cursor()
        try:
            cur.execute(f"DROP TABLE {table}")
        finally:
            cur.close()

    def release(self, keys: Sequence[str]) -> None:
        """Let go of sets taken with `acquire` (once per acquire); forget the oldest idle ones."""
        with self._lock:
            for key in keys:
                entry = self._sets[key]
                if entry[2] == 0:
                    raise KeyError("release of rows that are not held")
                entry[2] -= 1
                if entry[2] > 0:
                    continue
                if self._current.get(entry[3]) is not None \
                        and self._current[entry[3]][0] == entry[0]:
                    self._idle[key] = None
                else:  # its table is retired: dropped once its last set goes
                    self._forget(key)
            self._trim_idle()

    def _trim_idle(self) -> None:
        """Forget the least recently used idle sets beyond `idle_limit` (under the lock)."""
        while len(self._idle) > self.idle_limit:
            key, _ = self._idle.popitem(last=False)
            self._forget(key)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sets)


@dataclass
class OrgView:
    """The org as one episode's agent sees it: views under (maybe drifted) names, plus rot rows.

    `schema` is the agent-visible schema (drifted names); `base_names` maps each visible object
    name to (base object name, {visible field name: base field name}); `extra_rows` are the
    episode's distractor rows (base names).

    Views are taken lazily, on the first `table(obj)` for an object, from the database's
    `SharedViews`: an episode typically touches a handful of the ~30 objects, and most of the
    views it needs already exist for another episode (each DuckDB catalog write costs
    milliseconds). An object with distractor rows is a subquery over its rows in `SharedRows`
    instead. `materialize()` takes them all (export).
    """

    db: OrgDatabase
    schema: OrgSchema
    base_names: dict[str, tuple[str, dict[str, str]]]
    query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S
    extra_rows: OrgData | None = None
    #: The User the episode's statements run as (USING SCOPE mine, ...); None: the org's default.
    running_user_id: str | None = None
    #: Results kept by (statement, parameters), for a view no agent uses whose queries repeat
    #: (the task builder's: drafts and heuristics run the same statement again and again).
    remember: BoundedCache[tuple[str, str], tuple[list[str], list[tuple[Any, ...]]]] | None = \
        field(default=None, repr=False)
    cursor: duckdb.DuckDBPyConnection = field(init=False, repr=False)
    _closed: bool = field(init=False, default=False)
    #: object name as asked (any case) -> qualified view name
    _tables: dict[str, str] = field(init=False, default_factory=dict, repr=False)
    _held: list[str] = field(init=False, default_factory=list, repr=False)
    _held_rows: list[str] = field(init=False, default_factory=list, repr=False)
    _create_lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.cursor = self.db.cursor()

    @property
    def effective_user_id(self) -> str | None:
        """The running user's Id: the view's own, else the org's default running user."""
        return self.running_user_id or self.db.default_running_user_id

    def running_user(self) -> dict[str, Any] | None:
        """{"Id", "Name", "Username"} of the user this view's statements run as."""
        user_id = self.effective_user_id
        return self.db.user(user_id) if user_id else None

    def table(self, object_name: str) -> str:
        """The qualified view name for a visible object name (exact case as in `schema`)."""
        name = self._tables.get(object_name)
        if name is None:
            name = self._take_view(object_name)
        return name

    def materialize(self) -> None:
        """Take every object's view now (e.g. before exporting the whole view)."""
        for obj in self.schema.objects:
            self.table(obj.name)

    def _take_view(self, object_name: str) -> str:
        visible = self.schema.get(object_name)
        # An unknown object (or a closed view) names a view that does not exist: the query
        # fails as it would have without one.
        missing = f"main.{quote_ident('v_closed')}.{quote_ident(object_name)}"
        if visible is None:
            return missing
        with self._create_lock:
            if self._closed:
                return missing
            name = self._tables.get(visible.name)
            if name is None:
                rows = self._rows_of(visible)
                if rows:
                    # The episode's own distractor rows serve hardly any other episode (its
                    # trials only): its view is a subquery in its statements, no catalog write.
                    base_obj = self.db.schema.get(self.base_names[visible.name][0])
                    assert base_obj is not None  # open_view checked every name
                    key, rows_sql = self.db.rows.acquire(base_obj, rows)
                    self._held_rows.append(key)
                    name = f"({self._definition(visible, rows_sql)})"
                else:
                    definition = self._definition(visible)
                    name = self.db.views.acquire(definition, visible.name)
                    self._held.append(definition)
                self._tables[visible.name] = name
            self._tables[object_name] = name
            return name

    def _rows_of(self, visible: SObject) -> Sequence[Mapping[str, Any]]:
        return (self.extra_rows or {}).get(self.base_names[visible.name][0]) or ()

    def _definition(self, visible: SObject, rows_sql: str | None = None) -> str:
        base_obj_name, field_map = self.base_names[visible.name]
        source = self.db.base_table(base_obj_name)
        cols = ", ".join(f"{quote_ident(field_map[f.name])} AS {quote_ident(f.name)}"
                         for f in visible.fields)
        if rows_sql is None:
            return f"SELECT {cols} FROM {source}"
        base_obj = self.db.schema.get(base_obj_name)
        if base_obj is not None and [field_map[f.name] for f in visible.fields] == \
                base_obj.field_names:
            # the rows' columns line up with the renamed ones: one projection less to plan
            return f"SELECT {cols} FROM {source} UNION ALL {rows_sql}"
        return f"SELECT {cols} FROM (SELECT * FROM {source} UNION ALL {rows_sql})"

    def execute(self, sql: str, params: Sequence[Any] | None = None,
                timeout_s: float | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one translated SELECT with a timeout; returns (column names, rows)."""
        if self._closed:
            raise SalesforceError(ErrorCode.UNKNOWN_EXCEPTION, "the org session is closed")
        if self.remember is not None:
            key = (sql, repr(params or []))
            hit = self.remember.get(key)
            if hit is None:
                hit = self.remember.put(key, self._execute(sql, params, timeout_s))
            return list(hit[0]), list(hit[1])
        return self._execute(sql, params, timeout_s)

    def _execute(self, sql: str, params: Sequence[Any] | None,
                 timeout_s: float | None) -> tuple[list[str], list[tuple[Any, ...]]]:
        guard_select(self.cursor, sql)
        limit = self.query_timeout_s if timeout_s is None else timeout_s
        token = WATCHDOG.arm(limit, self.cursor.interrupt)
        started = time.perf_counter()
        expired = False
        try:
            try:
                result = self.cursor.execute(sql, params or [])
                rows = result.fetchall()
                cols = [d[0] for d in result.description or []]
            finally:
                expired = WATCHDOG.disarm(token)
        except duckdb.InterruptException as exc:
            raise query_timeout() from exc
        except duckdb.OutOfMemoryException as exc:
            raise SalesforceError(
                ErrorCode.EXCEEDED_MAX_SIZE_REQUEST,
                "Your query used too much memory; make it more selective.") from exc
        except duckdb.Error as exc:
            if time.perf_counter() - started >= limit:
                raise query_timeout() from exc
            raise SalesforceError(ErrorCode.UNKNOWN_EXCEPTION,
                                  "An unexpected error occurred while running the query.") from exc
        if expired:  # finished although its deadline passed (an interrupt DuckDB did not see)
            raise query_timeout()
        return cols, rows

    def close(self) -> None:
        """Release this episode's views (shared ones live on for the next episode)."""
        with self._create_lock:
            if self._closed:
                return
            self._closed = True
            held, self._held = self._held, []
            held_rows, self._held_rows = self._held_rows, []
            self._tables.clear()
        try:
            self.db.views.release(held)
            self.db.rows.release(held_rows)
        finally:
            self.cursor.close()

    def __enter__(self) -> OrgView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_view(db: OrgDatabase, schema: OrgSchema | None = None,
              base_names: dict[str, tuple[str, dict[str, str]]] | None = None,
              extra_rows: OrgData | None = None,
              query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S,
              running_user_id: str | None = None, remember_results: int = 0) -> OrgView:
    """One episode's view of the org. Without arguments: the undrifted, unrotted org.

    `schema`/`base_names` come from a drift plan (entropy); `extra_rows` are distractor
    rows keyed by *base* object and field names; `running_user_id` is the User statements run as
    (default: `OrgDatabase.default_running_user_id`); with `remember_results`, the view keeps
    that many results for repeated statements (only for a view no agent uses: the org is
    immutable, but a remembered result skips the timeout). Bad names fail here, not at the first
    query; the DuckDB views themselves are created lazily (see OrgView).
    """
    schema = schema or db.schema
    if base_names is None:
        base_names = {o.name: (o.name, {f.name: f.name for f in o.fields}) for o in schema.objects}
    db.check_names(schema, base_names)
    for obj_name, rows in (extra_rows or {}).items():
        base_obj = db.schema.get(obj_name)
        if base_obj is None:
            raise ValueError(f"extra_rows: unknown object {obj_name}")
        unknown = (set().union(*(r.keys() for r in rows)) - set(base_obj.field_names)
                   if rows else set())
        if unknown:
            raise ValueError(f"{obj_name}: unknown fields {sorted(unknown)}")
    if running_user_id is not None and db.user(running_user_id) is None:
        raise ValueError(f"running user {running_user_id!r} is not a User of the org")
    return OrgView(db=db, schema=schema, base_names=base_names,
                   query_timeout_s=query_timeout_s, extra_rows=extra_rows,
                   running_user_id=running_user_id,
                   remember=BoundedCache(remember_results) if remember_results else None)
