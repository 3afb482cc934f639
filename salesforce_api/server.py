"""A running sandbox: the org, its HTTPS server (uvicorn), the optional CONNECT proxy, the log,
and the env file a shell sources to point real clients at it.

`Sandbox(options)` builds the org and binds the ports (port 0: any free one); `serve()` runs
until `stop()`. `with Sandbox(options) as sb:` runs it on a thread of its own (the CLI, the
tests and the benchmark all do), so uvicorn never installs signal handlers and shutdown is one
code path: sessions end, their logs are completed, the org is closed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shlex
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from core.atomic import atomic_write
from data.tasks.model import Task
from env.config import EpisodeConfig
from env.episode import renames_of
from env.names import NameResolver
from playground.session import SessionSettings
from salesforce_api.app import build_app
from salesforce_api.calls import DEFAULT_MAX_BODY_BYTES, MAX_VERSION, Credentials, SandboxApi
from salesforce_api.cursors import CursorStore
from salesforce_api.defaults import DEFAULT_PASSWORD, DEFAULT_PORT
from salesforce_api.instance import SandboxInstance
from salesforce_api.log import LogContext, SandboxLog
from salesforce_api.proxy import ConnectProxy
from salesforce_api.sessions import (
    DEFAULT_API_LIMIT,
    DEFAULT_MAX_SESSIONS,
    DEFAULT_SESSION_TTL_S,
    Session,
    SessionStore,
)
from salesforce_api.tls import TlsFiles, ensure_tls
from salesforce_api.transport import tls_only_protocol
from sandbox_db.schema import OrgType

logger = logging.getLogger(__name__)

#: The request line and headers uvicorn reads before answering 400: room for a query of
#: MAX_STATEMENT_CHARS characters, percent-encoded.
MAX_REQUEST_HEAD_BYTES = 512 * 1024
#: Requests served at once; more get 503 (each waits for the one org thread anyway).
MAX_CONCURRENCY = 256
SWEEP_INTERVAL_S = 30.0
_ANY_HOST = ("0.0.0.0", "::", "")


@dataclass
class SandboxOptions:
    """Everything `crmarena sandbox` takes."""

    settings: SessionSettings = field(default_factory=SessionSettings)
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    proxy_port: int | None = None
    tls_dir: Path = Path("tls")
    log_dir: Path | None = None
    env_file: Path | None = None
    #: None: the org's first active User by Username.
    username: str | None = None
    password: str = DEFAULT_PASSWORD
    security_token: str = ""
    session_ttl_s: float = DEFAULT_SESSION_TTL_S
    max_sessions: int = DEFAULT_MAX_SESSIONS
    api_limit: int = DEFAULT_API_LIMIT
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: The clock sessions and cursors expire by (tests move it by hand).
    clock: Callable[[], float] = time.monotonic


def bind(host: str, port: int) -> socket.socket:
    """A bound TCP socket. IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets
    whose `proto` says TCP, and without it every answer waits ~40 ms for a delayed ACK."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class Sandbox:
    """One sandbox. Construction does the blocking work (org, certificate, ports)."""

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.ready_session: Session | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._sockets: list[socket.socket] = []
        self.instance = SandboxInstance(options.settings, options.username)
        try:
            self._setup()
        except BaseException:
            self._close_resources()
            raise

    def _setup(self) -> None:
        o = self.options
        self.sock = bind(o.host, o.port)
        self._sockets.append(self.sock)
        self.port: int = self.sock.getsockname()[1]
        self.proxy_sock = bind(o.host, o.proxy_port) if o.proxy_port is not None else None
        if self.proxy_sock is not None:
            self._sockets.append(self.proxy_sock)
        self.tls: TlsFiles = ensure_tls(o.tls_dir, [self.host])
        self.log = SandboxLog(o.log_dir, self._log_context()) if o.log_dir else None
        self.cursors = CursorStore(clock=o.clock)
        self.sessions = SessionStore(self.instance.org_id15, ttl_s=o.session_ttl_s,
                                     max_sessions=o.max_sessions, api_limit=o.api_limit,
                                     clock=o.clock, on_end=self._session_ended)
        self.api = SandboxApi(self.instance, self.sessions, self.cursors,
                              Credentials(self.instance.user.username, o.password,
                                          o.security_token),
                              instance_host=f"{self.host}:{self.port}", log=self.log,
                              max_body_bytes=o.max_body_bytes)

    # ------------------------------------------------------------------ where it is
    @property
    def host(self) -> str:
        """The host clients use: the bound one, or 127.0.0.1 when bound to every address."""
        return "127.0.0.1" if self.options.host in _ANY_HOST else self.options.host

    @property
    def instance_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    @property
    def proxy_url(self) -> str | None:
        if self.proxy_sock is None:
            return None
        return f"http://{self.host}:{self.proxy_sock.getsockname()[1]}"

    def env(self) -> dict[str, str]:
        """What a client needs, as environment variables (the env file's lines)."""
        out = {"SF_INSTANCE_URL": self.instance_url,
               "SF_SESSION_ID": self.ready_session.id if self.ready_session else "",
               "SF_USERNAME": self.instance.user.username,
               "SF_PASSWORD": self.options.password,
               "SF_SECURITY_TOKEN": self.options.security_token,
               "SF_API_VERSION": f"{MAX_VERSION}.0",
               "REQUESTS_CA_BUNDLE": str(self.tls.bundle.resolve()),
               "NODE_EXTRA_CA_CERTS": str(self.tls.ca_cert.resolve())}
        if self.proxy_url:
            out["HTTPS_PROXY"] = self.proxy_url
        return out

    def env_lines(self) -> list[str]:
        return [f"export {k}={shlex.quote(v)}" for k, v in self.env().items()]

    # ------------------------------------------------------------------ running
    async def serve(self) -> None:
        """Serve until `stop()`; then end every session and close everything."""
        https = tls_only_protocol(self.tls.server_context())
        config = uvicorn.Config(build_app(self.api), http=https, lifespan="on",
                                log_level="warning", access_log=False,
                                h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES,
                                limit_concurrency=MAX_CONCURRENCY, timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        proxy = None
        if self.proxy_sock is not None:
            local = {self.host, "127.0.0.1", "localhost", self.options.host}
            proxy = ConnectProxy((self.host, self.port), local)
            await proxy.start(self.proxy_sock)
        sweeper = asyncio.create_task(self._sweep())
        serving = asyncio.create_task(self._server.serve(sockets=[self.sock]))
        try:
            while not self._server.started and not serving.done():
                await asyncio.sleep(0.01)
            if not serving.done():
                self.ready_session = self.sessions.create("env-file")
                if self.options.env_file is not None:
                    write_env_file(self.options.env_file, self.env_lines())
                self._ready.set()
            await serving
        finally:
            sweeper.cancel()
            if proxy is not None:
                await proxy.close()

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True

    def close(self) -> None:
        """End the sessions (their logs get an end line), then close the org and ports."""
        self.sessions.close_all("server stopped")
        self._close_resources()

    # ------------------------------------------------------------------ on a thread
    def start(self, timeout_s: float = 30.0) -> Sandbox:
        self._thread = threading.Thread(target=self._run_thread, name=f"sandbox:{self.port}",
                                        daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout_s) or self._failure is not None:
            self.stop()
            self._thread.join(timeout=10)
            raise RuntimeError(f"the sandbox on {self.instance_url} did not start") \
                from self._failure
        return self

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the server thread ends (True) or the timeout passes (False)."""
        assert self._thread is not None
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def shutdown(self) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.close()

    def __enter__(self) -> Sandbox:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # ------------------------------------------------------------------ internals
    def _run_thread(self) -> None:
        try:
            asyncio.run(self.serve())
        except BaseException as exc:  # noqa: BLE001 - reported by start()
            self._failure = exc
            logger.exception("the sandbox server stopped with an error")
        finally:
            self._ready.set()

    async def _sweep(self) -> None:
        interval = min(SWEEP_INTERVAL_S, self.options.session_ttl_s / 4)
        while True:
            await asyncio.sleep(interval)
            self.sessions.sweep()
            self.cursors.sweep()

    def _session_ended(self, session: Session, reason: str) -> None:
        self.cursors.drop_session(session.id)
        if self.log is not None:
            self.log.end(session.number, reason)

    def _log_context(self) -> LogContext:
        org = self.instance.org
        s = org.settings
        task = org.task or _session_task(s.org, self.instance.today)
        config = EpisodeConfig(org=s.org, drift=s.drift, rot=s.rot, seed=s.seed, today=s.today,
                               max_steps=self.options.api_limit,
                               timeout_s=self.options.session_ttl_s)
        view = org.view
        description = (f"A Salesforce REST API session on the Entropic CRMArena sandbox: "
                       f"{org.describe_state()}, logged in as {self.instance.user.username}.")
        run_config = {"sandbox": True, "org": s.org, "drift_level": s.drift, "rot_level": s.rot,
                      "seed": s.seed, "today": self.instance.today.isoformat(),
                      "task": s.task_id, "username": self.instance.user.username}
        return LogContext(task=task, config=config, today=self.instance.today,
                          renames=renames_of(view),
                          resolver=NameResolver(view.schema, view.db.schema, view.base_names),
                          description=description, run_config=run_config)

    def _close_resources(self) -> None:
        log = getattr(self, "log", None)  # absent when __init__ failed before creating it
        if log is not None:
            log.close()
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()
        self.instance.close()


def _session_task(org: OrgType, today: dt.date) -> Task:
    """The task a session's log names when the sandbox runs without `--task`."""
    return Task(id="sandbox", org=org, category="sandbox", today=today,
                query="An open Salesforce REST API session on the sandbox org (no task).",
                reward_metric="exact_match", answer=())


def write_env_file(path: Path, lines: list[str]) -> None:
    """Dotenv lines a shell can `source` (`export KEY='value'`), readable by the owner only."""
    atomic_write(path, "\n".join(lines) + "\n", private=True)
