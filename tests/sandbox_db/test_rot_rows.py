"""Distractor rows reach DuckDB as one JSON text (`rows_select`): the relation must be exactly
the one the typed VALUES list gave, value for value and type for type, for the rows rot really
plants and for the awkward values a row may carry. They are kept in shared tables
(`SharedRows`): each episode reads its own set and nothing else, and memory stays bounded."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import pytest

from data.org.store import shared_org
from data.tasks.taskset import load_task_set
from entropy.episode_org import EpisodeOrgConfig, episode_rot
from entropy.rot import merge_groups
from sandbox_db.database import OrgDatabase, SharedRows, rows_select, values_select
from sandbox_db.schema import FieldType, SObject


def _relation(db: OrgDatabase, select: str) -> list[tuple[object, ...]]:
    cur = db.cursor()
    try:
        result = cur.execute(f"SELECT * FROM ({select})")
        types = [str(d[1]) for d in result.description or []]
        return [tuple(zip(types, row, strict=True)) for row in result.fetchall()]
    finally:
        cur.close()


def _same(db: OrgDatabase, obj: SObject, rows: list[dict[str, object]]) -> None:
    assert _relation(db, rows_select(obj, rows)) == _relation(db, values_select(obj, rows))


@pytest.mark.parametrize("org", ["b2b", "b2c"])
def test_planted_rows_are_the_same_relation_as_values(org) -> None:
    db = shared_org(org)
    config = EpisodeOrgConfig(org=org, drift="none", rot="high")
    checked = 0
    for task in load_task_set(org)[::8]:
        for obj_name, rows in merge_groups(episode_rot(db, config, task).kept).items():
            obj = db.schema.get(obj_name)
            assert obj is not None
            _same(db, obj, rows)
            checked += len(rows)
    assert checked > 500


def test_awkward_values_cast_as_values_did() -> None:
    db = shared_org("b2b")
    obj = db.schema.get("Opportunity")
    assert obj is not None
    by_type = {f.type: f.name for f in obj.fields}
    text, date = by_type[FieldType.STRING], by_type[FieldType.DATE]
    stamp, number = by_type[FieldType.DATETIME], by_type[FieldType.CURRENCY]
    rows: list[dict[str, object]] = [
        {text: "O'Brien \"quoted\" \\ back, emoji 🚀, zero\u200bwidth", date: dt.datetime(2024,
         2, 29, 23, 59, 59), stamp: dt.date(2024, 3, 1), number: 12},
        {text: True, date: "2024-01-02", stamp: "2024-01-02 03:04:05", number: 1e-7},
        {text: 42, date: None, stamp: dt.datetime(2024, 1, 1, 0, 0, 0, 123456), number: None},
        {text: 2.5},
    ]
    for row in rows:  # one at a time: a VALUES list cannot mix a column's types across rows
        _same(db, obj, [row])
    _same(db, obj, [rows[0], rows[0] | {text: "another"}])


def test_a_non_finite_number_falls_back_to_values() -> None:
    db = shared_org("b2b")
    obj = db.schema.get("Opportunity")
    assert obj is not None
    number = next(f.name for f in obj.fields if f.type == FieldType.CURRENCY)
    select = rows_select(obj, [{number: math.inf}])
    assert "VALUES" in select
    assert _relation(db, select) == _relation(db, values_select(obj, [{number: math.inf}]))


def _rows_tables(db: OrgDatabase) -> list[str]:
    cur = db.cursor()
    try:
        return [r[0] for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, 'rows_')"
            ).fetchall()]
    finally:
        cur.close()


def _read(db: OrgDatabase, select: str) -> list[tuple[object, ...]]:
    cur = db.cursor()
    try:
        return sorted(cur.execute(select).fetchall(), key=repr)
    finally:
        cur.close()


@pytest.fixture
def own_db() -> Iterator[tuple[OrgDatabase, SObject]]:
    """The b2b org in a database of its own (its rows tables start empty), and Opportunity."""
    base = shared_org("b2b")
    db = OrgDatabase(schema=base.schema, path=base.path)
    obj = db.schema.get("Opportunity")
    assert obj is not None
    try:
        yield db, obj
    finally:
        db.close()


def test_each_set_reads_its_own_rows_and_equal_sets_are_one(own_db) -> None:
    db, obj = own_db
    name = next(f.name for f in obj.fields if f.type == FieldType.STRING)
    first = [{"Id": "006000000000001AAA", name: "first"}]
    second = [{"Id": "006000000000002AAA", name: "second"}, {"Id": "006000000000003AAA"}]
    key_a, sql_a = db.rows.acquire(obj, first)
    key_b, sql_b = db.rows.acquire(obj, second)
    assert sql_a != sql_b and len(_rows_tables(db)) == 1  # one table, two sets
    assert _read(db, sql_a) == _relation_rows(db, obj, first)
    assert _read(db, sql_b) == _relation_rows(db, obj, second)
    again = db.rows.acquire(obj, [dict(r) for r in first])
    assert again == (key_a, sql_a) and len(db.rows) == 2  # equal rows: the same set
    db.rows.release([key_a, key_a, key_b])
    assert _read(db, sql_a) == _relation_rows(db, obj, first)  # idle, kept


def _relation_rows(db: OrgDatabase, obj: SObject, rows: list[dict[str, object]]
                   ) -> list[tuple[object, ...]]:
    return _read(db, f"SELECT * FROM ({rows_select(obj, rows)})")


def test_old_generations_are_dropped_once_no_set_needs_them(own_db) -> None:
    db, obj = own_db
    rows = SharedRows(db, idle_limit=2, generation_rows=3)
    held_key, held_sql = rows.acquire(obj, [{"Id": "006000000000000AAA"}])
    for i in range(1, 40):
        key, sql = rows.acquire(obj, [{"Id": f"006{i:012d}AAA"}, {"Id": f"006{i:012d}AAB"}])
        assert [r[0] for r in _read(db, sql)] == [f"006{i:012d}AAA", f"006{i:012d}AAB"]
        rows.release([key])
        # the held set's generation stays while it is held; the rest stay bounded
        assert len(_rows_tables(db)) <= 3
    assert [r[0] for r in _read(db, held_sql)] == ["006000000000000AAA"]
    assert len(rows) <= 3  # the held set and at most `idle_limit` idle ones
    rows.release([held_key])
    rows.acquire(obj, [{"Id": "006999999999999AAA"}] * 3)  # a new generation retires it
    assert len(_rows_tables(db)) <= 2
    with pytest.raises(KeyError):
        rows.release([held_key])  # released already: a caller bug, not silently ignored


def test_prefetched_sets_go_in_one_statement_per_object_and_acquire_finds_them(
        own_db, monkeypatch) -> None:
    db, obj = own_db
    case = db.schema.get("Case")
    assert case is not None
    name = next(f.name for f in obj.fields if f.type == FieldType.STRING)
    opportunities = [[{"Id": f"006{i:012d}AAA", name: f"row {i}"}, {"Id": f"006{i:012d}AAB"}]
                     for i in range(30)]
    cases = [[{"Id": f"500{i:012d}AAA"}] for i in range(5)]
    before_key, _ = db.rows.acquire(obj, opportunities[0])  # here already: not inserted again
    statements: list[str] = []
    insert = SharedRows._insert_sets
    monkeypatch.setattr(SharedRows, "_insert_sets", lambda self, cur, o, chunk, count: (
        statements.append(o.name), insert(self, cur, o, chunk, count))[1])
    sets = [(obj, rows) for rows in opportunities] + [(case, rows) for rows in cases]
    assert db.rows.prefetch(sets) == 34
    assert sorted(statements) == ["Case", "Opportunity"]
    assert len(db.rows) == 35
    for o, rows in sets:  # each finds its own rows, none inserted now
        key, select = db.rows.acquire(o, [dict(r) for r in rows])
        assert _read(db, select) == _relation_rows(db, o, rows)
    assert len(db.rows) == 35 and len(statements) == 2
    assert db.rows.acquire(obj, opportunities[0])[0] == before_key


def test_prefetch_chunks_skips_what_json_cannot_carry_and_stays_bounded(own_db) -> None:
    db, obj = own_db
    rows = SharedRows(db, idle_limit=8)
    number = next(f.name for f in obj.fields if f.type == FieldType.CURRENCY)
    sets = [(obj, [{"Id": f"006{i:012d}AAA"}, {"Id": f"006{i:012d}AAB"}]) for i in range(20)]
    infinite = [{"Id": "006999999999999AAA", number: math.inf}]
    assert rows.prefetch([*sets, (obj, infinite), (obj, [])], chunk_rows=5) == 20
    assert len(rows) == 8  # the idle limit: the oldest prefetched sets are forgotten
    for _, set_rows in sets:  # forgotten or not, every set reads its own rows
        key, select = rows.acquire(obj, set_rows)
        assert [r[0] for r in _read(db, select)] == [r["Id"] for r in set_rows]
        rows.release([key])
    key, select = rows.acquire(obj, infinite)  # acquired alone, as VALUES
    assert _read(db, select)[0][0] == "006999999999999AAA"
