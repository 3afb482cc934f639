"""Plant BANT signal: qualification calls with open leads, and the BANT guide article.

Why: base call transcripts are small talk; lead_qualification tasks need each lead's calls to
state, once per factor, whether it meets Budget, Authority, Need and Timeline. The statements come
from data/org/plants/_bant.py, so the derivation classifies them deterministically. Each planted
lead gets one of PATTERNS (two of the 28 qualify), dealt out in random order: neither a lead's
position among the planted leads nor its creation date tells its answer.
"""

from __future__ import annotations

import datetime as dt
import random

from data.org import text
from data.org.builder import ORG_END, OrgBuilder, business_datetime
from data.org.plants._bant import (
    AGENT_QUESTIONS,
    FACTORS,
    GUIDE_BODY,
    GUIDE_SUMMARY,
    GUIDE_TITLE,
    STATEMENTS,
)
from data.org.plants._phrasebank import add_article

#: Failed factors of the planted leads (() = the lead qualifies), dealt out in random order:
#: every single factor four times, every pair three times, every triple twice, all four once, so
#: that no answer is the gold of more than a few tasks.
PATTERNS: tuple[tuple[str, ...], ...] = (
    ("Budget", "Need", "Timeline"), ("Authority",), ("Budget", "Authority", "Need", "Timeline"),
    ("Budget", "Need", "Timeline"), ("Budget", "Authority", "Need"), ("Authority", "Timeline"),
    ("Need",), ("Budget", "Authority"), ("Need",), ("Authority", "Need", "Timeline"),
    ("Authority",), ("Budget", "Timeline"), ("Authority",), (), ("Authority", "Need"), ("Budget",),
    ("Budget", "Authority", "Need"), ("Budget", "Need"), ("Authority",),
    ("Budget", "Authority", "Timeline"), ("Authority", "Need", "Timeline"), ("Need", "Timeline"),
    ("Authority", "Timeline"), ("Authority", "Timeline"), ("Need", "Timeline"), ("Timeline",),
    ("Need",), ("Timeline",), ("Budget",), ("Timeline",), ("Budget", "Timeline"), ("Budget",),
    ("Authority", "Need"), ("Budget", "Need"), ("Authority", "Need"), (), ("Budget", "Authority"),
    ("Budget",), ("Budget", "Timeline"), ("Budget", "Authority"), ("Budget", "Need"),
    ("Timeline",), ("Need", "Timeline"), ("Budget", "Authority", "Timeline"), ("Need",),
)

EXECUTIVES = ("CFO", "COO", "VP of Operations", "head of IT", "managing director")
_LATEST_CALL = ORG_END - dt.timedelta(days=20)


def _fill(rng: random.Random, template: str) -> str:
    return template.format(amount=f"${rng.randint(3, 40) * 5_000:,}",
                           executive=rng.choice(EXECUTIVES), team=rng.choice(text.TEAMS),
                           weeks=rng.randint(4, 10), months=rng.choice((12, 18, 24)))


def _call_body(rng: random.Random, agent: str, lead_first: str, product: str,
               factors: list[str], failed: tuple[str, ...]) -> str:
    lines = [f"Agent: Hi {lead_first}, this is {agent} from the sales team. Thanks for making "
             f"time today.",
             "Customer: Of course, happy to talk.",
             f"Agent: I wanted to follow up on your interest in {product}.",
             "Customer: Yes, we have been looking at it for a few weeks now."]
    for factor in factors:
        verdict = "fail" if factor in failed else "pass"
        lines.append(f"Agent: {rng.choice(AGENT_QUESTIONS[factor])}")
        lines.append(f"Customer: {_fill(rng, rng.choice(STATEMENTS[factor][verdict]))}")
    lines += ["Agent: Thanks, that is really helpful. I will send a short summary by email.",
              "Customer: Sounds good, talk soon."]
    return "\n".join(lines)


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("lead_qualification")
    users = {u["Id"]: u["Name"] for u in builder.records("User")}
    products = sorted(p["Name"] for p in builder.records("Product2"))
    candidates = [lead for lead in builder.records("Lead")
                  if not lead.get("IsConverted") and lead.get("CreatedDate")
                  and lead["CreatedDate"] <= _LATEST_CALL - dt.timedelta(days=30)
                  and lead.get("OwnerId") in users]
    candidates.sort(key=lambda lead: lead["Id"])
    chosen = sorted(rng.sample(candidates, min(len(PATTERNS), len(candidates))),
                    key=lambda lead: lead["Id"])
    first_call = ORG_END
    patterns = list(PATTERNS)
    rng.shuffle(patterns)
    for lead, failed in zip(chosen, patterns, strict=False):
        if lead["Status"] == "Open - Not Contacted":
            lead["Status"] = "Working - Contacted"
        factors = list(FACTORS)
        rng.shuffle(factors)
        split = rng.choice((len(factors), 1, 2, 2, 3))
        groups = [factors[:split], factors[split:]] if split < len(factors) else [factors]
        start = lead["CreatedDate"] + dt.timedelta(days=2)
        product = rng.choice(products) if products else "our platform"
        for group in groups:
            end = min(start + dt.timedelta(days=45), _LATEST_CALL)
            when = business_datetime(rng, start, max(end, start))
            first_call = min(first_call, when)
            body = _call_body(rng, users[lead["OwnerId"]], lead.get("FirstName") or lead["Name"],
                              product, group, failed)
            builder.add("VoiceCallTranscript__c", Body__c=body,
                        CreatedDate=when, LeadId__c=lead["Id"],
                        EndTime__c=when + dt.timedelta(minutes=rng.randint(9, 35),
                                                       seconds=rng.randint(0, 59)))
            start = when + dt.timedelta(days=3)
    published = min(first_call, dt.datetime(2020, 3, 2, 15, 0)) - dt.timedelta(days=1)
    add_article(builder, GUIDE_TITLE, GUIDE_SUMMARY, GUIDE_BODY, published)
