"""Real assessments for the report tests, produced once per session with the in-process runner:
the oracle and the careless reference agents on the default b2b task set under medium drift and
rot, a careless run at several entropy levels merged into one folder (for the accuracy curve),
and a hostile agent whose every reply is HTML/JS injection (for escaping).

The `assessments` and `folder_copy` fixtures live in tests/report/conftest.py;
tests/report/test_report_fixtures.py checks they are what the report tests assume.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from data.tasks import load_task_set
from data.tasks.model import Task
from env.agents import make_agent
from env.config import AssessmentConfig
from env.results import Results, merge_folders
from env.runner import load_databases, run_assessment

TASK_LIMIT = 8

#: What the hostile agent writes: markup that would run script or load something if unescaped.
INJECTION = '<script>window.__pwned=1</script><img src="x" onerror="window.__pwned=2">'


class HostileSession:
    """Replies that try to break the page: a raw-text reply (format error), a query with a
    made-up field (hallucination) and markup in it, an answer that is pure markup."""

    def __init__(self) -> None:
        self._replies: list[Any] = [
            f"I think {INJECTION} is the answer",
            {"name": "soql_query",
             "arguments": {"query": f"SELECT Id, Bogus_Field__c FROM Account WHERE Name = "
                                    f"'{INJECTION}'"}},
            {"name": "describe", "arguments": {"object": "Account"}},
            {"name": "submit_answer", "arguments": {"answer": [INJECTION]}},
        ]

    async def act(self, message: str) -> Any:
        return self._replies.pop(0)

    async def close(self) -> None:
        return None


class HostileAgent:
    name = "hostile </title><script>alert(1)</script>"

    def session(self, task: Task, trial: int) -> HostileSession:
        return HostileSession()


def _hostile_task() -> Task:
    """A task that is in no task set and has no reference solution."""
    return Task(id="report-hostile-1", org="b2b", category=f"xss{INJECTION}",
                query=f"Which account is {INJECTION}?", required_context=INJECTION,
                reward_metric="exact_match", answer=("Acme",))


def make_assessments(root: Path) -> dict[str, Path]:
    config = AssessmentConfig(task_limit=TASK_LIMIT, drift_level="medium", rot_level="medium",
                              seed=1, concurrency=4)
    databases = load_databases(config)
    folders = {name: root / name for name in ("oracle", "careless", "careless_none",
                                              "careless_high", "careless_levels", "hostile")}

    async def run_all() -> None:
        await run_assessment(config, make_agent("oracle", drift="medium"), folders["oracle"],
                             databases=databases)
        careless = await run_assessment(config, make_agent("careless", drift="medium"),
                                        folders["careless"], databases=databases)
        # Disjoint tasks at two other levels, so merging keeps every episode of both.
        taken = {r.task_id for r in careless.tasks}
        by_category: dict[str, Task] = {}
        for t in load_task_set("b2b"):
            if t.id not in taken and t.reference is not None:
                by_category.setdefault(t.category, t)
        spare = sorted(by_category.values(), key=lambda t: t.id)[:8]
        for level, part in (("none", spare[:4]), ("high", spare[4:])):
            cfg = AssessmentConfig(task_ids=[t.id for t in part], drift_level=level,
                                   rot_level=level, seed=1, concurrency=4)
            await run_assessment(cfg, make_agent("careless", drift=level),
                                 folders[f"careless_{level}"], databases=databases)
        await run_assessment(AssessmentConfig(concurrency=1), HostileAgent(), folders["hostile"],
                             tasks=[_hostile_task()], databases=databases)

    asyncio.run(run_all())
    merge_folders([folders["careless_none"], folders["careless_high"]],
                  folders["careless_levels"])
    return folders


def read_results(folder: Path) -> Results:
    return Results.model_validate_json((folder / "results.json").read_text())
