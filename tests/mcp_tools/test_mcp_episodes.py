"""Episodes whose tools are served over MCP, on a real DuckDB org: the episodes' endpoints on a
real HTTP server on 127.0.0.1, the SDK's own client as the agent. The log of an MCP episode is the
message transport's log, call for call; a token opens only its own running episode; the limits
(max_steps, turn and task timeouts) end an MCP episode exactly as they end a message episode."""

from __future__ import annotations

import asyncio

import pytest
from mcp import MCPError

import mcp_tools.episodes
from env.config import EpisodeConfig
from env.episode import run_episode
from env.messages import find_mcp_endpoint
from env.protocol import McpEndpoint
from mcp_tools.client import connect, result_text
from mcp_tools.episodes import ENDED, MAX_WAITING_CALLS, SUBMITTED, McpAgent
from mcp_tools.local import serve_episode_tools
from purple.mcp_conversation import McpConversation
from tests.helpers.env_org import CASE, ListAgent
from tests.helpers.mcp_episodes import ConversationAgent, Listener, ScriptedPolicy

MESSAGE = EpisodeConfig(org="b2b")
MCP = EpisodeConfig(org="b2b", tool_transport="mcp")


@pytest.fixture
def task(env_tasks):
    return next(t for t in env_tasks if t.id == "env-owner")


@pytest.fixture(autouse=True)
def short_grace(monkeypatch):
    """A Listener never sends its final reply: don't wait long for it after a submit."""
    monkeypatch.setattr(mcp_tools.episodes, "FINAL_REPLY_GRACE_S", 0.2)


def _calls(task) -> list[dict]:
    return [
        {"name": "describe", "arguments": {"object": "Case"}},
        {"name": "soql_query",
         "arguments": {"query": f"SELECT Owner.Name FROM Case WHERE Id = '{CASE}'"}},
        {"name": "soql_query", "arguments": {"query": "SELECT Nme FROM Case"}},
        {"name": "sosl_search", "arguments": {"search": ""}},
        {"name": "no_such_tool", "arguments": {"x": 1}},
        {"name": "submit_answer", "arguments": {"answer": list(task.answer)}},
    ]


async def _mcp_episode(task, db, config, new_conversation):
    """(result, session) of one MCP episode, closed as the runner closes it."""
    async with serve_episode_tools() as tools:
        session = McpAgent(ConversationAgent(new_conversation), tools).session(task, 0)
        try:
            return await run_episode(task, session, db, config), session
        finally:
            await session.close()
            assert len(tools) == 0  # the endpoint closed with its episode


async def test_an_mcp_episode_logs_what_the_message_transport_logs(env_db, task):
    message_agent = ListAgent(_calls(task))
    message = await run_episode(task, message_agent.session(task, 0), env_db, MESSAGE)
    policy = ScriptedPolicy(_calls(task))
    mcp, session = await _mcp_episode(task, env_db, MCP,
                                      lambda: McpConversation(lambda tools: policy))

    same = {"index", "tool", "arguments", "error_code", "error_kind", "observation", "truncated",
            "tokens_out", "names", "reply"}
    assert [t.model_dump(include=same) for t in mcp.log.turns] == \
        [t.model_dump(include=same) for t in message.log.turns]
    assert [t.error_code for t in mcp.log.turns] == [
        None, None, "INVALID_FIELD", "INVALID_ARGUMENTS", "UNKNOWN_TOOL", None]
    # Each call after the first answers the observation before it, as in the message transport.
    assert [t.tokens_in for t in mcp.log.turns][1:] == [t.tokens_in for t in message.log.turns][1:]
    assert mcp.log.turns[0].tokens_in == mcp.log.header.task_message_tokens
    assert mcp.passed and message.passed and mcp.termination == "submitted"
    assert mcp.metrics.model_dump(exclude={"wall_seconds", "agent_seconds", "env_seconds",
                                           "tokens_in", "tokens_total"}) == \
        message.metrics.model_dump(exclude={"wall_seconds", "agent_seconds", "env_seconds",
                                            "tokens_in", "tokens_total"})
    # The agent read each result over MCP exactly as the message agent read its observation.
    assert policy.messages[1:] == message_agent.sessions[0].messages[1:]
    assert find_mcp_endpoint(policy.messages[0]) == session.mcp_endpoint
    assert mcp.log.header.task_message == policy.messages[0]
    assert session.mcp_endpoint.token in mcp.log.header.task_message
    assert mcp.log.header.config.tool_transport == "mcp"
    assert message.log.header.config.tool_transport == "message"


async def _started(task, db, config, tools, conversation):
    """(session, running episode) of an MCP episode told its task, run and closed in the
    background as the runner runs and closes it."""
    session = McpAgent(ConversationAgent(lambda: conversation), tools).session(task, 0)

    async def run():
        try:
            return await run_episode(task, session, db, config)
        finally:
            await session.close()

    running = asyncio.create_task(run())
    await asyncio.wait_for(conversation.told.wait(), 30)
    return session, running


async def _refusal(endpoint: McpEndpoint) -> str:
    with pytest.raises(MCPError) as refused:
        async with connect(endpoint) as client:
            await client.call_tool("describe", {})
    return refused.value.error.message


async def test_a_token_opens_only_its_own_running_episode(env_db, task):
    async with serve_episode_tools() as tools:
        la, lb = Listener(), Listener()
        sa, ea = await _started(task, env_db, MCP, tools, la)
        sb, eb = await _started(task, env_db, MCP, tools, lb)
        a, b = sa.mcp_endpoint, sb.mcp_endpoint
        assert a.url != b.url and a.token != b.token
        assert find_mcp_endpoint(la.messages[0]) == a and find_mcp_endpoint(lb.messages[0]) == b

        for wrong in (McpEndpoint(a.url, b.token), McpEndpoint(b.url, a.token),
                      McpEndpoint(a.url, a.token[:-1] + "x"), McpEndpoint(a.url + "0", a.token)):
            assert "Invalid token for this MCP endpoint" in await _refusal(wrong)
        assert "Missing bearer token" in await _refusal(McpEndpoint(a.url, ""))

        async with connect(a) as client:
            described = await client.call_tool("describe", {})
            assert not described.is_error and '"sobjects"' in result_text(described)
            submitted = await client.call_tool("submit_answer", {"answer": list(task.answer)})
            assert not submitted.is_error and result_text(submitted) == SUBMITTED
        result_a = await ea
        assert result_a.passed and [t.tool for t in result_a.log.turns] == [
            "describe", "submit_answer"]
        assert ENDED in await _refusal(a)            # its token now only says it has ended
        assert not eb.done()                         # B never saw A's calls, nor its end
        async with connect(b) as client:
            await client.call_tool("submit_answer", {"answer": None})
        result_b = await eb
        assert [t.tool for t in result_b.log.turns] == ["submit_answer"]
        assert not result_b.passed
        assert ENDED in await _refusal(b)
        assert len(tools) == 0


@pytest.mark.parametrize("timeout_s,turn_timeout_s,expected", [(0.5, 30.0, "timeout"),
                                                                (10.0, 0.3, "turn_timeout")])
async def test_an_mcp_agent_that_never_submits_times_out_as_a_message_agent_does(
        env_db, task, timeout_s, turn_timeout_s, expected):
    limits = {"timeout_s": timeout_s, "turn_timeout_s": turn_timeout_s}
    hanging = ListAgent([], delay_s=5.0)
    message = await run_episode(task, hanging.session(task, 0), env_db,
                                MESSAGE.model_copy(update=limits))
    async with serve_episode_tools() as tools:
        listener = Listener()
        session, running = await _started(task, env_db, MCP.model_copy(update=limits), tools,
                                          listener)
        async with connect(session.mcp_endpoint) as client:
            await client.list_tools()  # connected, listed, and never calls a tool
            mcp = await running
        assert ENDED in await _refusal(session.mcp_endpoint)
    assert mcp.termination == message.termination == expected
    assert mcp.metrics.steps == message.metrics.steps == 0
    assert not mcp.passed and mcp.metrics.wall_seconds < 3.0


async def test_max_steps_ends_an_mcp_episode_and_answers_the_last_call(env_db, task):
    async with serve_episode_tools() as tools:
        listener = Listener()
        session, running = await _started(task, env_db, MCP.model_copy(update={"max_steps": 2}),
                                          tools, listener)
        async with connect(session.mcp_endpoint) as client:
            first = await client.call_tool("describe", {"object": "Case"})
            second = asyncio.create_task(client.call_tool("describe", {"object": "Account"}))
            result = await running
            last = await second
            with pytest.raises(MCPError, match="episode has ended"):
                await client.call_tool("describe", {})
    assert result.termination == "max_steps" and result.metrics.steps == 2
    assert not first.is_error and result_text(first) == result.log.turns[0].observation
    assert last.is_error and result_text(last) == ENDED


async def test_a_conversation_reply_before_submit_is_read_as_a_message_turn(env_db, task):
    """The agent first answers on its conversation (A2A) with prose: one counted format error,
    sent back on the conversation; it then submits over MCP."""
    policy = ScriptedPolicy(["Let me look into this.",
                             {"name": "submit_answer", "arguments": {"answer": list(task.answer)}}])
    result, _ = await _mcp_episode(task, env_db, MCP,
                                   lambda: McpConversation(lambda tools: policy))
    assert [(t.tool, t.error_kind) for t in result.log.turns] == [
        (None, "format"), ("submit_answer", None)]
    assert result.passed and result.metrics.format_errors == 1
    assert policy.messages[1] == result.log.turns[0].observation


async def test_a_failing_conversation_ends_the_episode_as_an_agent_error(env_db, task):
    class Failing:
        async def reply(self, message: str) -> str:
            raise ConnectionError("purple unreachable")

    result, _ = await _mcp_episode(task, env_db, MCP, Failing)
    assert result.termination == "agent_error" and "purple unreachable" in result.log.end.detail


async def test_an_mcp_session_under_the_message_transport_is_an_environment_error(env_db, task):
    result, _ = await _mcp_episode(task, env_db, MESSAGE, Listener)
    assert result.termination == "env_error" and "MCP endpoint" in result.log.end.detail


async def test_a_flood_of_calls_is_bounded_and_every_call_answered(env_db, task):
    """Calls sent before the episode even starts queue up to MAX_WAITING_CALLS; the rest are
    refused at once; the queued ones are served in order, then told the episode ended."""
    async with serve_episode_tools() as tools:
        listener = Listener()
        session = McpAgent(ConversationAgent(lambda: listener), tools).session(task, 0)
        async with connect(session.mcp_endpoint) as client:
            flood = [asyncio.create_task(client.call_tool("describe", {"object": "Case"}))
                     for _ in range(MAX_WAITING_CALLS + 6)]
            while session._inbox.qsize() + sum(t.done() for t in flood) < len(flood):
                await asyncio.sleep(0.01)
            config = MCP.model_copy(update={"max_steps": 2})
            result = await run_episode(task, session, env_db, config)
            await session.close()
            outcomes = await asyncio.gather(*flood, return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, MCPError)]
    answered = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(refused) == 6 and all("tool calls are waiting" in str(o) for o in refused)
    assert len(answered) == MAX_WAITING_CALLS
    assert result.termination == "max_steps" and len(result.log.turns) == 2
    observed = [result_text(o) for o in answered if not o.is_error]
    assert observed == [result.log.turns[0].observation]  # the second was cut by max_steps
    assert sum(result_text(o) == ENDED for o in answered) == MAX_WAITING_CALLS - 1
