"""Episodes in worker processes: one assessment spread over several cores.

One Python process runs an assessment's episodes on one core at most (the GIL), and the green
agent's own work per turn (SOQL translation, DuckDB, logs, grading) is what bounds its
throughput. `EpisodePool` starts `workers` processes; each opens the cached orgs read-only (the
operating system shares the file's pages), makes its own agent from `agent_factory` (for an A2A
purple: its own connection pool) and runs many episodes at once on its own event loop. The
runner hands each episode to the least busy worker and gets its EpisodeResult back; logs are
written by the worker into the same folder, so results, resume and regrade are unchanged.

Every episode is a pure function of (task, trial, config, the agent's replies), so where it
runs changes nothing in results.json.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.cores import usable_cores
from env.config import EpisodeConfig
from env.episode import run_episode
from env.protocol import Agent
from env.results import EpisodeResult

if TYPE_CHECKING:
    from core.provenance import Provenance
    from data.tasks.identity import TaskSetIdentity
    from data.tasks.model import Task


def default_workers() -> int:
    """Half the machine's cores (the other half for DuckDB's threads, the purple agent and the
    server), at most 8; 1 (episodes in the server's own process) on a 2-core machine."""
    return max(1, min(8, usable_cores() // 2))


class WorkerError(RuntimeError):
    """A worker process failed (died, or could not run an episode)."""


class EpisodePool:
    """`workers` processes running episodes for one assessment. Use `async with`."""

    def __init__(self, workers: int, agent_factory: Callable[[], Agent]) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self._agent_factory = agent_factory
        self._ids = itertools.count()
        self._procs: list[Any] = []
        self._conns: list[Connection] = []
        self._send_locks: list[threading.Lock] = []
        self._busy: list[int] = []
        self._pending: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]]] = {}
        self._readers: list[threading.Thread] = []
        self._lock = threading.Lock()

    async def __aenter__(self) -> EpisodePool:
        await asyncio.to_thread(self._start)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.close)

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        for index in range(self.workers):
            parent, child = context.Pipe()
            proc = context.Process(target=_worker_main, args=(child, self._agent_factory),
                                   name=f"crmarena-episodes-{index}", daemon=True)
            proc.start()
            child.close()
            self._procs.append(proc)
            self._conns.append(parent)
            self._send_locks.append(threading.Lock())
            self._busy.append(0)
            reader = threading.Thread(target=self._read, args=(index,), daemon=True,
                                      name=f"crmarena-episodes-reader-{index}")
            reader.start()
            self._readers.append(reader)

    async def run_episode(self, task: Task, trial: int, config: EpisodeConfig,
                          log_path: Path | None, *, org_seed: int | None = None,
                          provenance: Provenance | None = None,
                          task_set: TaskSetIdentity | None = None) -> EpisodeResult:
        """Run one episode in the least busy worker and return its result. `org_seed`: the
        seed of the task's org (default: the public one); `provenance` and `task_set` go to
        the log's header as in env.episode.run_episode."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        request_id = next(self._ids)
        with self._lock:
            index = min(range(self.workers), key=self._busy.__getitem__)
            self._busy[index] += 1
            self._pending[request_id] = (loop, future)
        try:
            try:
                with self._send_locks[index]:
                    self._conns[index].send((request_id, task, trial, config, log_path,
                                             org_seed, provenance, task_set))
            except (OSError, ValueError) as exc:
                raise WorkerError(f"worker {index} is gone: {exc}") from exc
            kind, value = await future
        finally:
            with self._lock:
                self._busy[index] -= 1
                self._pending.pop(request_id, None)
        if kind == "error":
            raise WorkerError(value)
        # EpisodeResult's JSON leaves out its log (which stays in its file: the runner keeps no
        # trajectory) and the provenance and task set, which are the ones sent above.
        return EpisodeResult.model_validate_json(value).model_copy(
            update={"provenance": provenance, "task_set": task_set})

    def _read(self, index: int) -> None:
        conn = self._conns[index]
        while True:
            try:
                request_id, kind, value = conn.recv()
            except (EOFError, OSError):
                break
            self._resolve(request_id, kind, value)
        # The worker is gone: fail whatever it still had.
        with self._lock:
            lost = [r for r, _ in self._pending.items()]
        for request_id in lost:
            self._resolve(request_id, "error", f"worker {index} exited")

    def _resolve(self, request_id: int, kind: str, value: Any) -> None:
        with self._lock:
            waiting = self._pending.get(request_id)
        if waiting is None:
            return
        loop, future = waiting

        def settle() -> None:
            if not future.done():
                future.set_result((kind, value))

        try:
            loop.call_soon_threadsafe(settle)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    def close(self) -> None:
        """Stop every worker (their agents are closed) and wait for them."""
        for lock, conn in zip(self._send_locks, self._conns, strict=True):
            try:
                with lock:
                    conn.send(None)
            except (OSError, ValueError):
                pass
        for proc in self._procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
        for conn in self._conns:
            conn.close()
        for reader in self._readers:
            reader.join(timeout=5)
        self._procs.clear()


def _worker_main(conn: Connection, agent_factory: Callable[[], Agent]) -> None:
    """A worker: runs each requested episode as a task on its own event loop until told to
    stop, then closes its agent."""
    asyncio.run(_serve(conn, agent_factory))


async def _serve(conn: Connection, agent_factory: Callable[[], Agent]) -> None:
    from data.org.store import shared_org  # the worker's own read-only orgs

    loop = asyncio.get_running_loop()
    agent = agent_factory()
    send_lock = threading.Lock()
    running: set[asyncio.Task[None]] = set()

    def reply(request_id: int, kind: str, value: object) -> None:
        with send_lock:
            conn.send((request_id, kind, value))

    async def one(request_id: int, task: Task, trial: int, config: EpisodeConfig,
                  log_path: Path | None, org_seed: int | None, provenance: Provenance | None,
                  task_set: TaskSetIdentity | None) -> None:
        try:
            db = await asyncio.to_thread(
                shared_org, task.org, *(() if org_seed is None else (org_seed,)))
            session = agent.session(task, trial)
            try:
                result = await run_episode(task, session, db, config, trial=trial,
                                           agent_name=agent.name, log_path=log_path,
                                           provenance=provenance, task_set=task_set)
            finally:
                try:
                    await session.close()
                except Exception:  # noqa: BLE001 - a session that fails to close is no result
                    pass
            payload = result.model_dump_json()
            await asyncio.to_thread(reply, request_id, "ok", payload)
        except Exception as exc:  # noqa: BLE001 - reported to the runner, which fails loudly
            await asyncio.to_thread(reply, request_id, "error", f"{type(exc).__name__}: {exc}")

    while True:
        request = await asyncio.to_thread(conn.recv)
        if request is None:
            break
        task = loop.create_task(one(*request))
        running.add(task)
        task.add_done_callback(running.discard)
    if running:
        await asyncio.gather(*running, return_exceptions=True)
    closer = getattr(agent, "aclose", None)
    if closer is not None:
        await closer()
