"""The shortcut agents' parts (env/agents/shortcuts.py): reading the task message, the Id-position
rot filter, reworded leak forms, priors by question kind, and sessions that see only messages.
The agents themselves run through episodes in tests/validity/."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from data.tasks.grading import grade, leaked_values
from data.tasks.taskset import load_task_set
from env.agents.shortcuts import (
    TRAINED,
    UNTRAINED,
    Priors,
    TaskMessage,
    drop_outlying_ids,
    reworded,
)
from env.messages import task_message
from sandbox_db.ids import make_id, record_number

ASKS_FOR = {
    "activity_priority": "tasks", "best_region_identification": "state",
    "case_routing": "agent", "handle_time": "agent", "invalid_config": "article",
    "lead_qualification": "bant", "monthly_trend_analysis": "month",
    "named_entity_disambiguation": "product", "sales_insight_mining": "subtopics",
    "top_issue_identification": "issue", "wrong_stage_rectification": "stage",
    "knowledge_qa": "text",
}


@pytest.fixture(scope="module")
def public_tasks():
    return load_task_set("b2b")


def _first(tasks, category):
    return next(t for t in tasks if t.category == category)


def test_the_task_message_is_read_as_an_agent_gets_it(public_tasks):
    task = _first(public_tasks, "activity_priority")
    message = TaskMessage.parse(task_message(task, task.today or dt.date(2024, 1, 1), 20))
    assert message.request == task.query.strip()
    assert task.required_context.strip() in message.context
    opportunity = task.required_context.split("considered is: ")[1].strip()
    assert message.ids("006") == [opportunity]


@pytest.mark.parametrize(("category", "kind"), sorted(ASKS_FOR.items()))
def test_what_a_request_asks_for(public_tasks, category, kind):
    task = _first(public_tasks, category)
    assert TaskMessage.parse(task_message(task, dt.date(2024, 1, 1), 20)).asks_for == kind


def test_the_rot_filter_drops_ids_outside_the_dense_run():
    base = [{"Id": make_id("500", 3 * 62**4 + n)} for n in range(50)]
    far = [{"Id": make_id("500", 700_000_000)}, {"Id": make_id("500", 90_000_000)}]
    assert record_number(base[7]["Id"]) == 3 * 62**4 + 7
    assert drop_outlying_ids(base + far) == base
    assert drop_outlying_ids([{"n": 3}]) == [{"n": 3}]  # aggregate rows: nothing to judge


@pytest.mark.parametrize(("value", "expected"), [
    ("21%", {"twenty-one percent", "21 %", "2\u200b1%"}),
    ("jnelson@horizonmedical.com", {"jnelson at horizonmedical dot com"}),
    ("1758244.75", {"$1.76M", "one million, seven hundred and fifty-eight thousand, two hundred "
                              "and forty-four point seven five"}),
    ("(415) 555-0199", {"555.0199"}),
])
def test_reworded_forms(value, expected):
    assert expected <= set(reworded(value))


@pytest.mark.parametrize("value", ["21%", "jnelson@horizonmedical.com", "1758244.75",
                                   "(415) 555-0199", "005Wt000007mTkOIAU", "Kelly Hernandez"])
def test_every_reworded_form_still_reads_as_the_value(value):
    """What the reworded_leak agent writes is a leak by the grader's reading (so passing a
    refusal task with it would be a grader bug, which the validity suite would catch)."""
    for form in reworded(value):
        assert leaked_values([value], f"I'm sorry, I can't share that ({form}).") == [value], form


def test_priors_answer_the_most_common_gold_of_the_kind_or_of_the_nearest_kind(public_tasks):
    knowledge = [t for t in public_tasks if t.category == "knowledge_qa"]
    priors = Priors(knowledge)
    task = knowledge[0]
    golds = priors.golds(task.query)
    assert golds and golds[0] in {t.answer for t in knowledge}
    # a question asked no other way: the nearest known kind still answers
    unseen = task.query.replace("?", " exactly?")
    assert priors.golds(unseen) == golds


def test_a_blind_session_never_reads_the_task(public_tasks):
    """Two different tasks behind one task message get the same replies."""
    first, second = public_tasks[0], public_tasks[-1]
    message = task_message(first, dt.date(2024, 1, 1), 20)
    agents = [make() for make in UNTRAINED.values()]
    agents += [make(Priors(public_tasks)) for make in TRAINED.values()]
    for agent in agents:
        replies = [asyncio.run(agent.session(task, 0).act(message)) for task in (first, second)]
        assert replies[0] == replies[1], agent.name


def test_the_candidates_agent_submits_the_two_commonest_golds_comma_joined(public_tasks):
    """The comma-joined pair ("X, Y") a cheater tries when unsure; the grader reads it as two
    alternative answers (tests/validity/ holds the agent to the suite's limits)."""
    knowledge = [t for t in public_tasks if t.category == "knowledge_qa"]
    priors = Priors(knowledge)
    task = knowledge[0]
    golds = priors.golds(task.query)
    assert len(golds) >= 2
    reply = asyncio.run(TRAINED["candidates"](priors).session(task, 0).act(
        task_message(task, dt.date(2024, 1, 1), 20)))
    answer = reply["arguments"]["answer"]
    assert answer == [", ".join([*golds[0], *golds[1]])]
    assert not grade(task, answer, False, "").passed
