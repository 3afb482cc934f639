"""Entropy on the real generated orgs and task sets (slow: builds or loads them).

The guarantee the benchmark rests on, for every task at every level: rot never moves the gold
answer (the reference solution on the rotted org returns it), drift renames the task's own
fields, and an agent that adapts through the drifted names still derives the gold answer.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter

import pytest

from entropy import EpisodeOrgConfig, build_episode_org, iter_references
from sandbox_db.database import open_view
from sandbox_db.schema import FieldType
from tests.helpers.entropy_org import oracle_answer

pytestmark = pytest.mark.slow

org_mod = pytest.importorskip("data.org.store")
tasks_mod = pytest.importorskip("data.tasks")
pytest.importorskip("data.tasks.categories")  # registers every derivation
pytest.importorskip("sandbox_db.soql")

ORGS = ("b2b", "b2c")
#: Tasks per category checked at every level (CRMARENA_ENTROPY_TASKS_PER_CATEGORY=0: all of
#: them). Every episode verifies its own rot anyway; this bounds the suite's run time.
PER_CATEGORY = int(os.environ.get("CRMARENA_ENTROPY_TASKS_PER_CATEGORY", "2"))


@pytest.fixture(scope="module", params=ORGS)
def real(request):
    org = request.param
    db = org_mod.load_org(org)
    tasks = _current_task_set(org)
    yield org, db, _first_per_category(tasks, PER_CATEGORY) if PER_CATEGORY else tasks
    db.close()


def _first_per_category(tasks, k: int):
    out, seen = [], Counter()
    for t in tasks:
        if seen[t.category] < k:
            seen[t.category] += 1
            out.append(t)
    return out


def _current_task_set(org: str):
    """The default task set when it was built from the current org, else (missing or stale:
    its golds belong to another org version) a small set built the same way, now."""
    from data.tasks.taskset import load_task_set_meta
    from sandbox_db.schema import load_schema

    try:
        meta = load_task_set_meta(org)
        if meta.org_version == org_mod.org_version(org) and \
                meta.schema_version == load_schema(org).version:
            return tasks_mod.load_task_set(org)
    except FileNotFoundError:
        pass
    return tasks_mod.build_task_set(org, per_category=2)




@pytest.mark.parametrize("level", ["none", "low", "medium", "high"])
def test_every_task_keeps_its_gold_answer_at_every_level(real, level) -> None:
    org, db, tasks = real
    checked = 0
    for task in tasks:
        config = EpisodeOrgConfig(org=org, drift=level, rot=level, seed=1, today=task.today)
        with build_episode_org(db, config, task) as episode:
            if level != "none":
                for obj, fld in task.referenced_fields:
                    f = db.schema.get(obj).field(fld)
                    if f.type != FieldType.ID:
                        renamed = episode.plan.field_renames.get(obj, {})
                        assert f.name in renamed, (task.id, obj, fld)
                assert episode.rot_groups, task.id
            if task.reference is None:
                continue
            with open_view(db, extra_rows=episode.rot_rows or None) as rotted:
                assert tasks_mod.run_reference(rotted, task) == list(task.answer), task.id
            assert oracle_answer(episode, task, db.schema, task.today) == list(task.answer), task.id
            checked += 1
    assert checked >= len(tasks) // 2


def test_rot_on_the_real_org_is_referentially_intact(real) -> None:
    org, db, tasks = real
    for task in tasks[::3]:
        config = EpisodeOrgConfig(org=org, drift="none", rot="high", seed=2, today=task.today)
        with build_episode_org(db, config, task) as episode:
            rows = episode.rot_rows
            rot_ids = {o: {r["Id"] for r in rs} for o, rs in rows.items()}
            refs: dict[str, set[str]] = {}
            for _, _, target, ref in iter_references(db.schema, rows):
                if ref not in rot_ids.get(target, set()):
                    refs.setdefault(target, set()).add(ref)
            cur = db.cursor()
            try:
                for target, ids in refs.items():
                    found = cur.execute(f'SELECT COUNT(*) FROM {db.base_table(target)} '
                                        'WHERE "Id" IN (SELECT UNNEST(?))',
                                        [sorted(ids)]).fetchone()
                    assert found == (len(ids),), (task.id, target)
                for obj, ids in rot_ids.items():
                    clash = cur.execute(f'SELECT COUNT(*) FROM {db.base_table(obj)} '
                                        'WHERE "Id" IN (SELECT UNNEST(?))',
                                        [sorted(ids)]).fetchone()
                    assert clash == (0,), (task.id, obj)
            finally:
                cur.close()


def test_episode_build_time_on_the_real_org(real) -> None:
    org, db, tasks = real
    task = next(t for t in tasks if t.reference is not None)
    config = EpisodeOrgConfig(org=org, drift="high", rot="high", seed=3, today=task.today)
    build_episode_org(db, config, task).close()
    times = []
    for _ in range(20):
        started = time.perf_counter()
        episode = build_episode_org(db, config, task)
        times.append(time.perf_counter() - started)
        episode.close()
    assert statistics.median(times) < 0.010, times


def test_cli_soql_under_drift(capsys) -> None:
    import json

    from crmarena_cli import main
    from entropy import plan_drift
    from sandbox_db.schema import load_schema

    plan = plan_drift(load_schema("b2b"), "medium", 2)
    status = plan.visible_field("Case", "Status")
    assert status != "Status"
    assert main(["soql", "--drift", "medium", "--seed", "2", "SELECT Id, Status FROM Case"]) == 1
    assert json.loads(capsys.readouterr().out)[0]["errorCode"] == "INVALID_FIELD"
    assert main(["soql", "--drift", "medium", "--seed", "2",
                 f"SELECT Id, {status} FROM Case LIMIT 2"]) == 0
    assert json.loads(capsys.readouterr().out)["totalSize"] == 2
