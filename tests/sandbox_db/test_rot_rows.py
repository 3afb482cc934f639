"""Distractor rows reach DuckDB as one JSON text (`rows_select`): the relation must be exactly
the one the typed VALUES list gave, value for value and type for type, for the rows rot really
plants and for the awkward values a row may carry."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from data.org.store import shared_org
from data.tasks.taskset import load_task_set
from entropy.episode_org import EpisodeOrgConfig, episode_rot
from entropy.rot import merge_groups
from sandbox_db.database import OrgDatabase, rows_select, values_select
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
