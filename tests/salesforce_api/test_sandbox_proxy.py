"""Unmodified username/password code through the CONNECT proxy, the env file a shell sources,
and the certificate reused across runs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from salesforce_api.server import bind
from salesforce_api.tls import ensure_tls
from tests.helpers.sandbox import TOKEN, assert_alive, client

pytestmark = pytest.mark.slow

CLIENT = Path(__file__).parent / "crmarena_style_client.py"
#: Source the env file, map its names to CRMArena's, run the client: nothing else is set.
SHELL = ('set -eu; source "$1"; shift; '
         'export SALESFORCE_USERNAME="$SF_USERNAME" SALESFORCE_PASSWORD="$SF_PASSWORD" '
         'SALESFORCE_SECURITY_TOKEN="$SF_SECURITY_TOKEN"; exec "$@"')


def run_sourced(sb, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(sb.options.tls_dir.parent)}
    return subprocess.run(["bash", "-c", SHELL, "bash", str(sb.options.env_file), *argv],
                          env=env, capture_output=True, text=True, timeout=120)


def test_env_file_lines(sandbox):
    env_file = sandbox.options.env_file
    assert env_file.stat().st_mode & 0o777 == 0o600
    lines = env_file.read_text().splitlines()
    assert all(line.startswith("export ") for line in lines)
    done = run_sourced(sandbox, sys.executable, "-c",
                       "import json, os; print(json.dumps(dict(os.environ)))")
    env = json.loads(done.stdout)
    assert env["SF_INSTANCE_URL"] == sandbox.instance_url
    assert env["SF_USERNAME"] == sandbox.instance.user.username
    assert env["SF_SECURITY_TOKEN"] == TOKEN and env["SF_API_VERSION"] == "62.0"
    assert env["HTTPS_PROXY"] == sandbox.proxy_url
    assert Path(env["NODE_EXTRA_CA_CERTS"]) == sandbox.tls.ca_cert.resolve()
    bundle = Path(env["REQUESTS_CA_BUNDLE"]).read_text()
    assert sandbox.tls.ca_cert.read_text() in bundle
    with client(sandbox, env["SF_SESSION_ID"]) as http:  # a ready session
        assert http.get("/services/data/v62.0/limits").status_code == 200


def test_crmarena_style_code_through_the_proxy(sandbox):
    statements = ["SELECT Id, Name FROM Account ORDER BY Name LIMIT 3",
                  "SELECT COUNT() FROM Case",
                  "SELECT Id FROM EmailMessage",
                  "FIND {Apex} IN NAME FIELDS RETURNING Account(Name)",
                  "SELECT Nme FROM Account"]
    done = run_sourced(sandbox, sys.executable, str(CLIENT), *statements)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0] == {"instance": "crmarena.my.salesforce.com"}  # the login went through
    by_statement = {line["statement"]: line for line in lines[1:]}
    accounts = by_statement[statements[0]]["observation"]
    assert [set(a) for a in accounts] == [{"Id", "Name"}] * 3
    assert by_statement[statements[1]]["observation"] == []  # query_all drops COUNT()'s total
    assert len(by_statement[statements[2]]["observation"]) > 4000  # paged through the proxy
    assert all("Apex" in r["Name"] for r in by_statement[statements[3]]["observation"])
    error = by_statement[statements[4]]
    assert error["ok"] == 0 and error["observation"].startswith("INVALID_FIELD: No such column")


def proxy_answer(sandbox, request: bytes) -> bytes:
    host, port = sandbox.proxy_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(4096)


def test_the_proxy_reaches_nothing_else(sandbox):
    for target in (b"example.com:443", b"salesforce.com.evil.test:443",
                   b"login.salesforce.com:80", b"127.0.0.1:22"):
        answer = proxy_answer(sandbox, b"CONNECT " + target + b" HTTP/1.1\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 403"), answer
    answer = proxy_answer(sandbox, b"GET http://example.com/ HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 405")
    answer = proxy_answer(sandbox, b"CONNECT test.salesforce.com:443 HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")
    assert_alive(sandbox)


def test_the_certificate_is_created_once_and_reused(tmp_path):
    first = ensure_tls(tmp_path, ["127.0.0.1"])
    stamps = [p.stat().st_mtime_ns for p in (first.ca_cert, first.server_cert, first.server_key)]
    again = ensure_tls(tmp_path, ["localhost"])
    assert [p.stat().st_mtime_ns for p in (again.ca_cert, again.server_cert,
                                           again.server_key)] == stamps
    assert first.server_key.stat().st_mode & 0o777 == 0o600
    other = ensure_tls(tmp_path, ["sandbox.example.test"])  # a new host: a new certificate
    assert other.server_cert.stat().st_mtime_ns != stamps[1]
    assert other.ca_cert.stat().st_mtime_ns == stamps[0]  # from the same CA


def test_answers_do_not_wait_for_delayed_acks():
    """asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it every answer
    (headers, then body) waited ~40 ms for the client's delayed ACK."""
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
