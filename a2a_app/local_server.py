"""Run an ASGI app with uvicorn on a background thread, on a port chosen by the OS.

The demo, the benchmark and the end-to-end tests all need real HTTP servers on 127.0.0.1 that
start fast and stop cleanly inside one process; the socket is bound *before* the app is built so
the agent card can advertise the real port. The app's lifespan runs (the green agent's MCP
endpoint needs it).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening-ready TCP socket; port 0 lets the OS pick a free one. IPPROTO_TCP explicitly:
    asyncio sets TCP_NODELAY only on sockets whose `proto` says TCP, and without it a small
    request written in two parts (an MCP client's) waits ~40 ms for a delayed ACK."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


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
