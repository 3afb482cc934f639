"""The assessed agent as env.protocol.Agent, for a config's tool transport.

With `message`, each A2A reply is a tool call (green.client.A2AAgent). With `mcp`, each episode's
tools are served at its own MCP endpoint (mcp_tools.episodes) and the A2A conversation carries
the task and the final turn, so one A2A turn may span the whole episode: it is bounded by the task
timeout (the episode loop bounds the wait for each MCP call by the turn timeout), and it holds its
connection throughout, so the client's pool has room for two per episode at once: an episode must
not wait for another one to end before its task can even be sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from env.config import AssessmentConfig
from env.protocol import Agent
from green.client import A2AAgent
from mcp_tools.episodes import EpisodeTools, McpAgent


class McpNotServed(ValueError):
    """tool_transport "mcp" was asked of an assessor that serves no MCP endpoint."""


@asynccontextmanager
async def assessed_agent(url: str, config: AssessmentConfig,
                         episode_tools: EpisodeTools | None) -> AsyncIterator[Agent]:
    """The A2A agent at `url`, its tools as messages or over `episode_tools`' endpoints."""
    mcp = config.tool_transport == "mcp"
    if mcp and episode_tools is None:
        raise McpNotServed("tool_transport 'mcp' needs an assessor that serves MCP endpoints")
    # One pooled connection per concurrent episode (a bigger idle pool only costs time); over
    # MCP each episode holds one for its whole A2A turn.
    connections = config.concurrency * (2 if mcp else 1)
    async with A2AAgent(url, turn_timeout_s=config.timeout if mcp else config.turn_timeout,
                        max_connections=connections) as a2a:
        yield McpAgent(a2a, episode_tools) if mcp and episode_tools is not None else a2a
