"""top_issue_identification: the issue most often reported for a product in a period (its Id)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._product_cases import mode, product_case_tasks
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import aggregate, records, unique_best, value


@derivation("top_issue_identification")
def derive_top_issue(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: case counts per IssueId__c for the product in the period."""
    counts = {value(r, "IssueId__c"): aggregate(r, "n") for r in records(results[0])}
    counts.pop(None, None)
    best = unique_best(counts, highest=True)
    return [best] if best else []


QUERIES = (
    "What has been the most frequent problem {product} encountered over {period}? The "
    "associated product Id is {pid}. Return only the issue Id of the most reported issue for "
    "this product.",
    "What is the most frequently reported problem with {product} over {period}? The associated "
    "product Id is {pid}. Return only the issue Id of the most reported issue for this product.",
    "What was the most frequent problem with the {product} in {period}? The associated product "
    "Id is {pid}. Return only the issue Id of the most reported issue for this product.",
)


@category("top_issue_identification", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    yield from product_case_tasks(ctx, min_cases=2, fields="IssueId__c, COUNT(Id) n",
                                  group_by="IssueId__c", queries=QUERIES,
                                  derivation="top_issue_identification", policy="",
                                  signal=lambda cases: mode(c["IssueId__c"] for c in cases))
