"""Plant public product FAQ articles whose sentences state distinctive facts (warranty terms,
response times, certifications...) from data/org/plants/_knowledge_facts.py.

Why: knowledge_qa (and the answerable half of confidential_company_knowledge) need questions that
exactly one published article answers; each (product, fact) pair is written once in the org.
"""

from __future__ import annotations

import datetime as dt

from data.org.builder import OrgBuilder, random_datetime
from data.org.plants._knowledge_facts import PUBLIC_FACTS, PUBLIC_TITLE, fill_answer, sentence
from data.org.plants._phrasebank import add_article

PLANTED_ARTICLES = 20
FACTS_PER_ARTICLE = (4, 5)

FILLER = (
    "Keep your order number and serial number at hand when you contact us.",
    "Registered owners receive release notes by email.",
    "Administrators can review these settings from the administration console.",
    "Details for your own contract are listed in the customer portal.",
    "Our support engineers can walk you through the process on request.",
    "Terms may differ for customers on an enterprise agreement.",
)


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("knowledge_qa")
    products = sorted((p for p in builder.records("Product2") if p.get("Name")),
                      key=lambda p: p["Id"])
    for product in sorted(rng.sample(products, min(PLANTED_ARTICLES, len(products))),
                          key=lambda p: p["Id"]):
        name = product["Name"]
        published = random_datetime(rng, dt.datetime(2020, 1, 6), dt.datetime(2022, 6, 30))
        facts = rng.sample(PUBLIC_FACTS, rng.randint(*FACTS_PER_ARTICLE))
        paragraphs = [f"This FAQ collects the service and support terms for {name}."]
        for fact in facts:
            answer = fill_answer(rng, rng.choice(fact.answers), published.year + 1)
            paragraphs.append(f"{sentence(fact, name, answer)} {rng.choice(FILLER)}")
        paragraphs.append("For anything not covered here, open a case through email, phone, web "
                          "or chat.")
        add_article(builder, PUBLIC_TITLE.format(product=name),
                    f"Warranty, support and service answers for {name}.",
                    "\n\n".join(paragraphs), published)
