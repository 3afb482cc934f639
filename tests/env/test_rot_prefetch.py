"""RotPrefetch: the distractor rows of an assessment's next episodes go into the org's shared
tables a batch at a time, so that each episode finds its rows in place; it runs at most a batch
ahead, and a failure only ends it (no episode waits on it). An assessment's results are the same
with and without it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from data.org.store import shared_org
from data.tasks.model import Task
from data.tasks.seeded import TaskRef
from data.tasks.taskset import load_task_set
from entropy.episode_org import episode_rot
from env.agents import make_agent
from env.config import AssessmentConfig, EpisodeConfig
from env.episode import episode_org_config, open_episode_org
from env.rot_prefetch import RotPrefetch
from env.runner import run_assessment
from sandbox_db.database import OrgDatabase

CONFIG = EpisodeConfig(org="b2b", drift="medium", rot="medium")


@pytest.fixture
def own_db() -> Iterator[OrgDatabase]:
    """The public b2b org in a database of its own (its shared rows tables start empty)."""
    base = shared_org("b2b")
    db = OrgDatabase(schema=base.schema, path=base.path)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture(scope="module")
def rotted_tasks() -> list[Task]:
    """Public b2b tasks with distractor rows at medium, their rot planned (as a prewarmed
    image has it)."""
    db = shared_org("b2b")
    tasks = [t for t in load_task_set("b2b") if t.rot_targets][::20][:12]
    assert all(episode_rot(db, episode_org_config(CONFIG), t).kept for t in tasks)
    return tasks


def _prefetch(db: OrgDatabase, tasks: list[Task], batch: int,
              asked: list[str] | None = None) -> RotPrefetch:
    by_id = {t.id: t for t in tasks}

    async def task(ref: TaskRef) -> Task:
        if asked is not None:
            asked.append(ref.id)
        return by_id[ref.id]

    return RotPrefetch([TaskRef(t.id, t.org, t.category) for t in tasks], task, {"b2b": db},
                       lambda org: CONFIG, batch=batch)


async def test_episodes_find_the_rows_of_what_their_task_is_about_in_place(own_db, rotted_tasks):
    prefetch = _prefetch(own_db, rotted_tasks, batch=5)
    prefetch.start()
    try:
        await asyncio.wait_for(prefetch.ready(len(rotted_tasks) - 1), 30)
    finally:
        prefetch.close()
    assert prefetch.inserted == len(own_db.rows) > 0
    found = 0
    for task in rotted_tasks:
        handle = open_episode_org(own_db, task, CONFIG)
        try:
            about = {name for name, _ in task.referenced_fields}
            view = handle.view
            for visible, (base, _) in view.base_names.items():
                if base in about and (view.extra_rows or {}).get(base):
                    before = len(own_db.rows)
                    view.table(visible)  # the episode's first query of the object
                    assert len(own_db.rows) == before, f"{task.id}: {base} inserted again"
                    found += 1
        finally:
            handle.close()
    assert found >= len(rotted_tasks)


async def test_it_runs_one_batch_ahead_and_a_failure_ends_it_without_a_wait(own_db,
                                                                            rotted_tasks):
    asked: list[str] = []
    prefetch = _prefetch(own_db, rotted_tasks, batch=3, asked=asked)
    prefetch.start()
    try:
        await asyncio.wait_for(prefetch.ready(0), 30)
        await asyncio.sleep(0.2)
        assert asked == [t.id for t in rotted_tasks[:6]]  # batch 0 and the next one only
        await asyncio.wait_for(prefetch.ready(4), 30)
        await asyncio.sleep(0.2)
        assert asked == [t.id for t in rotted_tasks[:9]]
    finally:
        prefetch.close()

    async def broken(ref: TaskRef) -> Task:
        raise LookupError(ref.id)

    failing = RotPrefetch([TaskRef(t.id, t.org, t.category) for t in rotted_tasks], broken,
                          {"b2b": own_db}, lambda org: CONFIG, batch=3)
    failing.start()
    try:
        await asyncio.wait_for(failing.ready(len(rotted_tasks) - 1), 5)  # released, no rows
        assert failing.inserted == 0
    finally:
        failing.close()


async def test_an_assessment_gives_the_same_results_with_or_without_it(rotted_tasks,
                                                                       monkeypatch):
    config = AssessmentConfig(org_type="b2b", drift_level="medium", rot_level="medium",
                              concurrency=4)

    async def assess() -> list[dict[str, object]]:
        results = await run_assessment(config, make_agent("oracle", "medium"),
                                       tasks=rotted_tasks)
        out = []
        for result in sorted(results.tasks, key=lambda r: r.task_id):
            data = result.model_dump(mode="json")
            for key in ("agent_seconds", "env_seconds", "wall_seconds"):
                data["metrics"].pop(key)
            out.append(data)
        return out

    with_it = await assess()
    monkeypatch.setattr("env.rot_prefetch.prefetch_episode_rows", lambda db, tasks, cfg: 0)
    without = await assess()
    assert with_it == without
    assert all(r["passed"] for r in with_it)
