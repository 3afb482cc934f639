"""env.workers: an assessment's episodes in worker processes give the same results.json as in
one process, and a worker that cannot run an episode fails the assessment loudly."""

from __future__ import annotations

import functools
import json

import pytest

from env.agents import make_agent
from env.config import AssessmentConfig
from env.results import RESULTS_FILE
from env.runner import run_assessment
from env.workers import EpisodePool, WorkerError, default_workers

pytestmark = pytest.mark.slow  # starts Python processes that load the orgs


def _comparable(results: dict) -> dict:
    tasks = [{**t, "metrics": {k: v for k, v in t["metrics"].items()
                               if not k.endswith("_seconds")}} for t in results["tasks"]]
    return {**{k: v for k, v in results.items() if k != "timing"},
            "tasks": sorted(tasks, key=lambda t: (t["task_id"], t["trial"]))}


async def test_two_workers_give_the_same_results_as_one_process(tmp_path):
    config = AssessmentConfig(task_limit=12, org_type="both", drift_level="medium",
                              rot_level="medium", concurrency=6)
    alone = await run_assessment(config, make_agent("oracle"), tmp_path / "one")
    async with EpisodePool(2, functools.partial(make_agent, "oracle")) as pool:
        spread = await run_assessment(config, make_agent("oracle"), tmp_path / "two", pool=pool)
    assert spread.summary.total_passed == 12
    one, two = (json.loads((tmp_path / d / RESULTS_FILE).read_text()) for d in ("one", "two"))
    assert _comparable(one) == _comparable(two)
    # the workers wrote the logs where the runner expects them: resume and regrade see them
    assert len(list((tmp_path / "two" / "logs").glob("*.jsonl"))) == 12
    assert alone.summary.total_passed == 12


async def test_a_worker_that_cannot_make_its_agent_fails_loudly(tmp_path):
    config = AssessmentConfig(task_limit=2, concurrency=2)
    async with EpisodePool(1, functools.partial(make_agent, "no-such-agent")) as pool:
        with pytest.raises(ExceptionGroup) as info:
            await run_assessment(config, make_agent("oracle"), tmp_path, pool=pool)
    assert info.group_contains(WorkerError)


def test_default_is_half_the_cores_and_at_least_one():
    assert 1 <= default_workers() <= 8
