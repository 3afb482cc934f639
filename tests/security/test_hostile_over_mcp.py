"""The hardening corpus (tests/helpers/hostile_corpus.py) sent over MCP with the SDK's client, in
one episode on the real b2b org, gets exactly the observations (Salesforce errors or bounded
results) the message transport gets for the same calls: the MCP endpoint adds no way around the
tool layer's validation and limits."""

from __future__ import annotations

import pytest

import mcp_tools.episodes
from data.org.store import shared_org
from data.tasks import load_task_set
from env.config import EpisodeConfig
from env.episode import run_episode
from mcp_tools.episodes import McpAgent
from mcp_tools.local import serve_episode_tools
from purple.mcp_conversation import McpConversation
from sandbox_db.soql.execute import is_sosl
from tests.helpers.env_org import ListAgent
from tests.helpers.hostile_corpus import HOSTILE, HOSTILE_OBJECT_NAMES
from tests.helpers.mcp_episodes import ConversationAgent, ScriptedPolicy

pytestmark = pytest.mark.slow

#: Argument shapes no schema allows.
BAD_ARGUMENTS = [("soql_query", {"query": 5}), ("soql_query", {"query": ""}),
                 ("soql_query", {"query": "SELECT Id FROM Case", "limit": 1}),
                 ("sosl_search", {}), ("describe", {"object": ["Case"]}),
                 ("submit_answer", {"answer": "not a list"}), ("drop_table", {"name": "Case"})]


def _encodable(text: str) -> bool:
    """JSON over HTTP is UTF-8: a lone surrogate cannot be sent over MCP (nor A2A) at all."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _calls() -> list[dict]:
    calls = [{"name": "sosl_search", "arguments": {"search": s}} if is_sosl(s)
             else {"name": "soql_query", "arguments": {"query": s}}
             for _, s in HOSTILE if _encodable(s)]
    calls += [{"name": "describe", "arguments": {"object": n}}
              for n in HOSTILE_OBJECT_NAMES if _encodable(n)]
    calls += [{"name": name, "arguments": arguments} for name, arguments in BAD_ARGUMENTS]
    return calls


@pytest.mark.timeout(900)
async def test_the_hardening_corpus_over_mcp_gets_the_message_transports_answers(monkeypatch):
    monkeypatch.setattr(mcp_tools.episodes, "FINAL_REPLY_GRACE_S", 1.0)
    db = shared_org("b2b")
    task = load_task_set("b2b")[0]
    calls = _calls()
    config = EpisodeConfig(org="b2b", max_steps=len(calls) + 1, timeout_s=600)
    message = await run_episode(task, ListAgent(calls).session(task, 0), db, config)
    async with serve_episode_tools() as tools:
        policy = ScriptedPolicy(calls)
        agent = McpAgent(ConversationAgent(lambda: McpConversation(lambda specs: policy)), tools)
        session = agent.session(task, 0)
        try:
            mcp = await run_episode(task, session, db,
                                    config.model_copy(update={"tool_transport": "mcp"}))
        finally:
            await session.close()
    assert len(mcp.log.turns) == len(message.log.turns) == len(calls) + 1
    assert mcp.termination == message.termination == "submitted"
    timing = []
    for sent, by_mcp, by_message in zip(calls, mcp.log.turns, message.log.turns, strict=False):
        assert (by_mcp.tool, by_mcp.arguments) == (sent["name"], sent["arguments"])
        if "QUERY_TIMEOUT" in (by_mcp.error_code, by_message.error_code):
            timing.append(sent)  # how far a runaway statement got is the clock's business
            continue
        assert (by_mcp.error_code, by_mcp.observation) == \
            (by_message.error_code, by_message.observation), sent
    print(f"\n{len(calls)} hostile calls over MCP, {len(timing)} cut off by the query timeout")
    assert len(timing) <= len(calls) // 10, timing
    codes = {t.error_code for t in mcp.log.turns[:-1]}
    assert {"MALFORMED_QUERY", "INVALID_ARGUMENTS", "UNKNOWN_TOOL", "NOT_FOUND"} <= codes
    # Every call the agent sent was answered with the observation the log holds.
    assert policy.messages[1:] == [t.observation for t in mcp.log.turns[:-1]]
