"""sales_amount_understanding: the agent with the highest (or lowest) total sales amount in a
period, under CRMArena-Pro's Sales Amount Policy (order amount = sum of Quantity * UnitPrice of
its items; an order counts when the contract it fulfils was company-signed in the period; it
counts for the agent who owns the order)."""

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
from data.tasks.results import records, unique_best, value

SALES_AMOUNT_POLICY = """## Sales Amount Policy
- Definition: The sales amount for an order is calculated as the product of the quantity and the unit price from the Order object (Quantity * UnitPrice). An opportunity is eligible if its associated contract has a company signed date that falls within the time interval of interest. An order counts toward the agent who owns it when the contract it fulfils is eligible."""  # noqa: E501 - the policy text the agent reads, one line per rule

HIGH = (
    "Identify the agent who achieved the top sales figures for orders in {period}. Return only the "
    "Id of the agent.",
    "Which agent achieved the highest total sales amount in {period}? Return only the Id of the "
    "agent.",
    "Who was the top-selling agent by total sales amount in {period}? Return only the Id of the "
    "agent.",
    "Which agent recorded the greatest sales total in {period}? Return only the Id of the agent.",
)
LOW = (
    "Determine which agent had the smallest amount of sales in {period}. Return only the Id of the "
    "agent.",
    "Find the agent who had the lowest total sales amount in {period}. Return only the Id of the "
    "agent.",
)
#: Totals closer than a cent are a tie.
MARGIN = 0.005


@derivation("sales_amount_understanding")
def derive_sales_amount(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [eligible orders (OwnerId) with their items (Quantity, UnitPrice)].
    params: lowest (bool)."""
    totals: dict[str, float] = {}
    for order in records(results[0]):
        owner = value(order, "OwnerId")
        amount = sum(float(value(item, "Quantity") or 0) * float(value(item, "UnitPrice") or 0)
                     for item in records(value(order, "OrderItems") or []))
        totals[owner] = totals.get(owner, 0.0) + amount
    best = unique_best(totals, highest=not params["lowest"], margin=MARGIN)
    return [best] if best else []


def reference(period: Period, lowest: bool) -> ReferenceSolution:
    query = ("SELECT Id, OwnerId, (SELECT Quantity, UnitPrice FROM OrderItems) FROM Order WHERE "
             + period.soql_date_range("Contract.CompanySignedDate"))
    return ReferenceSolution(steps=(soql(query),), derivation="sales_amount_understanding",
                             params={"lowest": lowest})


@category("sales_amount_understanding", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    orders, signed = signed_deals(ctx.data, "Order", "ContractId")
    for today, period, in_period in signed_deal_periods(ctx, orders, "ContractId", signed):
        lowest = rng.random() < 0.3
        ref = reference(period, lowest)
        if not fits_observations(ctx, ref, today):
            continue
        query = rng.choice(LOW if lowest else HIGH).format(period=period.phrase)
        yield TaskDraft(
            query=query[0].upper() + query[1:], reference=ref,
            persona=rng.choice(SALES_PERSONAS),
            required_context=f"{SALES_AMOUNT_POLICY}\n\n- Today's date: {today.isoformat()}\n\n"
                             f"{DOMAIN_DETAILS}",
            today=today,
            rot_targets=signed_deal_rot_targets(in_period, orders, "ContractId", signed, period))
