"""Run an ASGI app with uvicorn: on a background thread, on a port chosen by the OS
(`BackgroundServer`), or in the foreground with a stop hook for the app (`StoppingServer`).

The demo, the benchmark and the end-to-end tests all need real HTTP servers on 127.0.0.1 that
start fast and stop cleanly inside one process; the socket is bound *before* the app is built so
the agent card can advertise the real port. The app's lifespan runs (the green agent's MCP
endpoint needs it).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import uvicorn


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening-ready TCP socket; port 0 lets the OS pick a free one.

    IPPROTO_TCP explicitly: asyncio (and uvloop) set TCP_NODELAY only on sockets whose `proto`
    says TCP, and accepted connections inherit it. Without it each reply (headers, then body)
    waits for the client's delayed ACK: ~40 ms a turn on loopback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class StoppingServer(uvicorn.Server):
    """On Ctrl-C / SIGTERM, first tells the app (`app.state.on_stop`, e.g. the green agent
    canceling its assessments, so each client gets a final state rather than a dropped
    stream), then stops as uvicorn does. `on_started` runs once it accepts connections (and
    its signal handlers are in place), `on_stopped` once it has shut down."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None = None,
                 on_stopped: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._on_started = on_started
        self._on_stopped = on_stopped

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._on_started is not None:
            self._on_started()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        if self._on_stopped is not None:
            self._on_stopped()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        on_stop = getattr(getattr(self.config.app, "state", None), "on_stop", None)
        loop = getattr(self, "_loop", None)
        if on_stop is not None and loop is not None and not self.should_exit:
            loop.call_soon_threadsafe(on_stop)
        super().handle_exit(sig, frame)


class BackgroundServer:
    """`with BackgroundServer(lambda url: build_app(url)) as srv: srv.url` serves until exit."""

    def __init__(self, make_app: Callable[[str], Callable[..., Any]], host: str = "127.0.0.1",
                 port: int = 0, log_level: str = "warning") -> None:
        self.sock = bind_socket(host, port)
        self.host = host
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}/"
        self.app = make_app(self.url)
        config = uvicorn.Config(self.app, log_level=log_level, lifespan="on",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self.sock]},
                                        name=f"uvicorn:{self.port}", daemon=True)

    def start(self, timeout_s: float = 10.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
