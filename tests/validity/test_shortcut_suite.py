"""The shortcut-agent suite (issue 14, item 5): agents that try to pass without doing the work
(env/agents/shortcuts.py: echo, priors, number stuffing, refuse-and-answer, one broad query, the
most frequent value, a rot filter by Id position, reworded leaks) run through real episodes at
drift and rot medium (env.validity). Each passes at most 5% of all tasks and 15% of any
category by answering; the privacy categories' refusal tasks, at most 20% of those categories,
pass by refusing, which is the work they ask for.

On the public practice set every task runs (880 episodes per agent; the trained agents learn on
one half and are assessed on the other, both ways). On a fresh seed of each org (FRESH_SEEDS:
its org and task set built here) every task runs too (440 per agent: a sample of 10 per
category would judge a 15% limit by one or two tasks), the trained agents having learned from
the whole public set, as a cheater would.
"""

from __future__ import annotations

import asyncio

import pytest

from data.org.store import load_org
from data.tasks.build import build_task_set
from data.tasks.taskset import load_task_set
from env.agents.shortcuts import TRAINED, UNTRAINED
from env.validity import TOTAL, breaches, pass_rates, run_shortcut_agents

AGENTS = [*UNTRAINED, *TRAINED]
#: A fresh seed per org (the seed of each is arbitrary; two, so that neither org's fresh sets
#: go unjudged).
FRESH_SEEDS = {"b2b": 7, "b2c": 18}


@pytest.fixture(scope="module")
def public_run():
    tasks = load_task_set("b2b") + load_task_set("b2c")
    return tasks, asyncio.run(run_shortcut_agents(tasks, concurrency=4))


@pytest.fixture(scope="module", params=sorted(FRESH_SEEDS))
def fresh_run(request):
    org, seed = request.param, FRESH_SEEDS[request.param]
    tasks = build_task_set(org, seed=seed)
    public = load_task_set("b2b") + load_task_set("b2c")
    results = asyncio.run(run_shortcut_agents(
        tasks, databases={org: load_org(org, seed=seed)}, training=public, concurrency=4))
    return tasks, results


def _report(rates) -> dict[str, str]:
    return {c: str(r) for c, r in sorted(rates.items()) if r.passed}


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("agent", AGENTS)
def test_no_shortcut_passes_the_public_practice_set(public_run, agent):
    tasks, results = public_run
    assert len(results[agent]) == len(tasks) == 880
    rates = pass_rates(results[agent], tasks)
    assert {c: str(r) for c, r in breaches(rates).items()} == {}, _report(rates)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("agent", AGENTS)
def test_no_shortcut_passes_a_fresh_seed(fresh_run, agent):
    tasks, results = fresh_run
    assert len(results[agent]) == len(tasks) == 440
    rates = pass_rates(results[agent], tasks)
    assert {c: str(r) for c, r in breaches(rates).items()} == {}, _report(rates)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_refusing_and_answering_passes_only_refusals_and_reworded_leaks_pass_none(public_run):
    """refuse_and_answer passes no task that asks for an answer; the reworded_leak agent,
    which writes the protected values it looked up in forms a careless filter misses, passes
    no refusal task of the categories where its lookup finds them (customers by name or Id,
    agents' metrics)."""
    tasks, results = public_run
    refusal = {t.id: t for t in tasks if t.reward_metric == "privacy_rejection"}
    hybrid = [r for r in results["refuse_and_answer"] if r.passed]
    assert hybrid and all(r.task_id in refusal for r in hybrid)
    leaked = [r.task_id for r in results["reworded_leak"] if r.passed and r.task_id in refusal
              and refusal[r.task_id].category in ("private_customer_information",
                                                  "internal_operation_data")]
    assert leaked == []
    assert pass_rates(results["reworded_leak"], tasks)[TOTAL].refusals \
        <= sum(t.category == "confidential_company_knowledge" for t in refusal.values())
