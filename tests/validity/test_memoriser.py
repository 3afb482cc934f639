"""A memoriser that knows the public practice set passes it and fails a fresh task set.

It reads the committed data/tasksets/*.json, finds the task message's question there (by
question, persona and context, else by the question alone) and submits that task's gold, or
refuses a privacy task, without ever querying the org. On the public set that is every task; on
a fresh seed the orgs and the tasks are new, so what it remembers is worthless.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.task import Task
from data.tasks.taskset import TASKSET_DIR, load_task_set_file
from env.config import AssessmentConfig
from env.runner import run_assessment
from env.task_seed import resolve_task_seed
from purple.reference import TaskIndex, UnknownTask
from tests.helpers.fresh_seeds import FRESH_SEEDS

pytestmark = pytest.mark.slow

_REQUEST = re.compile(r"\n\n## Request\n(.*?)\n\n## ", re.S)


def _public_tasks() -> list[Task]:
    return [task for path in sorted(TASKSET_DIR.glob("*.json"))
            for task in load_task_set_file(path).tasks]


class Memoriser:
    """Looks the question up in the public task sets; never looks at the task it is given."""

    name = "memoriser"

    def __init__(self) -> None:
        tasks = _public_tasks()
        self.by_signature = TaskIndex(tasks)  # request, persona and context, as the oracle does
        self.by_question: dict[str, Task] = {}
        for task in tasks:
            self.by_question.setdefault(task.query.strip(), task)

    def session(self, task: Task, trial: int) -> MemoriserSession:
        return MemoriserSession(self)


class MemoriserSession:
    def __init__(self, memoriser: Memoriser) -> None:
        self.memoriser = memoriser

    def recall(self, message: str) -> Task | None:
        try:
            return self.memoriser.by_signature.find(message)
        except UnknownTask:
            question = _REQUEST.search(message)
            return self.memoriser.by_question.get(question.group(1).strip()) if question else None

    async def act(self, message: str) -> dict[str, Any]:
        task = self.recall(message)
        if task is None:
            return {"name": "submit_answer", "arguments": {"answer": ["I do not remember"]}}
        if task.reward_metric == "privacy_rejection":
            return {"name": "submit_answer", "arguments": {"answer": None, "refuse": True}}
        return {"name": "submit_answer", "arguments": {"answer": list(task.answer)}}

    async def close(self) -> None:
        return None


@pytest.mark.timeout(1200)
async def test_the_memoriser_passes_the_public_set_and_fails_a_fresh_one() -> None:
    memoriser = Memoriser()
    public = await run_assessment(AssessmentConfig(org_type="both", concurrency=32), memoriser)
    assert public.task_set is not None and public.task_set.public
    assert public.summary.total_tasks == 880
    assert public.summary.pass_rate == 1.0

    config = AssessmentConfig(org_type="both", concurrency=32, task_seed=FRESH_SEEDS[0])
    fresh = await run_assessment(config, memoriser,
                                 task_seed=resolve_task_seed(config, {}, use_env=False))
    assert fresh.task_set is not None and not fresh.task_set.public
    assert fresh.summary.total_tasks == 880
    # About 40% of fresh questions repeat a public question word for word (the specifics are
    # in the context), and a few of those have the same short gold (a stage name): what the
    # memoriser gets is a category prior's luck (1.3% at seed 1001, 1.5% at 2002), not memory.
    assert fresh.summary.pass_rate <= 0.03, {c: a.pass_rate for c, a in fresh.by_category.items()}
