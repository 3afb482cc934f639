"""Helpers of the sandbox REST API tests: starting a real sandbox (uvicorn over TLS on 127.0.0.1,
a free port, a CONNECT proxy, a log folder, a clock the test moves), logging in, clients that
trust its CA, and the checks every bad-input test makes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import httpx
import requests

from playground.session import SessionSettings
from salesforce_api.server import Sandbox, SandboxOptions

TODAY = dt.date(2024, 6, 1)
TOKEN = "sandboxtoken"
#: An object with more rows than one batch (2,000) in the b2b org.
MANY_ROWS = "SELECT Id, Subject FROM EmailMessage"


class ManualClock:
    """time.monotonic plus an offset the test advances."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds


def start_sandbox(root: Path, clock: ManualClock | None = None,
                  **options: object) -> Sandbox:
    settings = options.pop("settings", None) or SessionSettings(org="b2b", today=TODAY)
    opts = SandboxOptions(settings=settings, port=0, proxy_port=0, tls_dir=root / "tls",
                          log_dir=root / "log", env_file=root / "sandbox.env",
                          security_token=TOKEN, clock=clock or time.monotonic,
                          **options)  # type: ignore[arg-type]
    return Sandbox(opts).start()


def oauth_login(sb: Sandbox, password: str | None = None) -> str:
    """A fresh session through the OAuth username-password flow."""
    with client(sb) as http:
        r = http.post("/services/oauth2/token", data={
            "grant_type": "password", "client_id": "test", "client_secret": "s",
            "username": sb.instance.user.username,
            "password": sb.options.password if password is None else password})
    r.raise_for_status()
    return r.json()["access_token"]


def client(sb: Sandbox, session_id: str | None = None) -> httpx.Client:
    """httpx over TLS, trusting the sandbox CA only, keep-alive, no proxy from the env."""
    headers = {"Authorization": f"Bearer {session_id}"} if session_id else {}
    return httpx.Client(base_url=sb.instance_url, verify=sb.tls.client_context(),
                        headers=headers, trust_env=False, timeout=30)


def requests_session(sb: Sandbox) -> requests.Session:
    """A requests session for simple_salesforce that trusts the sandbox CA and ignores the
    environment (an exported REQUESTS_CA_BUNDLE would override `verify`)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(sb.tls.ca_cert)
    return session


def raw_https(sb: Sandbox, head: str, body: bytes = b"") -> tuple[int, str, bytes]:
    """Send bytes as written over TLS (no client-side URL limits); (status, content type, body)."""
    import socket

    with socket.create_connection(("127.0.0.1", sb.port), timeout=30) as sock, \
            sb.tls.client_context().wrap_socket(sock, server_hostname="127.0.0.1") as tls:
        tls.sendall(head.encode() + b"\r\nConnection: close\r\n\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data and (chunk := tls.recv(65536)):
            data += chunk
        header, _, payload = data.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        fields = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
        while len(payload) < int(fields.get("content-length", 0)) and (chunk := tls.recv(65536)):
            payload += chunk
    return int(lines[0].split()[1]), fields.get("content-type", ""), payload


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    """The answer is Salesforce's error shape with this status and code; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"message", "errorCode"}
    assert body[0]["errorCode"] == code, body
    return body[0]["message"]


def assert_alive(sb: Sandbox) -> None:
    """The server still answers a real query after whatever the test sent."""
    with client(sb, oauth_login(sb)) as http:
        r = http.get("/services/data/v59.0/query", params={"q": "SELECT COUNT() FROM Account"})
    assert r.status_code == 200 and r.json()["totalSize"] > 0
