"""The baseline LLM purple agent, served over A2A, assessed by the green agent with the real
runner; its "LLM" is tests/helpers/fake_openai.py, which issues a real SOQL query and then submits a
value read from the real result the green side sent back. With tool_transport "mcp" it lists the
episode's MCP tools and hands them to the model as functions."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette

from a2a_app.local_server import BackgroundServer
from env.messages import find_mcp_endpoint
from env.tools import TOOL_SPECS
from green.assessment_client import request_assessment
from green.server import build_green_app
from purple.baseline import BaselineAgent, react_action
from purple.conversation_server import Conversation, build_purple_app
from purple.llm import ChatClient
from purple.mcp_conversation import McpConversation
from tests.helpers.fake_openai import QUERY, FakeOpenAI

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def green_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("green")
    with BackgroundServer(lambda url: build_green_app(url, results_root=root)) as green:
        yield green.url


async def _assess_baseline(green_url: str, fake: FakeOpenAI, transport: str = "message") -> dict:
    with BackgroundServer(lambda url: fake.app) as llm:
        agent = BaselineAgent(ChatClient(llm.url + "v1", "fake-model", api_key="test-key"))

        def conversation() -> Conversation:
            if transport == "mcp":
                return McpConversation(agent.new_conversation)
            return agent.new_conversation()

        def app(url: str) -> Starlette:
            return build_purple_app(url, name="baseline", description="baseline",
                                    new_conversation=conversation)

        with BackgroundServer(app) as purple:
            outcome = await request_assessment(green_url, {
                "participants": {"agent": purple.url},
                "config": {"task_limit": 1, "max_steps": 4, "drift_level": "none",
                           "rot_level": "none", "tool_transport": transport}})
    assert outcome.completed, outcome.statuses
    return outcome.results


def _account_rows(observation: str) -> list[dict]:
    """The records of a soql_query observation (header line, then Salesforce JSON)."""
    _, _, body = observation.partition("\n")
    return json.loads(body)["records"]


async def test_native_tool_calls_run_real_soql_through_the_green_side(green_url):
    fake = FakeOpenAI()
    results = await _assess_baseline(green_url, fake)
    first, second = fake.requests[0], fake.requests[1]
    assert [t["function"]["name"] for t in first["tools"]] == [
        "soql_query", "sosl_search", "describe", "submit_answer"]
    task_message = first["messages"][1]
    assert task_message["role"] == "user" and "## Request" in task_message["content"]
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1"
    rows = _account_rows(tool_message["content"])
    assert 1 <= len(rows) <= 3 and all(r["Id"].startswith("001") for r in rows)
    assert rows == sorted(rows, key=lambda r: r["Name"])
    task = results["tasks"][0]
    assert task["metrics"]["queries"] == 1 and task["metrics"]["failed_queries"] == 0
    assert task["answer"] == [rows[0]["Name"]]
    assert fake.requests[0]["model"] == "fake-model"


async def test_over_mcp_the_listed_tools_are_the_models_functions(green_url):
    fake = FakeOpenAI()
    results = await _assess_baseline(green_url, fake, transport="mcp")
    first, second = fake.requests[0], fake.requests[1]
    functions = [t["function"] for t in first["tools"]]
    assert functions == [dict(spec) for spec in TOOL_SPECS]  # listed over MCP, unchanged
    task_message = first["messages"][1]["content"]
    assert find_mcp_endpoint(task_message) is not None and "## Request" in task_message
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1"
    rows = _account_rows(tool_message["content"])
    assert 1 <= len(rows) <= 3 and all(r["Id"].startswith("001") for r in rows)
    task = results["tasks"][0]
    assert results["config"]["tool_transport"] == "mcp"
    assert task["metrics"]["queries"] == 1 and task["metrics"]["failed_queries"] == 0
    assert task["answer"] == [rows[0]["Name"]] and task["termination"] == "submitted"
    assert len(fake.requests) == 2  # one completion per tool call, none after the submit


async def test_react_fallback_when_the_endpoint_refuses_tools(green_url):
    fake = FakeOpenAI(tools_supported=False)
    results = await _assess_baseline(green_url, fake)
    assert fake.requests[0].get("tools")           # tried native tools first
    later = [r for r in fake.requests[1:]]
    assert later and not any(r.get("tools") for r in later)
    assert "Action:" in later[0]["messages"][0]["content"]  # ReAct instructions in the prompt
    observation = later[-1]["messages"][-1]
    assert observation["role"] == "user" and _account_rows(observation["content"])
    task = results["tasks"][0]
    assert task["metrics"]["queries"] == 1 and task["metrics"]["format_errors"] == 0
    assert task["answer"] and task["metrics"]["submitted"]


def test_react_action_parsing():
    assert react_action('Thought: x\nAction: {"name": "describe", "arguments": {}}') == {
        "name": "describe", "arguments": {}}
    assert react_action("no action here") == "no action here"
    assert react_action("Action: {not json") == "Action: {not json"
    assert QUERY.startswith("SELECT")
