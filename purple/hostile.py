"""Misbehaving purple agents, for proving the green agent survives them: one that replies
garbage, one that never replies, one that answers HTTP 500, one that drops the connection.

Each is a real A2A server (a real card; real sockets), so the failure reaches the green agent
exactly as it would from a broken agent on the network.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading

from a2a.types import AgentCard, AgentSkill
from google.protobuf.json_format import MessageToDict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from a2a_app.app import make_card
from purple.conversation_server import build_purple_app


class GarbageConversation:
    async def reply(self, message: str) -> str:
        return "I am not going to use your tools. Here is a haiku instead."


class HangingConversation:
    async def reply(self, message: str) -> str:
        await asyncio.sleep(3600)
        return "too late"


def garbage_app(url: str) -> Starlette:
    return build_purple_app(url, name="garbage", description="replies prose, never a tool call",
                            new_conversation=GarbageConversation)


def hanging_app(url: str) -> Starlette:
    return build_purple_app(url, name="hang", description="never replies",
                            new_conversation=HangingConversation)


def misbehaving_card(url: str, name: str) -> AgentCard:
    """A plain non-streaming card for a misbehaving agent called `name`."""
    skill = AgentSkill(id="misbehave", name="misbehave", description=name, tags=["test"])
    return make_card(name=name, description=name, url=url, skills=[skill], streaming=False)


def card_json(url: str, name: str) -> dict:
    """The card as served over HTTP, for the hand-rolled servers below."""
    card = MessageToDict(misbehaving_card(url, name))
    card["url"] = url  # what a 0.3 resolver also wants
    return card


def http500_app(url: str) -> Starlette:
    """Serves a card, then answers every JSON-RPC call with HTTP 500."""
    async def card(request: Request) -> JSONResponse:
        return JSONResponse(card_json(url, "http500"))

    async def rpc(request: Request) -> PlainTextResponse:
        return PlainTextResponse("Internal Server Error", status_code=500)

    return Starlette(routes=[Route("/.well-known/agent-card.json", card),
                             Route("/", rpc, methods=["POST"])])


class RawCardServer:
    """Raw TCP: serves the agent card, then hands any other request to `answer_other` and closes
    the socket. Raw sockets, because the failures it plays (a dropped or cut-off reply) are ones a
    well-behaved HTTP server would never produce. Subclasses say how they misbehave."""

    card_name = "raw"

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._sock = socket.create_server((host, 0))
        self.url = f"http://{host}:{self._sock.getsockname()[1]}/"
        self._card = json.dumps(card_json(self.url, self.card_name)).encode()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def answer_other(self, conn: socket.socket) -> None:
        """Answers a request that is not for the card; by default not a byte."""

    def _serve(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                head = conn.recv(65536)
                if head.startswith(b"GET /.well-known/agent"):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Connection: close\r\nContent-Length: "
                                 + str(len(self._card)).encode() + b"\r\n\r\n" + self._card)
                else:
                    self.answer_other(conn)
            except OSError:
                return

    def __enter__(self) -> RawCardServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


class DroppingServer(RawCardServer):
    """Serves the agent card, then closes the socket on any other request without a byte."""

    card_name = "dropper"
