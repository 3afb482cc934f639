"""sales_cycle_understanding: the agent with the quickest (or slowest) average sales cycle in a
period, under CRMArena-Pro's Sales Cycle Policy (days from the opportunity's creation date to the
company signed date of its contract; an opportunity counts in the period its contract was
company-signed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._sales_common import (
    SALES_PERSONAS,
    fits_observations,
    signed_deal_periods,
    signed_deal_rot_targets,
    signed_deals,
    soql,
)
from data.tasks.model import ReferenceSolution
from data.tasks.periods import DOMAIN_DETAILS, Period
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import as_datetime, records, unique_best, value

SALES_CYCLE_POLICY = """## Sales Cycle Policy
- Definition: The sales cycle is measured as the number of days between an opportunity's creation date and the company signed date on the corresponding contract. An opportunity belongs to the period in which its contract's company signed date falls."""  # noqa: E501 - the policy text the agent reads, one line per rule

QUICK = (
    "Determine the agent with the quickest average time to close opportunities in {period}. Return "
    "only the Id of the agent.",
    "Which agent had the shortest average sales cycle in {period}? Return only the Id of the "
    "agent.",
    "Who had the quickest average duration for transitioning opportunities from start to finish in "
    "{period}? Return only the Id of the agent.",
    "Find the agent with the fastest average time to close deals in {period}. Return only the Id "
    "of the agent.",
)
SLOW = (
    "Determine which agent had the highest average duration to close opportunities in {period}. "
    "Return only the Id of the agent.",
    "Who took the longest average time to move opportunities from opening to closing in {period}? "
    "Return only the Id of the agent.",
    "Find the agent with the longest average sales cycle in {period}. Return only the Id of the "
    "agent.",
)
#: Averages closer than this many days are a tie (an agent counting elapsed time instead of
#: calendar days must still rank the agents the same way).
MARGIN_DAYS = 0.5


@derivation("sales_cycle_understanding")
def derive_sales_cycle(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [opportunities whose contract was signed in the period, with CreatedDate and
    ContractID__r.CompanySignedDate]. params: slowest (bool)."""
    cycles: dict[str, list[int]] = {}
    for opp in records(results[0]):
        created = as_datetime(value(opp, "CreatedDate"))
        signed = as_datetime(value(opp, "ContractID__r.CompanySignedDate"))
        if created is None or signed is None:
            continue
        cycles.setdefault(value(opp, "OwnerId"), []).append((signed.date() - created.date()).days)
    averages = {owner: sum(days) / len(days) for owner, days in cycles.items()}
    best = unique_best(averages, highest=params["slowest"], margin=MARGIN_DAYS)
    return [best] if best else []


def reference(period: Period, slowest: bool) -> ReferenceSolution:
    query = ("SELECT Id, OwnerId, CreatedDate, ContractID__r.CompanySignedDate FROM Opportunity "
             "WHERE " + period.soql_date_range("ContractID__r.CompanySignedDate"))
    return ReferenceSolution(steps=(soql(query),), derivation="sales_cycle_understanding",
                             params={"slowest": slowest})


def one_deal_decides(deals: list[dict[str, Any]], signed: dict[str, Any], slowest: bool) -> bool:
    """Whether the owner of the period's single slowest (quickest) deal is also the owner with
    the slowest (quickest) average: a question a glance at one deal answers."""
    cycles: dict[Any, list[int]] = {}
    for opp in deals:
        days = (signed[opp["ContractID__c"]] - opp["CreatedDate"].date()).days
        cycles.setdefault(opp.get("OwnerId"), []).append(days)
    if len(cycles) < 2:
        return False
    pick = max if slowest else min
    single = pick(cycles, key=lambda owner: pick(cycles[owner]))
    average = pick(cycles, key=lambda owner: sum(cycles[owner]) / len(cycles[owner]))
    return single == average


@category("sales_cycle_understanding", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    opps, signed = signed_deals(ctx.data, "Opportunity", "ContractID__c")
    for today, period, in_period in signed_deal_periods(ctx, opps, "ContractID__c", signed):
        slowest = rng.random() < 0.4
        if one_deal_decides(in_period, signed, slowest) and rng.random() < 0.9:
            continue  # mostly skipped: the single longest (shortest) deal names the answer
        ref = reference(period, slowest)
        if not fits_observations(ctx, ref, today):
            continue
        query = rng.choice(SLOW if slowest else QUICK).format(period=period.phrase)
        yield TaskDraft(
            query=query, reference=ref, persona=rng.choice(SALES_PERSONAS),
            required_context=f"{SALES_CYCLE_POLICY}\n\n## Today's date: {today.isoformat()}\n\n"
                             f"{DOMAIN_DETAILS}",
            today=today,
            rot_targets=signed_deal_rot_targets(in_period, opps, "ContractID__c", signed, period))
