"""`--tool-transport mcp` from the command line: `crmarena assess` serves the episodes' MCP
endpoints itself for an A2A agent, refuses it for in-process agents; `crmarena demo` runs the
oracle over MCP."""

from __future__ import annotations

import argparse
import json

import pytest

from a2a_app.local_server import BackgroundServer
from crmarena_cli import main
from crmarena_cli.purple import build_app

pytestmark = pytest.mark.slow


def test_assess_serves_the_mcp_endpoints_of_an_a2a_agent(tmp_path):
    args = argparse.Namespace(agent="oracle", transport="mcp")
    with BackgroundServer(lambda url: build_app(args, url)) as purple:
        assert main(["assess", "--agent", purple.url, "--tool-transport", "mcp", "--task-limit",
                     "3", "--drift", "medium", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["config"]["tool_transport"] == "mcp"
    assert results["summary"]["total_passed"] == 3
    assert main(["regrade", str(tmp_path), "--check"]) == 0


def test_assess_refuses_mcp_for_an_in_process_agent(tmp_path, capsys):
    assert main(["assess", "--agent", "oracle", "--tool-transport", "mcp",
                 "--out", str(tmp_path)]) == 2
    printed = capsys.readouterr().err.strip()
    assert printed.startswith("crmarena assess: error: --tool-transport mcp needs an A2A agent URL")
    assert "\n" not in printed


def test_demo_runs_the_oracle_over_mcp(tmp_path):
    assert main(["demo", "--out", str(tmp_path), "--task-limit", "2",
                 "--tool-transport", "mcp"]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["config"]["tool_transport"] == "mcp"
    assert results["summary"]["total_passed"] == 2
