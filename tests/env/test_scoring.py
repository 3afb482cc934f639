"""The seven dimensions: weights, the correctness gate on every efficiency dimension, and the
documented formulas on hand-built metrics."""

from __future__ import annotations

import pytest

from env.metrics import EpisodeMetrics
from env.scoring import WEIGHTS, Dimension, overall, score_episode


def metrics(**overrides) -> EpisodeMetrics:
    base = dict(termination="submitted", submitted=True, steps=2, max_steps=20, reference_steps=1,
                optimal_steps=2, tool_calls=2, queries=1, failed_queries=0, describe_calls=0,
                format_errors=0, unknown_tool_calls=0, invalid_argument_errors=0, errors=0,
                errors_recovered=0, names_referenced=3, hallucinated_names=[],
                stale_name_errors=0, stale_name_errors_recovered=0, truncated_observations=0,
                tokens_in=900, tokens_out=60, agent_seconds=0.1, env_seconds=0.01,
                wall_seconds=0.2)
    base.update(overrides)
    return EpisodeMetrics(**base)


def test_weights_are_the_seeds_and_sum_to_100():
    assert [WEIGHTS[d] for d in Dimension] == [30, 20, 12, 12, 8, 10, 8]
    assert sum(WEIGHTS.values()) == 100


def test_a_clean_correct_episode_scores_100():
    s = score_episode(True, 1.0, metrics(), "none", 800)
    assert set(s.values()) == {100.0} and overall(s) == 100.0


@pytest.mark.parametrize("drift", ["none", "high"])
def test_wrong_or_missing_answers_earn_no_efficiency(drift):
    cheap = metrics(steps=1, queries=0, tool_calls=1, names_referenced=0, tokens_in=700,
                    tokens_out=10)
    s = score_episode(False, 0.0, cheap, drift, 700)
    assert set(s.values()) == {0.0} and overall(s) == 0.0


def test_efficiency_formulas():
    m = metrics(steps=8, optimal_steps=2, queries=4, failed_queries=2, reference_steps=1,
                errors=3, errors_recovered=2, names_referenced=5, hallucinated_names=["Case.X"],
                unknown_tool_calls=1, tokens_in=20_000, tokens_out=1_000)
    s = score_episode(True, 1.0, m, "none", 1_000)
    assert s["TRAJECTORY_EFFICIENCY"] == 25.0                       # 2 / 8
    assert s["QUERY_EFFICIENCY"] == round(100 * (2 / 4) * (1 - 0.5 * 2 / 4), 2)  # 37.5
    assert s["ERROR_RECOVERY"] == round(100 * 2 / 3, 2)
    assert s["HALLUCINATION_RATE"] == round(100 * (1 - 2 / 6), 2)
    assert s["TOKEN_EFFICIENCY"] == round(100 * (1_000 + 2_500 * 2) / 21_000, 2)
    assert s["FUNCTIONAL"] == 100.0 and s["DRIFT_ADAPTATION"] == 100.0


def test_fuzzy_reward_scales_functional():
    assert score_episode(True, 0.8, metrics(), "none", 800)["FUNCTIONAL"] == 80.0


@pytest.mark.parametrize("passed,k,r,expected", [
    (True, 0, 0, 100.0),    # adapted before failing
    (True, 1, 1, 100.0),
    (True, 3, 3, 80.0),     # 100 - 10 * 2 repeated stale names
    (True, 2, 1, 40.0),     # 50 - 10
    (False, 1, 1, 50.0),    # recovered but wrong: half
    (False, 0, 0, 0.0),     # no evidence of adaptation
    (False, 2, 0, 0.0),
])
def test_drift_adaptation_measures_recovery_from_stale_names(passed, k, r, expected):
    m = metrics(stale_name_errors=k, stale_name_errors_recovered=r, errors=k, errors_recovered=r)
    assert score_episode(passed, 1.0 if passed else 0.0, m, "medium", 800)["DRIFT_ADAPTATION"] \
        == expected
