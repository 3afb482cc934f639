"""handle_time: the agent with the lowest/highest average handle time in a period, among agents
that managed more than k of the period's cases (CRMArena-Pro's Handle Time Policy: transferred
cases have several 'Owner Assignment' history rows and get no handle time)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._service_metrics import (HANDLE_TIME_POLICY, CaseOwnership,
                                                     assignment_step, case_rot_targets,
                                                     closed_cases_step,
                                                     cases_in, first_case_day, context, managed_phrase, persona)
from data.tasks.model import ReferenceSolution
from data.tasks.periods import random_period, random_today
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
    for _ in range(ctx.count * 30):
        today = random_today(rng, first=first_case_day(ctx.data))
        period = random_period(rng, today, kinds=("months", "quarters", "quarter", "season"),
                               months=(4, 12), quarters=(2, 6))
        in_period = cases_in(ctx.data, period)
        if len(in_period) < 4:
            continue
        lowest = rng.random() < 0.5
        k = rng.choice((0, 0, 1, 1, 2))
        steps = (assignment_step(period), closed_cases_step(period))
        yield TaskDraft(
            query=rng.choice(QUERIES).format(
                period=period.phrase, extreme="lowest" if lowest else "highest",
                managed=managed_phrase(rng, k)),
            reference=ReferenceSolution(steps=steps, derivation="handle_time",
                                        params={"lowest": lowest, "min_managed_exclusive": k}),
            persona=persona(rng), required_context=context(HANDLE_TIME_POLICY, today),
            today=today, rot_targets=case_rot_targets(rng, in_period, period))
