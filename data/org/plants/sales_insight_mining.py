"""Plant sales-call sentiment: opportunity calls where the prospect is positive about some
subtopics and negative about others (phrase banks in data/org/plants/_sales_sentiment.py).

Each planted opportunity gets two calls; its negative and positive subtopics are disjoint, so
"which subtopics show negative (or positive) sentiment" has one answer.
"""

from __future__ import annotations

import datetime as dt
import random

from data.org import text
from data.org.builder import ORG_END, OrgBuilder, business_datetime
from data.org.plants._sales_sentiment import AGENT_PROMPTS, STATEMENTS, SUBTOPICS

PLANTED_OPPORTUNITIES = 32
_LATEST_CALL = ORG_END - dt.timedelta(days=20)


def _fill(rng: random.Random, template: str, product: str) -> str:
    return template.format(team=rng.choice(text.TEAMS), product=product)


def _call_body(rng: random.Random, agent: str, customer: str, product: str,
               statements: list[tuple[str, str]]) -> str:
    lines = [f"Agent: Hi {customer}, this is {agent}. Thanks for joining the call about "
             f"{product}.",
             "Customer: Thanks for having us."]
    for subtopic, sentiment in statements:
        lines.append("Agent: " + AGENT_PROMPTS[subtopic].format(product=product))
        template = rng.choice(STATEMENTS[subtopic][sentiment])
        lines.append("Customer: " + _fill(rng, template, product))
    lines += ["Agent: Thank you, I will follow up with the next steps by email.",
              "Customer: Great, speak soon."]
    return "\n".join(lines)


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("sales_insight_mining")
    users = {u["Id"]: u["Name"] for u in builder.records("User")}
    contacts = {c["Id"]: c for c in builder.records("Contact")}
    items: dict[str | None, str] = {}
    products = {p["Id"]: p["Name"] for p in builder.records("Product2")}
    for line in builder.records("OpportunityLineItem"):
        items.setdefault(line.get("OpportunityId"), products.get(line.get("Product2Id"), ""))
    candidates = sorted((o for o in builder.records("Opportunity")
                         if o.get("CreatedDate") and o["CreatedDate"] < _LATEST_CALL
                         - dt.timedelta(days=30) and o.get("OwnerId") in users),
                        key=lambda o: o["Id"])
    chosen = sorted(rng.sample(candidates, min(PLANTED_OPPORTUNITIES, len(candidates))),
                    key=lambda o: o["Id"])
    for opp in chosen:
        topics = rng.sample(SUBTOPICS, rng.randint(3, 6))
        n_negative = rng.randint(1, min(3, len(topics) - 1))
        statements = [(t, "negative") for t in topics[:n_negative]] + \
                     [(t, "positive") for t in topics[n_negative:]]
        rng.shuffle(statements)
        half = rng.randint(1, len(statements) - 1)
        contact = contacts.get(opp.get("ContactId") or "")
        customer = contact["FirstName"] if contact else "there"
        product = items.get(opp["Id"]) or "our platform"
        start = opp["CreatedDate"] + dt.timedelta(days=1)
        for group in (statements[:half], statements[half:]):
            end = min(start + dt.timedelta(days=40), _LATEST_CALL)
            when = business_datetime(rng, start, max(start, end))
            builder.add("VoiceCallTranscript__c",
                        Body__c=_call_body(rng, users[opp["OwnerId"]], customer, product, group),
                        CreatedDate=when, OpportunityId__c=opp["Id"],
                        EndTime__c=when + dt.timedelta(minutes=rng.randint(12, 45),
                                                       seconds=rng.randint(0, 59)))
            start = when + dt.timedelta(days=2)
