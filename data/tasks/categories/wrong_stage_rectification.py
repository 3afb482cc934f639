"""wrong_stage_rectification: from an opportunity's tasks, the stage it should be in and the tasks
that show it (or None when its StageName already fits). The stage the tasks describe is the one
most of its stage-specific tasks belong to under the activity priority guide.

Why the tasks are part of the answer: a label out of five is guessed right one time in five
whatever the agent reads; naming the tasks that make the case can only come from reading them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from data.org.plants._sales_text import stage_of_subject
from data.tasks.categories._sales_common import SALES_PERSONAS, day_after, quoted, shuffled, soql
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, category, derivation
from data.tasks.results import records, unique_best, value

QUERIES = (
    "Is the stage name accurately representing the tasks for this opportunity? If it is not, what "
    "should the appropriate stage name be?",
    "Is the current stage name appropriate for the tasks associated with this opportunity? If it "
    "isn't, what should the appropriate stage be?",
    "Is the current stage name accurately representing the tasks for this opportunity? If it "
    "isn't, what would be the appropriate stage name?",
    "Is the stage name accurately describing the tasks associated with this opportunity? If it's "
    "inaccurate, what should the correct stage name be?",
    "Is the stage name appropriate for the tasks in this opportunity? If it isn't, what stage "
    "should it be in?",
)
SUFFIX = (" Return the correct stage label among ('Qualification', 'Discovery', 'Quote', "
          "'Negotiation', 'Closed') followed by the Ids of the opportunity's tasks that belong to "
          "that stage; return None if the current stage name is correct.")


@derivation("wrong_stage_rectification")
def derive_wrong_stage(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [the opportunity (StageName), its tasks (Id, Subject)] -> the stage most of the
    stage-specific tasks belong to and those tasks' Ids, unless it is already the StageName."""
    opportunity = records(results[0])
    if len(opportunity) != 1:
        raise AmbiguousAnswer("opportunity not found")
    by_stage: dict[str, list[str]] = {}
    for task in records(results[1]):
        stage = stage_of_subject(value(task, "Subject"))
        if stage:
            by_stage.setdefault(stage, []).append(value(task, "Id"))
    best = unique_best({stage: len(ids) for stage, ids in by_stage.items()})
    if best is None:
        raise AmbiguousAnswer("no stage-specific tasks")
    return [] if best == value(opportunity[0], "StageName") else [best, *sorted(by_stage[best])]


def _one_story(tasks: Sequence[Mapping[str, Any]]) -> bool:
    """Tasks that tell one stage's story: most of them belong to a single stage."""
    counts: dict[str | None, int] = {}
    for t in tasks:
        stage = stage_of_subject(t.get("Subject"))
        counts[stage] = counts.get(stage, 0) + 1
    return max(counts.values()) * 2 > len(tasks)


def reference(opportunity_id: str) -> ReferenceSolution:
    return ReferenceSolution(steps=(
        soql(f"SELECT Id, Name, StageName FROM Opportunity WHERE Id = {quoted(opportunity_id)}"),
        soql("SELECT Id, Subject, Status, ActivityDate FROM Task WHERE WhatId = "
             f"{quoted(opportunity_id)}"),
    ), derivation="wrong_stage_rectification")


@category("wrong_stage_rectification", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    tasks: dict[str | None, list[Mapping[str, Any]]] = {}
    for task in ctx.data["Task"]:
        tasks.setdefault(task.get("WhatId"), []).append(task)
    opportunities = {o["Id"] for o in ctx.data["Opportunity"]}
    candidates = [oid for oid, ts in sorted(tasks.items(), key=lambda kv: str(kv[0]))
                  if oid in opportunities and len(ts) >= 3
                  and all(stage_of_subject(t.get("Subject")) for t in ts) and _one_story(ts)]
    for oid in shuffled(rng, candidates):
        ref = reference(oid)
        today = day_after(max(t["ActivityDate"] for t in tasks[oid]), rng, 1, 10)
        yield TaskDraft(
            query=rng.choice(QUERIES) + SUFFIX, reference=ref,
            persona=rng.choice(SALES_PERSONAS), today=today,
            required_context=f"- Opportunity Id to be considered is: {oid}",
            rot_targets=(RotTarget(object="Opportunity", record_id=oid),))
