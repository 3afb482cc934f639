"""Helpers the sales planters share: policy articles, record numbering, picking records.

Why a policy may land in an existing article: the base org already has broad policy articles
(refunds, warranty, discounts). A second article stating the same rule would make "which article
was violated" ambiguous, so a rule that fits one of them is written into that article instead.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from data.org.builder import ORG_END, OrgBuilder, business_datetime
from data.org.plants._phrasebank import add_revised_article
from data.org.plants._sales_text import (
    POLICY_HOME_ARTICLES,
    QUOTE_POLICY_ARTICLES,
    quote_article_text,
)

#: Policy articles of one planter are published over this many days.
POLICY_ROLLOUT = dt.timedelta(days=45)


def plant_policy_article(builder: OrgBuilder, rng: random.Random, url_name: str, title: str,
                         summary: str, body: str, published: dt.datetime,
                         merge_into_title: str | None = None) -> str:
    """Add a policy article published some office hour within POLICY_ROLLOUT of `published`
    (each on its own day: a batch published in one instant would stand out among the org's
    articles), or write the rule into the base article titled `merge_into_title` when there
    is one; returns the article's Id."""
    if merge_into_title:
        for article in builder.records("Knowledge__kav"):
            if article.get("Title") == merge_into_title and article.get("IsLatestVersion"):
                article["FAQ_Answer__c"] = f"{body}\n\n{article.get('FAQ_Answer__c') or ''}".strip()
                return article["Id"]
    for article in builder.records("Knowledge__kav"):
        if article.get("UrlName") == url_name:
            raise ValueError(f"knowledge article {url_name!r} planted twice")
    return add_revised_article(builder, title, summary, body, url_name,
                               business_datetime(rng, published, published + POLICY_ROLLOUT))


def by_id(builder: OrgBuilder, obj: str) -> dict[str, dict[str, Any]]:
    return {r["Id"]: r for r in builder.records(obj)}


def standard_prices(builder: OrgBuilder) -> tuple[str | None, dict[str, tuple[str, float]]]:
    """(standard price book Id, product Id -> (active standard entry Id, list price))."""
    standard = next((p["Id"] for p in builder.records("Pricebook2") if p.get("IsStandard")), None)
    prices = {e["Product2Id"]: (e["Id"], float(e["UnitPrice"]))
              for e in builder.records("PricebookEntry")
              if e.get("Pricebook2Id") == standard and e.get("IsActive")
              and e.get("UnitPrice") is not None}
    return standard, prices


def as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12))
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def tasks_by_what(builder: OrgBuilder) -> dict[str | None, list[dict[str, Any]]]:
    out: dict[str | None, list[dict[str, Any]]] = {}
    for task in builder.records("Task"):
        out.setdefault(task.get("WhatId"), []).append(task)
    return out


def replace_tasks(builder: OrgBuilder, opportunity_id: str) -> None:
    """Remove an opportunity's base tasks (their generic subjects would blur a stage signal)."""
    for task in [t for t in builder.records("Task") if t.get("WhatId") == opportunity_id]:
        builder.remove("Task", task["Id"])


def first_name(builder: OrgBuilder, contact_id: str | None) -> str:
    if not contact_id:
        return "the customer"
    try:
        return builder.get("Contact", contact_id).get("FirstName") or "the customer"
    except KeyError:
        return "the customer"


def business_time(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(14, 22), rng.randint(0, 59),
                                            rng.randint(0, 59)))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- quotes that follow (or break exactly one of) the quote policies ---------------------------

QUOTE_STAGES = ("Quote", "Negotiation")


def plant_quote_policies(builder: OrgBuilder, rng: random.Random, kinds: tuple[str, ...],
                         published: dt.datetime) -> dict[str, str]:
    """Publish the quote policy articles of `kinds`; returns kind -> article Id."""
    ids = {}
    for kind in kinds:
        url, title, summary, _ = QUOTE_POLICY_ARTICLES[kind]
        ids[kind] = plant_policy_article(builder, rng, url, title, summary,
                                         quote_article_text(kind), published,
                                         POLICY_HOME_ARTICLES.get(kind))
    return ids


def _compliant_lines(rng: random.Random, by_family: dict[str, list[tuple[str, str, float]]]
                     ) -> list[dict[str, Any]]:
    """2-4 lines that satisfy every quote policy: a hardware line first, distinct products,
    list prices, small quantities and discounts."""
    picks = [rng.choice(by_family["Hardware"])]
    pool = [p for fam in ("Software", "Services", "Accessories", "Hardware")
            for p in by_family[fam] if p != picks[0]]
    picks += rng.sample(pool, rng.randint(1, 3))
    return [_line(rng, p) for p in picks]


def _line(rng: random.Random, product: tuple[str, str, float], quantity: float | None = None,
          discount: float | None = None) -> dict[str, Any]:
    pid, entry, price = product
    return {"Product2Id": pid, "PricebookEntryId": entry, "UnitPrice": price,
            "Quantity": float(quantity if quantity is not None else
                              rng.choice((1, 2, 5, 10, 20, 25, 40))),
            "Discount": float(discount if discount is not None else rng.choice((0, 0, 5, 10)))}


def _violating_lines(rng: random.Random, kind: str,
                     by_family: dict[str, list[tuple[str, str, float]]]) -> list[dict[str, Any]]:
    lines = _compliant_lines(rng, by_family)
    target = rng.choice(lines)
    if kind == "max_discount":
        target["Quantity"] = float(rng.choice((50, 60, 75, 100, 150)))
        target["Discount"] = float(rng.choice((28, 30, 35, 40)))
    elif kind == "price_floor":
        target["UnitPrice"] = round(target["UnitPrice"] * rng.uniform(0.6, 0.8), 2)
        target["Discount"] = 0.0
    elif kind == "volume_discount":
        target["Quantity"] = float(rng.choice((5, 10, 20, 25, 40)))
        target["Discount"] = float(rng.choice((18, 20, 22, 25)))
    elif kind == "max_quantity":
        target["Quantity"] = float(rng.choice((600, 750, 1000, 1200)))
    elif kind == "duplicate_product":
        twin = dict(target)
        twin["Quantity"] = float(rng.choice((2, 5, 10)))
        lines.append(twin)
    elif kind == "accessory_needs_hardware":
        lines = [_line(rng, rng.choice(by_family["Accessories"])),
                 _line(rng, rng.choice(by_family["Software"]))]
        if rng.random() < 0.5:
            extra = rng.choice(by_family["Accessories"])
            if extra[0] != lines[0]["Product2Id"]:
                lines.append(_line(rng, extra))
    elif kind == "services_need_product":
        services = by_family["Services"]  # a catalog may have only one
        lines = [_line(rng, p) for p in rng.sample(services, min(rng.randint(1, 2), len(services)))]
    elif kind != "none":
        raise ValueError(f"unknown quote policy kind {kind!r}")
    rng.shuffle(lines)
    return lines


def plant_policy_quotes(builder: OrgBuilder, rng: random.Random,
                        plan: list[str]) -> list[str]:
    """One quote per entry of `plan` (a policy kind to break, or "none"), each on an open
    opportunity in the Quote or Negotiation stage; returns the quote Ids."""
    _, prices = standard_prices(builder)
    families = {p["Id"]: p.get("Family") for p in builder.records("Product2")}
    by_family: dict[str, list[tuple[str, str, float]]] = {}
    for pid in sorted(prices):
        by_family.setdefault(families.get(pid) or "", []).append((pid, *prices[pid]))
    opportunities = [o for o in sorted(builder.records("Opportunity"), key=lambda o: o["Id"])
                     if o.get("StageName") in QUOTE_STAGES and o.get("AccountId")]
    accounts = by_id(builder, "Account")
    quote_count: dict[str | None, int] = {}
    for q in builder.records("Quote"):
        quote_count[q.get("OpportunityId")] = quote_count.get(q.get("OpportunityId"), 0) + 1
    ids = []
    # more quotes than open deals: every deal gets one before any gets another
    rounds = -(-len(plan) // max(len(opportunities), 1))
    picks = [o for _ in range(rounds) for o in rng.sample(opportunities, len(opportunities))]
    for kind, opp in zip(plan, picks[:len(plan)], strict=True):
        account = accounts[opp["AccountId"]]
        quote_count[opp["Id"]] = quote_count.get(opp["Id"], 0) + 1
        created = as_datetime(opp["CreatedDate"]) + dt.timedelta(days=rng.randint(2, 25),
                                                                  hours=rng.randint(0, 6))
        created = min(created, ORG_END - dt.timedelta(days=3))
        qid = builder.add(
            "Quote", Name=f"{account['Name']} Quote {quote_count[opp['Id']]}",
            OpportunityId=opp["Id"], AccountId=account["Id"], ContactId=opp.get("ContactId"),
            Status=rng.choice(("Needs Review", "In Review", "Draft")),
            ExpirationDate=(created + dt.timedelta(days=30)).date(), CreatedDate=created,
            Description=f"Revised pricing proposal for {account['Name']}, submitted for approval.")
        for line in _violating_lines(rng, kind, by_family):
            total = round(line["Quantity"] * line["UnitPrice"] * (1 - line["Discount"] / 100), 2)
            builder.add("QuoteLineItem", QuoteId=qid, TotalPrice=total, **line)
        ids.append(qid)
    return ids
