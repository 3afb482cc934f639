"""transfer_count: the agent with the most/fewest transfers in a period, among agents that managed
more than k of the period's cases (CRMArena-Pro's Transfer Count Policy: a transfer from A to B
counts for A; transfers are the extra 'Owner Assignment' rows in CaseHistory__c)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._service_metrics import (
    TRANSFER_COUNT_POLICY,
    CaseOwnership,
    agent_metric_draft,
    agent_metric_periods,
    assignment_step,
)
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import unique_best


@derivation("transfer_count")
def derive_transfer_count(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: the period's Owner Assignment rows. params: lowest (bool), min_managed_exclusive
    (k). Agents without transfers count 0."""
    cases = CaseOwnership(results[0])
    transfers = cases.transfers()
    counts = {agent: transfers.get(agent, 0) for agent, n in cases.managed().items()
              if n > params["min_managed_exclusive"]}
    if not params["lowest"] and not any(counts.values()):
        return []  # nobody transferred anything: no agent has the most transfers
    best = unique_best(counts, highest=not params["lowest"])
    return [best] if best else []


QUERIES = (
    "Which agent had the {extreme} transfer count in {period} among those {managed}? "
    "Return only the Id of the agent.",
    "Identify the agent with the {extreme} number of transfers over {period}, considering only "
    "agents {managed}. Return only the Id of the agent.",
    "Find the agent {managed} who had the {extreme} number of case transfers in {period}. "
    "Return only the Id of the agent.",
    "In {period}, who was the agent with the {extreme} transfer count among agents {managed}? "
    "Return only the Id of the agent.",
)


@category("transfer_count", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    owners: dict[str, set[Any]] = {}  # case -> every agent it was assigned to
    transferred: set[str] = set()
    for h in ctx.data["CaseHistory__c"]:
        if h.get("Field__c") == "Owner Assignment":
            owners.setdefault(h["CaseId__c"], set()).add(h.get("NewValue__c"))
            if h.get("OldValue__c"):
                transferred.add(h["CaseId__c"])
    for today, period, in_period in agent_metric_periods(ctx):
        lowest = rng.random() < 0.25
        k = rng.choice((0, 1, 1, 2, 3)) if not lowest else rng.choice((2, 3, 4))
        managed = Counter(a for c in in_period for a in owners.get(c["Id"], ()))
        if lowest:
            answerable = any(n > k for n in managed.values())
        else:
            answerable = any(c["Id"] in transferred for c in in_period)
        if not answerable and rng.random() < 0.9:
            continue  # mostly skipped: a "None" question (nobody qualifies or transferred)
        yield agent_metric_draft(rng, QUERIES, today=today, period=period, in_period=in_period,
                                 lowest=lowest, k=k, steps=(assignment_step(period),),
                                 derivation="transfer_count", policy=TRANSFER_COUNT_POLICY)
