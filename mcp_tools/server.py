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

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from starlette.datastructures import Headers
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from env.tools import TOOL_SPECS

if TYPE_CHECKING:  # the SDK itself loads with the first request (ToolServer.running)
    import mcp_types as types
    from mcp.server import Server, ServerRequestContext
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

#: Where an authenticated request carries its target to the tool handler.
_TARGET = "crmarena.tool_target"
#: The JSON-RPC error code of a refused request (the server-defined range).
REFUSED = -32001
_SCHEMAS: Mapping[str, Mapping[str, Any]] = {s["name"]: s["parameters"] for s in TOOL_SPECS}


@cache
def _tools() -> types.ListToolsResult:
    import mcp_types

    return mcp_types.ListToolsResult(tools=[
        mcp_types.Tool(name=s["name"], description=s["description"],
                       input_schema=s["parameters"]) for s in TOOL_SPECS])


def _sdk() -> tuple[type[Server[Any]], type[StreamableHTTPSessionManager]]:
    from mcp.server import Server
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    return Server, StreamableHTTPSessionManager


def refused(message: str) -> Exception:
    """The SDK's MCPError a target raises to refuse a call (the SDK is loaded: a call came)."""
    from mcp import MCPError

    return MCPError(REFUSED, message)


@dataclass(frozen=True)
class ToolAnswer:
    """A tool call's result: the observation text (as the message transport words it)."""

    text: str
    is_error: bool = False


class ToolTarget(Protocol):
    """Where one authenticated client's tool calls go."""

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> ToolAnswer:
        """Run (or hand on) one call; raise `refused(...)` when no call is taken any more."""
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
    """An ASGI app (mount it with `route`) whose requests `resolve` authenticates. It serves
    while `running` is entered: pass that as the Starlette lifespan. The SDK (about 40 MB and a
    second of imports) loads with the first request, so an app none of whose clients speaks MCP
    never loads it."""

    def __init__(self, resolve: Resolve, *, name: str, instructions: str | None = None) -> None:
        self._resolve = resolve
        self._name, self._instructions = name, instructions
        self._stopping: asyncio.Event | None = None
        #: the task running the SDK's session manager, and when it is ready
        self._serving: tuple[asyncio.Task[None], asyncio.Future[StreamableHTTPSessionManager]] \
            | None = None

    def route(self, path: str) -> Route:
        return Route(path, self)

    @asynccontextmanager
    async def running(self, app: object = None) -> AsyncIterator[None]:
        """Serve requests until exit (a Starlette lifespan); then stop the SDK if it started."""
        self._stopping = asyncio.Event()
        try:
            yield
        finally:
            self._stopping.set()
            if self._serving is not None:
                task, self._serving = self._serving[0], None
                await task

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        episode = scope.get("path_params", {}).get("episode", "")
        target = self._resolve(str(episode), bearer_token(scope))
        if isinstance(target, Refusal):
            await _refuse(target, send)
            return
        scope[_TARGET] = target
        manager = await self._manager()
        await manager.handle_request(scope, receive, send)

    async def _manager(self) -> StreamableHTTPSessionManager:
        """The SDK's session manager, started on first use by a task of its own (its task group
        must be left by the task that entered it, not by whichever request came first)."""
        if self._stopping is None or self._stopping.is_set():
            raise RuntimeError("the MCP tool server is not running (enter ToolServer.running)")
        if self._serving is None:
            ready: asyncio.Future[StreamableHTTPSessionManager] = \
                asyncio.get_running_loop().create_future()
            self._serving = (asyncio.create_task(self._serve(ready, self._stopping)), ready)
        return await asyncio.shield(self._serving[1])

    async def _serve(self, ready: asyncio.Future[StreamableHTTPSessionManager],
                     stopping: asyncio.Event) -> None:
        try:
            # imported on a thread: a second of imports would stall every episode on the loop
            server_class, manager_class = await asyncio.to_thread(_sdk)
            server = server_class(self._name, version="0.1.0", instructions=self._instructions,
                                  on_list_tools=self._list_tools, on_call_tool=self._call_tool,
                                  get_tool_input_schema=_SCHEMAS.get)
            manager = manager_class(server, json_response=True, stateless=True)
            async with manager.run():
                ready.set_result(manager)
                await stopping.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    async def _list_tools(self, ctx: ServerRequestContext[Any, Any],
                          params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return _tools()

    async def _call_tool(self, ctx: ServerRequestContext[Any, Any],
                         params: types.CallToolRequestParams) -> types.CallToolResult:
        import mcp_types

        assert ctx.request is not None  # streamable HTTP hands every message its request
        target: ToolTarget = ctx.request.scope[_TARGET]
        answer = await target.call_tool(params.name, dict(params.arguments or {}))
        return mcp_types.CallToolResult(
            content=[mcp_types.TextContent(type="text", text=answer.text)],
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
