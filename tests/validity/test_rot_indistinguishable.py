"""Distractor rows can't be told apart from base rows without the task's meaning (issue 14).

Over the verified rot of tasks of every category of both default orgs, a gradient-boosted
classifier sees only non-semantic signals of each distractor and of the base record it imitates
(Id rank and gaps, Id vs creation date and auto-number, date positions and times of day, name
tokens and affixes, email/phone/code shapes, how much its owner owns; tests/helpers/rot_audit.py)
and must not separate them: cross-validated ROC AUC <= 0.55 at every rot level (the issue's
goal). A failure names the signal families that leak; bench/rot_indistinguishable.py prints the
full table, per object with --objects.
"""

from __future__ import annotations

import pytest

from core.org_type import ORG_TYPES
from data.org.store import load_org, load_org_data
from data.tasks import load_task_set
from tests.helpers.rot_audit import BaseIndex, audit, rot_samples

pytest.importorskip("sklearn")

#: These tasks at seed 1 give 0.52, 0.50 and 0.52. The figure is deterministic, but a change
#: to the planner's draws alone moves it by about 0.015 either way: before chasing a failure,
#: bench/rot_indistinguishable.py --per-category 10 --seeds 3 gives the steadier figure (0.51,
#: 0.53 and 0.53; Ids drawn apart from the base org's gave 1.0).
GOAL = 0.55
#: Tasks per category and org: every category, a few minutes at most on two cores.
PER_CATEGORY = 3


@pytest.fixture(scope="module")
def orgs():
    out = {}
    for org in ORG_TYPES:
        db, data = load_org(org), load_org_data(org)
        seen: dict[str, int] = {}
        tasks = []
        for task in load_task_set(org):
            if task.rot_targets and seen.get(task.category, 0) < PER_CATEGORY:
                seen[task.category] = seen.get(task.category, 0) + 1
                tasks.append(task)
        out[org] = (db, BaseIndex(db.schema, data), tasks)
    yield out
    for db, _, _ in out.values():
        db.close()


@pytest.mark.slow
@pytest.mark.parametrize("level", ["low", "medium", "high"])
def test_a_classifier_cannot_tell_distractors_from_the_records_they_imitate(
        orgs, level, record_property) -> None:
    samples = [s for db, index, tasks in orgs.values()
               for s in rot_samples(db, index, tasks, level)]
    assert sum(s.label for s in samples) >= 200, "too few distractors to judge"
    report = audit(samples)
    record_property("rot_auc", round(report.overall, 3))
    families = ", ".join(f"{name} {auc:.3f}" for name, auc in
                         sorted(report.families.items(), key=lambda kv: -kv[1]))
    summary = f"rot {level}: AUC {report.overall:.3f} over {report.rows} rows; by signal: " \
        f"{families}"
    print(summary)
    assert report.overall <= GOAL, f"distractors separable: {summary}"
