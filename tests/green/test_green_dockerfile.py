"""The Dockerfile's ENTRYPOINT + CMD and its HEALTHCHECK, run as-is outside Docker (only
$CRMARENA_PORT set): what AgentBeats starts serves the card at a reachable URL, and the
healthcheck follows the port. The image itself is built and run by .ci/build-image.sh."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx

from a2a_app.local_server import bind_socket
from tests.helpers import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text()


def _exec_form(instruction: str) -> list[str]:
    match = re.search(rf"^{instruction}\s+(?:--\S+\s+|\\\n\s*)*(?:CMD\s+)?(\[.*\])\s*$",
                      DOCKERFILE, re.MULTILINE)
    assert match, f"{instruction} must use the JSON exec form"
    return json.loads(match.group(1))


def _free_port() -> int:
    sock = bind_socket()
    port = sock.getsockname()[1]
    sock.close()
    return port


def _env(port: int) -> dict[str, str]:
    """This environment with the image's variables that matter outside it: the venv's
    `crmarena` on PATH (as /app/.venv/bin is in the image) and the port."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "CRMARENA_PORT": str(port)}


def _card(process: subprocess.Popen, port: int) -> dict:
    """The agent card the started server serves on 127.0.0.1:`port` (within a minute)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
        try:
            return httpx.get(f"http://127.0.0.1:{port}/.well-known/agent-card.json",
                             timeout=2).json()
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"no agent card on port {port} within a minute")


def test_dockerfile_shape() -> None:
    assert re.search(r"^FROM python:3\.11-slim AS base$", DOCKERFILE, re.MULTILINE)
    assert re.search(r"pip install --no-cache-dir uv==\d+\.\d+\.\d+$", DOCKERFILE, re.MULTILINE)
    # the dependency layer: pyproject.toml and uv.lock, nothing else
    deps = DOCKERFILE.index("uv sync --locked --no-dev --no-install-project")
    copies = re.findall(r"^COPY (?!--from)(.*)$", DOCKERFILE[:deps], re.MULTILINE)
    assert copies == ["pyproject.toml uv.lock ./"]
    assert "--no-editable" in DOCKERFILE and "UV_NO_CACHE=1" in DOCKERFILE
    for step in ("crmarena org build --org all", "crmarena tasks build --check",
                 "crmarena org prewarm-rot --org all --rot all --copy-to /app/orgs",
                 "RUN --mount=type=cache,id=crmarena-orgs,target=/cache/orgs",
                 "CRMARENA_CACHE_DIR=/app/orgs"):  # the copy is where the image looks
        assert step in DOCKERFILE
    assert re.search(r"^EXPOSE 9009$", DOCKERFILE, re.MULTILINE)
    assert _exec_form("ENTRYPOINT") == ["crmarena", "serve"]  # the venv's, no `uv run`
    assert _exec_form("CMD") == ["--host", "0.0.0.0"]
    assert "uv run" not in DOCKERFILE


def test_dockerignore_is_an_allowlist_of_what_the_wheel_ships() -> None:
    lines = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "*"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = set(pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])
    assert allowed == packages | {"pyproject.toml", "uv.lock"}
    assert not allowed & {"tests", "bench", ".ci", "deploy", "leaderboard", "README.md"}


def test_entrypoint_serves_the_card_and_the_healthcheck_follows_the_port() -> None:
    command = _exec_form("ENTRYPOINT") + _exec_form("CMD")
    healthcheck = _exec_form("HEALTHCHECK")
    port = _free_port()
    process = subprocess.Popen(command, cwd=REPO, env=_env(port), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        card = _card(process, port)
        assert card["name"] == "Entropic CRMArena"
        assert card["url"] == f"http://{socket.gethostname()}:{port}/"  # never 0.0.0.0
        assert card["capabilities"]["streaming"] is True
        python = [sys.executable, *healthcheck[1:]]
        assert subprocess.run(python, env=_env(port), timeout=30).returncode == 0
        elsewhere = subprocess.run(python, env=_env(_free_port()), capture_output=True,
                                   timeout=30)
        assert elsewhere.returncode != 0, "the healthcheck passed on a port nothing listens on"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_card_url_from_the_environment_and_a_bad_port_is_one_line() -> None:
    port = _free_port()
    env = {**_env(port), "CRMARENA_CARD_URL": "http://green-agent:9009/"}
    process = subprocess.Popen(_exec_form("ENTRYPOINT") + ["--log-level", "warning"], cwd=REPO,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert _card(process, port)["url"] == "http://green-agent:9009/"
    finally:
        process.terminate()
        process.wait(timeout=10)
    bad = subprocess.run(_exec_form("ENTRYPOINT"), cwd=REPO, env={**env, "CRMARENA_PORT": "70000"},
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1] == \
        "crmarena serve: error: argument --port: 70000 is not a port (0-65535) (see crmarena " \
        "serve --help)"
