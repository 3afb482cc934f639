"""The green agent with tool_transport "mcp", over real HTTP on 127.0.0.1: the oracle purple calls
its tools on each episode's MCP endpoint with the SDK's client. Its results equal the message
transport's, call for call; 64 concurrent MCP episodes lose nothing and never cross; every
endpoint closes with its episode."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import MCPError

from a2a_app.local_server import BackgroundServer
from crmarena_cli import main
from crmarena_cli.purple import build_app
from env.log import EpisodeLog
from env.messages import find_mcp_endpoint
from green.assessment_client import request_assessment
from green.server import build_green_app
from mcp_tools.client import connect
from mcp_tools.episodes import ENDED
from purple.conversation_server import build_purple_app
from purple.mcp_conversation import McpConversation
from purple.reference import reference_conversation_factory
from tests.helpers.memory import rss_mb

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def green(tmp_path_factory):
    root = tmp_path_factory.mktemp("green")
    with BackgroundServer(lambda url: build_green_app(url, results_root=root)) as server:
        yield server.url, root


def _oracle(transport: str):
    args = argparse.Namespace(agent="oracle", transport=transport)
    return BackgroundServer(lambda url: build_app(args, url))


async def _assess(green_url: str, agent_url: str, **config) -> dict:
    outcome = await request_assessment(green_url, {"participants": {"agent": agent_url},
                                                   "config": config})
    assert outcome.completed, outcome.statuses[-3:]
    return outcome.results


def _logs(root: Path, results: dict) -> tuple[list[EpisodeLog], Path]:
    """The episode logs of an assessment, and its results folder."""
    folder = next(p for p in root.glob("req-*")
                  if json.loads((p / "results.json").read_text()) == results)
    return [EpisodeLog.read(folder / t["log_file"]) for t in results["tasks"]], folder


@pytest.mark.timeout(900)
async def test_the_oracle_over_mcp_scores_as_over_messages_at_high_entropy(green):
    """A stratified sample (every category of both orgs, drift and rot high); the whole set runs
    in bench/a2a_throughput.py --tool-transport mcp."""
    url, root = green
    config = {"org_type": "both", "task_limit": 44, "drift_level": "high", "rot_level": "high"}
    runs = {}
    for transport in ("message", "mcp"):
        with _oracle(transport) as purple:
            runs[transport] = await _assess(url, purple.url, tool_transport=transport, **config)
    message, mcp = runs["message"], runs["mcp"]
    assert mcp["config"]["tool_transport"] == "mcp"
    assert message["config"]["tool_transport"] == "message"
    assert mcp["summary"]["pass_rate"] == message["summary"]["pass_rate"] == 1.0
    assert mcp["summary"]["total_tasks"] == 44
    assert len({(t["org"], t["category"]) for t in mcp["tasks"]}) == 44
    assert mcp["dimension_averages"]["FUNCTIONAL"] == \
        message["dimension_averages"]["FUNCTIONAL"] == 100.0

    def per_task(results: dict, key: str) -> dict:
        return {t["task_id"]: t["metrics"][key] for t in results["tasks"]}

    for key in ("queries", "failed_queries", "steps", "errors", "stale_name_errors"):
        assert per_task(mcp, key) == per_task(message, key), key
    assert {t["task_id"]: t["answer"] for t in mcp["tasks"]} == \
        {t["task_id"]: t["answer"] for t in message["tasks"]}
    logs, folder = _logs(root, mcp)
    assert {log.header.config.tool_transport for log in logs} == {"mcp"}
    assert all(find_mcp_endpoint(log.header.task_message) for log in logs)
    assert main(["regrade", str(folder), "--check"]) == 0


class CountingOracle:
    """The oracle's conversation, counting the tool calls it makes (to check none is lost)."""

    calls = 0

    def __init__(self, inner) -> None:
        self._inner = inner

    async def reply(self, message: str):
        call = await self._inner.reply(message)
        CountingOracle.calls += 1
        return call


@pytest.mark.timeout(900)
async def test_64_concurrent_mcp_episodes_lose_nothing_and_never_cross(green):
    url, root = green
    oracle = reference_conversation_factory("oracle")
    CountingOracle.calls = 0
    rss_before = rss_mb("VmRSS")
    with BackgroundServer(lambda u: build_purple_app(
            u, name="counting oracle", description="oracle over MCP",
            new_conversation=lambda: McpConversation(
                lambda tools: CountingOracle(oracle())))) as purple:
        results = await _assess(url, purple.url, tool_transport="mcp", org_type="both",
                                task_limit=64, concurrency=64, drift_level="medium",
                                rot_level="medium")
    print(f"\n64 concurrent MCP episodes: RSS {rss_before:.0f} MB before, "
          f"{rss_mb('VmRSS'):.0f} MB after, peak {rss_mb('VmHWM'):.0f} MB "
          "(green and purple in this process)")
    assert results["summary"]["total_tasks"] == 64
    assert results["summary"]["total_passed"] == 64   # each answer is its own task's gold
    logs, _ = _logs(root, results)
    assert sorted(log.header.task.id for log in logs) == sorted(t["task_id"]
                                                               for t in results["tasks"])
    assert sum(len(log.turns) for log in logs) == CountingOracle.calls  # every call logged
    endpoints = [find_mcp_endpoint(log.header.task_message) for log in logs]
    assert len({e.url for e in endpoints}) == len({e.token for e in endpoints}) == 64
    assert {log.end.termination for log in logs} == {"submitted"}
    for endpoint in endpoints[:4]:  # every endpoint closed with its episode
        with pytest.raises(MCPError, match=ENDED):
            async with connect(endpoint) as client:
                await client.call_tool("describe", {})


async def test_transports_that_do_not_match_are_scored_not_crashed(green):
    """A message-transport purple under tool_transport "mcp" still works (its A2A replies are
    read as tool calls); an MCP purple under "message" finds no endpoint: format errors."""
    url, _ = green
    with _oracle("message") as purple:
        mcp_config = await _assess(url, purple.url, tool_transport="mcp", task_limit=2)
    assert mcp_config["summary"]["total_passed"] == 2
    with _oracle("mcp") as purple:
        message_config = await _assess(url, purple.url, task_limit=2, max_steps=2)
    assert message_config["summary"]["total_passed"] == 0
    assert {t["metrics"]["format_errors"] for t in message_config["tasks"]} == {2}


def test_a_green_whose_clients_send_messages_never_loads_the_mcp_sdk() -> None:
    """The SDK loads with the first MCP request: a green serving message-transport assessments
    only never imports it (about 40 MB and a second of start-up)."""
    code = ("import sys; from green.server import build_green_app; "
            "build_green_app('http://127.0.0.1:9/'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]"
