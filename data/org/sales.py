"""The sales side: leads, opportunities with line items, quotes, contracts, orders, activities.

Consistency kept here: line items use price book list prices and sum to the opportunity Amount;
won opportunities (Closed, probability 100) have an activated contract signed after the
opportunity was created and one order whose items mirror the line items; accepted quotes belong
to won opportunities; converted leads point at the contact and account they became.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from data.org import text, vocab
from data.org.builder import ORG_END, ORG_START, OrgBuilder, business_datetime, random_datetime
from data.org.catalog import Catalog
from data.org.people import (
    MAIL_DOMAINS,
    People,
    email_address,
    phone,
    pick_state,
    slug,
    spread,
    unique_names,
)

STAGES = ("Qualification", "Discovery", "Quote", "Negotiation", "Closed")
STAGE_PROBABILITY = {"Qualification": 10.0, "Discovery": 25.0, "Quote": 50.0, "Negotiation": 75.0}
DAY = dt.timedelta(days=1)


@dataclass
class Deal:
    """An opportunity being generated, before it becomes records."""

    account: dict[str, Any]
    owner: str
    contact: str | None
    created: dt.datetime
    stage: str = "Qualification"
    won: bool = False
    close: dt.date | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    id: str = ""


def make_leads(b: OrgBuilder, count: int, people: People) -> None:
    """Leads across the years; about one in five converted into an existing contact."""
    rng = b.rng("leads")
    contacts = list(b.records("Contact"))
    rng.shuffle(contacts)
    n_converted = min(len(contacts), round(count * 0.2))
    accounts = {a["Id"]: a for a in b.records("Account")}
    specs: list[dict[str, Any]] = []
    for contact in contacts[:n_converted]:
        account = accounts[contact["AccountId"]]
        converted_at = contact["CreatedDate"]
        created = max(ORG_START, converted_at - dt.timedelta(days=rng.randint(3, 90),
                                                              hours=rng.randint(0, 8)))
        state = account["ShippingState"]
        specs.append(dict(
            FirstName=contact["FirstName"], LastName=contact["LastName"], Name=contact["Name"],
            Company=account["Name"] if b.org == "b2b" else None, Title=contact.get("Title"),
            Email=contact["Email"], Phone=contact["Phone"], State=state,
            Status="Closed - Converted", IsConverted=True, ConvertedDate=converted_at.date(),
            ConvertedAccountId=account["Id"], ConvertedContactId=contact["Id"],
            OwnerId=rng.choice(people.reps_by_state[state]), CreatedDate=created))
    taken = {c["Name"] for c in contacts}
    for first, last in unique_names(rng, count - len(specs), taken):
        state = pick_state(rng)
        created = business_datetime(rng, ORG_START, ORG_END - DAY)
        age = (ORG_END - created).days
        status = ("Open - Not Contacted" if age < 30 and rng.random() < 0.6 else
                  "Working - Contacted" if age < 150 or rng.random() < 0.15 else
                  "Closed - Not Converted")
        if b.org == "b2b":
            company = (f"{rng.choice(vocab.COMPANY_PREFIXES)} "
                       f"{rng.choice(vocab.COMPANY_ROOTS[rng.choice(vocab.B2B_INDUSTRIES)])}")
            email = email_address(rng, first, last, f"{slug(company)}.com")
            title = rng.choice(vocab.JOB_TITLES)
        else:
            company, title = None, None
            email = email_address(rng, first, last, rng.choice(MAIL_DOMAINS))
        specs.append(dict(
            FirstName=first, LastName=last, Name=f"{first} {last}", Company=company, Title=title,
            Email=email, Phone=phone(rng), State=state, Status=status, IsConverted=False,
            OwnerId=rng.choice(people.reps_by_state[state]), CreatedDate=created))
    for spec in sorted(specs, key=lambda s: (s["CreatedDate"], s["Name"])):
        b.add("Lead", **spec)


def _stage_for(rng: random.Random, created: dt.datetime) -> str:
    """Old opportunities are mostly closed; recent ones spread over the open stages."""
    age = (ORG_END - created).days
    if age > 240 or (age > 120 and rng.random() < 0.6):
        return "Closed"
    return rng.choices(STAGES[:4], weights=(4, 3, 2, 1.5))[0]


def make_deals(b: OrgBuilder, counts: dict[str, int], people: People,
               catalog: Catalog) -> list[Deal]:
    """Opportunities with line items; exactly Contract-count of them won."""
    rng = b.rng("opportunities")
    accounts = b.records("Account")
    n_opps = counts["Opportunity"]
    n_won = min(counts.get("Contract", 0), n_opps)
    latest_won_start = ORG_END - dt.timedelta(days=170)
    deals: list[Deal] = []
    for _ in range(n_opps):
        acc = rng.choice(accounts)
        reps = people.reps_by_state[acc["ShippingState"]]
        owner = acc["OwnerId"] if rng.random() < 0.6 else rng.choice(reps)
        contacts = people.contacts_by_account.get(acc["Id"], [])
        created = business_datetime(rng, acc["CreatedDate"] + DAY, ORG_END - 10 * DAY)
        deals.append(Deal(account=acc, owner=owner, contact=rng.choice(contacts) if contacts
                          else None, created=created))
    for d in deals:
        d.stage = _stage_for(rng, d.created)
    closed = [d for d in deals if d.stage == "Closed" and d.created < latest_won_start]
    for d in rng.sample(closed, min(n_won, len(closed))):
        d.won = True
    # exact line-item totals: won deals carry the order items, the rest the remaining lines
    won = [d for d in deals if d.won]
    others = [d for d in deals if not d.won]
    n_order_items = counts.get("OrderItem", len(won))
    n_lines = max(counts.get("OpportunityLineItem", n_opps), n_order_items + len(others))
    products = catalog.sellable
    for group, total in ((won, n_order_items), (others, n_lines - n_order_items)):
        for d, k in zip(group, spread(rng, len(group), total, minimum=1), strict=True):
            k = max(1, min(k, len(products)))
            for pid in rng.sample(products, k):
                entry, price = catalog.prices[pid]
                qty = float(rng.choice((1, 2, 5, 10, 10, 20, 25, 50, 100)) if b.org == "b2b"
                            else rng.choice((1, 1, 1, 2, 2, 3, 4)))
                d.lines.append({"Product2Id": pid, "PricebookEntryId": entry, "Quantity": qty,
                                "UnitPrice": price, "TotalPrice": round(qty * price, 2)})
    deals.sort(key=lambda d: d.created)
    for d in deals:
        if d.stage == "Closed":
            cycle = dt.timedelta(days=rng.randint(14, 160), hours=rng.randint(0, 10))
            d.close = min(d.created + cycle, ORG_END).date()
        else:
            d.close = random_datetime(rng, d.created + 20 * DAY,
                                      max(ORG_END, d.created + 21 * DAY)).date()
            d.close = min(d.close, ORG_END.date())
    return deals


def write_deals(b: OrgBuilder, deals: list[Deal], catalog: Catalog) -> None:
    """Opportunities and line items; for won deals also the contract, order and order items."""
    rng = b.rng("deal-records")
    products = {p["Id"]: p for p in b.records("Product2")}
    for d in deals:
        main_product = products[d.lines[0]["Product2Id"]]["Name"]
        acc = d.account
        contract_id = None
        if d.won:
            signed = d.close
            assert signed is not None  # a won deal has closed
            start = signed + dt.timedelta(days=rng.randint(0, 14))
            contract_id = b.add(
                "Contract", AccountId=acc["Id"],
                Status="Activated", StartDate=start, ContractTerm=rng.choice((12, 12, 24, 36)),
                CompanySignedDate=signed,
                CustomerSignedDate=max(d.created.date() + DAY, signed - rng.randint(0, 4) * DAY),
                Description=f"Master agreement for {main_product} with {acc['Name']}.")
            order_id = b.add("Order", AccountId=acc["Id"],
                             OwnerId=d.owner, Pricebook2Id=catalog.standard_pricebook,
                             EffectiveDate=start,
                             Status="Activated" if rng.random() < 0.93 else "Draft")
            for line in d.lines:
                b.add("OrderItem", OrderId=order_id,
                      Product2Id=line["Product2Id"], PriceBookEntryId=line["PricebookEntryId"],
                      Quantity=line["Quantity"], UnitPrice=line["UnitPrice"])
        probability = (100.0 if d.won else 0.0) if d.stage == "Closed" else \
            STAGE_PROBABILITY[d.stage]
        name = f"{acc['Name']} - {main_product}"
        d.id = b.add(
            "Opportunity", Name=name, AccountId=acc["Id"], ContactId=d.contact,
            ContractID__c=contract_id, OwnerId=d.owner, StageName=d.stage,
            Amount=round(sum(line["TotalPrice"] for line in d.lines), 2),
            Probability=probability, CloseDate=d.close, CreatedDate=d.created,
            Description=rng.choice(text.OPP_DESCRIPTIONS).format(
                account=acc["Name"], product=main_product, team=rng.choice(text.TEAMS)))
        for line in d.lines:
            line["Id"] = b.add("OpportunityLineItem", OpportunityId=d.id, **line)


def make_quotes(b: OrgBuilder, deals: list[Deal], count: int) -> None:
    """Quotes on deals past discovery; every won deal's last quote is Accepted."""
    rng = b.rng("quotes")
    eligible = [d for d in deals if d.stage in ("Quote", "Negotiation", "Closed")]
    per_deal = {id(d): 1 for d in eligible if d.won}
    rest = [d for d in eligible if not d.won]
    for d, k in zip(rest, spread(rng, len(rest), max(0, count - len(per_deal))), strict=True):
        per_deal[id(d)] = k
    number = 0
    for d in eligible:
        k = per_deal.get(id(d), 0)
        if not k:
            continue
        end = dt.datetime.combine(d.close, dt.time(12)) if d.stage == "Closed" and d.close \
            else ORG_END
        times = sorted(business_datetime(rng, d.created + DAY, max(end, d.created + 2 * DAY))
                       for _ in range(k))
        for i, created in enumerate(times):
            last = i == k - 1
            if d.won:
                status = "Accepted" if last else rng.choice(("Denied", "Rejected"))
            elif d.stage == "Closed":
                status = rng.choice(("Denied", "Rejected", "Presented"))
            elif d.stage == "Negotiation":
                status = rng.choice(("Presented", "Approved", "In Review")) if last else "Denied"
            else:
                status = rng.choice(("Draft", "Needs Review", "In Review"))
            number += 1
            qid = b.add("Quote", Name=f"{d.account['Name']} Quote {i + 1}", OpportunityId=d.id,
                        AccountId=d.account["Id"], ContactId=d.contact, Status=status,
                        ExpirationDate=(created + dt.timedelta(days=30)).date(),
                        CreatedDate=created,
                        Description=f"Pricing proposal {number:05d} for {d.account['Name']}.")
            for line in d.lines:
                discount = rng.choice((0.0, 0.0, 0.0, 5.0, 10.0, 15.0))
                b.add("QuoteLineItem", QuoteId=qid, OpportunityLineItemId=line["Id"],
                      PricebookEntryId=line["PricebookEntryId"], Product2Id=line["Product2Id"],
                      Quantity=line["Quantity"], UnitPrice=line["UnitPrice"], Discount=discount,
                      TotalPrice=round(line["Quantity"] * line["UnitPrice"]
                                       * (1 - discount / 100), 2))


def _deal_window(d: Deal) -> tuple[dt.datetime, dt.datetime]:
    end = dt.datetime.combine(d.close, dt.time(23)) if d.stage == "Closed" and d.close \
        else ORG_END
    return d.created, max(min(end, ORG_END), d.created + DAY)


def make_activities(b: OrgBuilder, deals: list[Deal], counts: dict[str, int]) -> None:
    """Tasks and events on opportunities, owned by the opportunity owner."""
    rng = b.rng("activities")
    contacts = {c["Id"]: c for c in b.records("Contact")}
    products = {p["Id"]: p["Name"] for p in b.records("Product2")}
    for d, k in zip(deals, spread(rng, len(deals), counts.get("Task", 0)), strict=True):
        start, end = _deal_window(d)
        contact = contacts[d.contact]["Name"] if d.contact else "the customer"
        for _ in range(k):
            due = random_datetime(rng, start, end).date()
            status = ("Completed" if d.stage == "Closed" or due < (ORG_END - 45 * DAY).date()
                      else rng.choice(("Not Started", "In Progress", "Completed",
                                       "Waiting on someone else", "Deferred")))
            b.add("Task", Subject=rng.choice(text.TASK_SUBJECTS),
                  Description=rng.choice(text.TASK_COMMENTS).format(
                      contact=contact, product=products[d.lines[0]["Product2Id"]]),
                  Status=status, Priority=rng.choice(("High", "Normal", "Normal", "Low")),
                  ActivityDate=due, OwnerId=d.owner, WhatId=d.id)
    for d in rng.sample(deals, min(len(deals), counts.get("Event", 0))):
        start, end = _deal_window(d)
        all_day = rng.random() < 0.08
        when = business_datetime(rng, start, end)
        b.add("Event", Subject=rng.choice(text.EVENT_SUBJECTS),
              Description=f"{rng.choice(text.EVENT_SUBJECTS)} with {d.account['Name']}.",
              Location=rng.choice(text.EVENT_LOCATIONS),
              StartDateTime=when.replace(hour=0, minute=0, second=0) if all_day else when,
              DurationInMinutes=1440 if all_day else rng.choice((30, 30, 45, 60, 60, 90)),
              IsAllDayEvent=all_day, OwnerId=d.owner, WhatId=d.id)


def make_voice_calls(b: OrgBuilder, deals: list[Deal], count: int) -> None:
    """Call transcripts with leads (before conversion) and on opportunities."""
    rng = b.rng("voice-calls")
    users = {u["Id"]: u["Name"] for u in b.records("User")}
    products = {p["Id"]: p["Name"] for p in b.records("Product2")}
    product_names = list(products.values())
    leads = b.records("Lead")
    n_lead_calls = min(round(len(leads) * 1.2), count * 45 // 100)
    parents: list[tuple[str, Any]] = []
    for lead, k in zip(leads, spread(rng, len(leads), n_lead_calls), strict=True):
        parents += [("lead", lead)] * k
    for d, k in zip(deals, spread(rng, len(deals), count - n_lead_calls), strict=True):
        parents += [("deal", d)] * k
    contacts = {c["Id"]: c["Name"] for c in b.records("Contact")}
    for kind, parent in parents:
        if kind == "lead":
            end = (dt.datetime.combine(parent["ConvertedDate"], dt.time(12)) if
                   parent["IsConverted"] else ORG_END)
            when = business_datetime(rng, parent["CreatedDate"], max(end, parent["CreatedDate"]))
            body = text.call_transcript(rng, users[parent["OwnerId"]], parent["Name"],
                                        rng.choice(product_names), rng.randint(3, 6))
            links = {"LeadId__c": parent["Id"]}
        else:
            when = business_datetime(rng, *_deal_window(parent))
            customer = contacts.get(parent.contact, "there") if parent.contact else "there"
            body = text.call_transcript(rng, users[parent.owner], customer,
                                        products[parent.lines[0]["Product2Id"]], rng.randint(3, 6))
            links = {"OpportunityId__c": parent.id}
        b.add("VoiceCallTranscript__c", Body__c=body, CreatedDate=when,
              EndTime__c=when + dt.timedelta(minutes=rng.randint(4, 38),
                                             seconds=rng.randint(0, 59)),
              **links)


def make_deal_emails(b: OrgBuilder, deals: list[Deal], count: int) -> None:
    """Sales email threads on opportunities (rep <-> customer contact)."""
    rng = b.rng("deal-emails")
    users = {u["Id"]: u for u in b.records("User")}
    contacts = {c["Id"]: c for c in b.records("Contact")}
    products = {p["Id"]: p["Name"] for p in b.records("Product2")}
    for d, k in zip(deals, spread(rng, len(deals), max(0, count)), strict=True):
        if not k:
            continue
        rep = users[d.owner]
        contact = contacts.get(d.contact) if d.contact else None
        product = products[d.lines[0]["Product2Id"]]
        subject = rng.choice(text.OPP_EMAIL_SUBJECTS).format(product=product,
                                                              account=d.account["Name"])
        times = sorted(business_datetime(rng, *_deal_window(d)) for _ in range(k))
        for i, when in enumerate(times):
            if contact is not None and i % 2 == 1:  # the customer's reply
                body = text.email_body(rng, rep["FirstName"], rng.choice(text.OPP_EMAIL_REPLIES),
                                       contact["Name"])
                b.add("EmailMessage", Subject="Re: " + subject, TextBody=body,
                      FromAddress=contact["Email"], ToIds=rep["Id"], RelatedToId=d.id,
                      MessageDate=when)
            else:
                to_name = contact["FirstName"] if contact else "team"
                body = text.email_body(rng, to_name, rng.choice(text.OPP_EMAIL_BODIES).format(
                    product=product, account=d.account["Name"]), rep["Name"])
                b.add("EmailMessage", Subject=subject if i == 0 else "Re: " + subject,
                      TextBody=body, FromAddress=rep["Email"],
                      ToIds=contact["Id"] if contact else None, RelatedToId=d.id,
                      MessageDate=when)
