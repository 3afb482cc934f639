"""The Dockerfile's ENTRYPOINT + CMD, run as-is outside Docker (only the port changed), serves
the green agent's card: what AgentBeats will start is a working command."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import time

import httpx

from a2a_app.local_server import bind_socket
from tests.helpers import REPO

ROOT = REPO


def _exec_form(dockerfile: str, instruction: str) -> list[str]:
    match = re.search(rf"^{instruction}\s+(\[.*\])\s*$", dockerfile, re.MULTILINE)
    assert match, f"{instruction} must use the JSON exec form"
    return json.loads(match.group(1))


def test_dockerfile_shape():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    assert "uv sync --locked --no-dev" in dockerfile
    assert "crmarena org build --org all" in dockerfile and "crmarena tasks build" in dockerfile
    assert re.search(r"^EXPOSE 9009$", dockerfile, re.MULTILINE)
    assert _exec_form(dockerfile, "CMD") == ["--host", "0.0.0.0", "--port", "9009"]


def test_entrypoint_and_cmd_serve_the_agent_card():
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = _exec_form(dockerfile, "ENTRYPOINT") + _exec_form(dockerfile, "CMD")
    sock = bind_socket()
    port = sock.getsockname()[1]
    sock.close()
    command[command.index("--port") + 1] = str(port)
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        card = None
        deadline = time.monotonic() + 60
        while card is None and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                card = httpx.get(f"http://127.0.0.1:{port}/.well-known/agent-card.json",
                                 timeout=2).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        assert card is not None, f"no agent card from {shlex.join(command)}"
        assert card["name"] == "Entropic CRMArena"
        assert card["url"] == f"http://0.0.0.0:{port}/"
        assert card["capabilities"]["streaming"] is True
    finally:
        process.terminate()
        process.wait(timeout=10)
