"""The green agent's A2A lifecycle: one A2A task per assessment.

Task first, then only updates: validate the request (reject with the reason if bad), run
env.runner.run_assessment against the purple agent over A2A while streaming "task 12/40 · pass 9"
status updates, then one artifact (readable summary, results.json as a data part, and the same
JSON as text so integers survive the protobuf Value round trip) and complete. A purple agent's
failures are scored inside the assessment; only our own errors fail the A2A task. Every
assessment has its own agent client, output folder and progress pump, so concurrent
assessments never share state.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from a2a.helpers import get_data_parts, new_data_part, new_task_from_user_message, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import Part, TaskState

from env.config import AssessmentConfig
from env.runner import AssessmentError, run_assessment
from green.participant import McpNotServed, assessed_agent
from green.request import AssessmentRequest, RequestError, parse_request
from green.results_folder import claim, link_task, request_key
from green.summary import summary_text
from mcp_tools.episodes import EpisodeTools

log = logging.getLogger(__name__)

#: run_assessment(config, agent, out_dir, progress) -> Results (env.runner's contract).
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
    keeps each assessment's folder (else a temporary one); `episode_tools` serves the episodes'
    MCP endpoints (tool_transport "mcp")."""

    def __init__(self, run: RunAssessment | None = None, results_root: Path | None = None,
                 episode_tools: EpisodeTools | None = None) -> None:
        self._run = run or run_assessment
        self.results_root = results_root
        self.episode_tools = episode_tools

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        message = context.message
        assert message is not None  # the SDK calls execute() with the user's message
        task = context.current_task or new_task_from_user_message(message)
        if context.current_task is None:
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        try:
            request, config = parse_request(context.get_user_input(),
                                            get_data_parts(message.parts))
        except RequestError as exc:
            await updater.reject(new_text_message(str(exc), context_id=task.context_id,
                                                  task_id=task.id))
            return
        await updater.start_work(new_text_message(
            f"Assessing {request.agent_url}", context_id=task.context_id, task_id=task.id))
        try:
            results = await self._assess(request, config, task.id, updater)
        except asyncio.CancelledError:
            raise
        except (AssessmentError, McpNotServed) as exc:  # selects nothing, unknown tasks, ...
            await updater.reject(new_text_message(f"bad request: {exc}",
                                                  context_id=task.context_id, task_id=task.id))
            return
        except Exception as exc:  # noqa: BLE001 - our failure: report it on the A2A task
            log.exception("assessment %s failed", task.id)
            await updater.failed(new_text_message(f"assessment failed: {exc!r}",
                                                  context_id=task.context_id, task_id=task.id))
            return
        data = results_dict(results)
        await updater.add_artifact(
            parts=[Part(text=summary_text(data)), new_data_part(data),
                   Part(text=json.dumps(data), media_type="application/json")],
            name="Result")
        await updater.complete()

    async def _assess(self, request: AssessmentRequest, config: AssessmentConfig, task_id: str,
                      updater: TaskUpdater) -> Any:
        updates: asyncio.Queue[str | None] = asyncio.Queue()

        async def pump() -> None:
            # Progress arrives from a sync callback; send the updates in order, one at a time.
            while (text := await updates.get()) is not None:
                await updater.update_status(TaskState.TASK_STATE_WORKING,
                                            new_text_message(text, context_id=updater.context_id,
                                                             task_id=task_id))

        def progress(event: Any) -> None:
            updates.put_nowait(progress_text(event))

        pumping = asyncio.create_task(pump())
        try:
            with self._out_dir(request, config, task_id) as out_dir:
                async with assessed_agent(request.agent_url, config,
                                          self.episode_tools) as agent:
                    return await self._run(config, agent, out_dir, progress)
        finally:
            updates.put_nowait(None)
            await asyncio.wait({pumping}, timeout=10)

    @contextlib.contextmanager
    def _out_dir(self, request: AssessmentRequest, config: AssessmentConfig,
                 task_id: str) -> Iterator[Path]:
        """results_root/<request key>[-n] (green.results_folder: the same request resumes its
        unfinished folder), linked from results_root/<task id>; without a root, a temporary
        folder removed afterwards (the results travel in the artifact)."""
        if self.results_root is None:
            with tempfile.TemporaryDirectory(prefix=f"crmarena-{task_id[:8]}-") as tmp:
                yield Path(tmp)
            return
        with claim(self.results_root, request_key(request, config)) as out:
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
