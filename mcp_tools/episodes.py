"""A green agent's episodes over MCP: each episode's endpoint and token, and the session that turns
its MCP calls into the episode loop's replies.

`EpisodeTools` serves every episode at `<base>/mcp/<episode id>`, each with its own bearer token,
valid from the moment the session opens until it closes. A closed episode's token still connects
and lists the tools (clients list them after a call), but every tool call it makes is told the
episode has ended. `McpSession` is the env.protocol.AgentSession of one episode: the task
message goes to the agent over its conversation (A2A), and each `act` hands the episode loop the
next thing the agent did, in arrival order: an MCP tool call, or a reply on the conversation (read
as a message-transport reply). The loop's observation answers the MCP call that asked for it, so
max_steps, turn and task timeouts, validation and the log are the message transport's, unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.routing import Route

from env.protocol import (
    Agent,
    AgentReply,
    AgentSession,
    McpEndpoint,
    ToolCall,
    connect_agent,
)
from env.tools import SUBMIT_ANSWER, validate_call
from mcp_tools.server import Refusal, ToolAnswer, ToolServer, ToolTarget, refused

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from data.tasks.model import Task

#: The route every episode's endpoint is served on (the path parameter names the episode).
EPISODE_ROUTE = "/mcp/{episode}"
#: Ended episodes remembered, so their tokens get "the episode has ended" rather than "invalid".
ENDED_REMEMBERED = 16_384
#: Tool calls one episode may have waiting for the loop; more are refused (a flood, not work).
MAX_WAITING_CALLS = 64
#: After submit_answer, how long the conversation's final reply is awaited before it is dropped.
FINAL_REPLY_GRACE_S = 5.0
ENDED = "The episode has ended: its tools accept no more calls."
SUBMITTED = "Answer submitted. The episode has ended: reply to the task message to finish."


class EpisodeTools:
    """The MCP endpoints of one green agent, whose public base URL is `base_url`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._open: dict[str, tuple[str, McpSession]] = {}
        self._ended: OrderedDict[str, str] = OrderedDict()
        self.server = ToolServer(self.resolve, name="Entropic CRMArena",
                                 instructions="The tools of one CRM task episode in a Salesforce "
                                              "org; finish with submit_answer.")

    def routes(self) -> list[Route]:
        return [self.server.route(EPISODE_ROUTE)]

    def lifespan(self, app: object = None) -> AbstractAsyncContextManager[None]:
        return self.server.running()

    def open(self, session: McpSession) -> McpEndpoint:
        episode, token = secrets.token_hex(12), secrets.token_urlsafe(32)
        self._open[episode] = (token, session)
        return McpEndpoint(f"{self.base_url}/mcp/{episode}", token)

    def close(self, endpoint: McpEndpoint) -> None:
        episode = endpoint.url.rsplit("/", 1)[-1]
        if self._open.pop(episode, None) is not None:
            self._ended[episode] = endpoint.token
            while len(self._ended) > ENDED_REMEMBERED:
                self._ended.popitem(last=False)

    def resolve(self, episode: str, token: str) -> ToolTarget | Refusal:
        """The open session `token` opens at `episode`'s URL; any other token is refused."""
        if not token:
            return Refusal(401, "Missing bearer token: send the header 'Authorization: Bearer "
                                "<token>' with the token from the task message.")
        entry = self._open.get(episode)
        if entry is not None and hmac.compare_digest(entry[0], token):
            return entry[1]
        ended = self._ended.get(episode)
        if ended is not None and hmac.compare_digest(ended, token):
            return _ENDED_EPISODE
        return Refusal(401, "Invalid token for this MCP endpoint: use the endpoint and token "
                            "of your own, still running, episode.")

    def __len__(self) -> int:
        return len(self._open)


class _EndedEpisode:
    """The target of an ended episode's token: every call is told the episode has ended."""

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> ToolAnswer:
        raise refused(ENDED)


_ENDED_EPISODE = _EndedEpisode()


@dataclass
class _Call:
    """An MCP tool call waiting for its observation."""

    name: str
    arguments: dict[str, Any]
    answer: asyncio.Future[ToolAnswer] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())

    def resolve(self, text: str, is_error: bool) -> None:
        if not self.answer.done():  # the client may have gone away meanwhile
            self.answer.set_result(ToolAnswer(text, is_error))


@dataclass(frozen=True)
class _Said:
    """What the agent answered on its conversation (or why it could not)."""

    reply: AgentReply = ""
    error: BaseException | None = None


class McpSession:
    """One episode whose tools are served over MCP (an env.protocol.McpAgentSession, and the
    ToolTarget of its endpoint)."""

    def __init__(self, conversation: AgentSession, tools: EpisodeTools) -> None:
        self._conversation = conversation
        self._tools = tools
        self._inbox: asyncio.Queue[_Call | _Said] = asyncio.Queue()
        self._pending: _Call | None = None
        self._talking: asyncio.Task[None] | None = None
        self._closed = False
        self.mcp_endpoint = tools.open(self)

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> ToolAnswer:
        if self._closed:
            raise refused(ENDED)
        if self._inbox.qsize() >= MAX_WAITING_CALLS:
            raise refused(f"More than {MAX_WAITING_CALLS} tool calls are waiting: the "
                           "episode answers them one at a time, in order.")
        call = _Call(name, arguments)
        self._inbox.put_nowait(call)
        return await call.answer

    async def act(self, message: str) -> AgentReply:
        """Deliver `message` (the observation of the last MCP call, else over the conversation),
        then return what the agent did next."""
        if self._pending is not None:
            self._pending.resolve(message, _is_error(message))
            self._pending = None
        else:
            self._talking = asyncio.create_task(self._say(message))
        item = await self._inbox.get()
        if isinstance(item, _Said):
            if item.error is not None:
                raise item.error
            return item.reply
        self._pending = item
        return {"name": item.name, "arguments": item.arguments}

    async def _say(self, message: str) -> None:
        try:
            reply = await self._conversation.act(message)
        except Exception as exc:  # noqa: BLE001 - the agent's failure, raised by the next act
            self._inbox.put_nowait(_Said(error=exc))
        else:
            self._inbox.put_nowait(_Said(reply))

    async def close(self) -> None:
        """Close the endpoint, answer every call still waiting, let the conversation's final
        reply arrive (briefly, after a submit), then close the conversation."""
        self._closed = True
        self._tools.close(self.mcp_endpoint)
        pending, self._pending = self._pending, None
        submitted = pending is not None and pending.name == SUBMIT_ANSWER and \
            validate_call(ToolCall(name=pending.name, arguments=pending.arguments)) is None
        if pending is not None:
            pending.resolve(SUBMITTED if submitted else ENDED, is_error=not submitted)
        while not self._inbox.empty():
            item = self._inbox.get_nowait()
            if isinstance(item, _Call):
                item.resolve(ENDED, is_error=True)
        if self._talking is not None and not self._talking.done():
            if submitted:
                await asyncio.wait({self._talking}, timeout=FINAL_REPLY_GRACE_S)
            self._talking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._talking
        await self._conversation.close()


def _is_error(observation: str) -> bool:
    """Whether an observation reports an error: its body is compact `[{"errorCode": ...}]`
    (core.observation), read without parsing the whole body."""
    return observation.partition("\n")[2].startswith('[{"errorCode":')


class McpAgent:
    """env.protocol.Agent: `conversations`' agent, with its tools served over MCP by `tools`."""

    def __init__(self, conversations: Agent, tools: EpisodeTools) -> None:
        self.name = conversations.name
        self._conversations = conversations
        self._tools = tools

    @property
    def identity(self) -> dict[str, Any]:
        """The conversations agent's identity (env.protocol.agent_identity)."""
        return dict(getattr(self._conversations, "identity", None) or {})

    async def connect(self) -> None:
        """Check the conversations agent is usable (env.protocol.connect_agent)."""
        await connect_agent(self._conversations)

    def session(self, task: Task, trial: int) -> McpSession:
        return McpSession(self._conversations.session(task, trial), self._tools)
