"""The green agent's A2A lifecycle: one A2A task per assessment.

Task first, then only updates: validate the request (reject with the reason if bad), run
env.runner.run_assessment against the purple agent over A2A while streaming "task 12/40 · pass 9"
status updates, then one artifact (readable summary, results.json as a data part, and the same
JSON as text so integers survive the protobuf Value round trip) and complete. A purple agent's
failures are scored inside the assessment; an agent whose card cannot be read fails the A2A task
at once, with the reason, and so do our own errors. A blocking request (message/send) whose
client disconnects is canceled; a streaming or non-blocking one runs on. Unknown config keys
are named in the first status and in the results' warnings. Every assessment has its own agent
client, output folder and progress pump, so concurrent assessments never share state.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import math
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from a2a.helpers import get_data_parts, new_data_part, new_task_from_user_message, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import Message, Part, TaskState

from a2a_app.connection import client_disconnected
from env.config import AssessmentConfig, unknown_key_warnings
from env.protocol import Agent, AgentUnavailable, agent_identity
from env.results import read_run
from env.runner import AssessmentError, FolderInUse, run_assessment
from env.task_seed import TaskSeed, TaskSeedError, resolve_task_seed
from env.workers import EpisodePool
from green.client import A2AAgent
from green.participant import McpNotServed, assessed_agent
from green.progress import ProgressPump
from green.request import AssessmentRequest, RequestError, parse_request
from green.results_folder import claim, link_task, request_key
from green.summary import summary_text
from mcp_tools.episodes import EpisodeTools

log = logging.getLogger(__name__)

#: run_assessment(config, agent, out_dir, progress, task_seed=...) -> Results (env.runner's
#: contract).
RunAssessment = Callable[..., Awaitable[Any]]

def _field(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, dict) else getattr(event, name, None)


def progress_text(event: Any) -> str:
    """"task 12/40 · pass 9" from a runner progress event (object or dict)."""
    done, total, passed = (_field(event, k) for k in ("done", "total", "passed"))
    return f"task {done}/{total} · pass {passed}"


def results_dict(results: Any) -> dict[str, Any]:
    """results.json as a plain dict, whatever shape the runner returns."""
    if isinstance(results, dict):
        return results
    if hasattr(results, "model_dump"):
        return results.model_dump(mode="json")
    raw = results.to_json()
    return json.loads(raw) if isinstance(raw, str) else raw


class GreenExecutor(AgentExecutor):
    """Runs assessment requests. `run` defaults to env.runner.run_assessment; `results_root`
    keeps each assessment's folder (else a temporary one); with `workers` > 1 each assessment's
    episodes run in that many worker processes (env.workers); `episode_tools` serves the
    episodes' MCP endpoints (tool_transport "mcp", whose episodes run in this process: their
    endpoints are served here)."""

    def __init__(self, run: RunAssessment | None = None, results_root: Path | None = None,
                 workers: int = 1, episode_tools: EpisodeTools | None = None) -> None:
        self._run = run or run_assessment
        self.results_root = results_root
        self.workers = workers
        self.episode_tools = episode_tools
        self._running: set[asyncio.Task[Any]] = set()
        self._stopping = False

    def stop_all(self) -> None:
        """Cancel every running assessment, each ending `canceled` with the reason (the server
        is stopping: its clients get a final state instead of a dropped stream)."""
        self._stopping = True
        for work in list(self._running):
            work.cancel()

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        message = context.message
        assert message is not None  # the SDK calls execute() with the user's message
        task = context.current_task or new_task_from_user_message(message)
        if context.current_task is None:
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)

        def say(text: str) -> Message:
            return new_text_message(text, context_id=task.context_id, task_id=task.id)

        try:
            request, config = parse_request(context.get_user_input(),
                                            get_data_parts(message.parts))
            task_seed = resolve_task_seed(config, {role: str(url) for role, url
                                                   in request.participants.items()})
        except (RequestError, TaskSeedError) as exc:
            await updater.reject(say(str(exc) if isinstance(exc, RequestError)
                                     else f"bad request: {exc}"))
            return
        warnings = unknown_key_warnings(config.model_extra or {})
        await updater.start_work(say("\n".join([f"Assessing {request.agent_url}",
                                                *(f"warning: {w}" for w in warnings)])))
        work = asyncio.create_task(self._assess(request, config, task_seed, task.id, updater))
        self._running.add(work)
        work.add_done_callback(self._running.discard)
        gone = client_disconnected(context)
        client_left = asyncio.Event()
        watcher = asyncio.create_task(_cancel_when_gone(gone, work, client_left)) if gone else None
        try:
            results = await work
        except asyncio.CancelledError:
            if client_left.is_set():
                log.info("assessment %s canceled: its client disconnected", task.id)
                await updater.cancel(say("assessment canceled: the client that sent the "
                                         "blocking request disconnected (send it streaming, or "
                                         "with return_immediately, to let it run on)"))
            elif self._stopping and work.cancelled():
                log.info("assessment %s canceled: the server is stopping", task.id)
                await updater.cancel(say("assessment canceled: the green server is stopping "
                                         "(with --results-dir, the same request resumes it)"))
            else:
                raise
            return
        except AgentUnavailable as exc:  # the card cannot be read: nothing to assess
            await updater.failed(say(f"the agent at {request.agent_url} cannot be assessed: "
                                     f"{exc}"))
            return
        except (AssessmentError, McpNotServed) as exc:  # selects nothing, unknown tasks, ...
            await updater.reject(say(f"bad request: {exc}"))
            return
        except Exception as exc:  # noqa: BLE001 - our failure: report it on the A2A task
            log.exception("assessment %s failed", task.id)
            await updater.failed(say(f"assessment failed: {exc!r}"))
            return
        finally:
            if watcher is not None:
                watcher.cancel()
        data = results_dict(results)
        await updater.add_artifact(
            parts=[Part(text=summary_text(data)), new_data_part(data),
                   Part(text=json.dumps(data), media_type="application/json")],
            name="Result")
        await updater.complete()

    async def _assess(self, request: AssessmentRequest, config: AssessmentConfig,
                      task_seed: TaskSeed, task_id: str, updater: TaskUpdater) -> Any:
        async def send(text: str) -> None:
            await updater.update_status(TaskState.TASK_STATE_WORKING,
                                        new_text_message(text, context_id=updater.context_id,
                                                         task_id=task_id))

        pump = ProgressPump(send)

        def progress(event: Any) -> None:
            if _field(event, "kept") and _field(event, "done") == 1:
                pump.note(f"resuming: {_field(event, 'kept')} of {_field(event, 'total')} "
                          "episodes kept", progress=False)
            pump.note(progress_text(event))

        try:
            async with assessed_agent(request.agent_url, config,
                                      self.episode_tools) as agent, \
                    contextlib.AsyncExitStack() as stack:
                options: dict[str, Any] = {"task_seed": task_seed}
                workers = min(self.workers, config.concurrency)
                if workers > 1 and config.tool_transport == "message":
                    # Each worker process talks to the purple with its own connection pool.
                    factory = functools.partial(
                        A2AAgent, request.agent_url, turn_timeout_s=config.turn_timeout,
                        max_connections=math.ceil(config.concurrency / workers))
                    options["pool"] = await stack.enter_async_context(
                        EpisodePool(workers, factory))
                try:
                    with self._out_dir(request, config, task_id) as out_dir:
                        return await self._run(config, agent, out_dir, progress, **options)
                except FolderInUse:
                    # The request's folder was started by another agent at the same URL (its
                    # card changed): run in a folder of this agent's own.
                    with self._out_dir(request, config, task_id, agent) as out_dir:
                        return await self._run(config, agent, out_dir, progress, **options)
        finally:
            await pump.close()

    @contextlib.contextmanager
    def _out_dir(self, request: AssessmentRequest, config: AssessmentConfig,
                 task_id: str, agent: Agent | None = None) -> Iterator[Path]:
        """results_root/<request key>[-n] (green.results_folder: the same request resumes its
        unfinished folder; with `agent`, only a folder that agent started), linked from
        results_root/<task id>; without a root, a temporary folder removed afterwards (the
        results travel in the artifact)."""
        if self.results_root is None:
            with tempfile.TemporaryDirectory(prefix=f"crmarena-{task_id[:8]}-") as tmp:
                yield Path(tmp)
            return
        usable = None
        if agent is not None:
            identity = agent_identity(agent)

            def usable(folder: Path) -> bool:
                run = read_run(folder)
                return run is None or (run.agent_identity or {"name": run.agent}) == identity

        with claim(self.results_root, request_key(request, config), usable) as out:
            link_task(self.results_root, task_id, out)
            log.info("assessment %s: results in %s", task_id, out)
            yield out

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Mark the task canceled; the SDK then cancels the running execute() coroutine."""
        assert context.task_id and context.context_id  # a cancel names an existing task
        updater = TaskUpdater(event_queue, context.task_id, context.context_id)
        await updater.cancel(new_text_message("assessment canceled",
                                              context_id=context.context_id,
                                              task_id=context.task_id))


#: Seconds between checks of whether a blocking request's client is still connected.
DISCONNECT_POLL_S = 0.5


async def _cancel_when_gone(is_disconnected: Callable[[], Awaitable[bool]], work: asyncio.Task,
                            client_left: asyncio.Event) -> None:
    """Cancel `work` once the client of its blocking request has gone away."""
    while not work.done():
        if await is_disconnected():
            client_left.set()
            work.cancel()
            return
        await asyncio.sleep(DISCONNECT_POLL_S)
