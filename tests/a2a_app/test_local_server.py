"""a2a_app.local_server: the sockets our servers listen on answer without delayed-ACK stalls."""

from __future__ import annotations

import asyncio
import socket

import pytest
import uvloop

from a2a_app.local_server import BackgroundServer, bind_socket


def test_bind_socket_says_tcp():
    sock = bind_socket()
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


@pytest.mark.parametrize("loop_factory", [asyncio.new_event_loop, uvloop.new_event_loop],
                         ids=["asyncio", "uvloop"])
def test_accepted_connections_have_tcp_nodelay(loop_factory):
    """The event loop sets TCP_NODELAY on accepted connections only when the listening socket's
    proto is TCP; without it each reply (headers, then body) waited ~40 ms for a delayed ACK."""
    seen: list[int] = []

    class Record(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Record, sock=bind_socket())
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await reader.read()  # the server closes at once
        writer.close()
        server.close()
        await server.wait_closed()

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(main())
    assert seen and seen[0] != 0


def test_background_server_serves_on_uvloop():
    """uvicorn picks uvloop and httptools when installed (the standard extras)."""
    loops: list[str] = []

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":  # BackgroundServer runs the app's lifespan (MCP needs it)
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert scope["type"] == "http"
        loops.append(type(asyncio.get_running_loop()).__module__)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    with BackgroundServer(lambda url: app) as server:
        with socket.create_connection((server.host, server.port)) as conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := conn.recv(4096):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and b"ok" in reply
    assert loops == ["uvloop"]
