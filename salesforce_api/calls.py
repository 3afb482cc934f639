"""One request's life, the same for every route: size cap, version, method, session, API usage,
the handler, its answer in Salesforce's shape, and one log record.

Handlers are `async def handler(call: Call) -> Reply` and raise `SalesforceError` for anything a
client did wrong; `endpoint()` turns that into `[{"message", "errorCode"}]` with Salesforce's
HTTP status (400, 401 INVALID_SESSION_ID, 403, 404 NOT_FOUND, 405, 413, 500), and anything else
into a 500 UNKNOWN_EXCEPTION whose traceback stays in the server's own log. JSON answers are
`application/json;charset=UTF-8`, the content type jsforce needs before it parses a body.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from salesforce_api.cursors import CursorStore
from salesforce_api.instance import SandboxInstance
from salesforce_api.log import ANONYMOUS, Exchange, SandboxLog
from salesforce_api.sessions import Session, SessionStore
from sandbox_db.errors import ErrorCode, SalesforceError

logger = logging.getLogger(__name__)

JSON_TYPE = "application/json;charset=UTF-8"
XML_TYPE = "text/xml;charset=UTF-8"
ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: API versions served: jsforce asks for 50.0, simple_salesforce 59.0; below 37.0 the search
#: answer had another shape, so those are not claimed.
MIN_VERSION, MAX_VERSION = 37, 62
#: Request bodies (SOAP logins, composite retrieves) larger than this are refused with 413.
DEFAULT_MAX_BODY_BYTES = 1 << 20
#: Past the cap a body is still read (and dropped) up to this many bytes, so the client gets to
#: read the 413 instead of a connection reset; beyond it the connection is simply closed.
DRAIN_LIMIT_BYTES = 16 << 20
#: Where login.salesforce.com logins (through the proxy) are sent next: a My Domain host, as on
#: a real org, without "-api" (simple_salesforce strips it).
MY_DOMAIN_HOST = "crmarena.my.salesforce.com"
#: Answers with more records than this are encoded on a worker thread, not on the event loop.
_INLINE_RECORDS = 200
_VERSION_RE = re.compile(r"^(\d{2})\.0$")
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$")
_AS_SENT = object()  # Reply.logged: log the payload as sent
_STATUS = {ErrorCode.NOT_FOUND: 404, ErrorCode.INVALID_SESSION_ID: 401,
           ErrorCode.REQUEST_LIMIT_EXCEEDED: 403, ErrorCode.METHOD_NOT_ALLOWED: 405,
           ErrorCode.UNKNOWN_EXCEPTION: 500}


class ApiError(SalesforceError):
    """A SalesforceError answered with a status of its own (413 for a body over the cap)."""

    def __init__(self, code: ErrorCode, message: str, status: int) -> None:
        super().__init__(code, message)
        self.status = status


def invalid_session() -> SalesforceError:
    return SalesforceError(ErrorCode.INVALID_SESSION_ID, "Session expired or invalid")


def read_only() -> SalesforceError:
    return SalesforceError(ErrorCode.INSUFFICIENT_ACCESS_OR_READONLY,
                           "insufficient access rights on object id")


@dataclass(frozen=True)
class Credentials:
    """The one login the sandbox accepts. The password works alone or with the security token
    appended (what simple_salesforce sends), as from a trusted IP range."""

    username: str
    password: str
    security_token: str = ""

    def accept(self, username: str, password: str) -> bool:
        user_ok = hmac.compare_digest(username.strip().lower().encode(),
                                      self.username.lower().encode())
        candidates = {self.password, self.password + self.security_token}
        pass_ok = any(hmac.compare_digest(password.encode(), c.encode()) for c in candidates)
        return user_ok and pass_ok


@dataclass
class SandboxApi:
    """Everything the routes share."""

    instance: SandboxInstance
    sessions: SessionStore
    cursors: CursorStore
    credentials: Credentials
    #: host:port of the server itself, for answers to requests with an unusable Host header.
    instance_host: str
    log: SandboxLog | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    def authenticate(self, request: Request) -> Session:
        """The session named by `Authorization: Bearer <id>` (or `OAuth <id>`), charged one API
        request; INVALID_SESSION_ID otherwise."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        session = None
        if scheme.lower() in ("bearer", "oauth") and token.strip():
            session = self.sessions.get(token.strip())
        if session is None:
            raise invalid_session()
        session.api_requests += 1
        return session


@dataclass
class Reply:
    """A handler's answer. `logged` replaces `payload` in the log (no session ids there)."""

    payload: Any
    status: int = 200
    xml: str | None = None
    session: Session | None = None  # a login's new session: this turn opens its log
    logged: Any = _AS_SENT
    error_code: str | None = None


@dataclass
class Call:
    """One request as a handler sees it; handlers fill in what the log should say."""

    request: Request
    api: SandboxApi
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    session: Session | None = None
    version: str = ""  # "59.0"
    request_text: str = ""
    soql: str | None = None

    def base_url(self) -> str:
        """https://<the host the client used>; login.salesforce.com (through the proxy) and
        other Salesforce hosts become the My Domain host."""
        host = self.request.headers.get("host", "")
        if not _HOST_RE.match(host):
            host = self.api.instance_host
        if host.rsplit(":", 1)[0].lower().endswith(".salesforce.com"):
            host = MY_DOMAIN_HOST
        return f"https://{host}"

    async def body(self) -> bytes:
        """The request body, at most `max_body_bytes` (413 past it)."""
        return await read_body(self.request, self.api.max_body_bytes)

    def require_session(self) -> Session:
        assert self.session is not None, "route declared without auth"
        return self.session


def body_too_large(cap: int) -> ApiError:
    return ApiError(ErrorCode.EXCEEDED_MAX_SIZE_REQUEST,
                    f"The request body exceeds the maximum size of {cap} bytes.", 413)


async def read_body(request: Request, cap: int) -> bytes:
    """The body, or 413 when it is larger than `cap`: the rest is still read and dropped (up to
    DRAIN_LIMIT_BYTES) so that the client, still sending, gets to read the answer."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= cap:
            chunks.append(chunk)
        elif size > DRAIN_LIMIT_BYTES:
            break
    if size > cap:
        raise body_too_large(cap)
    return b"".join(chunks)


Handler = Callable[[Call], Awaitable[Reply]]


def endpoint(handler: Handler, *, tool: str, methods: tuple[str, ...] = ("GET",),
             auth: bool = True, versioned: bool = True, writes: bool = False,
             ) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint running `handler`. `writes`: a POST/PUT/PATCH/DELETE here is a
    write on records, answered (after authentication) with the read-only user's error."""

    async def run(request: Request) -> Response:
        received, started = time.monotonic(), time.perf_counter()
        api: SandboxApi = request.app.state.api
        call = Call(request, api, tool)
        try:
            reply = await _checked(call, handler, methods, auth, versioned, writes)
        except SalesforceError as exc:
            reply = error_reply(exc)
        except ClientDisconnect:
            reply = error_reply(SalesforceError(ErrorCode.UNKNOWN_EXCEPTION,
                                                "The client disconnected."))
        except Exception:  # noqa: BLE001 - a client never sees a traceback
            logger.exception("sandbox: %s %s failed", request.method, request.url.path)
            reply = error_reply(SalesforceError(ErrorCode.UNKNOWN_EXCEPTION,
                                                "An unexpected error occurred."))
        response = await _render(reply, call)
        if api.log is not None:
            api.log.record(_exchange(call, reply, response, received,
                                     time.perf_counter() - started))
        return response

    return run


async def _checked(call: Call, handler: Handler, methods: tuple[str, ...], auth: bool,
                   versioned: bool, writes: bool) -> Reply:
    request = call.request
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > call.api.max_body_bytes:
        await read_body(request, call.api.max_body_bytes)
    if versioned:
        match = _VERSION_RE.match(request.path_params.get("version", ""))
        if match is None or not MIN_VERSION <= int(match.group(1)) <= MAX_VERSION:
            raise SalesforceError(ErrorCode.NOT_FOUND, "The requested resource does not exist")
        call.version = f"{match.group(1)}.0"
    write = request.method not in methods and writes and request.method in WRITE_METHODS
    if request.method not in methods and not write:
        allowed = ",".join(methods)
        raise SalesforceError(ErrorCode.METHOD_NOT_ALLOWED,
                              f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}")
    if auth:
        call.session = call.api.authenticate(request)
        if call.session.api_requests > call.api.sessions.api_limit:
            raise SalesforceError(ErrorCode.REQUEST_LIMIT_EXCEEDED, "TotalRequests Limit exceeded.")
    if write:
        call.tool = "write"
        raise read_only()
    return await handler(call)


def error_reply(exc: SalesforceError) -> Reply:
    status = exc.status if isinstance(exc, ApiError) else _STATUS.get(exc.error_code, 400)
    return Reply(exc.to_json(), status=status, error_code=exc.error_code.value)


async def _render(reply: Reply, call: Call) -> Response:
    headers = {}
    session = call.session
    if session is not None:
        headers["Sforce-Limit-Info"] = \
            f"api-usage={session.api_requests}/{call.api.sessions.api_limit}"
    if reply.xml is not None:
        return Response(reply.xml.encode("utf-8"), reply.status, headers, media_type=XML_TYPE)
    if _record_count(reply.payload) > _INLINE_RECORDS:
        body = await run_in_threadpool(_json_bytes, reply.payload)
    else:
        body = _json_bytes(reply.payload)
    return Response(body, reply.status, headers, media_type=JSON_TYPE)


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _record_count(payload: Any) -> int:
    if isinstance(payload, dict):
        return len(payload.get("records") or payload.get("searchRecords") or ())
    return len(payload) if isinstance(payload, list) else 0


def _exchange(call: Call, reply: Reply, response: Response, received: float,
              seconds: float) -> Exchange:
    request = call.request
    text = call.request_text
    if not text:
        query = unquote(request.url.query.replace("+", " "))
        text = f"{request.method} {request.url.path}" + (f"?{query}" if query else "")
    session = reply.session or call.session
    payload = reply.payload if reply.logged is _AS_SENT else reply.logged
    return Exchange(session=session.number if session else ANONYMOUS,
                    agent=request.headers.get("user-agent", "")[:200], request=text,
                    tool=call.tool, arguments=call.arguments, payload=payload,
                    body_chars=len(response.body), status=reply.status,
                    error_code=reply.error_code, received=received, seconds=seconds,
                    soql=call.soql)
