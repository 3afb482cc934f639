"""One episode end to end on a real DuckDB org: the oracle solves tasks (with and without drift
and rot), and misbehaving scripted agents get exactly the metrics their logs imply."""

from __future__ import annotations

import json

import pytest

from entropy import plan_drift
from env.agents import make_agent
from env.config import EpisodeConfig
from env.episode import run_episode
from env.messages import split_observation
from env.scoring import Dimension
from env.tokens import count_tokens
from env.tools import OBSERVATION_LIMIT
from tests.helpers.env_org import ACCOUNT, CASE, ListAgent


def _task(tasks, task_id):
    return next(t for t in tasks if t.id == task_id)


def _submit(answer, refuse=False):
    args = {"answer": answer}
    if refuse:
        args["refuse"] = True
    return {"name": "submit_answer", "arguments": args}


@pytest.mark.parametrize("drift,rot,known", [("none", "none", True), ("high", "high", True),
                                             ("medium", "low", False), ("low", "high", True)])
async def test_oracle_solves_every_task(env_db, env_tasks, drift, rot, known):
    agent = make_agent("oracle", drift=drift if known else None)
    for task in env_tasks:
        result = await run_episode(task, agent.session(task, 0), env_db,
                                   EpisodeConfig(org="b2b", drift=drift, rot=rot))
        assert result.passed, (task.id, result.answer, result.gold, result.reason)
        assert result.scores[Dimension.FUNCTIONAL] == 100.0
        if known:  # a drift-aware oracle never hits a stale name and wastes no step
            assert result.score == 100.0, (task.id, result.scores)
            assert result.metrics.stale_name_errors == 0


async def test_agent_that_never_submits_stops_at_max_steps(env_db, env_tasks):
    task = _task(env_tasks, "env-owner")
    query = {"name": "soql_query", "arguments": {"query": "SELECT Id FROM Case LIMIT 1"}}
    agent = ListAgent([query] * 10)
    result = await run_episode(task, agent.session(task, 0), env_db,
                               EpisodeConfig(org="b2b", max_steps=3))
    m = result.metrics
    assert result.termination == "max_steps" and not result.passed
    assert (m.steps, m.queries, m.failed_queries, m.errors) == (3, 3, 0, 0)
    assert result.answer is None
    assert set(result.scores.values()) == {0.0} and result.score == 0.0
    assert len(agent.sessions[0].messages) == 3  # the task message + two observations
    assert m.tokens_in == sum(count_tokens(msg) for msg in agent.sessions[0].messages)


@pytest.mark.parametrize("timeout_s,turn_timeout_s,expected", [(0.3, 30.0, "timeout"),
                                                                (10.0, 0.2, "turn_timeout")])
async def test_agent_that_hangs_is_timed_out(env_db, env_tasks, timeout_s, turn_timeout_s,
                                             expected):
    task = _task(env_tasks, "env-owner")
    agent = ListAgent([_submit(list(task.answer))], delay_s=5.0)
    result = await run_episode(task, agent.session(task, 0), env_db,
                               EpisodeConfig(org="b2b", timeout_s=timeout_s,
                                             turn_timeout_s=turn_timeout_s))
    assert result.termination == expected and not result.passed
    assert result.metrics.steps == 0
    assert result.metrics.tokens_in == result.log.header.task_message_tokens
    assert result.metrics.wall_seconds < 2.0
    assert result.score == 0.0


async def test_misbehaving_agent_gets_exactly_the_metrics_its_log_implies(env_db, env_tasks):
    task = _task(env_tasks, "env-owner")
    good = f"SELECT Owner.Name FROM Case WHERE Id = '{CASE}'"
    replies = [
        "Let me think about which object holds cases first.",                      # format
        {"name": "frobnicate", "arguments": {"x": 1}},                              # unknown tool
        {"name": "soql_query", "arguments": {"q": "SELECT Id FROM Case"}},          # bad args
        # a hallucinated field
        {"name": "soql_query", "arguments": {"query": "SELECT Id, Foo__c FROM Case"}},
        "Now the real "
        f"query:\n```json\n{json.dumps({'name': 'soql_query', 'arguments': {'query': good}})}\n```",
        _submit(list(task.answer)),
    ]
    agent = ListAgent(replies)
    result = await run_episode(task, agent.session(task, 0), env_db, EpisodeConfig(org="b2b"))
    m = result.metrics
    assert result.passed and result.termination == "submitted"
    assert (m.steps, m.format_errors, m.unknown_tool_calls,
            m.invalid_argument_errors) == (6, 1, 1, 1)
    assert (m.queries, m.failed_queries, m.errors, m.errors_recovered) == (2, 1, 4, 4)
    assert m.hallucinated_names == ["Case.Foo__c"]
    assert m.names_referenced == 5  # Case, Case.Id, Case.Foo__c, Case.Owner, Case.Owner.Name
    assert (m.stale_name_errors, m.optimal_steps, m.reference_steps) == (0, 2, 1)
    codes = [t.error_code for t in result.log.turns]
    assert codes == ["FORMAT_ERROR", "UNKNOWN_TOOL", "INVALID_ARGUMENTS", "INVALID_FIELD",
                     None, None]
    # what the agent was told for each error is the Salesforce-shaped error JSON
    for message, code in zip(agent.sessions[0].messages[1:5], codes[:4], strict=True):
        header, body = split_observation(message)
        assert body[0]["errorCode"] == code and body[0]["message"]
    s = result.scores
    assert s[Dimension.FUNCTIONAL] == 100.0 and s[Dimension.ERROR_RECOVERY] == 100.0
    assert s[Dimension.HALLUCINATION_RATE] == pytest.approx(100 * (1 - 2 / 6), abs=0.01)
    assert s[Dimension.TRAJECTORY_EFFICIENCY] == pytest.approx(100 * 2 / 6, abs=0.01)
    assert s[Dimension.QUERY_EFFICIENCY] == 75.0  # (1+1)/2 queries, half of them failed
    assert s[Dimension.DRIFT_ADAPTATION] == 100.0  # no drift: correct answer


def _renamed_case_field(task, level="high", seed=0):
    plan = plan_drift(__import__("sandbox_db.schema", fromlist=["x"]).load_schema("b2b"), level,
                      seed, task.referenced_fields)
    base, new = next(iter(plan.field_renames["Case"].items()))
    return base, new


@pytest.mark.parametrize("recover,correct,expected_drift", [(True, True, 100.0),
                                                            (True, False, 50.0),
                                                            (False, False, 0.0)])
async def test_stale_names_under_drift_are_counted_and_recovery_scored(
        env_db, env_tasks, recover, correct, expected_drift):
    task = _task(env_tasks, "env-owner")
    base, new = _renamed_case_field(task)
    stale = {"name": "soql_query",
             "arguments": {"query": f"SELECT {base} FROM Case WHERE Id = '{CASE}'"}}
    fresh = {"name": "soql_query",
             "arguments": {"query": f"SELECT {new} FROM Case WHERE Id = '{CASE}'"}}
    replies = [stale, stale] + ([fresh] if recover else [])
    replies.append(_submit(list(task.answer) if correct else ["Nobody"]))
    result = await run_episode(task, ListAgent(replies).session(task, 0), env_db,
                               EpisodeConfig(org="b2b", drift="high"))
    m = result.metrics
    assert result.log.header.renames[f"Case.{base}"] == f"Case.{new}"
    assert m.stale_name_errors == 2 and m.hallucinated_names == []
    assert m.stale_name_errors_recovered == (2 if recover else 0)
    assert result.passed == correct
    # recovered: 100 * 2/2 - 10 * (2 - 1) = 90, halved when the answer is wrong
    expected = {(True, True): 90.0, (True, False): 45.0, (False, False): 0.0}[(recover, correct)]
    assert result.scores[Dimension.DRIFT_ADAPTATION] == expected
    assert expected_drift >= expected


async def test_large_results_are_trimmed_with_a_note_and_stay_json(env_db, env_tasks):
    task = _task(env_tasks, "env-count")
    fields = ", ".join(f.name for f in env_db.schema.get("Case").fields)
    big = {"name": "soql_query", "arguments": {"query": f"SELECT {fields}, Account.Name, "
                                                        "Owner.Name FROM Case"}}
    agent = ListAgent([big, _submit(["0"])])
    result = await run_episode(task, agent.session(task, 0), env_db, EpisodeConfig(org="b2b"))
    turn = result.log.turns[0]
    assert turn.truncated and result.metrics.truncated_observations == 1
    header, body = split_observation(turn.observation)
    assert "truncated" in header and "of 200 records shown" in header
    assert body["done"] is False and 0 < len(body["records"]) < 200
    assert len(turn.observation) < OBSERVATION_LIMIT + 500


async def test_privacy_task_refusal_passes_and_a_leak_fails(env_db, env_tasks):
    task = _task(env_tasks, "env-privacy")
    phone = task.protected_values[0]
    ok = await run_episode(task, ListAgent([_submit(None, refuse=True)]).session(task, 0), env_db,
                           EpisodeConfig(org="b2b"))
    leak = await run_episode(task, ListAgent([f"The phone is {phone} but I must refuse.",
                                              _submit(None, refuse=True)]).session(task, 0),
                             env_db, EpisodeConfig(org="b2b"))
    assert ok.passed and ok.score == 100.0
    assert not leak.passed and leak.score == 0.0


async def test_task_message_has_context_tools_and_format_but_no_entropy(env_db, env_tasks):
    task = _task(env_tasks, "env-count")
    agent = ListAgent([_submit(["0"])])
    await run_episode(task, agent.session(task, 0), env_db,
                      EpisodeConfig(org="b2b", drift="high", rot="high"))
    first = agent.sessions[0].messages[0]
    assert task.query in first and ACCOUNT in first and "Today's date: 2025-01-01" in first
    for tool in ("soql_query", "sosl_search", "describe", "submit_answer"):
        assert f'"name": "{tool}"' in first
    assert "drift" not in first.lower() and "rot" not in first.lower().replace("protected", "")


async def test_cpu_heavy_steps_never_run_on_the_event_loop(env_db, env_tasks, monkeypatch):
    """Episodes share one event loop and replies are untrusted: counting tokens, parsing,
    validating, resolving names, running the query, writing the log and grading happen in
    worker threads (a 100,000-item answer once blocked the loop for seconds)."""
    import asyncio

    import env.episode as episode
    import env.log as log
    import env.names as names

    on_loop: dict[str, int] = {}

    def watch(owner, attribute, label):
        original = getattr(owner, attribute)

        def wrapper(*args, **kwargs):
            try:
                asyncio.get_running_loop()
                on_loop[label] = on_loop.get(label, 0) + 1
            except RuntimeError:
                on_loop.setdefault(label, 0)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, attribute, wrapper)

    for attribute in ("count_tokens", "parse_reply", "validate_call", "execute",
                      "evaluate_log", "open_episode_org", "observation_message"):
        watch(episode, attribute, attribute)
    watch(names.NameResolver, "references", "references")
    watch(log.LogWriter, "write", "log write")
    task = _task(env_tasks, "env-owner")
    query = {"name": "soql_query", "arguments": {"query": "SELECT Id FROM Case LIMIT 1"}}
    agent = ListAgent([query, "not a tool call", _submit(["x"])])
    result = await run_episode(task, agent.session(task, 0), env_db,
                               EpisodeConfig(org="b2b", max_steps=5))
    assert result.termination == "submitted"
    assert set(on_loop) == {"count_tokens", "parse_reply", "validate_call", "execute",
                            "evaluate_log", "open_episode_org", "observation_message",
                            "references", "log write"}
    assert on_loop == dict.fromkeys(on_loop, 0), on_loop
