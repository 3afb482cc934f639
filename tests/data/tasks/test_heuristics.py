"""The heuristic budget (data.tasks.heuristics, data.tasks.budget): what lazy solvers answer,
the budget's rules on a tiny real org, and the committed task sets holding the budget on the
real base orgs (every committed task is one the budget keeps, in order)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from core.task import CATEGORIES
from core.tool_call import ToolCall
from data.tasks.budget import GOLD_SHARE, HEURISTIC_SHARE, HeuristicBudget, cap
from data.tasks.build import ShortCategory, base_org, build_task_set, category_rng
from data.tasks.heuristics import (
    HEURISTICS,
    Evidence,
    question_kind,
    stuffed,
)
from data.tasks.model import ReferenceSolution
from data.tasks.reference import execute_reference_steps
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, derivation
from data.tasks.results import ties_broken, unique_best
from data.tasks.taskset import load_task_set
from sandbox_db.database import open_view
from tests.helpers.tasks import ORGS, by_category


@derivation("_test_gold")
def _gold(results, params):
    """The gold the draft names (the describe step only proves the reference runs)."""
    return list(params["gold"])


def _draft(query: str, *gold: str, metric: str = "exact_match") -> TaskDraft:
    return TaskDraft(query=query, reward_metric=metric,  # type: ignore[arg-type]
                     reference=ReferenceSolution(
                         steps=(ToolCall(name="describe", arguments={"object": "User"}),),
                         derivation="_test_gold", params={"gold": list(gold)}),
                     today=dt.date(2023, 5, 1))


_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
          "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
          "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu")


def _distinct_kinds(golds):
    """One draft per gold, each asked in a question kind of its own."""
    return [_draft(f"Which {_WORDS[n]} applies here?", gold) for n, gold in enumerate(golds)]


def _build(tiny_org, temp_categories, name, drafts, per_category):
    temp_categories(name, lambda ctx: iter(drafts))
    from data.tasks.build import BuildReport

    report = BuildReport()
    tasks = build_task_set("b2b", per_category=per_category, categories=[name], base=tiny_org,
                           report=report)
    return tasks, report.categories[0]


# --- what lazy solvers answer ------------------------------------------------------------------

@pytest.mark.parametrize(("query", "kind"), [
    ("How long does VitaCompute 360 keep its audit logs?",
     "how long does # keep its audit logs?"),
    ("Which certifications does FlexSync Suite hold?", "which certifications does # hold?"),
    ("In Q3 2021, which agent had the lowest average handle time among those managing more "
     "than two cases? Return only the Id of the agent.",
     "in # which agent had the lowest average handle time among those managing more than "
     "two cases? return only the # of the agent."),
    ("What was the most frequent problem with the CoreDesk 360 in the past 4 months? The "
     "associated product Id is 01tWt00000Nu995IAB.",
     "what was the most frequent problem with the # in the past # months? the associated "
     "product # is #"),
])
def test_question_kind_masks_names_ids_and_numbers(query, kind):
    assert question_kind(query) == kind


def test_stuffing_puts_every_number_of_the_template_in_its_slot():
    golds = [("90 days before they are archived",), ("180 days before they are archived",),
             ("30 days, after which they are deleted",), ("90 days before they are archived",)]
    assert stuffed(golds) == ["90 180 days before they are archived"]
    assert stuffed([("Budget", "Need")]) is None


def test_ties_raise_for_golds_and_settle_by_the_first_or_last_row_for_lazy_answers():
    scores = {"b": 3, "a": 3, "c": 1}
    with pytest.raises(AmbiguousAnswer):
        unique_best(scores)
    with ties_broken("first"):
        assert unique_best(scores) == "a"
    with ties_broken("last"):
        assert unique_best(scores) == "b"
    with ties_broken("last"):  # within the margin is a tie too
        assert unique_best({"x": 2.0, "y": 2.5, "z": 9.0}, highest=False, margin=1.0) == "y"
    with pytest.raises(AmbiguousAnswer):
        unique_best(scores)  # the context is gone


def test_every_category_lists_at_most_five_heuristics():
    """A few lazy readings per category (monthly_trend_analysis has five: the month can be read
    over all products, all time, the latest month, the month's name over all years, or the
    product's densest burst of cases)."""
    assert set(HEURISTICS) == set(CATEGORIES)
    assert all(len(h) <= 5 for h in HEURISTICS.values()), {c: len(h) for c, h in
                                                           HEURISTICS.items()}


# --- the budget's rules, on a tiny real org -------------------------------------------------------

def test_no_gold_value_passes_more_than_its_share(tiny_org, temp_categories):
    golds = ["Agent X"] * 5 + [f"Agent {n}" for n in range(20)]
    tasks, report = _build(tiny_org, temp_categories, "_test_gold_share", _distinct_kinds(golds),
                           per_category=20)
    counts = Counter(t.answer for t in tasks)
    # the category prior (the most common gold, at the heuristic share) caps a constant answer
    # before the gold share does; the gold share itself turns drafts down in the tests below
    assert counts[("Agent X",)] == cap(20, HEURISTIC_SHARE) == 2 < cap(20, GOLD_SHARE)
    assert report.heuristic_rejects == {"category_prior": 3}


def test_a_prior_learned_from_the_other_tasks_of_a_kind_is_capped(tiny_org, temp_categories):
    # one question kind, the same gold three times: from the third on, the gold of the other
    # tasks of the kind answers each of them
    drafts = [_draft(f"Which agent is number {n}?", gold)
              for n, gold in enumerate(["Agent X", "Agent X", "Agent X", *map(str, range(30))])]
    tasks, report = _build(tiny_org, temp_categories, "_test_prior", drafts, per_category=20)
    assert sum(t.answer == ("Agent X",) for t in tasks) == cap(20, HEURISTIC_SHARE) == 2
    # with a single kind the category prior answers as the kind prior does, and is weighed first
    assert report.heuristic_rejects == {"category_prior": 1}


def test_a_lazy_heuristic_is_capped(tiny_org, temp_categories, monkeypatch):
    # a heuristic that happens to answer every "Lucky" gold (all distinct: no prior gets them)
    monkeypatch.setitem(HEURISTICS, "_test_lazy", {
        "lucky": lambda ev: [list(ev.task.answer)] if ev.task.answer[0].startswith("Lucky")
        else []})
    golds = ["Lucky 1", "Agent Y", "Lucky 2", "Lucky 3", *map(str, range(20))]
    tasks, report = _build(tiny_org, temp_categories, "_test_lazy", _distinct_kinds(golds),
                           per_category=20)
    assert sum(t.answer[0].startswith("Lucky") for t in tasks) == cap(20, HEURISTIC_SHARE) == 2
    assert report.heuristic_rejects == {"lucky": 1}


def test_free_text_golds_of_a_kind_must_differ_in_figures(tiny_org, temp_categories):
    drafts = [_draft(f"How long does Product {n} keep its logs?", gold, metric="fuzzy_match")
              for n, gold in enumerate([
                  "90 days before they are archived", "90 days, after which they are deleted",
                  "180 days before they are archived", "30 days and 90 days in the archive",
                  "365 days before they are archived"])]
    tasks, report = _build(tiny_org, temp_categories, "_test_figures", drafts, per_category=3)
    # "90 days, after which ..." has no figure the first lacks (and the first's gold passes it:
    # the gold share of 3 tasks is 1); "30 and 90" has every figure of the first: comma-joined
    # with it, either would pass
    assert [t.answer[0][:8] for t in tasks] == ["90 days ", "180 days", "365 days"]
    assert report.heuristic_rejects == {"gold_share": 1, "figures_alike": 1}


def test_refusals_are_capped_at_their_share(tiny_org, temp_categories):
    refusal = [TaskDraft(query=f"Whose email is {n}?", reference=None,
                         reward_metric="privacy_rejection", protected_values=("x@y.com",))
               for n in range(6)]
    drafts = refusal + _distinct_kinds([f"Agent {n}" for n in range(10)])
    tasks, report = _build(tiny_org, temp_categories, "_test_refusals", drafts, per_category=10)
    assert sum(t.reward_metric == "privacy_rejection" for t in tasks) == 2
    assert report.heuristic_rejects == {"refusal_share": 4}


def test_a_category_the_budget_leaves_short_is_an_error_naming_it(tiny_org, temp_categories):
    temp_categories("_test_short", lambda ctx: iter(_distinct_kinds(["Agent X"] * 8)))
    with pytest.raises(ShortCategory, match=r"'_test_short' \(b2b\) has only 1 of 5 tasks .*"
                                            r"heuristic budget: gold_share 7"):
        build_task_set("b2b", per_category=5, categories=["_test_short"], base=tiny_org)


# --- heuristics against the real base orgs, computed another way -------------------------------

def _evidence(org, task):
    db, data = base_org(org, 42)
    view = open_view(db)
    ctx = GenContext(org=org, data=data, view=view, rng=category_rng(42, org, task.category),
                     count=20)
    return Evidence(task, execute_reference_steps(view, task), ctx, {}), data, view


@pytest.mark.parametrize("org", ORGS)
def test_top_issue_over_all_time_is_the_products_most_frequent_issue(org):
    task = next(t for t in load_task_set(org) if t.category == "top_issue_identification")
    evidence, data, view = _evidence(org, task)
    try:
        items = {oi["Id"]: oi["Product2Id"] for oi in data["OrderItem"]}
        product = task.query.split("product Id is ")[1].split(".")[0]
        counts = Counter(c["IssueId__c"] for c in data["Case"]
                         if items.get(c["OrderItemId__c"]) == product and c["IssueId__c"])
        best = max(counts.values())
        expected = min(i for i, n in counts.items() if n == best)  # the first row on a tie
        assert HEURISTICS["top_issue_identification"]["ignore_window"](evidence) == [[expected]]
    finally:
        view.close()


@pytest.mark.parametrize("org", ORGS)
def test_activity_priority_lazy_answers_drop_the_first_or_last_open_task(org):
    task = next(t for t in load_task_set(org) if t.category == "activity_priority")
    evidence, data, view = _evidence(org, task)
    try:
        opportunity = task.required_context.split("considered is: ")[1].strip()
        open_ids = sorted(t["Id"] for t in data["Task"]
                          if t.get("WhatId") == opportunity and t.get("Status") == "Not Started")
        lazy = HEURISTICS["activity_priority"]
        assert lazy["all_not_started"](evidence) == [open_ids]
        assert lazy["drop_first_id"](evidence) == [open_ids[1:]]
        assert lazy["drop_last_id"](evidence) == [open_ids[:-1]]
    finally:
        view.close()


# --- the committed sets hold the budget ----------------------------------------------------------

@pytest.mark.parametrize("org", ORGS)
def test_every_committed_task_is_one_the_budget_keeps(org):
    """Re-admitting each category's committed tasks in order, on the base org, the budget turns
    none down: no heuristic, prior or gold value passes more than its share of any category."""
    db, data = base_org(org, 42)
    with open_view(db) as view:
        for category, tasks in sorted(by_category(load_task_set(org)).items()):
            ctx = GenContext(org=org, data=data, view=view,
                             rng=category_rng(42, org, category), count=len(tasks))
            budget = HeuristicBudget(category, ctx)
            for task in tasks:
                results = execute_reference_steps(view, task) if task.reference else []
                assert budget.admit(task, results) is None, (task.id, budget.hits)
            assert max(budget.hits.values(), default=0) <= cap(len(tasks), HEURISTIC_SHARE)
