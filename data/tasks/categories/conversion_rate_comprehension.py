"""conversion_rate_comprehension: the agent (lead owner) with the highest/lowest lead conversion
rate in a period (CRMArena-Pro's Conversion Rate Policy), among agents with at least n leads
created in the period (so a single lucky lead does not decide it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._service_metrics import context, persona, soql
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.periods import random_period, random_today
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import aggregate, records, unique_best, value

CONVERSION_POLICY = (
    "## Conversion Rate Policy\n- Definition: The conversion rate is calculated as the ratio of "
    "converted leads to total leads within a specific time period.\n- Calculation Method: For "
    "leads created within a specific date range, count how many were converted within that same "
    "time window.\n- Formula: Conversion Rate = (Number of Converted Leads / Total Leads) × 100%\n"
    "- Comparison: When comparing agents, the one with the highest conversion rate is considered "
    "most effective at converting leads.\n- An agent's leads are the leads it owns.\n")


@derivation("conversion_rate_comprehension")
def derive_conversion_rate(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: leads created in the period per owner; of those, the ones converted within the
    period per owner. params: lowest, min_leads."""
    totals = {value(r, "OwnerId"): aggregate(r, "n") for r in records(results[0])}
    converted = {value(r, "OwnerId"): aggregate(r, "n") for r in records(results[1])}
    rates = {owner: converted.get(owner, 0) / n for owner, n in totals.items()
             if owner and n >= params["min_leads"]}
    best = unique_best(rates, highest=not params["lowest"], margin=1e-9)
    return [best] if best else []


QUERIES = (
    "Which agent had the {extreme} lead conversion rate in {period}{among}? Return only the Id "
    "of the agent.",
    "Who had the {extreme} lead conversion rate among agents over {period}{among2}? Return only "
    "the Id of the agent.",
    "Which agent achieved the {extreme} lead conversion rate in {period}{among}? Return only the "
    "Id of the agent.",
)


@category("conversion_rate_comprehension", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    leads = ctx.data["Lead"]
    for _ in range(ctx.count * 30):
        today = random_today(rng, first=dt.date(2020, 12, 1))
        period = random_period(rng, today, kinds=("months", "quarters", "quarter", "season"),
                               months=(4, 12), quarters=(2, 6))
        in_period = [lead for lead in leads if period.contains(lead["CreatedDate"])]
        if len(in_period) < 5:
            continue
        lowest = rng.random() < 0.4
        min_leads = rng.choice((2, 3, 3, 4, 5))
        among = f" among agents with at least {min_leads} leads created in that period"
        steps = (
            soql(f"SELECT OwnerId, COUNT(Id) n FROM Lead WHERE {period.soql_range('CreatedDate')}"
                 f" GROUP BY OwnerId"),
            soql(f"SELECT OwnerId, COUNT(Id) n FROM Lead WHERE {period.soql_range('CreatedDate')}"
                 f" AND IsConverted = true AND {period.soql_date_range('ConvertedDate')}"
                 f" GROUP BY OwnerId"),
        )
        yield TaskDraft(
            query=rng.choice(QUERIES).format(extreme="lowest" if lowest else "highest",
                                             period=period.phrase, among=among,
                                             among2=f" (counting only agents with at least "
                                                    f"{min_leads} leads created in that period)"),
            reference=ReferenceSolution(
                steps=steps, derivation="conversion_rate_comprehension",
                params={"lowest": lowest, "min_leads": min_leads}),
            persona=persona(rng), required_context=context(CONVERSION_POLICY, today),
            today=today,
            rot_targets=tuple(RotTarget(object="Lead", record_id=lead["Id"],
                                        date_field="CreatedDate", window_start=period.start,
                                        window_end=period.end)
                              for lead in rng.sample(in_period, min(4, len(in_period)))))
