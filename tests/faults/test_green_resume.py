"""The green *server* killed mid-assessment and restarted: the same request resumes in the same
deterministic results folder (green.results_folder), so finished episodes are neither lost nor
re-run; concurrent identical requests never share a folder."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from a2a_app.local_server import BackgroundServer, bind_socket
from green.assessment_client import request_assessment
from green.request import parse_request
from green.results_folder import canonical_request, request_key
from green.server import build_green_app
from purple.conversation_server import build_purple_app
from purple.reference import reference_conversation_factory
from tests.helpers.resume import (
    TASKS,
    RecordingConversation,
    assert_resumed_without_loss_or_rerun,
    crmarena_process,
    finished_logs,
    recording_purple_app,
)


def _key(request: dict) -> str:
    return request_key(*parse_request(json.dumps(request)))


def _serve(root: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`crmarena serve` as a real process on a free port, results under `root`."""
    sock = bind_socket()
    port = sock.getsockname()[1]
    sock.close()
    process = crmarena_process(["serve", "--port", str(port), "--log-level", "warning"], log,
                               CRMARENA_RESULTS_DIR=str(root))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + ".well-known/agent-card.json", timeout=1).status_code == 200:
                return process, url
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"green server did not start: {log.read_text()[-2000:]}")


def test_request_key_is_canonical() -> None:
    agent = {"agent": "http://127.0.0.1:9010/"}
    a = {"participants": agent, "config": {"task_limit": 3, "drift_level": "low"}}
    b = {"config": {"drift_level": "low", "task_limit": "3", "rot_level": "none"},
         "participants": {"agent": "http://127.0.0.1:9010"}}
    assert _key(a) == _key(b)  # key order, lax types, defaults and URL spelling don't matter
    assert _key(a) != _key({**a, "config": {"task_limit": 4, "drift_level": "low"}})
    assert _key(a) != _key({**a, "participants": {"agent": "http://127.0.0.1:9011/"}})
    assert _key(a).startswith("req-") and len(_key(a)) == 4 + 16
    assert '"task_limit":3' in canonical_request(*parse_request(json.dumps(b)))


@pytest.mark.slow
async def test_killed_green_server_resumes_same_request(tmp_path: Path) -> None:
    root = tmp_path / "results"
    RecordingConversation.started = []
    with BackgroundServer(recording_purple_app) as purple:
        request = {"participants": {"agent": purple.url},
                   "config": {"task_limit": TASKS, "concurrency": 2, "turn_timeout": 30}}
        folder = root / _key(request)

        green, green_url = _serve(root, tmp_path / "green1.log")
        try:
            first = asyncio.create_task(request_assessment(green_url, request, timeout_s=120))
            deadline = time.monotonic() + 90
            while len(finished_logs(folder)) < 3 and not first.done() \
                    and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            green.send_signal(signal.SIGKILL)
            green.wait(timeout=10)
        finally:
            green.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(first, 30)  # the connection died with the server
        before = finished_logs(folder)
        log_tail = (tmp_path / "green1.log").read_text()[-2000:]
        assert 3 <= len(before) < TASKS, (len(before), log_tail)
        assert not (folder / "results.json").exists()
        started_first = list(RecordingConversation.started)

        RecordingConversation.started = []
        green, green_url = _serve(root, tmp_path / "green2.log")
        try:
            outcome = await request_assessment(green_url, request, timeout_s=120)
        finally:
            green.send_signal(signal.SIGTERM)
            green.wait(timeout=20)
        started_second = list(RecordingConversation.started)

    assert outcome.completed, (outcome.state, outcome.statuses[-3:])
    assert (root / outcome.task_id).resolve() == folder.resolve()  # resumed, not a new folder
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("req-")) == [folder.name]
    task_ids = [t["task_id"] for t in outcome.results["tasks"]]
    assert len(task_ids) == TASKS and len(set(task_ids)) == TASKS
    assert outcome.results["summary"]["total_passed"] == TASKS
    assert json.loads((folder / "results.json").read_text())["summary"]["total_tasks"] == TASKS
    assert_resumed_without_loss_or_rerun(folder, before, task_ids, started_first, started_second)


@pytest.mark.slow
async def test_concurrent_identical_requests_get_their_own_folders(tmp_path: Path) -> None:
    root = tmp_path / "results"
    with BackgroundServer(lambda url: build_purple_app(
            url, name="oracle", description="oracle",
            new_conversation=reference_conversation_factory("oracle"))) as purple, \
            BackgroundServer(lambda url: build_green_app(url, results_root=root)) as green:
        request = {"participants": {"agent": purple.url},
                   "config": {"task_limit": 3, "concurrency": 3}}
        key = _key(request)
        outcomes = await asyncio.gather(*(request_assessment(green.url, request, timeout_s=120)
                                          for _ in range(2)))
        again = await request_assessment(green.url, request, timeout_s=120)
    assert all(o.completed for o in (*outcomes, again))
    folders = [(root / o.task_id).resolve().name for o in (*outcomes, again)]
    # Concurrent: never the same folder. Finished folders are not replayed: a re-send re-runs.
    assert sorted(folders[:2]) == [key, f"{key}-2"] and folders[2] == f"{key}-3"
    for outcome, name in zip((*outcomes, again), folders, strict=True):
        tasks = sorted(t["task_id"] for t in outcome.results["tasks"])
        assert len(tasks) == 3 and outcome.results["summary"]["total_passed"] == 3
        logged = sorted(json.loads(c.splitlines()[0])["task"]["id"]
                        for c in finished_logs(root / name).values())
        assert logged == tasks
