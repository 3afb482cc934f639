"""A CONNECT proxy that sends `*.salesforce.com` to the sandbox, for code that cannot be pointed
anywhere else: `Salesforce(username=..., password=..., security_token=...)` always logs in at
https://login.salesforce.com.

With `HTTPS_PROXY` set to this proxy, a client asks `CONNECT login.salesforce.com:443`; the
proxy opens a tunnel to the sandbox's HTTPS port, where TLS is terminated with the sandbox's own
certificate (it names `*.salesforce.com`, signed by the sandbox CA the client trusts through
`REQUESTS_CA_BUNDLE` or `NODE_EXTRA_CA_CERTS`). The sandbox's own address is tunnelled too (a
client with HTTPS_PROXY set may still use the instance URL); every other host is refused: the
proxy never reaches the internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

HEAD_TIMEOUT_S = 10.0
MAX_HEAD_BYTES = 16 * 1024
DEFAULT_MAX_TUNNELS = 128
_CHUNK = 64 * 1024


def _answer(status: str, message: str) -> bytes:
    body = message.encode() + b"\n"
    return (f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


class ConnectProxy:
    """Serves on a bound socket; `close()` stops it and its tunnels."""

    def __init__(self, target: tuple[str, int], local_names: set[str],
                 max_tunnels: int = DEFAULT_MAX_TUNNELS) -> None:
        self.target = target
        self.local_names = {n.lower() for n in local_names}
        self._slots = asyncio.Semaphore(max_tunnels)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def allows(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]")
        if host == "salesforce.com" or host.endswith(".salesforce.com"):
            return port == 443
        return host in self.local_names and port == self.target[1]

    async def start(self, sock: socket.socket) -> None:
        self._server = await asyncio.start_server(self._handle, sock=sock, limit=MAX_HEAD_BYTES)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._tunnel(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _tunnel(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
        parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
        if len(parts) != 3 or parts[0].upper() != "CONNECT":
            writer.write(_answer("405 Method Not Allowed",
                                 "this proxy only tunnels HTTPS (CONNECT host:443)"))
            return
        host, _, port = parts[1].rpartition(":")
        if not port.isdigit() or not self.allows(host, int(port)):
            writer.write(_answer("403 Forbidden", f"the sandbox proxy only reaches "
                                                  f"*.salesforce.com:443, not {parts[1]}"))
            return
        if self._slots.locked():
            writer.write(_answer("503 Service Unavailable", "too many open tunnels"))
            return
        async with self._slots:
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.target)
            except OSError:
                writer.write(_answer("502 Bad Gateway", "the sandbox is not answering"))
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            try:
                pipes = [asyncio.create_task(_pipe(reader, up_writer)),
                         asyncio.create_task(_pipe(up_reader, writer))]
                try:
                    await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for pipe in pipes:
                        pipe.cancel()
                    await asyncio.gather(*pipes, return_exceptions=True)
            finally:
                up_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
