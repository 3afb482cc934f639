"""The agent's side of the episode's MCP tools, with the official SDK's client: connect to the
endpoint a task message announces (streamable HTTP, bearer token), list the tools as JSON-schema
specs (what an LLM is handed as functions), call one and read its observation text."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import mcp_types as types
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client

from env.protocol import McpEndpoint

#: Seconds to connect, and to wait for one answer (a tool call waits for the episode loop).
CONNECT_TIMEOUT_S = 30.0
READ_TIMEOUT_S = 600.0


@asynccontextmanager
async def connect(endpoint: McpEndpoint, *,
                  verify: ssl.SSLContext | str | bool = True) -> AsyncIterator[Client]:
    """An SDK client connected to `endpoint` with its token (`verify`: the CA to trust). A
    refused connection raises the server's MCPError itself, not the task groups around it."""
    headers = {"Authorization": f"Bearer {endpoint.token}"} if endpoint.token else {}
    http = httpx2.AsyncClient(headers=headers, verify=verify,
                              timeout=httpx2.Timeout(CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S))
    try:
        async with http, Client(streamable_http_client(endpoint.url, http_client=http)) as client:
            yield client
    except BaseExceptionGroup as group:
        error = _first_mcp_error(group)
        if error is None:
            raise
        raise error from group


def _first_mcp_error(group: BaseExceptionGroup) -> MCPError | None:
    for exc in group.exceptions:
        found = _first_mcp_error(exc) if isinstance(exc, BaseExceptionGroup) else exc
        if isinstance(found, MCPError):
            return found
    return None


def tool_specs(listing: types.ListToolsResult) -> list[dict[str, Any]]:
    """The listed tools as {"name", "description", "parameters"} (env.tools.TOOL_SPECS' shape)."""
    return [{"name": tool.name, "description": tool.description or "",
             "parameters": tool.input_schema} for tool in listing.tools]


def result_text(result: types.CallToolResult) -> str:
    """The observation a call returned: its text content."""
    return "\n".join(c.text for c in result.content if isinstance(c, types.TextContent))
