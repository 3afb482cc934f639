"""The purple-agent guide's example is a working agent: the template Dockerfile's ENTRYPOINT and
CMD, run as-is outside Docker (only the port changed), serve examples/minimal_purple.py, and
`crmarena assess` assesses it."""

from __future__ import annotations

import json
import re
import subprocess
import time

import httpx
import pytest

from a2a_app.local_server import bind_socket
from crmarena_cli import main
from env.log import EpisodeLog
from tests.helpers import REPO

pytestmark = pytest.mark.slow
DOCKERFILE = REPO / "examples" / "purple.Dockerfile"


def _exec_form(instruction: str) -> list[str]:
    match = re.search(rf"^{instruction}\s+(\[.*\])\s*$", DOCKERFILE.read_text(), re.MULTILINE)
    assert match, f"{instruction} must use the JSON exec form"
    return json.loads(match.group(1))


def test_the_example_is_about_fifteen_lines_on_build_purple_app():
    code = [line for line in (REPO / "examples" / "minimal_purple.py").read_text().splitlines()
            if line.strip() and not line.startswith(("#", '"""', "import", "from"))]
    assert len(code) <= 22
    assert "build_purple_app" in "\n".join(code)


def test_the_template_image_command_serves_an_agent_crmarena_assesses(tmp_path, capsys):
    command = _exec_form("ENTRYPOINT") + _exec_form("CMD")
    sock = bind_socket()
    port = sock.getsockname()[1]
    sock.close()
    command[command.index("--port") + 1] = str(port)
    command[command.index("--host") + 1] = "127.0.0.1"
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                if httpx.get(url + ".well-known/agent-card.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the example purple did not start"
            time.sleep(0.2)
        out = tmp_path / "mine"
        assert main(["assess", "--agent", url, "--task-limit", "2", "--out", str(out)]) == 0
    finally:
        process.terminate()
        process.wait(timeout=10)
    results = json.loads((out / "results.json").read_text())
    assert results["summary"]["total_tasks"] == 2 and results["summary"]["agent_errors"] == 0
    for log_file in (out / "logs").glob("*.jsonl"):
        turns = EpisodeLog.read(log_file).turns
        assert [t.tool for t in turns] == ["describe", "submit_answer"]
    assert main(["view", str(out), "--task", results["tasks"][0]["task_id"]]) == 0
    assert "describe" in capsys.readouterr().out
