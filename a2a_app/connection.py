"""The HTTP request behind an A2A call: how big its body may be, and whether its client is
still there.

- `BodyLimit` (ASGI middleware) refuses a body over `max_bytes` without buffering it: a declared
  Content-Length over the cap gets 413 before the app sees it; a chunked body is counted as it
  arrives and stopped at the cap, which the JSON-RPC route answers with a JSON-RPC error
  ("Payload too large"). The rest of a refused body is read and dropped, chunk by chunk, up to
  DRAIN_FACTOR times the cap, so an ordinary client reads the answer instead of a reset. A
  request's text is echoed back in the A2A task's history, so an unbounded body would also be
  held in memory for the task's life.
- `ConnectionContextBuilder` puts the request's `is_disconnected` into the call context's
  state, so an executor can stop work nobody waits for any more (`client_disconnected`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from a2a.server.agent_execution import RequestContext
from a2a.server.context import ServerCallContext
from a2a.server.routes.common import DefaultServerCallContextBuilder
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DISCONNECTED_KEY = "is_disconnected"
#: A refused body up to this many times the cap is read and dropped so the client can read the
#: 413; a bigger one is answered at once and its connection closed unread.
DRAIN_FACTOR = 4
#: JSON-RPC methods that answer once, at the end (1.0 and 0.3 names): their client waits.
BLOCKING_METHODS = frozenset({"SendMessage", "message/send"})


class BodyLimit:
    """413 for a request body over `max_bytes` (see the module docstring)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            if int(declared) <= DRAIN_FACTOR * self.max_bytes:
                await _drain(receive, None)
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    if message.get("more_body"):
                        await _drain(receive, DRAIN_FACTOR * self.max_bytes)
                    raise HTTPException(413, f"request body over {self.max_bytes} bytes")
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {
            "code": -32600, "message": f"request body over {self.max_bytes} bytes"}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive, limit: int | None) -> None:
    """Read the rest of a refused body and drop it, chunk by chunk (never held), so the client
    gets the answer rather than a reset connection; past `limit` bytes, stop reading."""
    read = 0
    while True:
        message = await receive()
        read += len(message.get("body", b""))
        if not message.get("more_body") or (limit is not None and read > limit):
            return


class ConnectionContextBuilder(DefaultServerCallContextBuilder):
    """The SDK's call context plus `state["is_disconnected"]` of the HTTP request."""

    def build(self, request: Request) -> ServerCallContext:
        context = super().build(request)
        context.state[DISCONNECTED_KEY] = request.is_disconnected
        return context


def client_disconnected(context: RequestContext) -> Callable[[], Awaitable[bool]] | None:
    """For a blocking call (message/send without return_immediately), a check of whether its
    client went away; None when nobody waits on this request (streaming, non-blocking), whose
    work must go on."""
    call = context.call_context
    state: Mapping[str, Any] = call.state if call is not None else {}
    configuration = context.configuration
    if state.get("method") not in BLOCKING_METHODS or (
            configuration is not None and configuration.return_immediately):
        return None
    check = state.get(DISCONNECTED_KEY)
    return check if callable(check) else None
