"""The report fixtures (tests/report/conftest.py) are what the report tests assume."""

from __future__ import annotations

from tests.helpers.report_assessments import TASK_LIMIT, read_results


def test_assessments_are_real_and_varied(assessments):
    oracle, careless = read_results(assessments["oracle"]), read_results(assessments["careless"])
    assert oracle.summary.total_tasks == careless.summary.total_tasks == TASK_LIMIT
    assert oracle.summary.pass_rate == 1.0
    assert careless.summary.pass_rate < 1.0
    assert len(careless.by_category) >= 4
    # the careless agent really met drift: stale names in its logs
    assert sum(t.metrics.stale_name_errors for t in careless.tasks) > 0
    levels = read_results(assessments["careless_levels"])
    assert set(levels.by_drift) == {"none", "high"} == set(levels.by_rot)
    assert levels.summary.total_tasks == 8
    hostile = read_results(assessments["hostile"])
    (episode,) = hostile.tasks
    assert episode.metrics.format_errors == 1 and episode.metrics.hallucinated_names
