"""What a lazy solver answers for a task: per-category heuristics and priors learned from golds.

Why: a gold answer that a naive rule reproduces (the most frequent value over all time, the
first record, the category's usual answer, the date window ignored) measures nothing; an agent
that never does the work the question asks for would pass it. Every category registers the
answers a lazy solver would give (HEURISTICS: small functions over the task's reference results
on the base org and the org's records), and every category is held to the priors a cheater
learns from other tasks' golds (PRIORS, per question kind). data.tasks.budget turns down drafts
that would let any of them pass too many tasks.

A heuristic returns the answers a lazy solver gives (usually one; none when it has nothing to
say). A lazy solver settles a tie the task's policy does not break by taking the first row
(data.tasks.results.ties_broken), as the validity suite's shortcut agents do. Whether an answer
passes is the grader's verdict (data.tasks.grading), nothing looser.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from core.tool_call import ToolCall
from data.org.plants._sales_sentiment import classify as classify_sentiment
from data.org.plants._sales_text import STAGES, service_grants, stage_of_subject
from data.tasks.categories._sales_common import article_rules
from data.tasks.grading import grade
from data.tasks.model import ReferenceSolution, Task
from data.tasks.query_edits import drop_date_windows
from data.tasks.reference import derive, execute_step
from data.tasks.registry import AmbiguousAnswer, GenContext
from data.tasks.results import as_datetime, records, ties_broken, value
from sandbox_db.errors import SalesforceError
from sandbox_db.ids import is_valid_id, record_number

Answer = list[str]
#: The answers a lazy solver gives: any of them passing counts as the heuristic passing.
Candidates = list[Answer]

_VERDICTS: dict[tuple[Any, ...], bool] = {}
_MAX_VERDICTS = 200_000


def passes(task: Task, answer: Sequence[str] | None) -> bool:
    """Whether submitting `answer` (no refusal, nothing else said) passes `task`. Memoised on
    what the grader reads of an answered task: budgets ask the same pairs many times."""
    if answer is None:
        return False
    key = (task.category, task.reward_metric, task.query, task.answer, tuple(answer))
    if key not in _VERDICTS:
        if len(_VERDICTS) >= _MAX_VERDICTS:
            _VERDICTS.clear()
        _VERDICTS[key] = grade(task, list(answer), False, "").passed
    return _VERDICTS[key]


# --- the evidence a heuristic reads -----------------------------------------------------------

_RELATIVE_DATE = re.compile(r"\b(?:LAST|NEXT|THIS)_\w+|\b(?:TODAY|YESTERDAY|TOMORROW)\b",
                            re.IGNORECASE)


class Evidence:
    """One draft's reference results on the base org, and re-runs of its reference with a lazy
    solver's edits. `shared` outlives the draft (one per category build): many lazy queries and
    answers (a window dropped, a filter ignored) are the same for every draft, and indexes over
    the org's records are built once."""

    def __init__(self, task: Task, results: list[Any], ctx: GenContext,
                 shared: dict[Any, Any]) -> None:
        assert task.reference is not None  # heuristics only run on answerable tasks
        self.task, self.reference, self.results = task, task.reference, results
        self.ctx, self._shared = ctx, shared

    @property
    def data(self) -> Mapping[str, Sequence[Mapping[str, Any]]]:
        return self.ctx.data

    @property
    def params(self) -> dict[str, Any]:
        return self.reference.params

    def query(self, step: int) -> str:
        return str(self.reference.steps[step].arguments.get("query", ""))

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per category build."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    def run(self, query: str) -> Any:
        step = ToolCall(name="soql_query", arguments={"query": query})
        return self.memo(("query", query, self._today_for(query)),
                         lambda: execute_step(self.ctx.view, step, self.task.today))

    def _today_for(self, *queries: str) -> Any:
        """The task's date when a query's result depends on it (a relative date literal)."""
        return self.task.today if any(_RELATIVE_DATE.search(q) for q in queries) else None

    def rerun(self, edit: Callable[[str], str] | None = None,
              params: Mapping[str, Any] | None = None,
              results: list[Any] | None = None) -> Candidates:
        """The reference's answer with its queries edited, its params overridden or its results
        replaced, a tie settled by the first row; none when a query fails."""
        reference = self.reference.model_copy(update={"params": {**self.params, **(params or {})}})
        if results is not None:
            return lazy_answers(reference, results)
        if edit is None:
            return lazy_answers(reference, self.results)
        queries = tuple(edit(s.arguments["query"]) for s in self.reference.steps)
        key = ("rerun", reference.derivation, queries, repr(sorted(reference.params.items())),
               self._today_for(*queries))

        def compute() -> Candidates:
            try:
                return lazy_answers(reference, [self.run(q) for q in queries])
            except SalesforceError:
                return []
        return self.memo(key, compute)


def lazy_answers(reference: ReferenceSolution, results: list[Any]) -> Candidates:
    """What the reference's derivation says when a tie is settled by the first row."""
    try:
        with ties_broken("first"):
            return [derive(reference, results)]
    except AmbiguousAnswer:  # a tie no ordering settles (e.g. two products bought that day)
        return []


def tied(counts: Mapping[Any, float], highest: bool = True) -> Candidates:
    """The key with the highest (lowest) value, the first one on a tie."""
    counts = {k: v for k, v in counts.items() if k not in (None, "")}
    if not counts:
        return []
    best = (max if highest else min)(counts.values())
    return first(k for k, v in counts.items() if v == best)


def first(keys: Iterable[Any]) -> Candidates:
    """The first (lowest) key: a lazy solver's pick of one record."""
    ordered = sorted({str(k) for k in keys if k not in (None, "")})
    return [[ordered[0]]] if ordered else []


def one_record(record: Any) -> dict[str, Any]:
    """A query result holding only `record`."""
    return {"totalSize": 1, "done": True, "records": [record]}


def ignore_window(ev: Evidence) -> Candidates:
    """The reference with every date condition dropped: the answer over all time."""
    return ev.rerun(edit=drop_date_windows)


def _count_by(rows: Iterable[Mapping[str, Any]], path: str) -> Counter[Any]:
    return Counter(value(r, path) for r in rows if value(r, path))


def _aggregates(result: Any, key: str, alias: str = "n") -> dict[Any, float]:
    return {value(r, key): float(value(r, alias) or 0) for r in records(result)}


def org_mode(obj: str, path: str, where: Callable[[Mapping[str, Any]], bool] = lambda r: True
             ) -> Callable[[Evidence], Candidates]:
    """The most frequent `path` among the org's `obj` records over all time: one GROUP BY that
    ignores everything the question says."""
    def run(ev: Evidence) -> Candidates:
        return ev.memo(("mode", obj, path, where), lambda: tied(
            _count_by((r for r in ev.data[obj] if where(r)), path)))
    return run


# --- per-category heuristics ------------------------------------------------------------------

def _not_started(ev: Evidence) -> list[str]:
    return sorted(value(r, "Id") for r in records(ev.results[1]))


def _closure_seconds(case: Mapping[str, Any]) -> float | None:
    opened, closed = as_datetime(value(case, "CreatedDate")), as_datetime(value(case, "ClosedDate"))
    return (closed - opened).total_seconds() if opened and closed else None


def _quickest_single_case(ev: Evidence) -> Candidates:
    return tied({value(c, "Account.ShippingState"): -t for c in records(ev.results[0])
                 if (t := _closure_seconds(c)) is not None})


def _most_converted(ev: Evidence) -> Candidates:
    totals = _aggregates(ev.results[0], "OwnerId")
    converted = _aggregates(ev.results[1], "OwnerId")
    return tied({o: converted.get(o, 0.0) for o in totals}, highest=not ev.params["lowest"])


_AMOUNT_AGGREGATE = re.compile(r"\b(SUM|AVG)\(Amount\)")


def _aggregate_edit(replace: Callable[[str], str]) -> Callable[[Evidence], Candidates]:
    """internal_operation_data: the same question answered with another aggregate."""
    def run(ev: Evidence) -> Candidates:
        return ev.rerun(edit=lambda q: _AMOUNT_AGGREGATE.sub(lambda m: replace(m.group(1)), q))
    return run


def _one_call(pick: Callable[[list[Any]], Any]) -> Callable[[Evidence], Candidates]:
    """The reference's derivation over one call transcript only (the first or the latest)."""
    def run(ev: Evidence) -> Candidates:
        calls = records(ev.results[0])
        if not calls:
            return []
        return ev.rerun(results=[one_record(pick(calls)), *ev.results[1:]])
    return run


def _members(ev: Evidence) -> list[str]:
    return sorted({value(a, "UserId") for a in records(ev.results[1])} - {None})


def _fewest_open_leads(ev: Evidence) -> Candidates:
    open_leads = _aggregates(ev.results[3], "OwnerId")
    return tied({m: open_leads.get(m, 0.0) for m in _members(ev)}, highest=False)


_PRODUCT_FILTER = re.compile(r"OrderItemId__r\.Product2Id = '[^']*' AND ")


def _months(result: Any, key: Callable[[Any], Any]) -> Counter[Any]:
    return Counter(key(t) for case in records(result)
                   if (t := as_datetime(value(case, "CreatedDate"))) is not None)


def _month_answer(year: int, month: int) -> Answer:
    return [f"{calendar.month_name[month]} {year}"]


def _latest_month(ev: Evidence) -> Candidates:
    """The most recent month with a case (the 'current' spike a lazy reader sees first)."""
    months = _months(ev.results[0], lambda t: (t.year, t.month))
    return [_month_answer(*max(months))] if months else []


def _month_name_all_time(ev: Evidence) -> Candidates:
    """The calendar month the product's cases fall in most often over all years, in the year
    the period holds it."""
    result = ev.run(drop_date_windows(ev.query(0)))
    names = tied(_months(result, lambda t: f"{t.month:02d}"))
    in_period = {(t.year, t.month) for t in (as_datetime(value(c, "CreatedDate"))
                                              for c in records(ev.results[0])) if t}
    return [_month_answer(y, m) for y, m in sorted(in_period)
            if names and f"{m:02d}" == names[0][0]][:1]


#: Records within this many Id numbers of the median Id (~2.3 days of creation time: Ids follow
#: creation time, data.org.creation) make a "burst"; env.agents.shortcuts' rot filter keeps them.
BURST_SPAN = 200_000
_PRODUCT_ID = re.compile(r"OrderItemId__r\.Product2Id = '([^']*)'")


def burst(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows whose Id lies within BURST_SPAN of the median Id: a product's densest run of
    cases, which a solver who ignores the question's period might take for the answer."""
    numbered = sorted((record_number(str(r["Id"])), r) for r in rows
                      if is_valid_id(str(r.get("Id"))))
    if not numbered:
        return []
    median = numbered[len(numbered) // 2][0]
    return [r for n, r in numbered if abs(n - median) <= BURST_SPAN]


def _product_burst(ev: Evidence) -> list[Mapping[str, Any]]:
    """The product's burst of cases over all time (no period)."""
    product = _PRODUCT_ID.search(ev.query(0))
    if product is None:
        return []
    result = ev.run(f"SELECT Id, IssueId__c, CreatedDate FROM Case WHERE "
                    f"OrderItemId__r.Product2Id = '{product.group(1)}'")
    return burst(records(result))


def _burst_issue(ev: Evidence) -> Candidates:
    return tied(_count_by(_product_burst(ev), "IssueId__c"))


def _burst_month(ev: Evidence) -> Candidates:
    months = _months({"records": _product_burst(ev)}, lambda t: (t.year, t.month))
    best = tied(Counter({f"{y:04d}-{m:02d}": n for (y, m), n in months.items()}))
    return [_month_answer(int(b[0][:4]), int(b[0][5:])) for b in best]


_ACCOUNT_FILTER = re.compile(r"Order\.AccountId = '(\w+)'")


def _purchases_of_kind(ev: Evidence) -> list[tuple[Any, str]]:
    """(order day, product Id) of the account's order items of the asked kind, on any day."""
    def by_account() -> dict[Any, list[tuple[Any, str, str]]]:
        products = {p["Id"]: f"{p.get('Name') or ''} {p.get('Description') or ''}".lower()
                    for p in ev.data["Product2"]}
        orders = {o["Id"]: o for o in ev.data["Order"]}
        out: dict[Any, list[tuple[Any, str, str]]] = defaultdict(list)
        for item in ev.data["OrderItem"]:
            order = orders.get(item.get("OrderId"))
            if order and item.get("Product2Id"):
                out[order.get("AccountId")].append((order.get("EffectiveDate"), item["Product2Id"],
                                                    products.get(item["Product2Id"], "")))
        return out
    account = _ACCOUNT_FILTER.search(ev.query(1))
    kind = str(ev.params["kind"]).lower()
    bought = ev.memo("purchases", by_account).get(account.group(1) if account else None, [])
    return [(day, product) for day, product, text in bought if kind in text]


def _latest_bought(ev: Evidence) -> Candidates:
    dated = [(day, product) for day, product in _purchases_of_kind(ev)
             if day is not None and ev.task.today and day <= ev.task.today]
    return first(p for d, p in dated if d == max(d for d, _ in dated)) if dated else []


def _first_grant_article(ev: Evidence) -> Candidates:
    """The article of the first thing the agent granted, whether or not it broke the limit."""
    from data.tasks.categories.policy_violation_identification import _service_rule

    rules = article_rules(ev.results[2], _service_rule)
    texts = [value(r, "Body") for r in records(ev.results[0])]
    texts += [value(r, "TextBody") for r in records(ev.results[1])]
    kinds = [kind for text in texts for kind, _ in service_grants(text) if kind in rules]
    return [[rules[kinds[0]][0]]] if kinds else []


def _oldest_record(ev: Evidence) -> Candidates:
    """private_customer_information: the oldest case's field instead of the latest one's."""
    if "order_field" not in ev.params:
        return []
    step = ev.params.get("step", 0)
    rows = records(ev.results[step])
    if not rows:
        return []
    results = list(ev.results)
    results[step] = one_record(rows[-1])
    return ev.rerun(results=results)


def _account_case_count(ev: Evidence) -> Candidates:
    """private_customer_information: the cases of the whole account, not the contact's."""
    if ev.reference.derivation != "record_count":
        return []
    contact_id = re.search(r"Id: (\w+)", ev.task.required_context)
    contacts = ev.memo("contacts", lambda: {c["Id"]: c for c in ev.data["Contact"]})
    contact = contacts.get(contact_id.group(1)) if contact_id else None
    if not contact or not contact.get("AccountId"):
        return []
    return [[str(sum(c.get("AccountId") == contact["AccountId"] for c in ev.data["Case"]))]]


def _deal_counts(ev: Evidence) -> Candidates:
    """sales_amount / sales_cycle: the agent with the most deals in the period."""
    return tied(_count_by(records(ev.results[0]), "OwnerId"))


def _single_extreme_cycle(ev: Evidence) -> Candidates:
    cycles: dict[Any, int] = {}
    for opp in records(ev.results[0]):
        created = as_datetime(value(opp, "CreatedDate"))
        signed = as_datetime(value(opp, "ContractID__r.CompanySignedDate"))
        if created and signed:
            days = (signed - created).days
            owner = value(opp, "OwnerId")
            cycles[owner] = (max if ev.params["slowest"] else min)(cycles.get(owner, days), days)
    return tied(cycles, highest=ev.params["slowest"])


def _any_sentiment(ev: Evidence) -> Candidates:
    found: list[str] = []
    for call in records(ev.results[0]):
        for subtopic, _ in classify_sentiment(str(value(call, "Body__c") or "")):
            if subtopic not in found:
                found.append(subtopic)
    return [[", ".join(found)]] if found else []


def _opposite_sentiment(ev: Evidence) -> Candidates:
    asked = ev.params["sentiment"]
    return ev.rerun(params={"sentiment": "positive" if asked == "negative" else "negative"})


def _stage_answer(ev: Evidence, stage: str | None) -> Candidates:
    """The wrong_stage answer naming `stage` (what the reference's derivation would say)."""
    if stage is None:
        return []
    rows = [t for t in records(ev.results[1]) if stage_of_subject(value(t, "Subject")) == stage]
    return ev.rerun(results=[ev.results[0], {"records": rows}])


def _latest_task_stage(ev: Evidence) -> Candidates:
    tasks = [(str(value(t, "ActivityDate")), value(t, "Id"), stage)
             for t in records(ev.results[1]) if (stage := stage_of_subject(value(t, "Subject")))]
    return _stage_answer(ev, max(tasks)[2] if tasks else None)


def _next_stage(ev: Evidence) -> Candidates:
    shown = value(records(ev.results[0])[0], "StageName") if records(ev.results[0]) else None
    if shown not in STAGES or shown == STAGES[-1]:
        return []
    return _stage_answer(ev, STAGES[STAGES.index(shown) + 1])


def _open_task_stage(ev: Evidence) -> Candidates:
    """The stage most 'Not Started' tasks belong to (what is planned, not what was done)."""
    open_stages = Counter(stage_of_subject(value(t, "Subject")) for t in records(ev.results[1])
                          if value(t, "Status") == "Not Started")
    return [a for stage in tied(open_stages) for a in _stage_answer(ev, stage[0])]


def _closed(record: Mapping[str, Any]) -> bool:
    return record.get("Status") == "Closed"


def _transferred(record: Mapping[str, Any]) -> bool:
    return record.get("Field__c") == "Owner Assignment" and bool(record.get("OldValue__c"))


Heuristic = Callable[[Evidence], Candidates]

#: category -> {heuristic name: the answers a lazy solver gives}. Answers that never depend on
#: the task (the first article, the category's usual answer) are not listed: data.tasks.budget
#: caps every gold value, which bounds them all. Nor are the priors (PRIORS), which every
#: category gets.
HEURISTICS: dict[str, dict[str, Heuristic]] = {
    "activity_priority": {
        "all_not_started": lambda ev: [_not_started(ev)],
        "drop_first_id": lambda ev: [_not_started(ev)[1:]],
        "drop_last_id": lambda ev: [_not_started(ev)[:-1]]},
    "best_region_identification": {
        "ignore_window": ignore_window,
        "most_closed_cases": lambda ev: tied(_count_by(records(ev.results[0]),
                                                       "Account.ShippingState")),
        "quickest_single_case": _quickest_single_case},
    "case_routing": {
        "product_expert_only": lambda ev: tied(_aggregates(ev.results[1], "OwnerId")),
        "least_open_cases": lambda ev: tied(_aggregates(ev.results[2], "OwnerId"), highest=False),
        "top_closer_overall": org_mode("Case", "OwnerId", _closed)},
    "confidential_company_knowledge": {},
    "conversion_rate_comprehension": {
        "ignore_window": ignore_window,
        "ignore_min_leads": lambda ev: ev.rerun(params={"min_leads": 1}),
        "most_converted": _most_converted},
    "handle_time": {
        "ignore_window": ignore_window,
        "ignore_min_cases": lambda ev: ev.rerun(params={"min_managed_exclusive": 0}),
        "most_cases_overall": org_mode("Case", "OwnerId")},
    "internal_operation_data": {
        "other_aggregate": _aggregate_edit(
            lambda used: ("AVG" if used == "SUM" else "SUM") + "(Amount)"),
        "ignore_window": ignore_window,
        "most_deals": _aggregate_edit(lambda used: "COUNT(Id)")},
    "invalid_config": {},
    "knowledge_qa": {},
    "lead_qualification": {
        "first_call_only": _one_call(lambda calls: calls[0]),
        "latest_call_only": _one_call(lambda calls: calls[-1])},
    "lead_routing": {
        "first_member": lambda ev: first(_members(ev)),
        "fewest_open_leads": _fewest_open_leads,
        "most_accepted_quotes": lambda ev: tied(_aggregates(ev.results[2],
                                                            "Opportunity.OwnerId"))},
    "monthly_trend_analysis": {
        "ignore_window": ignore_window,
        "month_name_all_time": _month_name_all_time,
        "latest_month": _latest_month,
        "product_burst": _burst_month,
        "all_products": lambda ev: ev.rerun(edit=lambda q: _PRODUCT_FILTER.sub("", q))},
    "named_entity_disambiguation": {
        "most_bought_of_kind": lambda ev: tied(Counter(p for _, p in _purchases_of_kind(ev))),
        "latest_bought_of_kind": _latest_bought,
        "first_of_kind": lambda ev: first(p for _, p in _purchases_of_kind(ev))},
    "policy_violation_identification": {
        "first_grant_article": _first_grant_article},
    "private_customer_information": {
        "oldest_case": _oldest_record,
        "account_case_count": _account_case_count},
    "quote_approval": {},
    "sales_amount_understanding": {
        "ignore_window": ignore_window,
        "most_orders": _deal_counts,
        "most_orders_overall": org_mode("Order", "OwnerId")},
    "sales_cycle_understanding": {
        "ignore_window": ignore_window,
        "most_deals": _deal_counts,
        "single_extreme_deal": _single_extreme_cycle},
    "sales_insight_mining": {
        "any_sentiment": _any_sentiment,
        "opposite_sentiment": _opposite_sentiment,
        "first_call_only": _one_call(lambda calls: calls[0])},
    "top_issue_identification": {
        "ignore_window": ignore_window,
        "product_burst": _burst_issue,
        "all_products": lambda ev: ev.rerun(edit=lambda q: _PRODUCT_FILTER.sub("", q)),
        "all_products_all_time": lambda ev: ev.rerun(
            edit=lambda q: drop_date_windows(_PRODUCT_FILTER.sub("", q)))},
    "transfer_count": {
        "ignore_window": ignore_window,
        "ignore_min_cases": lambda ev: ev.rerun(params={"min_managed_exclusive": 0}),
        "top_transferrer_overall": org_mode("CaseHistory__c", "OldValue__c", _transferred)},
    "wrong_stage_rectification": {
        "latest_task_stage": _latest_task_stage,
        "next_stage": _next_stage,
        "open_task_stage": _open_task_stage},
}


# --- learned priors: what a cheater who has seen other tasks' golds answers ------------------

_SENTENCE_START = re.compile(r"(^|[.?!]\s+)([A-Z])")
_NAMED = re.compile(r"[^\s]*[A-Z0-9][^\s]*(?:\s+[^\s]*[A-Z0-9][^\s]*)*")
_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=8192)
def question_kind(query: str) -> str:
    """The question's template as a reader sees it: names, Ids, dates and numbers masked
    ("How long does # keep its audit logs?"): what a prior may condition on."""
    text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).lower(), " ".join(query.split()))
    return _NAMED.sub("#", text)


@lru_cache(maxsize=8192)
def _words(kind: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z#]+", kind))


def nearest_kind(kind: str, known: Iterable[str]) -> str | None:
    """`kind` itself when known, else the known kind sharing the most words with it (Jaccard):
    where a cheater looks for a question it has not seen asked that way."""
    known = set(known)
    if kind in known or not known:
        return kind if kind in known else None
    words = _words(kind)
    return max(sorted(known), key=lambda k: len(words & _words(k)) / len(words | _words(k)))


def ranked_golds(task: Task, others: Sequence[Task]) -> list[tuple[str, ...]]:
    """The golds of `others` asked the same kind of question as `task` (or the nearest kind),
    most common first; on a tie, golds that pass `task` first (a prior is judged by its luckiest
    reading)."""
    answered = [o for o in others if o.reward_metric != "privacy_rejection"]
    kind = nearest_kind(question_kind(task.query), (question_kind(o.query) for o in answered))
    counts = Counter(o.answer for o in answered if question_kind(o.query) == kind)
    return sorted(counts, key=lambda g: (-counts[g], not passes(task, g)))


def stuffed(golds: Sequence[tuple[str, ...]]) -> Answer | None:
    """The first gold's template with every number the golds of that template put in each
    slot ("90 180 365 730 days before they are archived")."""
    if not golds or len(golds[0]) != 1:
        return None
    template = _NUMBER.sub("#", golds[0][0])
    slots: list[list[str]] = [[] for _ in range(template.count("#"))]
    for gold in golds:
        if len(gold) == 1 and _NUMBER.sub("#", gold[0]) == template:
            for slot, number in zip(slots, _NUMBER.findall(gold[0]), strict=True):
                slot.extend([number] if number not in slot else [])
    parts = template.split("#")
    return [parts[0] + "".join(" ".join(slot) + part
                               for slot, part in zip(slots, parts[1:], strict=True))]


Prior = Callable[[Task, Sequence[Task]], Answer | None]

#: Answers learned from the other tasks of the category, per question kind: the most common
#: gold, the two most common comma-joined, the most common with every number of the kind
#: (data.tasks.budget also holds the category's most common gold over all kinds).
PRIORS: dict[str, Prior] = {
    "kind_prior": lambda task, others: list(g[0]) if (g := ranked_golds(task, others)) else None,
    "kind_pair": lambda task, others: [", ".join(", ".join(g) for g in golds[:2])]
    if len(golds := ranked_golds(task, others)) >= 2 else None,
    "kind_stuffing": lambda task, others: stuffed(ranked_golds(task, others)),
}
#: Priors that only a free-text (fuzzy) gold can fall for: several candidates or extra numbers
#: never equal a set of exact items.
FUZZY_ONLY_PRIORS = frozenset({"kind_pair", "kind_stuffing"})
