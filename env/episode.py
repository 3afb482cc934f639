"""One episode: a task, an agent session and an isolated org view, turn by turn.

The first message is the task; each agent reply is parsed into one tool call, validated,
executed on the episode's own view, and answered with an observation, until submit_answer,
max_steps or the timeout. Every turn goes to the log as it happens; nothing else is kept, so
grading and metrics are pure functions of the log.

Many episodes share one event loop, and a reply is untrusted input whose parsing, validation,
name resolution and token counting can cost seconds (a 100,000-item answer): the event loop
only waits for the agent. Everything else of a turn (parse, validate, resolve names, run the
query, render and count the observation, write the log line) runs as one call in a worker
thread, as do building the episode's org and grading its log.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import functools
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from core.cores import usable_cores
from core.provenance import Provenance, current_provenance
from entropy import EpisodeOrgConfig, build_episode_org
from env.config import EpisodeConfig
from env.log import EpisodeEnd, EpisodeHeader, EpisodeLog, LogWriter, Termination, TurnRecord
from env.messages import observation_message, task_message
from env.names import NameResolver
from env.parsing import FormatError, parse_reply
from env.protocol import AgentSession, McpAgentSession, McpEndpoint, ToolCall
from env.results import EpisodeResult, evaluate_log
from env.tokens import count_tokens
from env.tools import FORMAT_ERROR, SUBMIT_ANSWER, UNKNOWN_TOOL, error_json, execute, validate_call

if TYPE_CHECKING:
    from data.tasks.identity import TaskSetIdentity
    from data.tasks.model import Task
    from sandbox_db.database import OrgDatabase, OrgView

log = logging.getLogger(__name__)
T = TypeVar("T")


#: The episodes' blocking work (org, turns, grading) runs on threads of its own rather than the
#: event loop's default executor (cores + 4 threads): Python work holds the GIL and a DuckDB
#: query takes a core, so threads beyond the cores only contend for both (bench/a2a_throughput:
#: 3 threads on 2 cores used 3-7% less green CPU than 6). One spare keeps a thread free while
#: another waits on a file.
_WORKERS = ThreadPoolExecutor(usable_cores() + 1, thread_name_prefix="episode")


async def _in_worker(func: Callable[..., T], *args: Any) -> T:
    """`asyncio.to_thread` on the episodes' threads."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(
        _WORKERS, functools.partial(context.run, func, *args))


def episode_today(task: Task, config: EpisodeConfig) -> dt.date:
    """The date the episode's date literals resolve against: config override, task, or today."""
    return config.today or task.today or dt.datetime.now(dt.UTC).date()


@dataclass
class EpisodeOrgHandle:
    """The episode's view plus whatever must be released with it."""

    view: OrgView
    closer: Any

    def close(self) -> None:
        self.closer.close()


_USER_ID = re.compile(r"\b005[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?\b")


def persona_user_id(db: OrgDatabase, task: Task) -> str | None:
    """The User the task's persona is, when it names one of the org's Users by Id; else None
    (the episode then runs as the org's default running user)."""
    for candidate in _USER_ID.findall(task.persona or ""):
        if db.user(candidate) is not None:
            return candidate
    return None


def open_episode_org(db: OrgDatabase, task: Task, config: EpisodeConfig) -> EpisodeOrgHandle:
    """The episode's own entropic view (drift + rot), running as the task's persona; blocking."""
    org = build_episode_org(db, episode_org_config(config, persona_user_id(db, task)), task)
    return EpisodeOrgHandle(org.view, org)


def episode_org_config(config: EpisodeConfig, running_user_id: str | None = None
                       ) -> EpisodeOrgConfig:
    """What of the episode's config decides its org. The date is the config's override only:
    an undated task's rot never depends on the wall clock."""
    return EpisodeOrgConfig(org=config.org, drift=config.drift, rot=config.rot, seed=config.seed,
                            today=config.today, running_user_id=running_user_id)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def renames_of(view: OrgView) -> dict[str, str]:
    """{"Base.Field": "Visible.Field"} for every name drift changed in this view."""
    out: dict[str, str] = {}
    for visible, (base, fields) in view.base_names.items():
        if visible != base:
            out[base] = visible
        for vis_field, base_field in fields.items():
            if vis_field != base_field:
                out[f"{base}.{base_field}"] = f"{visible}.{vis_field}"
    return dict(sorted(out.items()))


async def run_episode(task: Task, session: AgentSession, db: OrgDatabase,
                      config: EpisodeConfig, *, trial: int = 0, agent_name: str = "agent",
                      log_path: Path | None = None,
                      provenance: Provenance | None = None,
                      task_set: TaskSetIdentity | None = None) -> EpisodeResult:
    """Run one episode to its end and return its graded result (computed from the log)."""
    _, result = await _run(task, session, db, config, trial=trial, agent_name=agent_name,
                           log_path=log_path, provenance=provenance, task_set=task_set,
                           grade=True)
    assert result is not None
    return result


async def run_episode_log(task: Task, session: AgentSession, db: OrgDatabase,
                          config: EpisodeConfig, *, trial: int = 0, agent_name: str = "agent",
                          log_path: Path | None = None,
                          provenance: Provenance | None = None,
                          task_set: TaskSetIdentity | None = None) -> EpisodeLog:
    """Run one episode and return its log (also written to `log_path` when given; the header
    records `provenance`, by default this process's code, and `task_set`, the identity of the
    set `task` came from)."""
    episode, _ = await _run(task, session, db, config, trial=trial, agent_name=agent_name,
                            log_path=log_path, provenance=provenance, task_set=task_set,
                            grade=False)
    return episode


def _grade(episode: EpisodeLog) -> EpisodeResult:
    """The result of a log, computed from the log as its file reads back."""
    return evaluate_log(episode.roundtrip())


async def _run(task: Task, session: AgentSession, db: OrgDatabase, config: EpisodeConfig, *,
               trial: int, agent_name: str, log_path: Path | None,
               provenance: Provenance | None, task_set: TaskSetIdentity | None,
               grade: bool) -> tuple[EpisodeLog, EpisodeResult | None]:
    """The episode, and its result when `grade`. Its blocking work takes one worker-thread call
    to start (org and log header), one per turn, and one to end (last line, release, grade):
    the event loop and the hand-offs to and from workers took about a quarter of the green's
    CPU (bench/a2a_throughput.py)."""
    started = time.perf_counter()
    provenance = provenance or current_provenance(org=config.org)
    today = episode_today(task, config)
    mcp = session.mcp_endpoint if isinstance(session, McpAgentSession) else None
    begun = await _in_worker(_begin, task, trial, agent_name, db, config, today,
                             log_path, provenance, task_set, mcp, started)
    if isinstance(begun, EpisodeLog):  # the org could not be built
        return begun, await _in_worker(_grade, begun) if grade else None
    handle, writer, episode = begun
    end: EpisodeEnd | None = None
    try:
        # The agent's time starts once its org exists: building entropy is the environment's
        # work.
        deadline = time.perf_counter() + config.timeout_s
        loop = _Loop(task, session, handle.view, db, config, today, deadline, episode, writer)
        end = await loop.run(episode.header.task_message, episode.header.task_message_tokens)
        wall = round(time.perf_counter() - started, 6)
        episode.end = end = end.model_copy(update={"wall_seconds": wall})
    finally:
        result = await _in_worker(_finish, episode, writer, handle, end, grade)
    return episode, result


def _begin(task: Task, trial: int, agent_name: str, db: OrgDatabase, config: EpisodeConfig,
           today: dt.date, log_path: Path | None, provenance: Provenance,
           task_set: TaskSetIdentity | None, mcp: McpEndpoint | None, started: float
           ) -> tuple[EpisodeOrgHandle, LogWriter, EpisodeLog] | EpisodeLog:
    """The episode's org and its log's header, written; or, when the org cannot be built, the
    whole log of an environment error (never fatal to the assessment). Blocking."""
    try:
        if (mcp is not None) != (config.tool_transport == "mcp"):
            raise ValueError(f"tool_transport {config.tool_transport!r} needs an agent session "
                             f"{'with' if mcp is None else 'without'} an MCP endpoint")
        handle = open_episode_org(db, task, config)
    except Exception as exc:  # the environment's failure: recorded, scored failed, never fatal
        log.exception("cannot set up the episode of task %s", task.id)
        return _env_error_log(task, trial, agent_name, config, today, exc, log_path, started,
                              provenance, task_set)
    try:
        writer, episode = _start_log(task, trial, agent_name, config, today, handle.view,
                                     log_path, provenance, task_set, mcp)
    except BaseException:
        handle.close()
        raise
    return handle, writer, episode


def _start_log(task: Task, trial: int, agent_name: str, config: EpisodeConfig, today: dt.date,
               view: OrgView, log_path: Path | None, provenance: Provenance,
               task_set: TaskSetIdentity | None,
               mcp: McpEndpoint | None) -> tuple[LogWriter, EpisodeLog]:
    """The log's header (the task message, which announces the MCP endpoint if any, and its
    token count), written; blocking."""
    first = task_message(task, today, config.max_steps, mcp)
    header = EpisodeHeader(
        task=task, trial=trial, agent=agent_name, config=config, today=today,
        renames=renames_of(view), task_message=first, task_message_tokens=count_tokens(first),
        started_at=_now(), provenance=provenance, task_set=task_set)
    writer = LogWriter(log_path)
    writer.write(header)
    return writer, EpisodeLog(header=header)


def _finish(episode: EpisodeLog, writer: LogWriter, handle: EpisodeOrgHandle,
            end: EpisodeEnd | None, grade: bool) -> EpisodeResult | None:
    """The last line (`end`, None when the episode did not reach one: the log stays a .part,
    and the exception that stopped it goes on), the org released, and the result when
    `grade`. Blocking."""
    complete = False
    try:
        if end is not None:
            writer.write(end)
            complete = True
    finally:
        try:
            writer.close(complete)
        finally:
            handle.close()
    episode.written_by(writer)
    return _grade(episode) if grade and complete else None


def _env_error_log(task: Task, trial: int, agent_name: str, config: EpisodeConfig,
                   today: dt.date, exc: Exception, log_path: Path | None,
                   started: float, provenance: Provenance,
                   task_set: TaskSetIdentity | None) -> EpisodeLog:
    """The log of an episode whose org could not be built (no agent turn ever happened)."""
    first = task_message(task, today, config.max_steps)
    header = EpisodeHeader(task=task, trial=trial, agent=agent_name, config=config, today=today,
                           task_message=first, task_message_tokens=0,
                           started_at=_now(), provenance=provenance, task_set=task_set)
    end = EpisodeEnd(termination="env_error", detail=f"{type(exc).__name__}: {exc}"[:500],
                     wall_seconds=round(time.perf_counter() - started, 6))
    episode = EpisodeLog(header=header, end=end)
    writer = LogWriter(log_path)
    writer.write(header)
    writer.write(end)
    writer.close(True)
    return episode


class _Loop:
    """The turn loop of one episode (state kept here so `run_episode_log` stays readable)."""

    def __init__(self, task: Task, session: AgentSession, view: OrgView, db: OrgDatabase,
                 config: EpisodeConfig, today: dt.date, deadline: float, episode: EpisodeLog,
                 writer: LogWriter) -> None:
        self.task, self.session, self.view, self.config = task, session, view, config
        self.today, self.deadline, self.episode, self.writer = today, deadline, episode, writer
        self.resolver = NameResolver(view.schema, db.schema, view.base_names)

    def _end(self, termination: Termination, *, tokens: int = 0, detail: str = "",
             answer: list[str] | None = None, refused: bool = False) -> EpisodeEnd:
        return EpisodeEnd(termination=termination, answer=answer, refused=refused, detail=detail,
                          unanswered_tokens_in=tokens, wall_seconds=0.0)

    async def run(self, message: str, message_tokens: int) -> EpisodeEnd:
        max_steps = self.config.max_steps
        for index in range(1, max_steps + 1):
            remaining = self.deadline - time.perf_counter()
            if remaining <= 0:
                return self._end("timeout", tokens=message_tokens,
                                 detail=f"task timeout of {self.config.timeout_s:g}s reached")
            budget = min(self.config.turn_timeout_s, remaining)
            t0 = time.perf_counter()
            try:
                reply = await asyncio.wait_for(self.session.act(message), budget)
            except TimeoutError:
                task_limit = budget < self.config.turn_timeout_s
                return self._end("timeout" if task_limit else "turn_timeout", tokens=message_tokens,
                                 detail=f"no reply within {budget:.3g}s")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the agent's failure, not the environment's
                return self._end("agent_error", tokens=message_tokens,
                                 detail=f"{type(exc).__name__}: {exc}"[:500])
            agent_seconds = time.perf_counter() - t0
            turn, end, message_tokens = await _in_worker(
                self._turn, index, reply, message_tokens, agent_seconds)
            self.episode.turns.append(turn)
            if end is not None:
                return end
            assert turn.observation is not None
            message = turn.observation
        return self._end("max_steps", detail=f"no answer submitted within {max_steps} steps")

    def _turn(self, index: int, reply: Any, tokens_in: int, agent_seconds: float
              ) -> tuple[TurnRecord, EpisodeEnd | None, int]:
        """One turn's environment side, logged: (record, the end if any, the next message's
        tokens). Blocking: runs in a worker thread."""
        t1 = time.perf_counter()
        turn, end = self._handle(index, reply, tokens_in)
        turn = turn.model_copy(update={"agent_seconds": round(agent_seconds, 6),
                                       "env_seconds": round(time.perf_counter() - t1, 6)})
        tokens = count_tokens(turn.observation) if end is None and turn.observation else 0
        self.writer.write(turn)
        return turn, end, tokens

    def _handle(self, index: int, reply: Any, tokens_in: int
                ) -> tuple[TurnRecord, EpisodeEnd | None]:
        base: dict[str, Any] = {"index": index, "tokens_in": tokens_in, "reply": reply,
                                "tokens_out": count_tokens(reply), "agent_seconds": 0.0,
                                "env_seconds": 0.0}
        if not isinstance(reply, (str, dict)):
            base["reply"] = repr(reply)
        parsed = parse_reply(reply)
        if isinstance(parsed, FormatError):
            return self._observe(base, "format", FORMAT_ERROR,
                                 error_json(FORMAT_ERROR, parsed.message), tool="(none)"), None
        call: ToolCall = parsed
        base.update(tool=call.name, arguments=call.arguments)
        problem = validate_call(call)
        if problem is not None:
            unknown = problem[0]["errorCode"] == UNKNOWN_TOOL
            kind = "unknown_tool" if unknown else "invalid_arguments"
            return self._observe(base, kind, problem[0]["errorCode"], problem, tool=call.name), None
        if call.name == SUBMIT_ANSWER:
            answer = call.arguments.get("answer")
            refused = bool(call.arguments.get("refuse", False))
            return TurnRecord(**base), self._end("submitted", answer=answer, refused=refused)
        base["names"] = self.resolver.references(call.name, call.arguments)
        try:
            outcome = execute(self.view, call, self.today)
        except Exception:  # an environment bug must not end the assessment
            log.exception("tool %s failed on task %s", call.name, self.task.id)
            problem = error_json("UNKNOWN_EXCEPTION", "An unexpected error occurred.")
            return self._observe(base, "salesforce", "UNKNOWN_EXCEPTION", problem,
                                 tool=call.name), None
        if outcome.ok:
            text, truncated = observation_message(call.name, index, self.config.max_steps,
                                                  outcome.payload)
            return TurnRecord(**base, observation=text, truncated=truncated), None
        return self._observe(base, "salesforce", outcome.error_code, outcome.payload,
                             tool=call.name), None

    def _observe(self, base: dict[str, Any], kind: str, code: str | None, payload: Any,
                 tool: str) -> TurnRecord:
        text, truncated = observation_message(tool, base["index"], self.config.max_steps, payload)
        return TurnRecord(**base, error_kind=kind, error_code=code, observation=text,
                          truncated=truncated)
