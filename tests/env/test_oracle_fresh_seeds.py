"""The oracle on fresh task sets: every task of both orgs of two fresh seeds, at drift and rot
`high`. A fresh seed is a new org and new tasks, gold answers derived on it and rot verified
against them per episode; the oracle passing every one proves all of that held for seeds no one
has seen (the committed set has its own test, test_oracle_every_task.py)."""

from __future__ import annotations

import pytest

from env.agents import make_agent
from env.config import AssessmentConfig
from env.log import EpisodeLog
from env.runner import run_assessment
from env.task_seed import resolve_task_seed
from tests.helpers.fresh_seeds import FRESH_SEEDS


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("seed", FRESH_SEEDS)
async def test_oracle_passes_every_task_of_a_fresh_seed_at_high_drift_and_rot(
        seed, tmp_path) -> None:
    config = AssessmentConfig(org_type="both", drift_level="high", rot_level="high",
                              concurrency=8, task_seed=seed)
    task_seed = resolve_task_seed(config, {}, use_env=False)
    results = await run_assessment(config, make_agent("oracle", "high"), tmp_path,
                                   task_seed=task_seed)
    # with the errors the oracle met (a QUERY_TIMEOUT on a starved machine makes it answer None)
    failed = [(r.task_id, r.answer, r.gold, r.reason,
               [t.error_code for t in EpisodeLog.read(tmp_path / r.log_file).turns
                if t.error_code] if r.log_file else None)
              for r in results.tasks if not r.passed]
    assert results.task_set is not None and not results.task_set.public
    assert results.summary.total_tasks == 880
    assert failed == []
    assert results.summary.environment_errors == 0
    assert results.dimension_averages["FUNCTIONAL"] == 100.0
