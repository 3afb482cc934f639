"""`crmarena purple oracle` as a real process: its card, and a first reply to a real task
message."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time

import httpx
import pytest

from a2a_app.local_server import BackgroundServer, bind_socket
from green.client import A2AAgent
from tests.helpers import REPO
from tests.helpers.fake_openai import QUERY, FakeOpenAI

ROOT = REPO
pytestmark = pytest.mark.slow


@contextlib.contextmanager
def purple_process(*args: str, env: dict | None = None):
    """`crmarena purple ARGS --port <free>` as a real process; yields its URL."""
    sock = bind_socket()
    port = sock.getsockname()[1]
    sock.close()
    process = subprocess.Popen([sys.executable, "-m", "crmarena_cli", "purple", *args,
                                "--port", str(port)], cwd=ROOT, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                httpx.get(url + ".well-known/agent-card.json", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "purple oracle did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oracle_process():
    with purple_process("oracle") as url:
        yield url


async def test_oracle_process_answers_a_task_message_with_its_first_tool_call(oracle_process):
    from data.tasks import load_task_set
    from env.agents import make_agent
    from env.messages import task_message

    task = next(t for t in load_task_set("b2b") if t.reference is not None)
    message = task_message(task, task.today or dt.date(2024, 6, 1), 20)
    expected = await make_agent("oracle").session(task, 0).act(message)
    async with A2AAgent(oracle_process, turn_timeout_s=30) as agent:
        assert agent.card is None
        reply = await agent.session(task, 0).act(message)
        assert agent.card.name == "CRMArena oracle reference agent"
    assert reply == expected and reply["name"] in {"describe", "soql_query", "sosl_search"}


def test_unknown_agent_is_refused_by_the_cli(capsys):
    from crmarena_cli import build_parser

    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["purple", "wizard"])
    assert exit_.value.code == 2 and "invalid choice: 'wizard'" in capsys.readouterr().err


async def test_baseline_process_calls_the_endpoint_with_the_key_from_the_environment():
    fake = FakeOpenAI()
    with BackgroundServer(lambda url: fake.app) as llm, \
            purple_process("baseline", "--model", "m-1", "--base-url", llm.url + "v1",
                           env={"OPENAI_API_KEY": "", "NEBIUS_API_KEY": "nebius-key"}) as url:
        async with A2AAgent(url, turn_timeout_s=30) as agent:
            reply = await agent.session(None, 0).act("## Request\nHow many accounts?")
    assert reply == {"name": "soql_query", "arguments": {"query": QUERY}}
    assert fake.authorizations == ["Bearer nebius-key"]
    assert fake.requests[0]["model"] == "m-1"
