"""Planter for lead_routing: enough territories whose routing policy names one agent each, and
different agents, not the ones a lazy rule would name.

Why: a lead's answer is its territory's best agent (most Accepted quotes, then fewest open
leads), so the category has at most one answer per territory, and the heuristic budget lets one
answer be the gold of at most 15% of its 20 tasks and one lazy rule pass at most 10% of them.
Reps often sit in two territories: in some orgs the best rep of two territories was the same
person or a territory's best was a tie (fresh task seeds 7, 999 and 4242, b2c), in others too
few territories named an agent no lazy rule gives (seed 18, b2c), and the category could not
be built. When fewer than MIN_DISTINCT territories name distinct agents, or fewer than
MIN_UNGUESSABLE name one no lazy rule gives, this planter makes another member the clear best
of a territory that lacks one: it marks as many of the quotes presented on that member's open
deals Accepted as it takes (the customer accepted; the deal is still in negotiation; no other
category reads quote statuses), then, if that is not enough, adds accepted revised quotes to
their deals. An org that already has enough is left exactly as it is (the default orgs are).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from data.org.builder import OrgBuilder
from data.org.creation import ORG_END

#: Distinct routing answers the org must offer: 20 tasks / 3 per answer, plus one of slack for
#: drafts the budget turns down for other reasons.
MIN_DISTINCT = 8
#: Of those, answers no lazy rule gives (the territory's lowest-Id member, its members with the
#: fewest open leads: data.tasks.heuristics), since the budget keeps at most two tasks a lazy
#: rule passes: 6 such answers x 3 tasks + 2 x 2 covers the 20.
MIN_UNGUESSABLE = 6


def plant(builder: OrgBuilder) -> None:
    territories = sorted(builder.records("Territory2"), key=lambda t: t["Id"])
    members: dict[str, set[str]] = {t["Id"]: set() for t in territories}
    for a in builder.records("UserTerritory2Association"):
        members.setdefault(a["Territory2Id"], set()).add(a["UserId"])
    homes = Counter(u for users in members.values() for u in users)
    opportunities = {o["Id"]: o for o in builder.records("Opportunity")}
    quotes = builder.records("Quote")
    # as the policy counts them (IsConverted = false)
    open_leads = Counter(lead["OwnerId"] for lead in builder.records("Lead")
                         if lead.get("IsConverted") is False)

    def accepted() -> Counter[str]:
        return Counter(opportunities[q["OpportunityId"]]["OwnerId"] for q in quotes
                       if q.get("Status") == "Accepted" and q.get("OpportunityId") in opportunities)

    def bests() -> dict[str, str | None]:
        counts = accepted()
        out: dict[str, str | None] = {}
        for t in territories:
            ranked = sorted(((counts[u], -open_leads[u]), u) for u in members[t["Id"]])
            unique = ranked and (len(ranked) == 1 or ranked[-1][0] != ranked[-2][0])
            out[t["Id"]] = ranked[-1][1] if unique else None
        return out

    def lazy(territory: str) -> set[str]:
        users = members[territory]
        fewest = min((open_leads[u] for u in users), default=0)
        return {min(users, default="")} | {u for u in users if open_leads[u] == fewest}

    def enough(current: dict[str, str | None]) -> bool:
        named = {b for b in current.values() if b}
        unguessable = {b for t, b in current.items() if b and b not in lazy(t)}
        return len(named) >= MIN_DISTINCT and len(unguessable) >= MIN_UNGUESSABLE

    if enough(bests()):
        return
    flippable = _flippable_quotes(quotes, opportunities)
    deals_of: dict[str, list[dict[str, Any]]] = {}
    for opp in sorted(opportunities.values(), key=lambda o: o["Id"]):
        if opp.get("StageName") in ("Quote", "Negotiation", "Closed") and opp.get("OwnerId"):
            deals_of.setdefault(opp["OwnerId"], []).append(opp)
    for t in territories:
        current = bests()
        if enough(current):
            return
        named = [b for b in current.values() if b]
        mine, guessed = current[t["Id"]], lazy(t["Id"])
        if mine is not None and named.count(mine) == 1 and mine not in guessed:
            continue  # an agent of its own, which no lazy rule names
        counts = accepted()
        taken = set(named)
        top = max((counts[u] for u in members[t["Id"]]), default=0)
        # A member of this territory only (raising them changes no other territory's answer),
        # no territory's answer yet and no lazy rule's, closest to the top: the fewest quotes
        # to change.
        for user in sorted((u for u in members[t["Id"]]
                            if homes[u] == 1 and u not in taken and u not in guessed),
                           key=lambda u: (top - counts[u], open_leads[u], u)):
            deals = deals_of.get(user, [])
            if not deals:
                continue
            needed = top - counts[user] + 1
            for quote in flippable.get(user, [])[:needed]:
                quote["Status"] = "Accepted"
                needed -= 1
            flippable.pop(user, None)
            for n in range(needed):  # a revised quote the customer accepted, deal by deal
                _add_accepted_quote(builder, deals[n % len(deals)])
            break


def _flippable_quotes(quotes: list[dict[str, Any]], opportunities: dict[str, dict[str, Any]]
                      ) -> dict[str, list[dict[str, Any]]]:
    """Per opportunity owner, the latest quote of each open deal in Quote or Negotiation whose
    quote was presented, approved or in review: a customer may accept it while the deal is
    still being negotiated. Oldest deal first."""
    latest: dict[str, dict[str, Any]] = {}
    for q in quotes:
        opp = opportunities.get(q.get("OpportunityId") or "")
        if opp is None or opp.get("StageName") not in ("Quote", "Negotiation"):
            continue
        seen = latest.get(opp["Id"])
        if seen is None or (q.get("CreatedDate"), q["Id"]) > (seen.get("CreatedDate"), seen["Id"]):
            latest[opp["Id"]] = q
    out: dict[str, list[dict[str, Any]]] = {}
    for opp_id, q in sorted(latest.items(), key=lambda kv: (
            opportunities[kv[0]].get("CreatedDate") is None,
            opportunities[kv[0]].get("CreatedDate"), kv[0])):
        if q.get("Status") in ("Presented", "Approved", "In Review"):
            out.setdefault(opportunities[opp_id]["OwnerId"], []).append(q)
    return out


def _add_accepted_quote(builder: OrgBuilder, opp: dict[str, Any]) -> None:
    """One more quote on `opp`, Accepted, with the deal's lines at list price, dated a day after
    the deal's latest quote (or its creation)."""
    quotes = [q for q in builder.records("Quote") if q.get("OpportunityId") == opp["Id"]]
    after = max((q["CreatedDate"] for q in quotes if q.get("CreatedDate")),
                default=opp.get("CreatedDate") or ORG_END - dt.timedelta(days=30))
    created = min(after + dt.timedelta(days=1), ORG_END)
    account = builder.get("Account", opp["AccountId"]) if opp.get("AccountId") else {}
    name = account.get("Name") or opp.get("Name") or "Customer"
    quote_id = builder.add(
        "Quote", Name=f"{name} Quote {len(quotes) + 1}", OpportunityId=opp["Id"],
        AccountId=opp.get("AccountId"), ContactId=opp.get("ContactId"), Status="Accepted",
        ExpirationDate=(created + dt.timedelta(days=30)).date(), CreatedDate=created,
        Description=f"Revised pricing proposal for {name}.")
    for line in builder.records("OpportunityLineItem"):
        if line.get("OpportunityId") == opp["Id"]:
            builder.add("QuoteLineItem", QuoteId=quote_id, OpportunityLineItemId=line["Id"],
                        PricebookEntryId=line.get("PricebookEntryId"),
                        Product2Id=line.get("Product2Id"), Quantity=line.get("Quantity"),
                        UnitPrice=line.get("UnitPrice"), Discount=0.0,
                        TotalPrice=line.get("TotalPrice"))
