"""Plant monthly case spikes: a few products get a burst of cases in one month, mostly about
one issue.

Why: the base org has about three cases per product over five years, so "the month with more
cases than every other month" and "the most reported issue" are rarely decided by more than one
case. Real support queues do see bursts (a bad firmware push, a billing run), so the planter adds
bursts of SPIKE_SIZES cases (one burst of each size, in random order) for PRODUCTS products, each
burst inside one calendar month and led by one issue, and one straggler case a month or two
after it. Bursts of different sizes in different years mean a period's busiest month is often
not the product's busiest month of all time, nor the latest month with a case.
monthly_trend_analysis and top_issue_identification read them; every planted case has a complete
history (creation, one owner assignment, closure), like the base cases, so handle-time and
transfer questions stay consistent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from typing import Any

from data.org import text
from data.org.builder import ORG_END, OrgBuilder, business_datetime

PRODUCTS = 10
SPIKE_SIZES = (2, 3, 4)
FIRST_MONTH = dt.date(2021, 6, 1)
LAST_MONTH = dt.date(2024, 10, 1)
MIN_GAP_MONTHS = 9


def _months() -> list[dt.date]:
    out, d = [], FIRST_MONTH
    while d <= LAST_MONTH:
        out.append(d)
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


def _month_gap(a: dt.date, b: dt.date) -> int:
    return abs((a.year - b.year) * 12 + a.month - b.month)


def _handle_time(rng: random.Random) -> dt.timedelta:
    hours = min(24 * 20, max(1.0, math.exp(rng.gauss(math.log(20), 1.0))))
    return dt.timedelta(hours=hours, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("monthly_trend_analysis")
    cases = builder.records("Case")
    agents = sorted({c["OwnerId"] for c in cases if c["OwnerId"]})
    if not agents:
        return
    orders = {o["Id"]: o for o in builder.records("Order")}
    accounts = {a["Id"]: a for a in builder.records("Account")}
    contacts: dict[str, list[str]] = {}
    for c in builder.records("Contact"):
        contacts.setdefault(c["AccountId"], []).append(c["Id"])
    issues = sorted(builder.records("Issue__c"), key=lambda i: i["Id"])
    products = {p["Id"]: p for p in builder.records("Product2")}
    items_by_product: dict[str, list[dict[str, Any]]] = {}
    for oi in sorted(builder.records("OrderItem"), key=lambda r: r["Id"]):
        items_by_product.setdefault(oi["Product2Id"], []).append(oi)

    chosen = rng.sample(sorted(items_by_product), min(PRODUCTS, len(items_by_product)))
    for product_id in chosen:
        months: list[dt.date] = []
        for month in rng.sample(_months(), len(_months())):
            if len(months) == len(SPIKE_SIZES):
                break
            if all(_month_gap(month, m) >= MIN_GAP_MONTHS for m in months):
                months.append(month)
        sizes = rng.sample(SPIKE_SIZES, len(SPIKE_SIZES))
        for month, size in zip(sorted(months), sizes, strict=False):
            items = [oi for oi in items_by_product[product_id]
                     if orders[oi["OrderId"]]["EffectiveDate"] < month]
            if not items:
                continue
            # any issue: a spike about the product's usual top issue would make the spike (the
            # densest run of its cases) the answer to "the top issue" in most windows
            lead_issue = rng.choice(issues)["Id"]
            last_day = calendar.monthrange(month.year, month.month)[1]
            start = dt.datetime.combine(month, dt.time())
            end = dt.datetime.combine(month.replace(day=last_day), dt.time(23, 59))
            for k in range(size):
                issue_id = lead_issue if k < size - 1 or rng.random() < 0.5 else \
                    rng.choice(issues)["Id"]
                _add_case(builder, rng, business_datetime(rng, start, end),
                          rng.choice(items), orders, accounts, contacts, products[product_id],
                          next(i for i in issues if i["Id"] == issue_id), rng.choice(agents))
            straggler = end + dt.timedelta(days=rng.randint(20, 60))
            if straggler < ORG_END - dt.timedelta(days=30):
                _add_case(builder, rng,
                          business_datetime(rng, straggler, straggler + dt.timedelta(days=7)),
                          rng.choice(items), orders, accounts, contacts, products[product_id],
                          rng.choice(issues), rng.choice(agents))


def _add_case(builder: OrgBuilder, rng: random.Random, created: dt.datetime,
              item: dict[str, Any], orders: dict[str, Any], accounts: dict[str, Any],
              contacts: dict[str, list[str]], product: dict[str, Any], issue: dict[str, Any],
              owner: str) -> None:
    account = accounts[orders[item["OrderId"]]["AccountId"]]
    handled = created + _handle_time(rng)
    closed_at = None if handled > ORG_END - dt.timedelta(days=2) else handled
    people = contacts.get(account["Id"], [])
    case_id = builder.add(
        "Case", Subject=text.case_subject(rng, issue["Name"], product["Name"]),
        Description=text.case_description(rng, issue["Description__c"], product["Name"],
                                          account.get("ShippingCity") or "main"),
        Status="Closed" if closed_at else "Working",
        Priority=rng.choice(("Low", "Medium", "Medium", "High")),
        Origin=rng.choice(("Email", "Phone", "Web")), AccountId=account["Id"],
        ContactId=rng.choice(people) if people else None, OwnerId=owner,
        IssueId__c=issue["Id"], OrderItemId__c=item["Id"], CreatedDate=created,
        ClosedDate=closed_at)
    rows: list[tuple[str, str | None, str | None, dt.datetime]] = [
        ("Case Creation", None, None, created),
        ("Owner Assignment", None, owner, created + dt.timedelta(seconds=rng.randint(5, 90)))]
    if closed_at:
        rows.append(("Case Closed", "Working", "Closed", closed_at))
    for field, old, new, when in rows:
        builder.add("CaseHistory__c", CaseId__c=case_id, Field__c=field,
                    OldValue__c=old, NewValue__c=new, CreatedDate=when)
