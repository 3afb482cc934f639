"""Planter for activity_priority: opportunities whose 'Not Started' tasks mix their own stage's
activities with other stages' activities (subjects from the stage phrase bank).

Why replace the base tasks: their generic subjects ("Follow-up call") belong to no stage, so an
opportunity used for this task carries only planted tasks and the answer is fully determined.
"""

from __future__ import annotations

import datetime as dt

from data.org.builder import OrgBuilder
from data.org.plants._sales_planting import as_date, first_name, replace_tasks
from data.org.plants._sales_text import STAGE_TASK_SUBJECTS, STAGES, TASK_COMMENTS

PER_STAGE = 8


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("activity_priority")
    opportunities = sorted(builder.records("Opportunity"), key=lambda o: o["Id"])
    chosen: list[dict] = []
    for stage in STAGES:
        pool = [o for o in opportunities if o.get("StageName") == stage]
        chosen += rng.sample(pool, min(PER_STAGE, len(pool)))
    for opp in chosen:
        replace_tasks(builder, opp["Id"])
        stage = opp["StageName"]
        others = [s for s in STAGES if s != stage]
        plan: list[tuple[str, str]] = []  # (subject stage, status)
        plan += [(stage, "Not Started")] * rng.randint(1, 2)
        plan += [(rng.choice(others), "Not Started") for _ in range(rng.randint(3, 6))]
        plan += [(rng.choice(STAGES), rng.choice(("Completed", "In Progress", "Deferred")))
                 for _ in range(rng.randint(1, 2))]
        used: set[str] = set()
        created = as_date(opp["CreatedDate"])
        close = max(as_date(opp.get("CloseDate") or created), created + dt.timedelta(days=2))
        contact = first_name(builder, opp.get("ContactId"))
        for subject_stage, status in plan:
            choices = [s for s in STAGE_TASK_SUBJECTS[subject_stage] if s not in used]
            subject = rng.choice(choices)
            used.add(subject)
            due = created + dt.timedelta(days=rng.randint(1, (close - created).days + 20))
            builder.add("Task", Subject=subject,
                        Description=rng.choice(TASK_COMMENTS).format(contact=contact),
                        Status=status, Priority=rng.choice(("High", "Normal", "Normal", "Low")),
                        ActivityDate=due, OwnerId=opp["OwnerId"], WhatId=opp["Id"])
