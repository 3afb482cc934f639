"""Helpers shared by the sales categories (T2's): personas, SOQL steps, policy article candidates,
and the quote policy rules that quote_approval and invalid_config apply.

Why the quote rules live here: both categories judge the same quotes against the same articles;
one function decides which article a quote breaks, from the line items and the articles' own
text (the thresholds are read from the article, never from params).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from core.observation import OBSERVATION_LIMIT, render_payload
from core.tool_call import ToolCall
from data.org.plants._sales_text import parse_quote_rule, parse_service_rule
from data.tasks.model import RotTarget
from data.tasks.periods import Period, random_period, random_today
from data.tasks.reference import execute_reference_steps
from data.tasks.registry import AmbiguousAnswer
from data.tasks.results import records, value
from sandbox_db.errors import SalesforceError

#: The org's last day: no task is asked later.
LAST_DAY = dt.date(2024, 12, 31)

SALES_PERSONAS: tuple[str, ...] = (
    "You are quality-focused, maintaining high standards and attention to detail in all work.",
    "You are detail-oriented and methodical, preferring structured processes and thorough "
    "documentation.",
    "You are customer-centric, prioritizing user experience and satisfaction in all initiatives.",
    "You are risk-aware, carefully evaluating potential challenges before implementing changes.",
    "You are deadline-driven, working efficiently under pressure to meet time constraints.",
    "You are accountability-driven, taking ownership of tasks and following through on "
    "commitments.",
    "You are communication-focused, valuing clear and transparent information sharing.",
    "You are strategic and long-term focused, considering the broader implications of decisions.",
    "You are analytical and data-focused, basing decisions on metrics and quantifiable outcomes.",
    "You are results-driven and efficient, focused on meeting targets and improving productivity.",
    "You are collaborative and team-oriented, valuing input from all stakeholders before making "
    "decisions.",
    "You are growth-minded, constantly seeking opportunities for personal and professional "
    "development.",
    "You are innovative and forward-thinking, always looking for creative solutions to complex "
    "problems.",
    "You are resource-conscious, optimizing budget allocation and minimizing waste.",
    "You are process-oriented, emphasizing standardization and continuous improvement.",
    "You are adaptable and flexible, comfortable with changing priorities and evolving "
    "requirements.",
)

B2B_CUSTOMER_PERSONAS: tuple[str, ...] = (
    "You are a procurement manager at a mid-sized company evaluating solutions for your team.",
    "You are an IT director responsible for implementing and integrating new systems.",
    "You are a purchasing agent focused on contract terms, SLAs, and compliance requirements.",
    "You are a VP of operations seeking to improve efficiency across multiple locations.",
    "You are a long-term corporate client expecting preferential pricing and support.",
    "You are a project manager evaluating solutions for a specific initiative with strict "
    "deadlines.",
)
B2C_CUSTOMER_PERSONAS: tuple[str, ...] = (
    "You are a busy professional who needs quick, straightforward information.",
    "You are a frustrated customer who has had previous negative experiences.",
    "You are an indecisive shopper who struggles to choose between similar options.",
    "You are a loyal customer who has used the company's products for years.",
    "You are a first-time buyer unfamiliar with the product category.",
    "You are a tech-savvy consumer who prefers self-service and digital solutions.",
)


def soql(query: str) -> ToolCall:
    """A reference step running one SOQL query (whitespace collapsed)."""
    return ToolCall(name="soql_query", arguments={"query": " ".join(query.split())})


def quoted(value_: str) -> str:
    return "'" + str(value_).replace("\\", "\\\\").replace("'", "\\'") + "'"


def id_list(ids: Iterable[str]) -> str:
    return "(" + ", ".join(quoted(i) for i in ids) + ")"


def shuffled(rng: random.Random, items: Sequence[Any]) -> list[Any]:
    out = list(items)
    rng.shuffle(out)
    return out


def published(article: dict[str, Any]) -> bool:
    return bool(article.get("IsLatestVersion")) and article.get("PublishStatus") == "Online"


def quote_rule_articles(data: Any) -> list[str]:
    """Ids of the published articles that state a quote rule: the candidates a quote is judged
    against (all of them, whichever the quote breaks)."""
    return sorted(a["Id"] for a in data["Knowledge__kav"]
                  if published(a) and parse_quote_rule(a.get("FAQ_Answer__c")))


def service_rule_articles(data: Any) -> list[str]:
    return sorted(a["Id"] for a in data["Knowledge__kav"]
                  if published(a) and parse_service_rule(a.get("FAQ_Answer__c")))


def article_rules(result: Any, parse) -> dict[str, tuple[str, Any]]:
    """kind -> (article Id, rule numbers) from fetched articles; two articles stating the same
    kind of rule would make the answer ambiguous."""
    rules: dict[str, tuple[str, Any]] = {}
    for article in records(result):
        rule = parse(value(article, "FAQ_Answer__c"))
        if rule is None:
            continue
        kind, numbers = rule
        if kind in rules:
            raise AmbiguousAnswer(f"two articles state the {kind} rule")
        rules[kind] = (value(article, "Id"), numbers)
    return rules


# --- quote rules --------------------------------------------------------------------------

def _num(v: Any) -> float:
    return 0.0 if v is None else float(v)


def quote_breaks(kind: str, rule: dict[str, float], lines: list[dict[str, Any]]) -> bool:
    """Whether quote lines (Product2Id, Family, Quantity, UnitPrice, Discount, ListPrice) break
    the rule of `kind` with the article's numbers."""
    families = {line.get("Family") for line in lines}
    if kind == "max_discount":
        return any(_num(line["Discount"]) > rule["limit"] for line in lines)
    if kind == "price_floor":
        return any(line.get("ListPrice") is not None
                   and _num(line["UnitPrice"])
                   < _num(line["ListPrice"]) * rule["limit"] / 100 - 1e-9
                   for line in lines)
    if kind == "volume_discount":
        return any(_num(line["Discount"]) > rule["limit"]
                   and _num(line["Quantity"]) < rule["min_qty"] for line in lines)
    if kind == "max_quantity":
        return any(_num(line["Quantity"]) > rule["limit"] for line in lines)
    if kind == "duplicate_product":
        products = [line.get("Product2Id") for line in lines]
        return len(set(products)) < len(products)
    if kind == "accessory_needs_hardware":
        return "Accessories" in families and "Hardware" not in families
    if kind == "services_need_product":
        return "Services" in families and not families & {"Hardware", "Software"}
    raise ValueError(f"unknown quote rule {kind!r}")


def violated_articles(rules: dict[str, tuple[str, Any]], lines: list[dict[str, Any]]) -> list[str]:
    return sorted(aid for kind, (aid, numbers) in rules.items()
                  if quote_breaks(kind, numbers, lines))


def lines_from_result(result: Any) -> list[dict[str, Any]]:
    """Quote lines as quote_breaks reads them, from the reference's QuoteLineItem query."""
    return [{"Product2Id": value(r, "Product2Id"), "Family": value(r, "Product2.Family"),
             "Quantity": value(r, "Quantity"), "UnitPrice": value(r, "UnitPrice"),
             "Discount": value(r, "Discount"), "ListPrice": value(r, "PricebookEntry.UnitPrice")}
            for r in records(result)]


def lines_from_data(data: Any) -> dict[str, list[dict[str, Any]]]:
    """quote Id -> its lines, straight from the org's records (generators pick candidates)."""
    families = {p["Id"]: p.get("Family") for p in data["Product2"]}
    prices = {e["Id"]: e.get("UnitPrice") for e in data["PricebookEntry"]}
    out: dict[str, list[dict[str, Any]]] = {}
    for r in data["QuoteLineItem"]:
        out.setdefault(r["QuoteId"], []).append({
            "Product2Id": r.get("Product2Id"), "Family": families.get(r.get("Product2Id")),
            "Quantity": r.get("Quantity"), "UnitPrice": r.get("UnitPrice"),
            "Discount": r.get("Discount"), "ListPrice": prices.get(r.get("PricebookEntryId"))})
    return out


def quote_rules_from_data(data: Any) -> dict[str, tuple[str, Any]]:
    rules: dict[str, tuple[str, Any]] = {}
    for a in data["Knowledge__kav"]:
        rule = parse_quote_rule(a.get("FAQ_Answer__c")) if published(a) else None
        if rule:
            rules[rule[0]] = (a["Id"], rule[1])
    return rules


QUOTE_LINES_QUERY = ("SELECT Id, Product2Id, Product2.Name, Product2.Family, Quantity, UnitPrice, "
                     "Discount, PricebookEntry.UnitPrice FROM QuoteLineItem "
                     "WHERE QuoteId = {quote}")
ARTICLES_QUERY = "SELECT Id, Title, FAQ_Answer__c FROM Knowledge__kav WHERE Id IN {ids}"


def derive_quote_violation(results: Sequence[Any]) -> list[str]:
    """results: [quote lines, candidate policy articles] -> the one article the quote breaks."""
    rules = article_rules(results[1], parse_quote_rule)
    broken = violated_articles(rules, lines_from_result(results[0]))
    if len(broken) > 1:
        raise AmbiguousAnswer(f"quote breaks {len(broken)} policies")
    return broken


#: Share of the environment's observation limit a reference result may use (drift lengthens
#: names and rot adds rows, so the oracle's replay must still see every record).
OBSERVATION_SHARE = 0.75


def fits_observations(ctx: Any, reference: Any, today: Any = None) -> bool:
    """Whether every step of `reference` returns a result an agent sees whole (the environment
    trims observations to core.observation.OBSERVATION_LIMIT characters)."""
    try:
        results = execute_reference_steps(ctx.view, reference, today)
    except SalesforceError:
        return False
    limit = int(OBSERVATION_LIMIT * OBSERVATION_SHARE)
    return all(render_payload(r, limit)[1] is None for r in results)


def day_after(moment: Any, rng: random.Random, low: int = 1, high: int = 7) -> dt.date:
    """A 'today' a few days after `moment` (date or datetime), never past the org's last day."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return min(day + dt.timedelta(days=rng.randint(low, high)), LAST_DAY)


# --- per-agent questions over deals signed in a period (sales_amount, sales_cycle) -----------

def signed_deals(data: Any, obj: str, contract_field: str) -> tuple[list[dict[str, Any]],
                                                                   dict[str, Any]]:
    """(the `obj` records whose contract (`contract_field`) was signed, {contract Id: signed
    day})."""
    signed = {c["Id"]: c.get("CompanySignedDate") for c in data["Contract"]}
    return [o for o in data[obj] if signed.get(o.get(contract_field))], signed


def signed_deal_periods(ctx: Any, deals: list[dict[str, Any]], contract_field: str,
                        signed: dict[str, Any]
                        ) -> Iterator[tuple[dt.date, Period, list[dict[str, Any]]]]:
    """(today, period, deals signed in it) with at least two owners, up to 150 draws per wanted
    task (most periods of a fresh seed's org are turned down: one deal decides them); at most
    one period without any deal (a 'None' question), offered one time in ten. More draws only
    lengthen the sequence: a category filled within fewer draws gets the same tasks."""
    rng = ctx.rng
    none_offered = False
    for _ in range(ctx.count * 150):
        today = random_today(rng, first=dt.date(2020, 10, 1))
        period = random_period(rng, today, months=(2, 9), quarters=(1, 4), weeks=(4, 10))
        in_period = [o for o in deals
                     if period.first_day <= signed[o[contract_field]] <= period.last_day]
        if not in_period:
            if none_offered or rng.random() > 0.1:
                continue
            none_offered = True
        elif len({o.get("OwnerId") for o in in_period}) < 2:
            continue
        yield today, period, in_period


def signed_deal_rot_targets(in_period: list[dict[str, Any]], deals: list[dict[str, Any]],
                            contract_field: str, signed: dict[str, Any],
                            period: Period) -> tuple[RotTarget, ...]:
    """Rot the signed dates of up to four of the period's contracts; for a period without deals,
    of the two deals signed closest to it (rot imitates them)."""
    def distance(o: dict[str, Any]) -> int:
        day = signed[o[contract_field]]
        return min(abs((day - period.first_day).days), abs((day - period.last_day).days))

    chosen = in_period or sorted(deals, key=lambda o: (distance(o), o["Id"]))[:2]
    return tuple(RotTarget(object="Contract", record_id=o[contract_field],
                           date_field="CompanySignedDate", window_start=period.start,
                           window_end=period.end) for o in chosen[:4])
