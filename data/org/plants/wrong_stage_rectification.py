"""Planter for wrong_stage_rectification: opportunities whose tasks all describe one stage's
activities while the StageName says another (a few keep the right stage: "None" tasks).

The true stage is the one most of the opportunity's tasks belong to under the activity priority
guide; one completed task of the previous stage may remain as history, and one task of the next
stage may already be planned (due last), never a plurality: the latest task does not give the
answer away.
"""

from __future__ import annotations

import datetime as dt

from data.org.builder import OrgBuilder
from data.org.plants._sales_planting import as_date, first_name, replace_tasks, tasks_by_what
from data.org.plants._sales_text import STAGE_TASK_SUBJECTS, STAGES, TASK_COMMENTS, stage_of_subject

COUNT = 50
CORRECT_STAGE_COUNT = 3
PROBABILITY = {"Qualification": 10.0, "Discovery": 25.0, "Quote": 50.0, "Negotiation": 75.0,
               "Closed": 0.0}


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("wrong_stage_rectification")
    tasks = tasks_by_what(builder)
    pool = [o for o in sorted(builder.records("Opportunity"), key=lambda o: o["Id"])
            if not o.get("ContractID__c")  # won deals keep their contract history intact
            and not any(stage_of_subject(t.get("Subject")) for t in tasks.get(o["Id"], ()))]
    chosen = rng.sample(pool, min(COUNT, len(pool)))
    for n, opp in enumerate(chosen):
        replace_tasks(builder, opp["Id"])
        true_stage = STAGES[n % len(STAGES)]
        shown = true_stage if n < CORRECT_STAGE_COUNT else rng.choice(
            [s for s in STAGES if s != true_stage])
        opp["StageName"] = shown
        opp["Probability"] = PROBABILITY[shown]
        index = STAGES.index(true_stage)
        plan = [(true_stage, status) for status in rng.sample(
            ["Completed", "Completed", "In Progress", "In Progress", "Not Started"],
            rng.randint(3, 5))]
        if index > 0 and rng.random() < 0.5:
            plan.append((STAGES[index - 1], "Completed"))
        true_count = sum(s == true_stage for s, _ in plan)
        room = [n for n in (1, 2) if 2 * true_count > len(plan) + n]
        if index + 1 < len(STAGES) and room and rng.random() < 0.85:
            plan += [(STAGES[index + 1], "Not Started")] * rng.choice(room)
        created = as_date(opp["CreatedDate"])
        close = max(as_date(opp.get("CloseDate") or created), created + dt.timedelta(days=2))
        contact = first_name(builder, opp.get("ContactId"))
        used: set[str] = set()
        span = (close - created).days + 10
        for stage, status in plan:
            subject = rng.choice([s for s in STAGE_TASK_SUBJECTS[stage] if s not in used])
            used.add(subject)
            planned = index + 1 < len(STAGES) and stage == STAGES[index + 1]
            due = created + dt.timedelta(days=span + rng.randint(1, 14) if planned
                                         else rng.randint(1, span))
            builder.add("Task", Subject=subject,
                        Description=rng.choice(TASK_COMMENTS).format(contact=contact),
                        Status=status, Priority=rng.choice(("High", "Normal", "Low")),
                        ActivityDate=due, OwnerId=opp["OwnerId"], WhatId=opp["Id"])
