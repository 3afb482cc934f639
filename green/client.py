"""The purple agent seen through A2A: `A2AAgent` implements env.protocol.Agent over the wire.

One A2A context per episode: the first `act` opens a new context with the task message, later
acts send observations on the same context_id (with the task_id only while the purple's task is
still open, e.g. input-required). The participant's connections are pooled and reused by every
episode; the agent card is resolved once and its interface URLs re-pointed at the URL we were
given (the card may advertise a host we cannot reach, e.g. behind the AgentBeats gateway).
`connect` reads the card before the first episode, so an unusable agent stops the assessment
at once. Anything that stops a reply arriving (HTTP error, dropped connection, A2A error, a
failed purple task, a turn timeout) raises `AgentUnavailable`, which the episode loop records as
an agent failure.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import ssl
import time
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import httpx
from a2a.client import A2ACardResolver, ClientCallContext, ClientConfig, ClientFactory
from a2a.helpers import get_data_parts, get_text_parts
from a2a.types import AgentCard, Message, Part, Role, SendMessageRequest, TaskState

# AgentUnavailable is env.protocol's: the runner stops on it before the first episode.
from env.protocol import AgentUnavailable as AgentUnavailable

if TYPE_CHECKING:
    from a2a.client import Client

    from data.tasks.model import Task
    from env.protocol import AgentReply

#: Task states after which the purple's task takes no more messages.
_TERMINAL = {TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED,
             TaskState.TASK_STATE_CANCELED, TaskState.TASK_STATE_REJECTED}
_FAILED = {TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_CANCELED,
           TaskState.TASK_STATE_REJECTED}


def _narrow_numbers(value: Any) -> Any:
    """Data parts carry every number as a double; give whole numbers back their int type."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _narrow_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_narrow_numbers(v) for v in value]
    return value


class _Reply:
    """What one turn's events added up to: parts seen, final task state, ids to continue with."""

    def __init__(self) -> None:
        self.artifact_parts: list[Part] = []
        self.message_parts: list[Part] = []
        self.state: int | None = None
        self.context_id = ""
        self.task_id = ""

    def add(self, event: Any) -> None:
        if event.HasField("message"):
            self.context_id = event.message.context_id or self.context_id
            self.message_parts = list(event.message.parts)
        elif event.HasField("task"):
            task = event.task
            self.context_id, self.task_id, self.state = task.context_id, task.id, task.status.state
            self.artifact_parts = [p for a in task.artifacts for p in a.parts]
            if task.status.HasField("message"):
                self.message_parts = list(task.status.message.parts)
        elif event.HasField("status_update"):
            update = event.status_update
            self.task_id, self.state = update.task_id, update.status.state
            self.context_id = update.context_id or self.context_id
            if update.status.HasField("message"):
                self.message_parts = list(update.status.message.parts)
        elif event.HasField("artifact_update"):
            self.artifact_parts.extend(event.artifact_update.artifact.parts)

    def content(self) -> AgentReply:
        """The reply for env.parsing: the first dict data part, else all text joined."""
        for parts in (self.artifact_parts, self.message_parts):
            for data in get_data_parts(parts):
                if isinstance(data, dict):
                    return _narrow_numbers(data)
        for parts in (self.artifact_parts, self.message_parts):
            texts = get_text_parts(parts)
            if texts:
                return "\n".join(texts)
        return ""


#: httpcore's pool scans all of its connections for every request, so one pool of n connections
#: costs O(n) per request: at 32 concurrent episodes that tripled the client's CPU per turn
#: (5.8 vs 2.2 ms). Sessions are therefore spread over several small pools.
CONNECTIONS_PER_POOL = 4
#: After the card could not be read, seconds before trying again.
CARD_RETRY_S = 5.0


class A2AAgent:
    """env.protocol.Agent for a remote purple agent at `url`.

    `timeout_s` bounds connecting and resolving the card; `turn_timeout_s` bounds each reply;
    `max_connections` is how many turns may be in flight at once (the assessment's concurrency).
    The card is resolved once; each session sticks to one small connection pool.
    Call `aclose()` (or use `async with`) when the assessment is over.
    """

    def __init__(self, url: str, *, timeout_s: float = 30.0, turn_timeout_s: float = 120.0,
                 max_connections: int = 32) -> None:
        self.url = url  # as given: behind the AgentBeats gateway it carries a path
        self.name = f"a2a:{self.url}"
        self.timeout_s = timeout_s
        self.turn_timeout_s = turn_timeout_s
        self._pool_count = max(1, math.ceil(max_connections / CONNECTIONS_PER_POOL))
        self._tls = ssl.create_default_context()  # one TLS setup shared by every pool
        self._pools: list[tuple[httpx.AsyncClient, Client]] = []
        self._sessions_opened = itertools.count()
        # Message ids: unique per agent without a urandom syscall per turn.
        id_prefix = uuid4().hex
        self._message_ids = (f"{id_prefix}-{n}" for n in itertools.count())
        self._lock = asyncio.Lock()
        self.card: AgentCard | None = None
        self._card_error: tuple[float, AgentUnavailable] | None = None

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            verify=self._tls,
            timeout=httpx.Timeout(self.turn_timeout_s + 5.0, connect=self.timeout_s),
            limits=httpx.Limits(max_connections=CONNECTIONS_PER_POOL,
                                max_keepalive_connections=CONNECTIONS_PER_POOL))

    @property
    def identity(self) -> dict[str, str]:
        """What resume and merge compare besides the URL: the card's name and version."""
        return {"card": f"{self.card.name} {self.card.version}"} if self.card else {}

    async def connect(self) -> None:
        """Read the agent card (once): AgentUnavailable, in one line, when there is no A2A agent
        at the URL (nothing listening, an unknown host, a plain web server, a bad card)."""
        async with self._lock:
            await self._resolve_card()

    async def _resolve_card(self) -> None:
        if self.card is not None:
            return
        # Episodes queued behind a failed resolution fail at once instead of each waiting out
        # its own timeout; after CARD_RETRY_S the card is tried again.
        if self._card_error and time.monotonic() - self._card_error[0] < CARD_RETRY_S:
            raise self._card_error[1]
        http = self._new_http()
        try:
            card = await asyncio.wait_for(
                A2ACardResolver(http, self.url).get_agent_card(), self.timeout_s)
        except Exception as exc:  # noqa: BLE001 - any failure means no agent to talk to
            await http.aclose()
            error = AgentUnavailable(f"cannot read the agent card of {self.url}: {_why(exc)}")
            self._card_error = (time.monotonic(), error)
            raise error from exc
        for interface in card.supported_interfaces:
            interface.url = self.url
        try:
            client = ClientFactory(ClientConfig(httpx_client=http, streaming=False)).create(card)
        except ValueError as exc:  # e.g. a card listing only gRPC: nothing we can talk to
            await http.aclose()
            raise AgentUnavailable(f"the agent card of {self.url} lists no interface this "
                                   f"assessor speaks (JSON-RPC, A2A 1.0 or 0.3): {exc}") from exc
        self.card = card
        self._pools.append((http, client))

    async def _client(self, pool: int) -> Client:
        """The A2A client of pool `pool`, resolving the card on first use."""
        if pool < len(self._pools):
            return self._pools[pool][1]
        async with self._lock:
            await self._resolve_card()
            while len(self._pools) <= pool:
                http = self._new_http()
                self._pools.append((http, self._make_client(http)))
            return self._pools[pool][1]

    def _make_client(self, http: httpx.AsyncClient) -> Client:
        assert self.card is not None  # resolved before the first client is made
        return ClientFactory(ClientConfig(httpx_client=http, streaming=False)).create(self.card)

    def session(self, task: Task, trial: int) -> A2ASession:
        return A2ASession(self, pool=next(self._sessions_opened) % self._pool_count)

    async def send(self, text: str, context_id: str, task_id: str, pool: int = 0) -> _Reply:
        """One turn: send `text` and gather the reply, bounded by the turn timeout."""
        client = await self._client(pool)
        message = Message(role=Role.ROLE_USER, message_id=next(self._message_ids),
                          parts=[Part(text=text)],
                          context_id=context_id, task_id=task_id)
        reply = _Reply()

        async def gather() -> None:
            call = ClientCallContext(timeout=self.turn_timeout_s)
            async for event in client.send_message(SendMessageRequest(message=message),
                                                   context=call):
                reply.add(event)

        try:
            await asyncio.wait_for(gather(), self.turn_timeout_s)
        except TimeoutError as exc:
            raise AgentUnavailable(
                f"{self.url} did not reply within {self.turn_timeout_s:g}s") from exc
        except Exception as exc:  # noqa: BLE001 - transport/protocol errors are the agent's
            raise AgentUnavailable(f"{self.url} failed to reply: {_why(exc)}") from exc
        if reply.state in _FAILED:
            detail = "\n".join(get_text_parts(reply.message_parts))
            raise AgentUnavailable(f"{self.url} ended its task as "
                                   f"{TaskState.Name(reply.state)}: {detail}".rstrip(": "))
        return reply

    async def aclose(self) -> None:
        for http, client in self._pools:
            await client.close()
            await http.aclose()
        self._pools.clear()

    async def __aenter__(self) -> A2AAgent:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class A2ASession:
    """One episode = one A2A context with the purple agent."""

    def __init__(self, agent: A2AAgent, pool: int = 0) -> None:
        self._agent = agent
        self._pool = pool
        self.context_id = ""
        self._open_task_id = ""

    async def act(self, message: str) -> AgentReply:
        reply = await self._agent.send(message, self.context_id, self._open_task_id, self._pool)
        self.context_id = reply.context_id or self.context_id
        still_open = reply.task_id and reply.state not in _TERMINAL and reply.state is not None
        self._open_task_id = reply.task_id if still_open else ""
        return reply.content()

    async def close(self) -> None:
        self.context_id = self._open_task_id = ""


def _why(exc: BaseException) -> str:
    """One line: the exception's type and its first 300 characters, whitespace collapsed."""
    text = " ".join(str(exc).split())[:300] or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if type(exc).__name__ not in text else text
