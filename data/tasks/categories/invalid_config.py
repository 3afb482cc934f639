"""invalid_config: which knowledge article does a quote's setup (quantities, product mix, prices)
break? Same rules and candidates as quote_approval, on the other half of the quotes that break
exactly one rule."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._sales_common import derive_quote_violation, quote_rule_articles
from data.tasks.categories.quote_approval import quote_task, quotes_breaking
from data.tasks.registry import GenContext, TaskDraft, category, derivation

QUERIES = (
    "Is the product setup in this quotation, including elements like quantity and price, against "
    "company regulations?",
    "Is the product configuration (amount, cost, etc.) in this quote against company policy?",
    "Is the product setup, including quantity and price, in this quote against the company policy?",
    "Is the setup of the product in this quote, including amount and cost, against corporate "
    "policy?",
    "Is the product configuration in this quote against company policy?",
)
SUFFIX = " Return only the Id of the knowledge article that the invalid config violates. "
GUIDE = """## Invalid config guide.
Look for the relevant knowledge articles to justify the invalid config.

- Quote Id to be considered is: {quote}
"""


@derivation("invalid_config")
def derive_invalid_config(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [the quote's lines (with product family and list price), the policy articles]."""
    return derive_quote_violation(results)


@category("invalid_config", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    articles = quote_rule_articles(ctx.data)
    created = {q["Id"]: q["CreatedDate"] for q in ctx.data["Quote"]}
    breaking, _ = quotes_breaking(ctx, share=1)
    for quote_id in breaking:
        yield quote_task(rng, quote_id, created[quote_id], articles, "invalid_config", QUERIES,
                         SUFFIX, GUIDE)
