"""activity_priority: the 'Not Started' tasks of an opportunity that do not match its stage
under CRMArena-Pro's activity priority guide (a multi-Id answer).

A task's stage comes from its subject: planted subjects paraphrase the guide's examples, one
stage each (data/org/plants/_sales_text.py); a 'Not Started' subject that fits no stage makes
the draft ambiguous, so only opportunities with fully classifiable open tasks become tasks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from data.org.plants._sales_text import ACTIVITY_PRIORITY_GUIDE, stage_of_subject
from data.tasks.categories._sales_common import SALES_PERSONAS, day_after, quoted, shuffled, soql
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, category, derivation
from data.tasks.results import records, value

QUERIES = (
    "Choose 'Not Started' tasks that do not match the opportunity's stage for this opportunity. "
    "Return only the Id of the tasks.",
    "Choose tasks marked as 'Not Started' that do not match the opportunity's current stage. "
    "Return only the Id of the tasks.",
    "Identify tasks labeled 'Not Started' that do not match the current stage of the opportunity. "
    "Return only the Id of the tasks.",
    "Choose tasks labeled as 'Not Started' that do not correspond with the opportunity's stage. "
    "Return only the Id of the tasks.",
    "For this opportunity, choose tasks marked as 'Not Started' that do not match the "
    "opportunity's stage. Return only the Id of the tasks.",
)


@derivation("activity_priority")
def derive_activity_priority(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [the opportunity (StageName), its 'Not Started' tasks (Subject)]."""
    opportunity = records(results[0])
    if len(opportunity) != 1:
        raise AmbiguousAnswer("opportunity not found")
    stage = value(opportunity[0], "StageName")
    mismatched = []
    for task in records(results[1]):
        task_stage = stage_of_subject(value(task, "Subject"))
        if task_stage is None:
            raise AmbiguousAnswer(f"task subject fits no stage: {value(task, 'Subject')!r}")
        if task_stage != stage:
            mismatched.append(value(task, "Id"))
    return sorted(mismatched)


def reference(opportunity_id: str) -> ReferenceSolution:
    return ReferenceSolution(steps=(
        soql(f"SELECT Id, Name, StageName FROM Opportunity WHERE Id = {quoted(opportunity_id)}"),
        soql(f"SELECT Id, Subject, Status FROM Task WHERE WhatId = {quoted(opportunity_id)} "
             "AND Status = 'Not Started'"),
    ), derivation="activity_priority")


@category("activity_priority", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    open_tasks: dict[str | None, list[Mapping[str, Any]]] = {}
    for task in ctx.data["Task"]:
        if task.get("Status") == "Not Started":
            open_tasks.setdefault(task.get("WhatId"), []).append(task)
    stages = {o["Id"]: o.get("StageName") for o in ctx.data["Opportunity"]}
    created = {o["Id"]: o["CreatedDate"] for o in ctx.data["Opportunity"]}
    candidates = [oid for oid, tasks in sorted(open_tasks.items(), key=lambda kv: str(kv[0]))
                  if oid in stages and all(stage_of_subject(t.get("Subject")) for t in tasks)
                  and any(stage_of_subject(t.get("Subject")) != stages[oid] for t in tasks)
                  and any(stage_of_subject(t.get("Subject")) == stages[oid] for t in tasks)]
    for oid in shuffled(rng, candidates):
        ref = reference(oid)
        today = day_after(created[oid], rng, 3, 30)
        yield TaskDraft(
            query=rng.choice(QUERIES), reference=ref,
            persona=rng.choice(SALES_PERSONAS), today=today,
            required_context=f"{ACTIVITY_PRIORITY_GUIDE}\n- Opportunity Id to be considered is: "
                             f"{oid}\n",
            rot_targets=(RotTarget(object="Opportunity", record_id=oid),)
            + tuple(RotTarget(object="Task", record_id=t["Id"]) for t in open_tasks[oid][:3]))
