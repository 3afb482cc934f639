"""best_region_identification: the state (the account's shipping state) whose cases opened in a
period were closed quickest on average."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._service_metrics import (
    case_rot_targets,
    cases_in,
    context,
    first_case_day,
    persona,
    soql,
)
from data.tasks.model import ReferenceSolution
from data.tasks.periods import random_period, random_today
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import as_datetime, records, unique_best, value

MARGIN_SECONDS = 60.0

CLOSURE_POLICY = (
    "## Case Closure Time\n- Definition: the time from when a case is opened to when it is "
    "closed.\n- Consider the closed cases opened (created) within the period, and compare states "
    "by the average closure time of those cases, where a case's state is the shipping state of "
    "its account.\n")


@derivation("best_region_identification")
def derive_best_region(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: the period's closed cases with Account.ShippingState. The state with the lowest
    average closure time."""
    durations: dict[str, list[float]] = {}
    for case in records(results[0]):
        state = value(case, "Account.ShippingState")
        opened, closed = as_datetime(value(case, "CreatedDate")), as_datetime(
            value(case, "ClosedDate"))
        if state and opened and closed:
            durations.setdefault(state, []).append((closed - opened).total_seconds())
    averages = {s: sum(d) / len(d) for s, d in durations.items()}
    best = unique_best(averages, highest=False, margin=MARGIN_SECONDS)
    return [best] if best else []


QUERIES = (
    "Which states have the quickest case closures in {period}? Return only the two-letter "
    "abbreviation of the most matching state (eg. CA).",
    "In {period}, which states had the quickest case closures? Return only the two-letter "
    "abbreviation of the most matching state (eg. CA).",
    "Which states had the quickest case closure times over {period}? Return only the two-letter "
    "abbreviation of the most matching state (eg. CA).",
)


def one_case_decides(closed: list[dict[str, Any]], states: dict[Any, Any]) -> bool:
    """Whether the state of the period's single quickest closure also has the quickest average:
    a question a glance at one case answers."""
    times: dict[Any, list[float]] = {}
    for case in closed:
        state = states.get(case.get("AccountId"))
        if state:
            times.setdefault(state, []).append(
                (case["ClosedDate"] - case["CreatedDate"]).total_seconds())
    if len(times) < 2:
        return False
    single = min(times, key=lambda s: min(times[s]))
    return single == min(times, key=lambda s: sum(times[s]) / len(times[s]))


@category("best_region_identification", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    states = {a["Id"]: a.get("ShippingState") for a in ctx.data["Account"]}
    for _ in range(ctx.count * 60):
        today = random_today(rng, first=first_case_day(ctx.data))
        period = random_period(rng, today, months=(2, 9), quarters=(1, 4), weeks=(4, 10))
        closed = [c for c in cases_in(ctx.data, period) if c["ClosedDate"] is not None]
        if len(closed) < 2:
            continue
        if one_case_decides(closed, states) and rng.random() < 0.9:
            continue  # mostly skipped: the single quickest case names the answer
        step = soql(f"SELECT Id, CreatedDate, ClosedDate, Account.ShippingState FROM Case "
                    f"WHERE Status = 'Closed' AND {period.soql_range('CreatedDate')}")
        yield TaskDraft(
            query=rng.choice(QUERIES).format(period=period.phrase),
            reference=ReferenceSolution(steps=(step,), derivation="best_region_identification"),
            persona=persona(rng), required_context=context(CLOSURE_POLICY, today),
            today=today, rot_targets=case_rot_targets(rng, closed, period))
