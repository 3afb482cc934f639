"""`crmarena serve` as a real process: it says where it listens, and one Ctrl-C during an
assessment stops it cleanly, the assessment ending `canceled` with the reason (it used to take
two Ctrl-C and end with a CancelledError traceback)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from a2a_app.local_server import BackgroundServer
from green.assessment_client import request_assessment
from purple.hostile import hanging_app
from tests.helpers import REPO

pytestmark = pytest.mark.slow


def _start(*args: str) -> tuple[subprocess.Popen, str]:
    """`crmarena ARGS --port 0`; returns the process and the URL it printed."""
    process = subprocess.Popen([sys.executable, "-m", "crmarena_cli", *args, "--port", "0"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+/)", line)
        if match:
            return process, match.group(1)
    process.kill()  # it never said where it listens: leave nothing running
    process.wait()
    raise AssertionError("".join(seen))


async def test_one_ctrl_c_stops_serve_mid_assessment_without_a_traceback():
    with BackgroundServer(hanging_app) as purple:
        process, url = _start("serve")
        try:
            statuses: list[str] = []
            request = {"participants": {"agent": purple.url},
                       "config": {"task_limit": 2, "turn_timeout": 60, "timeout": 120}}
            assessing = asyncio.create_task(request_assessment(url, request,
                                                               on_status=statuses.append))
            for _ in range(200):
                if statuses:
                    break
                await asyncio.sleep(0.1)
            assert statuses and statuses[0].startswith("Assessing")
            started = time.monotonic()
            process.send_signal(signal.SIGINT)
            outcome = await asyncio.wait_for(assessing, 30)
            code = await asyncio.to_thread(process.wait, 30)
        finally:
            if process.poll() is None:
                process.kill()
    output = process.stdout.read()
    assert code == 0 and time.monotonic() - started < 15
    assert "Traceback" not in output and "CancelledError" not in output, output
    assert ("green agent (assessor; public task set unless a request names task_seed) stopped"
            in output)
    assert outcome.state == "TASK_STATE_CANCELED"
    assert "the green server is stopping" in outcome.statuses[-1]


def test_purple_says_where_it_listens_and_stops_on_sigterm():
    process, url = _start("purple", "oracle")
    try:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == -signal.SIGTERM  # uvicorn re-raises it once stopped
    finally:
        if process.poll() is None:
            process.kill()
    assert url.startswith("http://127.0.0.1:")
    assert "purple agent oracle stopped" in process.stdout.read()
