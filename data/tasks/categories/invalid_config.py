"""invalid_config: which knowledge article does a quote's product configuration (quantities,
product mix) break? Same rules and candidates as quote_approval, on quotes that break exactly one
configuration rule."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.org.plants._sales_text import CONFIG_POLICIES
from data.tasks.categories._sales_common import (SALES_PERSONAS, day_after,
                                                 derive_quote_violation, quote_rule_articles)
from data.tasks.categories.quote_approval import quote_reference, quotes_breaking
from data.tasks.model import RotTarget
from data.tasks.registry import GenContext, TaskDraft, category, derivation

QUERIES = (
    "Is the product setup in this quotation, including elements like quantity and price, against company regulations?",
    "Is the product configuration (amount, cost, etc.) in this quote against company policy?",
    "Is the product setup, including quantity and price, in this quote against the company policy?",
    "Is the setup of the product in this quote, including amount and cost, against corporate policy?",
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
    breaking, _ = quotes_breaking(ctx, CONFIG_POLICIES)
    for quote_id in breaking:
        ref = quote_reference(quote_id, articles, "invalid_config")
        today = day_after(created[quote_id], rng, 1, 5)
        yield TaskDraft(
            query=rng.choice(QUERIES) + SUFFIX, reference=ref,
            persona=rng.choice(SALES_PERSONAS), required_context=GUIDE.format(quote=quote_id),
            today=today,
            rot_targets=(RotTarget(object="Quote", record_id=quote_id),)
            + tuple(RotTarget(object="Knowledge__kav", record_id=a) for a in articles))
