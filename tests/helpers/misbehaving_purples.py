"""Purple agents that fail in the ways purple/hostile.py does not cover: slow, huge replies, a
connection closed mid-reply, a JSON-RPC error, a failed A2A task. Real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket

from a2a.helpers import new_task_from_user_message, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from a2a_app.app import build_a2a_app
from purple.conversation_server import build_purple_app
from purple.hostile import RawCardServer, card_json, misbehaving_card
from purple.reference import reference_conversation_factory

HUGE_REPLY_BYTES = 5 * 1024 * 1024


class SlowConversation:
    """Plays a reference agent, but every reply takes `delay_s`."""

    def __init__(self, inner, delay_s: float) -> None:
        self._inner, self._delay_s = inner, delay_s

    async def reply(self, message: str):
        await asyncio.sleep(self._delay_s)
        return await self._inner.reply(message)


def slow_app(delay_s: float, agent: str = "oracle"):
    factory = reference_conversation_factory(agent)
    return lambda url: build_purple_app(url, name=f"slow-{agent}", description="slow",
                                        new_conversation=lambda: SlowConversation(factory(),
                                                                                  delay_s))


class HugeConversation:
    async def reply(self, message: str) -> str:
        return "x" * HUGE_REPLY_BYTES


def huge_app(url: str) -> Starlette:
    return build_purple_app(url, name="huge", description="5 MB replies",
                            new_conversation=HugeConversation)


def jsonrpc_error_app(url: str) -> Starlette:
    """A card, then a well-formed JSON-RPC error for every call."""
    async def card(request: Request) -> JSONResponse:
        return JSONResponse(card_json(url, "rpc-error"))

    async def rpc(request: Request) -> JSONResponse:
        try:
            request_id = (await request.json()).get("id")
        except Exception:  # noqa: BLE001
            request_id = None
        return JSONResponse({"jsonrpc": "2.0", "id": request_id,
                             "error": {"code": -32603, "message": "purple exploded"}})

    return Starlette(routes=[Route("/.well-known/agent-card.json", card),
                             Route("/", rpc, methods=["POST"])])


class _FailingExecutor(AgentExecutor):
    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        task = context.current_task or new_task_from_user_message(context.message)
        await event_queue.enqueue_event(task)
        await TaskUpdater(event_queue, task.id, task.context_id).failed(
            new_text_message("cannot do this", context_id=task.context_id, task_id=task.id))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        return None


def failed_task_app(url: str) -> Starlette:
    return build_a2a_app(misbehaving_card(url, "fails"), _FailingExecutor())


class MidReplyCloser(RawCardServer):
    """Serves the card; to any POST it sends headers and half a body, then closes."""

    card_name = "mid-reply-closer"

    def answer_other(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 4000\r\n\r\n"
                     b'{"jsonrpc": "2.0", "id": 1, "result": {"message": {"role": ')


HOSTILE_STATEMENTS = [
    ("soql_query", "query", "SELECT Id FROM read_csv('/etc/passwd')"),
    ("soql_query", "query", "SELECT Id FROM Case; ATTACH ':memory:' AS x"),
    ("soql_query", "query", "SELECT Id FROM Case WHERE " + "(" * 3000 + "Id = 'a'" + ")" * 3000),
    ("soql_query", "query", "SELECT Id FROM Case WHERE Subject = '" + "a" * 1_000_000 + "'"),
    ("sosl_search", "search", "FIND {acme} RETURNING tasks(Id), org.main.Account(Id)"),
    ("describe", "object", "org.main.Case"),
]


class HostileSqlConversation:
    """Sends every hostile statement in turn, then keeps repeating the last one."""

    def __init__(self) -> None:
        self.turn = 0

    async def reply(self, message: str) -> dict:
        tool, key, text = HOSTILE_STATEMENTS[min(self.turn, len(HOSTILE_STATEMENTS) - 1)]
        self.turn += 1
        return {"name": tool, "arguments": {key: text}}


def hostile_sql_app(url: str) -> Starlette:
    return build_purple_app(url, name="hostile-sql", description="tries to escape the sandbox",
                            new_conversation=HostileSqlConversation)
