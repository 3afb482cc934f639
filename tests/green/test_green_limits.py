"""The green server's limits (issue 16): a capped request body, no empty selection, an unusable
agent reported as a failed task, a blocking request canceled when its client leaves (and a
streaming one not), unknown config keys warned about."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import httpx
import pytest

from a2a_app.local_server import BackgroundServer, bind_socket
from green.assessment_client import request_assessment
from green.server import MAX_REQUEST_BYTES, build_green_app


def _rpc(method: str, text: str) -> dict:
    return {"jsonrpc": "2.0", "id": "r1", "method": method,
            "params": {"message": {"kind": "message", "role": "user", "messageId": "m1",
                                   "parts": [{"kind": "text", "text": text}]}}}


def _request(agent: str = "http://127.0.0.1:9/", **config) -> str:
    return json.dumps({"participants": {"agent": agent}, "config": config})


class SlowRun:
    """A stand-in for env.runner.run_assessment that takes `seconds` and records how it ended
    (the green server runs on its own thread: threading events)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = threading.Event()
        self.canceled = threading.Event()
        self.finished = threading.Event()

    async def __call__(self, config, agent, out_dir, progress, **options):
        self.started.set()
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.canceled.set()
            raise
        self.finished.set()
        return {"summary": {"total_tasks": 0, "total_passed": 0}}


@pytest.fixture
def green():
    runs: dict[str, SlowRun] = {"run": SlowRun(6.0)}

    async def run(*args, **options):
        return await runs["run"](*args, **options)

    with BackgroundServer(lambda url: build_green_app(url, run=run)) as server:
        yield server.url, runs["run"]


async def test_a_body_over_the_cap_is_refused_unread(green):
    url, run = green
    big = _request(task_limit=1) + " " * (2 * MAX_REQUEST_BYTES)
    async with httpx.AsyncClient(timeout=30) as http:
        declared = await http.post(url, content=json.dumps(_rpc("message/send", big)),
                                   headers={"content-type": "application/json"})
        assert declared.status_code == 413
        assert "request body over" in declared.json()["error"]["message"]

        async def chunks():  # no Content-Length: counted as it arrives, stopped at the cap
            body = json.dumps(_rpc("message/send", big)).encode()
            for i in range(0, len(body), 64 * 1024):
                yield body[i:i + 64 * 1024]

        chunked = await http.post(url, content=chunks(),
                                  headers={"content-type": "application/json"})
        assert chunked.json()["error"]["message"] == "Payload too large"
        assert not run.started.is_set()
        ok = await http.get(url + ".well-known/agent-card.json")
        assert "at most 1024 KiB" in ok.text


def test_a_200_mb_body_is_answered_before_it_is_sent(green):
    """The green server once read a 200 MB body, echoed it in `history` and kept the memory."""
    url, run = green
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 200000000\r\n\r\n" + b"{" * 1024)
        reply = b""
        while b"request body over" not in reply and (chunk := conn.recv(4096)):
            reply += chunk
        reply = reply.decode()
    assert reply.startswith("HTTP/1.1 413") and "request body over" in reply
    assert not run.started.is_set()


@pytest.mark.parametrize("config, expected", [
    ({"task_ids": []}, "config.task_ids: List should have at least 1 item"),
    ({"task_categories": []}, "config.task_categories: List should have at least 1 item"),
    ({"task_limit": 0}, "config.task_limit: Input should be greater than or equal to 1"),
])
async def test_empty_selections_are_rejected_not_run_in_full(green, config, expected):
    """`"task_ids": []` used to run every task."""
    url, run = green
    outcome = await request_assessment(url, _request(**config))
    assert outcome.state == "TASK_STATE_REJECTED" and expected in outcome.statuses[-1]
    assert not run.started.is_set()


async def test_a_blocking_request_is_canceled_when_its_client_leaves(green):
    url, run = green
    async with httpx.AsyncClient(timeout=1.0) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.post(url, json=_rpc("message/send", _request(task_limit=1)))
    assert run.started.is_set()
    assert await asyncio.to_thread(run.canceled.wait, 5), "the assessment ran on"
    assert not run.finished.is_set()


async def test_a_streaming_request_runs_on_without_its_client(green):
    url, run = green
    async with httpx.AsyncClient(timeout=30) as http:
        async with http.stream("POST", url, json=_rpc("message/stream", _request(task_limit=1)),
                               headers={"Accept": "text/event-stream"}) as response:
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    break  # the task exists: hang up
    assert await asyncio.to_thread(run.started.wait, 5)
    assert await asyncio.to_thread(run.finished.wait, 15), "the assessment was canceled"
    assert not run.canceled.is_set()


@pytest.mark.slow
async def test_an_unreachable_agent_fails_the_task_with_the_reason(tmp_path):
    """Through the green server it used to be a "completed" assessment scoring 0."""
    sock = bind_socket()  # bound, never listening
    agent = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    try:
        with BackgroundServer(lambda url: build_green_app(url, results_root=tmp_path)) as server:
            started = time.monotonic()
            outcome = await request_assessment(server.url, _request(agent, task_limit=3))
    finally:
        sock.close()
    assert outcome.state == "TASK_STATE_FAILED"
    assert f"the agent at {agent} cannot be assessed: cannot read the agent card" in \
        outcome.statuses[-1]
    assert time.monotonic() - started < 30
    assert not list(tmp_path.glob("*/logs/*.jsonl"))  # no episode was run


@pytest.mark.slow
async def test_unknown_config_keys_are_warned_in_the_status_and_the_artifact():
    from purple.conversation_server import build_purple_app
    from purple.reference import reference_conversation_factory

    def null(url):
        return build_purple_app(url, name="null", description="null",
                                new_conversation=reference_conversation_factory("null"))

    with BackgroundServer(lambda url: build_green_app(url)) as server, \
            BackgroundServer(null) as purple:
        outcome = await request_assessment(server.url, _request(purple.url, task_limit=1,
                                                                drift="high"))
    assert outcome.completed
    warning = "unknown config key 'drift' ignored (did you mean 'drift_level'?)"
    assert any(warning in s for s in outcome.statuses)
    assert outcome.results["warnings"] == [warning]
    assert f"Warning: {warning}" in outcome.summary
