"""Planter for named_entity_disambiguation: near-namesake products (three per kind, e.g. three
"power optimization manager"s) and contacts' accounts that bought two or three of one kind on
different dates (one of them more than once), so "the <kind> I purchased N days ago" names
exactly one product only together with the purchase date.
"""

from __future__ import annotations

import datetime as dt

from data.org.builder import OrgBuilder
from data.org.catalog import product_code
from data.org.plants._sales_planting import by_id, standard_prices
from data.org.plants._sales_text import NAMESAKE_DESCRIPTIONS, NAMESAKE_GROUPS

CONTACTS = 60
PRICE_RANGES = {"Hardware": (600, 6000), "Software": (200, 2500)}
FIRST_DAY = dt.date(2020, 3, 1)
LAST_DAY = dt.date(2024, 11, 30)


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("named_entity_disambiguation")
    standard, _ = standard_prices(builder)
    products: dict[str, list[tuple[str, str, float]]] = {}
    for kind, variants in NAMESAKE_GROUPS.items():
        for i, (name, family) in enumerate(variants):
            pid = builder.add(
                "Product2", Name=name, ProductCode=product_code(builder, rng, name),
                Description=NAMESAKE_DESCRIPTIONS[i].format(kind=kind), Family=family,
                External_ID__c=f"EXT-{rng.randint(100000, 999999)}", IsActive=True)
            low, high = PRICE_RANGES[family]
            price = round(rng.uniform(low, high) / 5) * 5 - 0.01
            entry = builder.add("PricebookEntry", Name=name, Pricebook2Id=standard,
                                Product2Id=pid, UnitPrice=round(price, 2), IsActive=True)
            products.setdefault(kind, []).append((pid, entry, round(price, 2)))
    accounts = by_id(builder, "Account")
    contacts = [c for c in sorted(builder.records("Contact"), key=lambda c: c["Id"])
                if c.get("AccountId") in accounts]
    seen_accounts: set[str] = set()
    chosen = []
    for contact in rng.sample(contacts, len(contacts)):
        if contact["AccountId"] not in seen_accounts:
            seen_accounts.add(contact["AccountId"])
            chosen.append(contact)
        if len(chosen) == CONTACTS:
            break
    kinds = list(NAMESAKE_GROUPS)
    for n, contact in enumerate(chosen):
        account = accounts[contact["AccountId"]]
        kind = kinds[n % len(kinds)]
        distinct = rng.sample(products[kind], rng.choice((2, 3)))
        # one of them bought again: the account's most bought product is one answer among several
        bought = distinct + [rng.choice(distinct)] * rng.choice((1, 2))
        rng.shuffle(bought)
        day = FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days - 200))
        for pid, entry, price in bought:
            items = [(pid, entry, price)]
            if rng.random() < 0.35:  # a different kind bought the same day
                other = rng.choice([k for k in kinds if k != kind])
                items.append(rng.choice(products[other]))
            order = builder.add(
                "Order", AccountId=account["Id"], OwnerId=account.get("OwnerId"),
                Pricebook2Id=standard, EffectiveDate=day, Status="Activated")
            for item_pid, item_entry, item_price in items:
                builder.add("OrderItem", OrderId=order, Product2Id=item_pid,
                            PriceBookEntryId=item_entry,
                            Quantity=float(rng.choice((1, 1, 2, 3, 5))), UnitPrice=item_price)
            day += dt.timedelta(days=rng.randint(9, 60))
