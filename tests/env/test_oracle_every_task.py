"""The whole default task set under the strongest entropy: drift and rot `high` on both orgs.

The oracle replays each reference solution through the real tool layer on the drifted, rotted
org, learning the renames through describe. Every task passing proves, for every task, that drift
is adaptable and that rot left the gold answer unchanged (the oracle's answer *is* the reference
solution's answer on the rotted org). tests/test_entropy_real_org.py checks the gold directly at
every level on a sample; CRMARENA_ENTROPY_TASKS_PER_CATEGORY=0 widens that to every task.
"""

from __future__ import annotations

import pytest

from env.agents import make_agent
from env.config import AssessmentConfig
from env.runner import run_assessment


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_oracle_passes_every_default_task_at_high_drift_and_rot() -> None:
    config = AssessmentConfig(org_type="both", drift_level="high", rot_level="high",
                              concurrency=8)
    results = await run_assessment(config, make_agent("oracle"), None)
    failed = [(r.task_id, r.answer, r.gold, r.reason) for r in results.tasks if not r.passed]
    assert results.summary.total_tasks == 880
    assert failed == []
    assert results.summary.environment_errors == 0
    assert results.dimension_averages["FUNCTIONAL"] == 100.0
