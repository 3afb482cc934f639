"""The seam between the environment and whoever acts in it (tau2's Agent / inspect's Solver).

The runner talks to an `Agent` through one async method per turn: given the environment's latest
message (the task message first, then each observation), return the agent's reply. Reference
agents (oracle, null, refuser, keyword, careless) answer in-process with a dict tool call; the A2A
purple client answers with whatever text/data the remote agent sent; the REPL puts a human there.
The environment parses every reply the same way (env.parsing), so format errors are counted the
same whoever the agent is. A session whose tools are served over MCP (mcp_tools) says where, as
`mcp_endpoint`; its replies are then the MCP calls it received, one per `act`, so the one episode
loop runs, limits and logs both transports alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

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
