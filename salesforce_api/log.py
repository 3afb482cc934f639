"""Every request as one turn of an episode log, so `crmarena view` and the metrics read sessions.

A sandbox log folder is an assessment folder: `run.json` plus `logs/<task>__t<n>.jsonl`, one
episode log (env.log's format) per session, numbered as trials (`crmarena view DIR --task
sandbox --trial 3`); requests with no valid session (failed logins, 401s) go to trial 0. Each
turn holds the request (`reply`, without passwords or session ids), the call as a tool with its
arguments (`soql_query`, `sosl_search` and `describe` exactly as the agent tools name them, so
stale and hallucinated names count the same), the answer trimmed as an observation, its status
as `error_code`, the client's think time (`agent_seconds`) and the server's (`env_seconds`).
A session's log is complete (renamed from `.part`) when the session ends: expiry, eviction or
server stop. Writing, name resolution and token counting run on a thread of their own, off the
request path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.tasks.model import Task
from env.config import EpisodeConfig
from env.log import EpisodeEnd, EpisodeHeader, LogWriter, TurnRecord, episode_file_name
from env.names import NameResolver
from env.results import LOG_DIR, RunRecord, write_run
from env.tokens import count_tokens
from env.tools import DESCRIBE, SOQL_QUERY, SOSL_SEARCH, render_payload

logger = logging.getLogger(__name__)

#: Trial number of the log that holds requests without a valid session.
ANONYMOUS = 0
_NAMED_TOOLS = frozenset({SOQL_QUERY, SOSL_SEARCH, DESCRIBE})


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as the log records it."""

    session: int  # session number, ANONYMOUS without one
    agent: str  # the client's User-Agent
    request: str  # what the client sent (method, path, statement or body), secrets removed
    tool: str
    arguments: dict[str, Any]
    payload: Any  # the JSON answer (or a summary of an XML one)
    body_chars: int  # size of the answer actually sent
    status: int
    error_code: str | None
    received: float  # time.monotonic() when the request arrived
    seconds: float  # time the server spent on it
    soql: str | None = None  # the statement a record lookup ran (for the names it uses)


@dataclass
class _SessionLog:
    writer: LogWriter
    started: float
    last_answer: float
    last_tokens: int
    turns: int = 0


@dataclass(frozen=True)
class LogContext:
    """What every session's header repeats: the org's options, its renames, its name resolver."""

    task: Task
    config: EpisodeConfig
    today: dt.date
    renames: dict[str, str]
    resolver: NameResolver
    description: str
    run_config: dict[str, Any] = field(default_factory=dict)


class SandboxLog:
    """The log folder of one sandbox run. `record`/`end` return at once; `close` drains."""

    def __init__(self, folder: Path, context: LogContext) -> None:
        self.folder = Path(folder)
        self.context = context
        self._started = time.monotonic()
        self._sessions: dict[int, _SessionLog] = {}
        self._ended: set[int] = set()
        self._message_tokens = count_tokens(context.description)
        (self.folder / LOG_DIR).mkdir(parents=True, exist_ok=True)
        self._write_run()
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="sandbox-log", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public, any thread
    def record(self, exchange: Exchange) -> None:
        self._queue.put(lambda: self._record(exchange))

    def end(self, session: int, reason: str) -> None:
        self._queue.put(lambda: self._end(session, reason))

    def _end_all(self, reason: str) -> None:
        for number in list(self._sessions):
            self._end(number, reason)

    def close(self, reason: str = "server stopped") -> None:
        """End every open session log, write run.json, stop the writer thread."""
        if not self._thread.is_alive():
            return
        self._queue.put(lambda: self._end_all(reason))
        self._queue.put(None)
        self._thread.join()
        self._write_run()

    def flush(self) -> None:
        """Wait until everything recorded so far is written (tests, shutdown)."""
        done = threading.Event()
        self._queue.put(done.set)
        done.wait()

    def path(self, session: int) -> Path:
        return self.folder / LOG_DIR / episode_file_name(self.context.task.id, session)

    # ------------------------------------------------------------------ the writer thread
    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                job()
            except Exception:  # noqa: BLE001 - a log failure must never stop the server
                logger.exception("sandbox log: cannot write a record")

    def _open(self, exchange: Exchange) -> _SessionLog:
        log = self._sessions.get(exchange.session)
        if log is None:
            c = self.context
            header = EpisodeHeader(
                task=c.task, trial=exchange.session, agent=exchange.agent or "unknown",
                config=c.config, today=c.today, renames=c.renames, task_message=c.description,
                task_message_tokens=self._message_tokens,
                started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            writer = LogWriter(self.path(exchange.session))
            writer.write(header)
            log = _SessionLog(writer, started=exchange.received, last_answer=exchange.received,
                              last_tokens=self._message_tokens)
            self._sessions[exchange.session] = log
        return log

    def _record(self, exchange: Exchange) -> None:
        if exchange.session in self._ended:  # in flight when its session ended: never reopen
            if ANONYMOUS in self._ended:
                return
            exchange = dataclasses.replace(exchange, session=ANONYMOUS)
        log = self._open(exchange)
        log.turns += 1
        observation, truncated = _observation(exchange)
        tokens = count_tokens(observation)
        if truncated and exchange.body_chars > len(observation):
            tokens = round(tokens * exchange.body_chars / len(observation))  # estimate the rest
        resolver = self.context.resolver
        if exchange.tool in _NAMED_TOOLS:
            names = resolver.references(exchange.tool, exchange.arguments)
        elif exchange.soql:
            names = resolver.references(SOQL_QUERY, {"query": exchange.soql})
        else:
            names = []
        turn = TurnRecord(
            index=log.turns, tokens_in=log.last_tokens, reply=exchange.request,
            tokens_out=count_tokens(exchange.request), tool=exchange.tool,
            arguments=exchange.arguments, error_code=exchange.error_code,
            error_kind="salesforce" if exchange.error_code else None,
            observation=observation, truncated=truncated, names=names,
            agent_seconds=round(max(0.0, exchange.received - log.last_answer), 6),
            env_seconds=round(exchange.seconds, 6))
        log.writer.write(turn)
        log.last_answer = exchange.received + exchange.seconds
        log.last_tokens = tokens

    def _end(self, session: int, reason: str) -> None:
        self._ended.add(session)
        log = self._sessions.pop(session, None)
        if log is None:
            return
        log.writer.write(EpisodeEnd(termination="closed", detail=reason,
                                    unanswered_tokens_in=log.last_tokens,
                                    wall_seconds=round(time.monotonic() - log.started, 6)))
        log.writer.close(True)

    def _write_run(self) -> None:
        write_run(self.folder, RunRecord(config=self.context.run_config, agent="sandbox",
                                         elapsed_seconds=round(time.monotonic() - self._started,
                                                               3)))


def _observation(exchange: Exchange) -> tuple[str, bool]:
    """`[tool · HTTP status]` then the answer, trimmed as the agent tools trim theirs."""
    body, note = render_payload(exchange.payload)
    head = f"[{exchange.tool} · HTTP {exchange.status}" + (f" · {note}" if note else "") + "]"
    return f"{head}\n{body}", note is not None
