"""TaskSupply: categories built in the order the selection needs them, each episode waiting only
for its own category, a failed build handed to every waiting episode."""

from __future__ import annotations

import asyncio
import threading

import pytest

from data.tasks.model import Task
from data.tasks.seeded import TaskRef
from env.task_supply import TaskSupply


def _task(category: str, n: int) -> Task:
    return Task(id=f"b2b-{category}-{n:03d}", org="b2b", category=category, query="q",
                reward_metric="exact_match", answer=("x",))


async def test_the_first_category_is_served_while_later_ones_are_still_building() -> None:
    selected = [TaskRef(f"b2b-{c}-001", "b2b", c) for c in ("b", "a", "c")]
    release = threading.Event()
    built: list[str] = []

    def build(org: str, category: str) -> list[Task]:
        built.append(category)
        if category != "b":
            assert release.wait(5)  # later categories are slow to build
        return [_task(category, 1), _task(category, 2)]

    supply = TaskSupply(selected, build)
    supply.start()
    try:
        first = await asyncio.wait_for(supply.task(selected[0]), 5)
        assert first.id == "b2b-b-001" and built[0] == "b"  # served before "a" is built
        waiting = asyncio.ensure_future(supply.task(selected[2]))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        release.set()
        assert (await asyncio.wait_for(waiting, 5)).id == "b2b-c-001"
        assert built == ["b", "a", "c"]  # in the order the selection first needs them
    finally:
        release.set()
        supply.close()


async def test_a_failed_build_fails_every_waiting_episode() -> None:
    selected = [TaskRef("b2b-a-001", "b2b", "a"), TaskRef("b2b-b-001", "b2b", "b")]

    def build(org: str, category: str) -> list[Task]:
        if category == "b":
            raise ValueError("category b: only 3 of 20 tasks")
        return [_task(category, 1)]

    supply = TaskSupply(selected, build)
    supply.start()
    assert (await supply.task(selected[0])).id == "b2b-a-001"
    with pytest.raises(ValueError, match="category b"):
        await asyncio.wait_for(supply.task(selected[1]), 5)
    assert isinstance(supply.error, ValueError)


async def test_a_supply_of_existing_tasks() -> None:
    tasks = [_task("a", 1), _task("b", 1), _task("a", 2)]
    supply = TaskSupply.of(tasks)
    supply.start()
    assert [await supply.task(t) for t in tasks] == tasks
    supply.close()
