"""The seven scoring dimensions, each 0-100, computed from an episode's grade and metrics.

Let g = 1 if the answer passed grading, else 0. Every dimension except FUNCTIONAL is multiplied
by g: efficiency is only earned by an episode that got the answer right, so doing nothing (or
refusing everything) never scores well.

- FUNCTIONAL (30) = 100 * reward when passed, else 0 (reward is 1 for exact/privacy matches,
  the token F1 for fuzzy matches).
- DRIFT_ADAPTATION (20): with no drift in the episode, or with drift but no stale-name error,
  = 100 * g (adapting before failing is the best adaptation; only a right answer proves it).
  With k > 0 stale-name errors (calls that used a name drift renamed), r of them recovered
  (a later successful query on the same object):
  = max(0, 100 * r / k - 10 * (k - 1)) * (1 if passed else 0.5),
  so recovering from real drift errors earns credit even when the final answer is wrong
  (half), and repeating stale names costs 10 points each.
- TOKEN_EFFICIENCY (12) = 100 * g * min(1, B / T), T = tokens in + out over the episode,
  B = task message tokens + 2,500 per optimal step.
- QUERY_EFFICIENCY (12) = 100 * g * min(1, (R + 1) / Q) * (1 - 0.5 * F / Q), Q = SOQL/SOSL
  queries issued, F = failed ones, R = tool calls in the reference solution (Q = 0 gives
  100 * g: nothing wasted).
- ERROR_RECOVERY (8) = 100 * g * (recovered errors / errors), or 100 * g with no errors; errors
  are format errors, unknown tools, invalid arguments and Salesforce errors.
- TRAJECTORY_EFFICIENCY (10) = 100 * g * min(1, optimal steps / steps used).
- HALLUCINATION_RATE (8) = 100 * g * (1 - h / n), h = distinct hallucinated names + unknown tool
  calls, n = distinct names referenced + unknown tool calls (n = 0 gives 100 * g).

The overall score is the weighted mean sum(w * s) / 100 with the weights above.
"""

from __future__ import annotations

from enum import StrEnum

from env.metrics import EpisodeMetrics


class Dimension(StrEnum):
    FUNCTIONAL = "FUNCTIONAL"
    DRIFT_ADAPTATION = "DRIFT_ADAPTATION"
    TOKEN_EFFICIENCY = "TOKEN_EFFICIENCY"
    QUERY_EFFICIENCY = "QUERY_EFFICIENCY"
    ERROR_RECOVERY = "ERROR_RECOVERY"
    TRAJECTORY_EFFICIENCY = "TRAJECTORY_EFFICIENCY"
    HALLUCINATION_RATE = "HALLUCINATION_RATE"


WEIGHTS: dict[Dimension, int] = {
    Dimension.FUNCTIONAL: 30,
    Dimension.DRIFT_ADAPTATION: 20,
    Dimension.TOKEN_EFFICIENCY: 12,
    Dimension.QUERY_EFFICIENCY: 12,
    Dimension.ERROR_RECOVERY: 8,
    Dimension.TRAJECTORY_EFFICIENCY: 10,
    Dimension.HALLUCINATION_RATE: 8,
}
TOKENS_PER_OPTIMAL_STEP = 2_500
STALE_REPEAT_PENALTY = 10.0


def score_episode(passed: bool, reward: float, metrics: EpisodeMetrics, drift: str,
                  task_message_tokens: int) -> dict[str, float]:
    """The seven dimension scores (0-100, rounded to 2 decimals)."""
    g = 1.0 if passed else 0.0
    m = metrics
    scores = {
        Dimension.FUNCTIONAL: 100.0 * reward * g,
        Dimension.DRIFT_ADAPTATION: _drift_adaptation(passed, m, drift),
        Dimension.TOKEN_EFFICIENCY: 100.0 * g * _ratio(
            task_message_tokens + TOKENS_PER_OPTIMAL_STEP * m.optimal_steps,
            m.tokens_in + m.tokens_out),
        Dimension.QUERY_EFFICIENCY: 100.0 * g * (
            1.0 if m.queries == 0 else
            _ratio(_reference_queries(m) + 1, m.queries)
            * (1 - 0.5 * m.failed_queries / m.queries)),
        Dimension.ERROR_RECOVERY: 100.0 * g * (m.errors_recovered / m.errors if m.errors else 1.0),
        Dimension.TRAJECTORY_EFFICIENCY: 100.0 * g * _ratio(m.optimal_steps, max(m.steps, 1)),
        Dimension.HALLUCINATION_RATE: 100.0 * g * _hallucination_free(m),
    }
    return {d.value: round(max(0.0, min(100.0, s)), 2) for d, s in scores.items()}


def overall(scores: dict[str, float]) -> float:
    """Weighted mean of the seven dimensions (0-100)."""
    return round(sum(WEIGHTS[Dimension(d)] * s for d, s in scores.items()) / 100.0, 2)


def _ratio(budget: float, used: float) -> float:
    return 1.0 if used <= 0 else min(1.0, budget / used)


def _reference_queries(m: EpisodeMetrics) -> int:
    return m.reference_steps


def _drift_adaptation(passed: bool, m: EpisodeMetrics, drift: str) -> float:
    if drift == "none" or m.stale_name_errors == 0:
        return 100.0 if passed else 0.0
    k, r = m.stale_name_errors, m.stale_name_errors_recovered
    base = max(0.0, 100.0 * r / k - STALE_REPEAT_PENALTY * (k - 1))
    return base * (1.0 if passed else 0.5)


def _hallucination_free(m: EpisodeMetrics) -> float:
    n = m.names_referenced + m.unknown_tool_calls
    return 1.0 if n == 0 else 1.0 - m.hallucinations / n
