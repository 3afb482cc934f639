"""examples/minimal_mcp_purple.py, assessed by the real green agent over real HTTP with
tool_transport "mcp": its two MCP calls are the episode's logged turns."""

from __future__ import annotations

import importlib.util

import pytest

from a2a_app.local_server import BackgroundServer
from green.assessment_client import request_assessment
from green.server import build_green_app
from tests.helpers import REPO

pytestmark = pytest.mark.slow


def _example():
    spec = importlib.util.spec_from_file_location(
        "minimal_mcp_purple", REPO / "examples" / "minimal_mcp_purple.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_minimal_mcp_purple_is_assessed_over_mcp(tmp_path):
    example = _example()
    with BackgroundServer(lambda url: build_green_app(url, results_root=tmp_path)) as green, \
            BackgroundServer(example.app) as purple:
        outcome = await request_assessment(green.url, {
            "participants": {"agent": purple.url},
            "config": {"task_limit": 3, "tool_transport": "mcp"}})
    assert outcome.completed, outcome.statuses[-3:]
    tasks = outcome.results["tasks"]
    assert len(tasks) == 3
    for task in tasks:
        assert task["termination"] == "submitted" and task["answer"] is None
        assert task["metrics"]["steps"] == 2 and task["metrics"]["errors"] == 0
