"""One MCP server for the episode's tools: the official SDK's low-level `Server` over streamable
HTTP (stateless, JSON answers), listing exactly env.tools.TOOL_SPECS.

The server keeps no episode state. Each HTTP request is authenticated before the SDK sees it: its
route's `episode` path parameter and its `Authorization: Bearer` token go to a `Resolve` function,
which returns the `ToolTarget` the request's tool calls go to (a green episode, a sandbox session)
or a `Refusal`, answered at once as a JSON-RPC error, so a wrong, expired or other-episode token
never reaches any org. Stateless mode means no MCP session outlives its request: there is nothing
to hijack, and nothing to clean up when an episode ends. Arguments are not validated here: the
target validates them as the message transport does, so a bad call is a logged, counted turn.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.datastructures import Headers
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from env.tools import TOOL_SPECS

#: Where an authenticated request carries its target to the tool handler.
_TARGET = "crmarena.tool_target"
#: The JSON-RPC error code of a refused request (the server-defined range).
REFUSED = -32001
_SCHEMAS: Mapping[str, Mapping[str, Any]] = {s["name"]: s["parameters"] for s in TOOL_SPECS}
_TOOLS = types.ListToolsResult(tools=[
    types.Tool(name=s["name"], description=s["description"], input_schema=s["parameters"])
    for s in TOOL_SPECS])


@dataclass(frozen=True)
class ToolAnswer:
    """A tool call's result: the observation text (as the message transport words it)."""

    text: str
    is_error: bool = False


class ToolTarget(Protocol):
    """Where one authenticated client's tool calls go."""

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> ToolAnswer:
        """Run (or hand on) one call; raise mcp's MCPError when no call is taken any more."""
        ...


@dataclass(frozen=True)
class Refusal:
    """Why a request may not reach any target: an HTTP status and a message for the client."""

    status: int
    message: str


#: (the route's `episode` path parameter, or "", the bearer token, or "") -> target or refusal.
Resolve = Callable[[str, str], "ToolTarget | Refusal"]


def bearer_token(scope: Scope) -> str:
    """The token of an `Authorization: Bearer <token>` header, else ""."""
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class ToolServer:
    """An ASGI app (mount it with `route`) whose requests `resolve` authenticates. Its SDK session
    manager must run for the app's lifetime: pass `running` as the Starlette lifespan."""

    def __init__(self, resolve: Resolve, *, name: str, instructions: str | None = None) -> None:
        self._resolve = resolve
        self._server = Server(name, version="0.1.0", instructions=instructions,
                              on_list_tools=self._list_tools, on_call_tool=self._call_tool,
                              get_tool_input_schema=_SCHEMAS.get)
        self._manager = StreamableHTTPSessionManager(self._server, json_response=True,
                                                     stateless=True)

    def route(self, path: str) -> Route:
        return Route(path, self)

    def running(self, app: object = None) -> AbstractAsyncContextManager[None]:
        """The SDK's session manager, running (once per server; a Starlette lifespan)."""
        return self._manager.run()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        episode = scope.get("path_params", {}).get("episode", "")
        target = self._resolve(str(episode), bearer_token(scope))
        if isinstance(target, Refusal):
            await _refuse(target, send)
            return
        scope[_TARGET] = target
        await self._manager.handle_request(scope, receive, send)

    async def _list_tools(self, ctx: ServerRequestContext[Any, Any],
                          params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return _TOOLS

    async def _call_tool(self, ctx: ServerRequestContext[Any, Any],
                         params: types.CallToolRequestParams) -> types.CallToolResult:
        assert ctx.request is not None  # streamable HTTP hands every message its request
        target: ToolTarget = ctx.request.scope[_TARGET]
        answer = await target.call_tool(params.name, dict(params.arguments or {}))
        return types.CallToolResult(content=[types.TextContent(type="text", text=answer.text)],
                                    is_error=answer.is_error)


async def _refuse(refusal: Refusal, send: Send) -> None:
    """A JSON-RPC error without an id (the body is not read): the SDK's client raises it as an
    MCPError carrying `refusal.message`."""
    body = json.dumps({"jsonrpc": "2.0", "id": None,
                       "error": {"code": REFUSED, "message": refusal.message}}).encode()
    await send({"type": "http.response.start", "status": refusal.status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
