"""One port that speaks HTTPS only, and says so in Salesforce's error shape.

uvicorn's own TLS would drop a plain-HTTP request to the port without a word. Instead each new
connection is looked at first: a TLS handshake (first byte 0x16) is handed to asyncio's TLS layer
with uvicorn's HTTP/1.1 protocol on top, exactly what `create_server(ssl=...)` builds; anything
else gets one `400 [{"errorCode": "UNSUPPORTED_CLIENT", ...}]` and is closed. A connection that
sends nothing is closed after `SNIFF_TIMEOUT_S`. uvicorn's own "invalid HTTP request" answer
(a request line or headers too long or malformed) is JSON in the same shape.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
from asyncio import sslproto
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

SNIFF_TIMEOUT_S = 10.0
HANDSHAKE_TIMEOUT_S = 10.0
#: How long a closing connection waits for the client's TLS close_notify: an idle pooled
#: client never sends one, and server shutdown waits for every connection to end.
TLS_SHUTDOWN_TIMEOUT_S = 0.5
#: How long a refused plain-HTTP connection may keep sending before it is closed.
LINGER_S = 2.0
_TLS_HANDSHAKE = 0x16
_MAX_PLAIN_HEAD = 64 * 1024
_HTTP_START = re.compile(rb"^[A-Z]{1,16}( |$)")
PLAIN_HTTP_MESSAGE = ("HTTPS is required: this instance accepts TLS connections only (a plain "
                      "HTTP request was sent to its HTTPS port).")
BAD_REQUEST_MESSAGE = ("The request could not be read as HTTP/1.1: its request line or headers "
                       "are malformed or too long.")


def error_body(code: str, message: str) -> bytes:
    return json.dumps([{"message": message, "errorCode": code}]).encode()


def _response_400(body: bytes) -> bytes:
    return (b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json;charset=UTF-8\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
            + body)


class JsonH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1, answering an unreadable request in Salesforce's error shape. The
    connection then lingers, dropping what the client still sends, so that a client busy
    sending an oversized request gets to read the answer instead of a connection reset."""

    _refused = False

    def send_400_response(self, msg: str) -> None:
        if self._refused:
            return
        self._refused = True
        body = error_body("UNSUPPORTED_CLIENT", BAD_REQUEST_MESSAGE)
        headers = [(b"content-type", b"application/json;charset=UTF-8"),
                   (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.loop.call_later(LINGER_S, self.transport.close)

    def data_received(self, data: bytes) -> None:
        if not self._refused:
            super().data_received(data)

    def eof_received(self) -> None:
        if self._refused:
            self.transport.close()


def tls_only_protocol(context: ssl.SSLContext) -> type[asyncio.Protocol]:
    """A uvicorn protocol class (`Config(http=...)`) serving HTTPS with `context`."""

    class TlsOnly(asyncio.Protocol):
        def __init__(self, config: Any, server_state: Any, app_state: Any,
                     _loop: asyncio.AbstractEventLoop | None = None) -> None:
            self._http = (config, server_state, app_state, _loop)
            self._loop = _loop or asyncio.get_event_loop()
            self._transport: asyncio.Transport | None = None
            self._head = b""
            self._refused = False
            self._timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self._transport = transport  # type: ignore[assignment]
            self._timer = self._loop.call_later(SNIFF_TIMEOUT_S, transport.close)

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # the rest of a refused request: dropped
            transport = self._transport
            assert transport is not None
            if not self._head and data[:1] == bytes([_TLS_HANDSHAKE]):
                self._cancel_timer()
                config, server_state, app_state, loop = self._http
                inner = JsonH11Protocol(config=config, server_state=server_state,
                                        app_state=app_state, _loop=loop)
                # typeshed types this private class's waiter as a Future and the timeout as
                # int; asyncio itself accepts None (no waiter) and a float.
                tls = sslproto.SSLProtocol(self._loop, inner, context, None,  # type: ignore[arg-type]
                                           server_side=True,
                                           ssl_handshake_timeout=HANDSHAKE_TIMEOUT_S,  # type: ignore[arg-type]
                                           ssl_shutdown_timeout=TLS_SHUTDOWN_TIMEOUT_S)
                transport.set_protocol(tls)
                tls.connection_made(transport)
                _feed(tls, data)
                return
            self._head += data
            head = self._head
            if _HTTP_START.match(head[:17]) and b"\r\n\r\n" not in head \
                    and len(head) < _MAX_PLAIN_HEAD:
                return  # wait for the rest of the request head, so the answer is read
            self._refused = True
            transport.write(_response_400(error_body("UNSUPPORTED_CLIENT", PLAIN_HTTP_MESSAGE)))
            if transport.can_write_eof():
                transport.write_eof()
            self._cancel_timer()
            self._timer = self._loop.call_later(LINGER_S, transport.close)

        def eof_received(self) -> bool | None:
            if self._transport is not None:
                self._transport.close()
            return None

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_timer()

        def _cancel_timer(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    return TlsOnly


def _feed(protocol: sslproto.SSLProtocol, data: bytes) -> None:
    """Hand bytes already read to a buffered protocol, as the transport would have."""
    view = memoryview(data)
    while view:
        buffer = protocol.get_buffer(len(view))
        n = min(len(buffer), len(view))
        buffer[:n] = view[:n]
        protocol.buffer_updated(n)
        view = view[n:]
