"""monthly_trend_analysis: the month in a period with more cases for a product than every other
month (CRMArena-Pro: "a month where the number of cases reported are larger than all other
months"); "None" when no month stands out.

The answer is the month and its year ("March 2023"): a period of five quarters holds two
Marches, and a month name alone is one of twelve labels a guess gets right too often.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from data.tasks.categories._product_cases import mode, product_case_tasks
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import as_datetime, records, value

SIGNIFICANT = ("## Issue Significantly More Than Other Months\n- This means there is a month "
               "where the number of cases reported are larger than all other months.\n")


@derivation("monthly_trend_analysis")
def derive_monthly_trend(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: the product's cases in the period (CreatedDate). The month (name and year)
    whose count beats every other month's, else nothing ("None": no month stands out)."""
    counts: dict[tuple[int, int], int] = {}
    for case in records(results[0]):
        t = as_datetime(value(case, "CreatedDate"))
        if t is not None:
            counts[(t.year, t.month)] = counts.get((t.year, t.month), 0) + 1
    if not counts:
        return []
    ordered = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if len(ordered) > 1 and ordered[0][1] == ordered[1][1]:
        return []
    (year, month), _ = ordered[0]
    return [f"{calendar.month_name[month]} {year}"]


SUFFIX = " Return only the month and its year (e.g. March 2023)."
QUERIES = tuple(q + SUFFIX for q in (
    "Is there a particular month in {period} where the number of {product} cases significantly "
    "exceeds those of other months? The associated product Id is {pid}.",
    "Is there a specific month in {period} when the {product} cases were significantly higher "
    "compared to other months? The associated product Id is {pid}.",
    "In {period}, has there been any month where {product} received a significantly higher "
    "number of cases compared to others? The associated product Id is {pid}.",
))


@category("monthly_trend_analysis", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    yield from product_case_tasks(ctx, min_cases=3, fields="Id, CreatedDate", group_by=None,
                                  queries=QUERIES, derivation="monthly_trend_analysis",
                                  policy=SIGNIFICANT, signal=_busiest_months)


def _busiest_months(cases: Sequence[Mapping[str, Any]]) -> set[Any]:
    """The busiest months of `cases`, both as (year, month) and as a month name."""
    created = [c["CreatedDate"] for c in cases]
    return mode((t.year, t.month) for t in created) | mode(t.month for t in created)
