"""Broken purple agents against the real green server over HTTP on 127.0.0.1: each one's
episodes are scored failed with the right termination reason, the assessment completes with
every task accounted for, and the green server keeps serving (a second request works)."""

from __future__ import annotations

import json
import time

import pytest

from a2a_app.local_server import BackgroundServer
from green.assessment_client import request_assessment
from green.server import build_green_app
from purple.hostile import DroppingServer, garbage_app, hanging_app, http500_app
from tests.helpers.misbehaving_purples import (
    HOSTILE_STATEMENTS,
    MidReplyCloser,
    failed_task_app,
    hostile_sql_app,
    huge_app,
    jsonrpc_error_app,
    slow_app,
)

pytestmark = pytest.mark.slow

TASKS = 2


@pytest.fixture(scope="module")
def green(tmp_path_factory):
    root = tmp_path_factory.mktemp("green")
    with BackgroundServer(lambda url: build_green_app(url, results_root=root)) as server, \
            BackgroundServer(slow_app(0.0)) as oracle:
        yield {"url": server.url, "oracle": oracle.url, "root": root}


def _request(agent_url: str, **config) -> dict:
    return {"participants": {"agent": agent_url},
            "config": {"task_limit": TASKS, "max_steps": 3, "turn_timeout": 0.5, "timeout": 6,
                       **config}}


#: (id, how to serve it, config overrides, expected termination of every episode)
FAULTS = [
    ("hang", lambda: BackgroundServer(hanging_app), {}, {"turn_timeout"}),
    ("slow-past-turn-timeout", lambda: BackgroundServer(slow_app(1.5)), {}, {"turn_timeout"}),
    ("hang-past-task-timeout", lambda: BackgroundServer(hanging_app),
     {"turn_timeout": 30, "timeout": 1}, {"timeout"}),
    ("garbage", lambda: BackgroundServer(garbage_app), {}, {"max_steps"}),
    # Given time to arrive, every 5 MB reply is read, logged and answered with a format error.
    ("huge-5mb-replies", lambda: BackgroundServer(huge_app), {"turn_timeout": 10, "timeout": 30},
     {"max_steps"}),
    ("http-500", lambda: BackgroundServer(http500_app), {}, {"agent_error"}),
    ("jsonrpc-error", lambda: BackgroundServer(jsonrpc_error_app), {}, {"agent_error"}),
    ("failed-a2a-task", lambda: BackgroundServer(failed_task_app), {}, {"agent_error"}),
    ("connection-dropped", DroppingServer, {}, {"agent_error"}),
    ("closed-mid-reply", MidReplyCloser, {}, {"agent_error"}),
]


async def _green_still_serves(green) -> None:
    outcome = await request_assessment(green["url"], _request(green["oracle"], task_limit=1,
                                                              turn_timeout=30, timeout=60))
    assert outcome.completed, outcome.statuses
    assert outcome.results["summary"]["total_passed"] == 1


@pytest.mark.parametrize("serve, overrides, terminations", [f[1:] for f in FAULTS],
                         ids=[f[0] for f in FAULTS])
async def test_fault_fails_the_episodes_not_the_green_agent(green, serve, overrides,
                                                            terminations) -> None:
    started = time.perf_counter()
    with serve() as purple:
        outcome = await request_assessment(green["url"], _request(purple.url, **overrides),
                                           timeout_s=60)
    assert outcome.completed, outcome.statuses
    tasks = outcome.results["tasks"]
    assert len(tasks) == TASKS and outcome.results["summary"]["total_tasks"] == TASKS
    assert [t["passed"] for t in tasks] == [False] * TASKS
    assert {t["termination"] for t in tasks} == terminations, [t["reason"] for t in tasks]
    assert time.perf_counter() - started < 45
    await _green_still_serves(green)


async def test_a_slow_purple_within_its_turn_timeout_is_not_penalised(green) -> None:
    with BackgroundServer(slow_app(0.3)) as purple:
        outcome = await request_assessment(green["url"], _request(purple.url, turn_timeout=5,
                                                                  max_steps=20, timeout=60))
    assert outcome.completed
    assert outcome.results["summary"]["total_passed"] == TASKS


async def test_hostile_sql_over_a2a_gets_salesforce_errors_only(green) -> None:
    """The sandbox escapes of tests/security, sent by a purple agent over the wire."""
    steps = len(HOSTILE_STATEMENTS)
    with BackgroundServer(hostile_sql_app) as purple:
        outcome = await request_assessment(green["url"], _request(
            purple.url, task_limit=1, max_steps=steps, turn_timeout=30, timeout=120))
    assert outcome.completed, outcome.statuses
    [task] = outcome.results["tasks"]
    assert task["termination"] == "max_steps" and not task["passed"]
    log = (green["root"] / outcome.task_id / task["log_file"]).read_text().splitlines()
    turns = [json.loads(line) for line in log if '"type":"turn"' in line.replace(" ", "")]
    assert len(turns) == steps
    codes = [t["error_code"] for t in turns]
    assert all(codes), codes  # every hostile statement was refused
    assert set(codes) <= {"MALFORMED_QUERY", "MALFORMED_SEARCH", "QUERY_TIMEOUT", "NOT_FOUND",
                          "INVALID_TYPE"}, codes
    for turn in turns:
        assert "duckdb" not in turn["observation"].lower()
    await _green_still_serves(green)
