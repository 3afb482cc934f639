"""named_entity_disambiguation: a contact asks about "the <kind> I purchased N days ago"; their
account bought several near-namesake products of that kind on different dates, so only the
purchase date pins down the product (answer: its Product2 Id, None if nothing of that kind was
bought that day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from data.org.plants._sales_text import NAMESAKE_GROUPS, NUMBER_WORDS
from data.tasks.categories._sales_common import (
    B2B_CUSTOMER_PERSONAS,
    B2C_CUSTOMER_PERSONAS,
    quoted,
    shuffled,
    soql,
)
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, category, derivation
from data.tasks.results import records, value

QUERIES = (
    "Display the {kind} that I purchased {ago}.",
    "Can you display the {kind} I purchased {ago}?",
    "Show me the {kind} I bought {ago}.",
    "Display the {kind} I purchased {ago}.",
)
SUFFIX = " Return only the Id of the product from the contact's relevant past transaction."
LAST_DAY = dt.date(2024, 12, 31)


def ago_phrase(days: int, rng) -> str:
    if days == 1:
        return "yesterday"
    if days == 7:
        return rng.choice(("a week ago", "seven days ago"))
    if days == 14:
        return rng.choice(("two weeks ago", "fourteen days ago"))
    word = NUMBER_WORDS.get(days)
    return f"{word if word and rng.random() < 0.6 else days} days ago"


@derivation("named_entity_disambiguation")
def derive_named_entity(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [the contact (AccountId), order items its account bought on the day asked
    about, with product names and descriptions]. params: kind (what the customer called it)."""
    kind = params["kind"].lower()
    matches = {value(item, "Product2Id") for item in records(results[1])
               if kind in f"{value(item, 'Product2.Name') or ''} "
                          f"{value(item, 'Product2.Description') or ''}".lower()}
    if len(matches) > 1:
        raise AmbiguousAnswer(f"{len(matches)} products of kind {kind!r} bought that day")
    return sorted(matches)


def reference(contact_id: str, account_id: str, day: dt.date, kind: str) -> ReferenceSolution:
    return ReferenceSolution(steps=(
        soql(f"SELECT Id, Name, AccountId FROM Contact WHERE Id = {quoted(contact_id)}"),
        soql("SELECT Id, OrderId, Product2Id, Product2.Name, Product2.Description, "
             f"Order.EffectiveDate FROM OrderItem WHERE Order.AccountId = {quoted(account_id)} "
             f"AND Order.EffectiveDate = {day.isoformat()}"),
    ), derivation="named_entity_disambiguation", params={"kind": kind})


def _kind_of(product: Mapping[str, Any]) -> str | None:
    text = f"{product.get('Name') or ''} {product.get('Description') or ''}".lower()
    return next((k for k in NAMESAKE_GROUPS if k in text), None)


@category("named_entity_disambiguation", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    kinds = {p["Id"]: _kind_of(p) for p in ctx.data["Product2"]}
    orders = {o["Id"]: o for o in ctx.data["Order"]}
    # account -> kind -> [(order day, order Id, product Id)]
    bought: dict[str, dict[str, list[tuple[dt.date, str, str]]]] = {}
    for item in ctx.data["OrderItem"]:
        kind, order = kinds.get(item.get("Product2Id")), orders.get(item.get("OrderId"))
        if kind and order:
            bought.setdefault(order["AccountId"], {}).setdefault(kind, []).append(
                (order["EffectiveDate"], order["Id"], item["Product2Id"]))
    contacts = [c for c in ctx.data["Contact"]
                if any(len({p for _, _, p in v}) > 1
                       for v in bought.get(c.get("AccountId") or "", {}).values())]
    personas = B2B_CUSTOMER_PERSONAS if ctx.org == "b2b" else B2C_CUSTOMER_PERSONAS
    # every purchase of a kind the account bought several products of can be asked about
    asks = [(contact, kind, n) for contact in sorted(contacts, key=lambda c: c["Id"])
            for kind, v in sorted(bought[contact["AccountId"]].items()) if len(v) > 1
            for n in range(len(v))]
    none_offered = False
    for contact, kind, n in shuffled(rng, asks):
        account = contact["AccountId"]
        purchases = sorted(bought[account][kind])
        day, order_id, product_id = purchases[n]
        if not none_offered and rng.random() < 0.15:
            # ask about a day between two purchases: nothing of that kind was bought then
            day = purchases[0][0] + dt.timedelta(days=3)
            if any(d == day for d, _, _ in purchases):
                continue
            none_offered = True
        later = [d for d, _, p in purchases if d > day and p != product_id]
        if later and rng.random() < 0.8:
            # another product of the kind came after it: the latest purchase is not the answer
            days_ago = (later[0] - day).days + rng.randint(1, 12)
        else:
            days_ago = rng.choice((1, 2, 3, 4, 5, 6, 7, 7, 10, 12, 14, 14, 20, 21, 25, 30))
        today = day + dt.timedelta(days=days_ago)
        if today > LAST_DAY:
            continue
        ref = reference(contact["Id"], account, day, kind)
        query = rng.choice(QUERIES).format(kind=kind, ago=ago_phrase(days_ago, rng)) + SUFFIX
        yield TaskDraft(
            query=query, reference=ref,
            persona=rng.choice(personas),
            required_context=f"- Contact Id interacting: {contact['Id']}\n"
                             f"- Today's date: {today.isoformat()}",
            today=today,
            rot_targets=(RotTarget(object="Order", record_id=order_id, date_field="EffectiveDate",
                                   window_start=dt.datetime.combine(day, dt.time()),
                                   window_end=dt.datetime.combine(day + dt.timedelta(days=1),
                                                                  dt.time())),
                         RotTarget(object="Product2", record_id=product_id)))
