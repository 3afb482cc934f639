"""knowledge_qa: a product question answered by one published knowledge article.

The facts are planted by data/org/plants/knowledge_qa.py (templates in
data/org/plants/_knowledge_facts.py). Reference: read the article by Id; derivation: the rest of
the sentence that starts with the fact's lead (params["lead"]). Graded by fuzzy_match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from data.org.plants._knowledge_facts import PUBLIC_FACTS, PUBLIC_TITLE, Fact, extract_answer
from data.tasks.categories._phrasing import (
    CUSTOMER_PERSONAS,
    EMPLOYEE_PERSONAS,
    first_records,
    pick,
    quoted,
    soql,
    today_after,
)
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, category, derivation

CONTEXT = ("- Use the information retrieved from the knowledge articles to answer the question "
           "in a concise manner")
_PUBLIC_TITLE = re.compile("^" + re.escape(PUBLIC_TITLE).replace(re.escape("{product}"), "(.+)")
                           + "$")


@derivation("article_fact")
def article_fact(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """The answer clause after params["lead"] in the one article of step 0."""
    records = first_records(results)
    if len(records) != 1:
        raise AmbiguousAnswer(f"expected one article, found {len(records)}")
    answer = extract_answer(str(records[0].get("FAQ_Answer__c") or ""), params["lead"])
    if answer is None:
        raise AmbiguousAnswer("the fact's lead is not in the article exactly once")
    return [answer]


def public_facts(data: Mapping[str, Sequence[Mapping[str, Any]]], parity: int
                 ) -> list[tuple[Mapping[str, Any], str, Fact]]:
    """(article, product, fact) for every planted public fact in the articles at even (0) or odd
    (1) positions in Id order: knowledge_qa and confidential_company_knowledge use disjoint
    halves so no question is asked twice across categories."""
    articles = sorted((a for a in data.get("Knowledge__kav", [])
                       if _PUBLIC_TITLE.match(str(a.get("Title") or ""))),
                      key=lambda a: a["Id"])
    found = []
    for article in articles[parity::2]:
        title = _PUBLIC_TITLE.match(article["Title"])
        assert title is not None  # the articles were chosen by this pattern
        product = title.group(1)
        body = str(article.get("FAQ_Answer__c") or "")
        found += [(article, product, f) for f in PUBLIC_FACTS
                  if extract_answer(body, f.lead_for(product)) is not None]
    return found


def fact_draft(ctx: GenContext, article: Mapping[str, Any], product: str, fact: Fact,
               context: str, persona: str, query: str | None = None) -> TaskDraft:
    """A fuzzy_match draft whose gold is the fact's answer clause in `article`."""
    steps = (soql(f"SELECT Id, Title, FAQ_Answer__c FROM Knowledge__kav "
                  f"WHERE Id = {quoted(article['Id'])}"),)
    return TaskDraft(
        query=query or fact.question_for(product),
        reference=ReferenceSolution(steps=steps, derivation="article_fact",
                                    params={"lead": fact.lead_for(product)}),
        reward_metric="fuzzy_match", persona=persona, required_context=context,
        today=today_after(article["LastPublishedDate"], ctx.rng, 30, 700),
        rot_targets=(RotTarget(object="Knowledge__kav", record_id=article["Id"]),),
    )


@category("knowledge_qa", orgs=("b2b", "b2c"), metric="fuzzy_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    candidates = public_facts(ctx.data, parity=0)
    ctx.rng.shuffle(candidates)
    for article, product, fact in candidates:
        persona = pick(ctx.rng, CUSTOMER_PERSONAS if ctx.rng.random() < 0.5 else EMPLOYEE_PERSONAS)
        yield fact_draft(ctx, article, product, fact, CONTEXT, persona)
