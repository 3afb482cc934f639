"""quote_approval: does a quote's price and configuration comply with the policy articles? The
answer is the one article the quote breaks (None when it breaks none). Thresholds come from the
articles' text; the candidates are every published article that states a quote rule.

Quotes breaking any of the rules are asked about (the question names price and configuration
alike, as CRMArena-Pro's does), so no article is the answer of more than a few tasks; each such
quote is asked about here or in invalid_config, never in both."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from itertools import zip_longest
from typing import Any

from data.org.plants._sales_text import CONFIG_POLICIES, PRICING_POLICIES
from data.tasks.categories._sales_common import (
    ARTICLES_QUERY,
    QUOTE_LINES_QUERY,
    SALES_PERSONAS,
    day_after,
    derive_quote_violation,
    id_list,
    lines_from_data,
    quote_breaks,
    quote_rule_articles,
    quote_rules_from_data,
    quoted,
    shuffled,
    soql,
)
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import GenContext, TaskDraft, category, derivation

QUERIES = (
    "Does the cost and setup of this quote comply with our company policy? If it doesn't, which "
    "knowledge article is it in conflict with?",
    "Does this quote's price and configuration adhere to company policy? If there is a violation, "
    "which knowledge article is it against?",
    "Does the price and configuration in this quote comply with company policy? If it doesn't, "
    "which knowledge article is it breaching?",
    "Does this quote comply with the company's price and configuration policy? If not, which "
    "knowledge article does it breach?",
)
SUFFIX = (" Return only the Id of the knowledge article that the quote violates. If no violation "
          "is found, return None.")
GUIDE = """## Quote approval guide.
Look for relevant knowledge articles to justify the quote approval.

- Quote Id to be considered is: {quote}
"""


@derivation("quote_approval")
def derive_quote_approval(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [the quote's lines (with product family and list price), the policy articles]."""
    return derive_quote_violation(results)


def quote_task(rng: random.Random, quote_id: str, created: Any, articles: list[str],
               derivation_name: str, queries: Sequence[str], suffix: str,
               guide: str) -> TaskDraft:
    """The task about one quote, shared with invalid_config: read the quote's lines and the rule
    articles; either category's own wording and guide."""
    ref = ReferenceSolution(steps=(
        soql(QUOTE_LINES_QUERY.format(quote=quoted(quote_id))),
        soql(ARTICLES_QUERY.format(ids=id_list(articles))),
    ), derivation=derivation_name)
    today = day_after(created, rng, 1, 5)
    return TaskDraft(
        query=rng.choice(queries) + suffix, reference=ref,
        persona=rng.choice(SALES_PERSONAS), required_context=guide.format(quote=quote_id),
        today=today,
        rot_targets=(RotTarget(object="Quote", record_id=quote_id),)
        + tuple(RotTarget(object="Knowledge__kav", record_id=a) for a in articles))


#: Every quote rule: both quote categories ask about quotes breaking any of them.
QUOTE_POLICIES = PRICING_POLICIES + CONFIG_POLICIES


def quotes_breaking(ctx: GenContext, share: int) -> tuple[list[str], list[str]]:
    """(quotes breaking exactly one rule, round-robin over the rules so every rule is asked
    about; quotes breaking none). `share` (0 or 1) picks every other quote of each rule in Id
    order, so the two quote categories never ask about the same quote. Candidates only: the
    gold comes from the reference solution."""
    rules = quote_rules_from_data(ctx.data)
    by_kind: dict[str, list[str]] = {kind: [] for kind in QUOTE_POLICIES}
    none = []
    for quote_id, lines in sorted(lines_from_data(ctx.data).items()):
        broken = [kind for kind, (_, numbers) in rules.items()
                  if quote_breaks(kind, numbers, lines)]
        if not broken:
            none.append(quote_id)
        elif len(broken) == 1 and broken[0] in by_kind:
            by_kind[broken[0]].append(quote_id)
    queues = [shuffled(ctx.rng, by_kind[kind][share::2]) for kind in QUOTE_POLICIES]
    one = [q for row in zip_longest(*queues) for q in row if q is not None]
    return one, none


@category("quote_approval", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    articles = quote_rule_articles(ctx.data)
    created = {q["Id"]: q["CreatedDate"] for q in ctx.data["Quote"]}
    breaking, compliant = quotes_breaking(ctx, share=0)
    picks = list(breaking)
    if compliant:
        picks.insert(rng.randint(0, min(len(picks), ctx.count - 1)), rng.choice(compliant))
    for quote_id in picks:
        yield quote_task(rng, quote_id, created[quote_id], articles, "quote_approval", QUERIES,
                         SUFFIX, GUIDE)
