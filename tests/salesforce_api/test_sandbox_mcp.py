"""`crmarena sandbox` serves the episode tools over MCP at /mcp (HTTPS, a session id as the bearer
token), with the SDK's own client: the same tools as an episode, the same answers as the REST API
on the same org, each call charged to the session and logged as one turn of its session log."""

from __future__ import annotations

import json

import pytest
from mcp import MCPError

from env.log import EpisodeLog
from env.messages import split_observation
from env.protocol import McpEndpoint
from env.tools import TOOL_SPECS
from mcp_tools.client import connect, result_text
from tests.helpers.sandbox import client, oauth_login

QUERY = "SELECT Id, Subject, Status FROM Case ORDER BY Id LIMIT 5"


def _endpoint(sandbox, session_id: str) -> McpEndpoint:
    return McpEndpoint(f"{sandbox.instance_url}/mcp", session_id)


async def test_an_mcp_client_gets_the_episode_tools_and_the_rest_apis_answers(sandbox):
    session_id = oauth_login(sandbox)
    session = sandbox.sessions.get(session_id)
    with client(sandbox, session_id) as http:
        rest = http.get("/services/data/v62.0/query", params={"q": QUERY}).json()
        rest_error = http.get("/services/data/v62.0/query",
                              params={"q": "SELECT Nme FROM Case"}).json()
    used = session.api_requests
    async with connect(_endpoint(sandbox, session_id),
                       verify=sandbox.tls.client_context()) as mcp:
        listed = (await mcp.list_tools()).tools
        rows = await mcp.call_tool("soql_query", {"query": QUERY})
        wrong = await mcp.call_tool("soql_query", {"query": "SELECT Nme FROM Case"})
        invalid = await mcp.call_tool("describe", {"object": 7})
        submitted = await mcp.call_tool("submit_answer", {"answer": ["x"]})
    assert [(t.name, t.input_schema) for t in listed] == [
        (s["name"], s["parameters"]) for s in TOOL_SPECS]
    header, body = split_observation(result_text(rows))
    assert header == f"[soql_query · step {used + 1}/{sandbox.sessions.api_limit}]"
    assert body == rest and not rows.is_error
    assert wrong.is_error and split_observation(result_text(wrong))[1] == rest_error
    assert invalid.is_error and "INVALID_ARGUMENTS" in result_text(invalid)
    assert not submitted.is_error and '"success":true' in result_text(submitted)
    assert session.api_requests == used + 4  # every call charged to the session

    sandbox.log.flush()  # the session is still open: its log is the .part being written
    path = sandbox.log.path(session.number)
    turns = [t for t in EpisodeLog.read(path.with_name(path.name + ".part")).turns
             if t.reply.startswith("MCP ")]
    assert [(t.tool, t.error_code) for t in turns] == [
        ("soql_query", None), ("soql_query", "INVALID_FIELD"),
        ("describe", "INVALID_ARGUMENTS"), ("submit_answer", None)]
    assert json.loads(turns[0].reply.removeprefix("MCP tools/call ")) == {
        "name": "soql_query", "arguments": {"query": QUERY}}
    assert [n.status for n in turns[1].names if n.kind == "field"] == ["hallucinated"]


@pytest.mark.parametrize("token", ["", "00D000000000001!not-a-session"])
async def test_an_mcp_client_without_a_live_session_is_refused(sandbox, token):
    with pytest.raises(MCPError, match="INVALID_SESSION_ID"):
        async with connect(_endpoint(sandbox, token),
                           verify=sandbox.tls.client_context()) as mcp:
            await mcp.call_tool("describe", {})
