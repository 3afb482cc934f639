"""The seam between the environment and whoever acts in it (tau2's Agent / inspect's Solver).

The runner talks to an `Agent` through one async method per turn: given the environment's latest
message (the task message first, then each observation), return the agent's reply. Reference
agents (oracle, null, refuser, keyword, careless) answer in-process with a dict tool call; the A2A
purple client answers with whatever text/data the remote agent sent; the REPL puts a human there.
The environment parses every reply the same way (env.parsing), so format errors are counted the
same whoever the agent is. A session whose tools are served over MCP (mcp_tools) says where, as
`mcp_endpoint`; its replies are then the MCP calls it received, one per `act`, so the one episode
loop runs, limits and logs both transports alike.

An agent may also define `async connect()` (called once before the first episode: a remote
agent fetches its card there, and raises AgentUnavailable when it cannot be used, so the
assessment stops at once instead of scoring every episode failed) and `identity` (a JSON-able
dict of what makes it this agent, e.g. its card's name and version: an assessment folder is only
resumed, and folders only merged, for the same identity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from core.task import Task

# ToolCall and AgentReply live in core.tool_call (reference solutions are tool calls too);
# re-exported here, the seam's old home.
from core.tool_call import AgentReply as AgentReply
from core.tool_call import ToolCall as ToolCall


@runtime_checkable
class AgentSession(Protocol):
    """One episode's conversation with an agent (one A2A context)."""

    async def act(self, message: str) -> AgentReply:
        """Receive the environment's message; return the agent's reply (one tool call)."""
        ...

    async def close(self) -> None:
        """Release per-episode resources (e.g. forget the A2A context)."""
        ...


@runtime_checkable
class Agent(Protocol):
    """A factory of sessions: one session per (task, trial)."""

    name: str

    def session(self, task: Task, trial: int) -> AgentSession:
        """Open a session for one episode. Reference agents may read `task` (they are
        reference agents); remote agents only ever see the messages sent through `act`."""
        ...


class AgentUnavailable(Exception):
    """The agent cannot be used: unreachable, not an A2A agent, or no reply this turn."""


def agent_identity(agent: Agent) -> dict[str, Any]:
    """{"name": ..., plus the agent's own `identity`}: what resume and merge compare."""
    return {"name": agent.name, **(getattr(agent, "identity", None) or {})}


def describe_agent(identity: dict[str, Any]) -> str:
    """"oracle", or "a2a:http://... (card: Name 1.0)" for an identity with more than a name."""
    extra = ", ".join(f"{k}: {_text(v)}" for k, v in identity.items() if k != "name")
    return f"{identity.get('name', '?')}" + (f" ({extra})" if extra else "")


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values())
    return str(value)


async def connect_agent(agent: Agent) -> None:
    """Let the agent check it is usable before any episode (AgentUnavailable if not)."""
    connect = getattr(agent, "connect", None)
    if connect is not None:
        await connect()
@dataclass(frozen=True)
class McpEndpoint:
    """Where one episode's tools are served over MCP, and the bearer token that opens them."""

    url: str
    token: str


@runtime_checkable
class McpAgentSession(AgentSession, Protocol):
    """An AgentSession whose tool calls arrive over MCP at `mcp_endpoint` (the task message
    announces it)."""

    mcp_endpoint: McpEndpoint
