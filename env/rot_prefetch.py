"""Distractor rows of an assessment's next episodes, put into their org's shared tables together.

Why: an episode's first query of an object with distractor rows inserts them into the org's
shared tables (sandbox_db.database.SharedRows), one statement per episode and object; a statement
costs about a millisecond to plan, its rows a tenth of that, so the first assessment on a green
server spent 3 ms per task there. Running a batch of episodes ahead, one statement per object
inserts the rows of the whole batch (of the objects each task is about); the episodes then find
their rows in place. Only rot planned already (in memory or on disk) is loaded: planning and
verifying stay with each episode.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from core.org_type import OrgType
from entropy.episode_org import prefetch_rot_rows
from env.config import EpisodeConfig
from env.episode import episode_org_config

if TYPE_CHECKING:
    from data.tasks.model import Task
    from data.tasks.seeded import TaskLike
    from sandbox_db.database import OrgDatabase


def prefetch_episode_rows(db: OrgDatabase, tasks: Sequence[Task], config: EpisodeConfig) -> int:
    """The rot rows of `tasks`' episodes under `config`, inserted together; blocking. Returns
    how many sets of rows were inserted."""
    return prefetch_rot_rows(db, episode_org_config(config), tasks)


#: Episodes per batch: a statement per object and batch, so larger batches insert for less (a
#: batch of 128 tasks costs the first episode ~0.2 s of waiting); two batches' rows wait idle at
#: most, well within SharedRows' idle limit.
BATCH = 128


class RotPrefetch:
    """Inserts the rows of `refs`' episodes (in their order) a batch at a time, on a thread of
    its own, at most one batch ahead of the episodes that asked for theirs. An episode awaits
    `ready(i)` (i: its place in `refs`) before opening its org, so it finds its rows in place.
    A failure here only ends the prefetching (every waiting episode goes on): episodes insert
    what they still need, and a task that cannot be built fails its own episode."""

    def __init__(self, refs: Sequence[TaskLike], task: Callable[[TaskLike], Awaitable[Task]],
                 databases: Mapping[str, OrgDatabase],
                 config: Callable[[OrgType], EpisodeConfig], batch: int = BATCH) -> None:
        self._refs = list(refs)
        self._task = task
        self._databases = databases
        self._config = config
        self._batch = max(1, batch)
        self._asked = -1  # the furthest place in `refs` an episode has asked for
        self._wake = asyncio.Event()
        self._ready = [asyncio.Event() for _ in range(0, len(self._refs), self._batch)]
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="rot-prefetch")
        self._worker: asyncio.Task[None] | None = None
        #: sets of rows inserted so far
        self.inserted = 0

    def start(self) -> None:
        """Start prefetching (in the running event loop)."""
        self._worker = asyncio.create_task(self._work(), name="rot-prefetch")

    async def ready(self, index: int) -> None:
        """Wait until the batch holding the episode at `index` is in (or prefetching ended)."""
        self._asked = max(self._asked, index)
        self._wake.set()
        batch = index // self._batch
        if 0 <= batch < len(self._ready):
            await self._ready[batch].wait()

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            for number, begin in enumerate(range(0, len(self._refs), self._batch)):
                while self._asked < begin - self._batch:  # one batch ahead at most
                    self._wake.clear()
                    await self._wake.wait()
                by_org: dict[OrgType, list[Task]] = {}
                for ref in self._refs[begin:begin + self._batch]:
                    task = await self._task(ref)
                    by_org.setdefault(task.org, []).append(task)
                for org, tasks in by_org.items():
                    self.inserted += await loop.run_in_executor(
                        self._thread, prefetch_episode_rows, self._databases[org], tasks,
                        self._config(org))
                self._ready[number].set()
        except Exception:  # noqa: BLE001, S110 - an optimisation: the episodes do without it
            pass
        finally:
            for event in self._ready:
                event.set()

    def close(self) -> None:
        """Stop prefetching (a batch being inserted completes on its own thread)."""
        if self._worker is not None:
            self._worker.cancel()
        self._thread.shutdown(wait=False)
