"""handle_time: the agent with the lowest/highest average handle time in a period, among agents
that managed more than k of the period's cases (CRMArena-Pro's Handle Time Policy: transferred
cases have several 'Owner Assignment' history rows and get no handle time)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._service_metrics import (
    HANDLE_TIME_POLICY,
    CaseOwnership,
    agent_metric_draft,
    agent_metric_periods,
    assignment_step,
    closed_cases_step,
)
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import unique_best

#: Averages closer than this are a tie (agents may compute in minutes).
MARGIN_SECONDS = 60.0


@derivation("handle_time")
def derive_handle_time(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: the period's Owner Assignment rows, its closed cases. params: lowest (bool),
    min_managed_exclusive (k: 'more than k cases')."""
    cases = CaseOwnership(results[0], results[1])
    managed = cases.managed()
    averages = {agent: sum(times) / len(times) for agent, times in cases.handle_times().items()
                if managed.get(agent, 0) > params["min_managed_exclusive"]}
    best = unique_best(averages, highest=not params["lowest"], margin=MARGIN_SECONDS)
    return [best] if best else []


QUERIES = (
    "In {period}, which agent had the {extreme} average handle time among those {managed}? "
    "Return only the Id of the agent.",
    "Identify the agent with the {extreme} average handle time in {period}, among agents "
    "{managed}. Return only the Id of the agent.",
    "Find the agent {managed} who had the {extreme} average case handle time in {period}. "
    "Return only the Id of the agent.",
    "Who had the {extreme} average handle time over {period} among agents {managed}? "
    "Return only the Id of the agent.",
)


@category("handle_time", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    for today, period, in_period in agent_metric_periods(ctx):
        lowest = rng.random() < 0.5
        k = rng.choice((0, 0, 1, 1, 2))
        yield agent_metric_draft(rng, QUERIES, today=today, period=period, in_period=in_period,
                                 lowest=lowest, k=k,
                                 steps=(assignment_step(period), closed_cases_step(period)),
                                 derivation="handle_time", policy=HANDLE_TIME_POLICY)
