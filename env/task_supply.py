"""The selected tasks of an assessment, delivered as their categories are built.

Why: a fresh task seed's categories are built on first use (data.tasks.seeded), ~0.1-1 s each.
Building every selected category before the first episode would keep the agent waiting for all
of them; here a worker builds them one at a time, in the order the selection first needs them,
and each episode waits only for its own category. A category that cannot be built fails the
assessment with its error (never a smaller task set).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.tasks.model import Task
    from data.tasks.seeded import TaskLike


#: (org, category) -> that category's tasks (a superset of the selected ones).
BuildCategory = Callable[[str, str], Sequence["Task"]]


class TaskSupply:
    """Tasks of `selected`, built per (org, category) by `build` on a worker thread."""

    def __init__(self, selected: Sequence[TaskLike], build: BuildCategory) -> None:
        self._build = build
        self._order = list(dict.fromkeys((r.org, r.category) for r in selected))
        self._ready: dict[str, Task] = {}
        self._done: dict[tuple[str, str], asyncio.Event] = {}
        self._worker: asyncio.Task[None] | None = None
        #: The first build failure (every waiting episode then raises it).
        self.error: Exception | None = None

    @classmethod
    def of(cls, tasks: Sequence[Task]) -> TaskSupply:
        """A supply of tasks that exist already."""
        by_key: dict[tuple[str, str], list[Task]] = {}
        for task in tasks:
            by_key.setdefault((task.org, task.category), []).append(task)
        return cls(tasks, lambda org, category: by_key[(org, category)])

    def start(self) -> None:
        """Start building (in the running event loop)."""
        self._done = {key: asyncio.Event() for key in self._order}
        self._worker = asyncio.create_task(self._work(), name="task-supply")

    async def _work(self) -> None:
        for key in self._order:
            try:
                built = await asyncio.to_thread(self._build, *key)
            except Exception as exc:  # noqa: BLE001 - handed to every waiting episode
                self.error = exc
                for event in self._done.values():
                    event.set()
                return
            self._ready.update((t.id, t) for t in built)
            self._done[key].set()

    async def task(self, key: TaskLike) -> Task:
        """The built task (waits for its category); the build's error if it failed."""
        await self._done[(key.org, key.category)].wait()
        task = self._ready.get(key.id)
        if task is None:
            raise self.error or LookupError(f"task {key.id} was not built")
        return task

    def close(self) -> None:
        """Stop building (an unfinished category's thread completes on its own)."""
        if self._worker is not None:
            self._worker.cancel()
