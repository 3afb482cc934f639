"""Shared by monthly_trend_analysis and top_issue_identification: a product's cases in a period.

Underscore module: not a category itself.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from data.tasks.categories._service_metrics import context, persona, quoted, soql
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.periods import Period, random_period
from data.tasks.registry import GenContext, TaskDraft


def product_cases(ctx: GenContext) -> dict[str, list[Mapping[str, Any]]]:
    """Product Id -> its cases (through the case's order item), in creation order."""
    items = {oi["Id"]: oi["Product2Id"] for oi in ctx.data["OrderItem"]}
    out: dict[str, list[Mapping[str, Any]]] = {}
    for case in sorted(ctx.data["Case"], key=lambda c: c["CreatedDate"]):
        product = items.get(case["OrderItemId__c"])
        if product:
            out.setdefault(product, []).append(case)
    return out


def product_windows(ctx: GenContext, min_cases: int
                    ) -> Iterator[tuple[Mapping[str, Any], Period, dt.date,
                                        list[Mapping[str, Any]]]]:
    """(product, period, today, the product's cases in the period) with at least `min_cases`
    cases, in a random order: today is a few days to months after one of the product's cases."""
    rng: random.Random = ctx.rng
    products = {p["Id"]: p for p in ctx.data["Product2"]}
    by_product = product_cases(ctx)
    anchors = [(pid, c) for pid, cases in sorted(by_product.items()) for c in cases]
    for _ in range(ctx.count * 300):  # most draws fail the period or the minimum: draw many
        pid, case = rng.choice(anchors)
        today = min(case["CreatedDate"].date() + dt.timedelta(days=rng.randint(3, 120)),
                    dt.date(2024, 12, 31))
        period = random_period(rng, today, kinds=("months", "months", "quarters", "quarter",
                                                  "season"),
                               months=(3, 12), quarters=(2, 5))
        if not period.contains(case["CreatedDate"]):
            continue
        in_period = [c for c in by_product[pid] if period.contains(c["CreatedDate"])]
        if len(in_period) >= min_cases:
            yield products[pid], period, today, in_period


def rot_targets(rng: random.Random, product: Mapping[str, Any],
                cases: Sequence[Mapping[str, Any]], period: Period) -> tuple[RotTarget, ...]:
    chosen = rng.sample(cases, min(3, len(cases)))
    return (RotTarget(object="Product2", record_id=product["Id"]),
            *(RotTarget(object="Case", record_id=c["Id"], date_field="CreatedDate",
                        window_start=period.start, window_end=period.end) for c in chosen))


def mode(values: Iterable[Any]) -> set[Any]:
    """The most frequent values (several on a tie)."""
    counts = Counter(values)
    top = max(counts.values(), default=0)
    return {v for v, n in counts.items() if n == top}


#: The share of windows kept even though the product's whole history gives the same answer.
ALL_TIME_ALIKE_KEPT = 0.1


def product_case_tasks(ctx: GenContext, *, min_cases: int, fields: str, group_by: str | None,
                       queries: Sequence[str], derivation: str, policy: str,
                       signal: Callable[[Sequence[Mapping[str, Any]]], set[Any]]
                       ) -> Iterator[TaskDraft]:
    """One question per product window: the reference reads `fields` of the product's cases
    created in the period (grouped by `group_by`, if given); either category's own wording.
    `signal(cases)` is what the question is after in a set of cases (e.g. their most frequent
    issues): windows where the product's whole history shows the same are mostly skipped, so
    that ignoring the period rarely gives the answer."""
    rng = ctx.rng
    history = product_cases(ctx)
    for product, period, today, cases in product_windows(ctx, min_cases=min_cases):
        if signal(cases) & signal(history[product["Id"]]) \
                and rng.random() >= ALL_TIME_ALIKE_KEPT:
            continue
        query = (f"SELECT {fields} FROM Case WHERE OrderItemId__r.Product2Id = "
                 f"{quoted(product['Id'])} AND {period.soql_range('CreatedDate')}")
        if group_by:
            query += f" GROUP BY {group_by}"
        yield TaskDraft(
            query=rng.choice(queries).format(period=period.phrase, product=product["Name"],
                                             pid=product["Id"]),
            reference=ReferenceSolution(steps=(soql(query),), derivation=derivation),
            persona=persona(rng), required_context=context(policy, today), today=today,
            rot_targets=rot_targets(rng, product, cases, period))
