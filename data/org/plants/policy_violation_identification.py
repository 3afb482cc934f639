"""Planter for policy_violation_identification: service policy rules (refund window, goodwill
credit cap, warranty replacement, expedited shipping waiver, restocking fee waiver, price
adjustment, retention discount) and cases whose chat transcript or agent email grants something;
the numbers in the grant decide whether it breaks the rule.

Hard negatives are part of the text: agents also decline correctly or grant within the limit, so
only reading the numbers against the article's rule tells a violation from good service.
"""

from __future__ import annotations

import datetime as dt
import random

from data.org.builder import ORG_END, OrgBuilder
from data.org.plants._sales_planting import as_datetime, by_id, plant_policy_article
from data.org.plants._sales_text import (
    CHAT_CLOSERS,
    CHAT_OPENERS,
    CUSTOMER_THANKS,
    POLICY_HOME_ARTICLES,
    SERVICE_DECLINE_SENTENCES,
    SERVICE_GRANT_SENTENCES,
    SERVICE_ISSUES,
    SERVICE_POLICY_ARTICLES,
    SERVICE_POLICY_LIMITS,
)

PER_KIND = 16
COMPLIANT = 4
#: kind -> (numbers that break the rule, numbers a compliant grant uses, numbers a decline uses)
NUMBERS: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {
    "refund_window": (tuple(range(35, 91, 5)), (3, 6, 9, 12, 14, 18, 21, 25, 28),
                      tuple(range(38, 95, 7))),
    "goodwill_credit": ((100, 120, 150, 200, 250), (20, 25, 40, 50, 60), (100, 150, 200)),
    "warranty_replacement": (tuple(range(13, 31)), tuple(range(1, 12)), tuple(range(14, 31))),
    "expedited_shipping": ((120, 180, 240, 310, 450), (520, 640, 800, 1250), (150, 220, 390)),
    "restocking_fee": (tuple(range(18, 46, 3)), tuple(range(2, 15, 2)), tuple(range(17, 41, 4))),
    "price_adjustment": (tuple(range(16, 41, 3)), tuple(range(2, 14, 2)), tuple(range(16, 36, 4))),
    "retention_discount": ((12, 15, 18, 20, 25, 30), (5, 8, 10), (15, 20, 25)),
}


def _compliant_sentence(rng: random.Random, kind: str) -> str:
    _, ok, declined = NUMBERS[kind]
    if rng.random() < 0.5:
        return SERVICE_GRANT_SENTENCES[kind].format(n=rng.choice(ok))
    return SERVICE_DECLINE_SENTENCES[kind].format(n=rng.choice(declined))


def _issue(rng: random.Random, case: dict) -> str:
    """The customer's opening line: the case's own subject when it has one."""
    subject = (case.get("Subject") or "").strip().rstrip(".")
    if subject:
        return f"I'm following up on my case: {subject}."
    return rng.choice(SERVICE_ISSUES).capitalize() + "."


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("policy_violation_identification")
    published = dt.datetime(2020, 1, 9, 15, 45)
    for kind, (url, title, summary, body) in SERVICE_POLICY_ARTICLES.items():
        plant_policy_article(builder, rng, url, title, summary,
                             body.format(limit=SERVICE_POLICY_LIMITS[kind]), published,
                             POLICY_HOME_ARTICLES.get(kind))
    users = by_id(builder, "User")
    contacts = by_id(builder, "Contact")
    chatted = {t.get("CaseId") for t in builder.records("LiveChatTranscript")}
    cases = [c for c in sorted(builder.records("Case"), key=lambda c: c["Id"])
             if c.get("ContactId") in contacts and c.get("OwnerId") in users
             and c["Id"] not in chatted]
    plan = [k for k in SERVICE_POLICY_ARTICLES for _ in range(PER_KIND)] + ["none"] * COMPLIANT
    rng.shuffle(plan)
    kinds = list(SERVICE_POLICY_ARTICLES)
    for kind, case in zip(plan, rng.sample(cases, min(len(plan), len(cases))), strict=False):
        agent = users[case["OwnerId"]]
        contact = contacts[case["ContactId"]]
        others = [k for k in kinds if k != kind]
        sentences = [_compliant_sentence(rng, k) for k in rng.sample(others, rng.randint(1, 2))]
        violation = None
        if kind == "none":
            sentences.append(_compliant_sentence(rng, rng.choice(kinds)))
        else:
            violation = SERVICE_GRANT_SENTENCES[kind].format(n=rng.choice(NUMBERS[kind][0]))
        by_email = violation is not None and rng.random() < 0.3
        if violation and not by_email:
            sentences.insert(rng.randint(0, len(sentences)), violation)
        lines = [f"Agent: {rng.choice(CHAT_OPENERS)}",
                 f"Customer: Hi, this is {contact.get('FirstName')}. {_issue(rng, case)}",
                 "Agent: I'm sorry to hear that. Let me pull up your case and order details.",
                 "Customer: Sure, the case number is " + str(case.get("CaseNumber")) + "."]
        for sentence in sentences:
            lines += [f"Agent: {sentence}", f"Customer: {rng.choice(CUSTOMER_THANKS)}"]
        lines.append(f"Agent: {rng.choice(CHAT_CLOSERS)}")
        start = min(as_datetime(case["CreatedDate"]) + dt.timedelta(minutes=rng.randint(1, 30)),
                    ORG_END - dt.timedelta(days=2))
        builder.add("LiveChatTranscript", Body="\n".join(lines), CaseId=case["Id"],
                    AccountId=case.get("AccountId"),
                    ContactId=contact["Id"], OwnerId=agent["Id"],
                    LiveChatVisitorId=f"5717Wt{rng.randint(10**8, 10**9 - 1)}",
                    StartTime=start, EndTime=start + dt.timedelta(minutes=rng.randint(8, 30)))
        if by_email:
            body = (f"Hi {contact.get('FirstName')},\n\nFollowing up on our chat about case "
                    f"{case.get('CaseNumber')}. {violation}\n\nBest regards,\n{agent.get('Name')}")
            builder.add("EmailMessage", Subject=f"Re: {case.get('Subject')}", TextBody=body,
                        FromAddress=agent.get("Email"), ToIds=contact["Id"], ParentId=case["Id"],
                        MessageDate=start + dt.timedelta(hours=rng.randint(2, 30)))
