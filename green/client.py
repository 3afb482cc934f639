"""The purple agent seen through A2A: `A2AAgent` implements env.protocol.Agent over the wire.

One A2A context per episode: the first `act` opens a new context with the task message, later
acts send observations on the same context_id (with the task_id only while the purple's task is
still open, e.g. input-required). The agent card is resolved once (with the SDK) and the agent
is then spoken to in the JSON-RPC format its card offers (green.wire: plain JSON, no protobuf
round trip) at the URL we were given (the card may advertise a host we cannot reach, e.g.
behind the AgentBeats gateway), over one aiohttp connection pool that every episode shares.
`connect` reads the card before the first episode, so an unusable agent stops the assessment
at once. Anything that stops a reply arriving (HTTP error, dropped connection, A2A error, a
failed purple task, a turn timeout) raises `AgentUnavailable`, which the episode loop records
as an agent failure.
"""

from __future__ import annotations

import asyncio
import itertools
import ssl
import time
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from uuid import uuid4

import aiohttp
import httpx
from a2a.client import A2ACardResolver
from a2a.types import AgentCard

# AgentUnavailable is env.protocol's: the runner stops on it before the first episode.
from env.protocol import AgentUnavailable as AgentUnavailable
from green.wire import (
    FAILED_STATES,
    TERMINAL_STATES,
    VERSION_HEADER,
    Reply,
    WireError,
    read_reply,
    send_request,
    wire_format,
)

if TYPE_CHECKING:
    from data.tasks.model import Task
    from env.protocol import AgentReply


#: After the card could not be read, seconds before trying again.
CARD_RETRY_S = 5.0
#: Seconds an idle pooled connection is kept: below the usual server keep-alive (uvicorn's is
#: 5 s), so a request is never sent on a connection the server is just closing.
KEEPALIVE_S = 2.0


def env_proxy(url: str) -> str | None:
    """The proxy the environment names for `url` (HTTP_PROXY/HTTPS_PROXY/NO_PROXY and their
    lower-case forms), read once per agent: aiohttp's trust_env re-read the environment and
    ~/.netrc on every request (4% of the green's CPU in bench/a2a_throughput.py)."""
    parts = urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme)


class A2AAgent:
    """env.protocol.Agent for a remote purple agent at `url`.

    `timeout_s` bounds connecting and resolving the card; `turn_timeout_s` bounds each reply;
    `max_connections` is how many turns may be in flight at once (the assessment's concurrency).
    The card is resolved once. Call `aclose()` (or use `async with`) when the assessment is over.
    """

    def __init__(self, url: str, *, timeout_s: float = 30.0, turn_timeout_s: float = 120.0,
                 max_connections: int = 32) -> None:
        self.url = url  # as given: behind the AgentBeats gateway it carries a path
        self.name = f"a2a:{self.url}"
        self.timeout_s = timeout_s
        self.turn_timeout_s = turn_timeout_s
        self.max_connections = max(1, max_connections)
        self._tls = ssl.create_default_context()
        self._http: aiohttp.ClientSession | None = None
        # Message ids: unique per agent without a urandom syscall per turn.
        id_prefix = uuid4().hex
        self._message_ids = (f"{id_prefix}-{n}" for n in itertools.count())
        self._request_ids = itertools.count(1)
        self._lock = asyncio.Lock()
        self.card: AgentCard | None = None
        self.wire = ""
        self._card_error: tuple[float, AgentUnavailable] | None = None

    @property
    def identity(self) -> dict[str, str]:
        """What resume and merge compare besides the URL: the card's name and version."""
        return {"card": f"{self.card.name} {self.card.version}"} if self.card else {}

    async def connect(self) -> None:
        """Read the agent card (once): AgentUnavailable, in one line, when there is no A2A agent
        at the URL (nothing listening, an unknown host, a plain web server, a bad card)."""
        await self._session()

    async def _session(self) -> aiohttp.ClientSession:
        """The connection pool, resolving the card on first use."""
        if self._http is not None:
            return self._http
        async with self._lock:
            if self._http is not None:
                return self._http
            # Episodes queued behind a failed resolution fail at once instead of each
            # waiting out its own timeout; after CARD_RETRY_S the card is tried again.
            if self._card_error and time.monotonic() - self._card_error[0] < CARD_RETRY_S:
                raise self._card_error[1]
            try:
                async with httpx.AsyncClient(verify=self._tls,
                                             timeout=httpx.Timeout(self.timeout_s)) as http:
                    card = await asyncio.wait_for(
                        A2ACardResolver(http, self.url).get_agent_card(), self.timeout_s)
            except Exception as exc:  # noqa: BLE001 - any failure means no agent to talk to
                error = AgentUnavailable(
                    f"cannot read the agent card of {self.url}: {_why(exc)}")
                self._card_error = (time.monotonic(), error)
                raise error from exc
            try:
                self.wire = wire_format(card)
            except WireError as exc:  # e.g. a card listing only gRPC: nothing we can talk to
                raise AgentUnavailable(f"the agent card of {self.url} lists no interface this "
                                       f"assessor speaks (JSON-RPC, A2A 1.0 or 0.3): {exc}"
                                       ) from exc
            for interface in card.supported_interfaces:
                interface.url = self.url
            self.card = card
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_connections, ssl=self._tls,
                                               keepalive_timeout=KEEPALIVE_S),
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout_s),
                headers={"Content-Type": "application/json", VERSION_HEADER: self.wire},
                proxy=env_proxy(self.url))
            return self._http

    def session(self, task: Task, trial: int) -> A2ASession:
        return A2ASession(self)

    async def send(self, text: str, context_id: str, task_id: str) -> Reply:
        """One turn: send `text` and read the reply, bounded by the turn timeout."""
        http = await self._session()
        body = send_request(self.wire, next(self._request_ids), next(self._message_ids), text,
                            context_id, task_id)

        async def post() -> Reply:
            async with http.post(self.url, data=body) as response:
                raw = await response.read()
                if response.status != 200:
                    raise WireError(f"HTTP {response.status} {response.reason or ''}".rstrip())
            return read_reply(self.wire, raw)

        try:
            reply = await asyncio.wait_for(post(), self.turn_timeout_s)
        except TimeoutError as exc:
            raise AgentUnavailable(
                f"{self.url} did not reply within {self.turn_timeout_s:g}s") from exc
        except Exception as exc:  # noqa: BLE001 - transport/protocol errors are the agent's
            raise AgentUnavailable(f"{self.url} failed to reply: {_why(exc)}") from exc
        if reply.state in FAILED_STATES:
            raise AgentUnavailable(f"{self.url} ended its task as "
                                   f"{reply.state}: {reply.status_text()}".rstrip(": "))
        return reply

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> A2AAgent:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class A2ASession:
    """One episode = one A2A context with the purple agent."""

    def __init__(self, agent: A2AAgent) -> None:
        self._agent = agent
        self.context_id = ""
        self._open_task_id = ""

    async def act(self, message: str) -> AgentReply:
        reply = await self._agent.send(message, self.context_id, self._open_task_id)
        self.context_id = reply.context_id or self.context_id
        still_open = reply.task_id and reply.state not in TERMINAL_STATES \
            and reply.state is not None
        self._open_task_id = reply.task_id if still_open else ""
        return reply.content()

    async def close(self) -> None:
        self.context_id = self._open_task_id = ""


def _why(exc: BaseException) -> str:
    """One line: the exception's type and its first 300 characters, whitespace collapsed."""
    text = " ".join(str(exc).split())[:300] or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if type(exc).__name__ not in text else text
