"""What a lazy solver answers for a task, and the budget that keeps such answers from passing.

Why: a gold answer that a naive rule reproduces (the most frequent value over all time, the
first record, the category's usual answer, the date window ignored) measures nothing; an agent
that never does the work the question asks for would pass it. Every category registers the
answers a lazy solver would give (HEURISTICS: small functions over the task's reference results
and the base org), and every category is held to the learned-prior heuristics (PRIORS: the
category's most common gold, the most common gold of the question's kind, two candidates
comma-joined, every number of the kind stuffed in). `HeuristicBudget.admit` is build.py's one
hook: it turns a draft down when accepting it would let one heuristic pass more than
HEURISTIC_SHARE of the category, or one gold value (refusals: REFUSAL_SHARE) cover more than
GOLD_SHARE. Whether an answer passes is the grader's verdict (data.tasks.grading), nothing
looser.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.tool_call import ToolCall
from data.org.plants._sales_sentiment import classify as classify_sentiment
from data.org.plants._sales_text import STAGES, service_grants, stage_of_subject
from data.tasks.categories._phrasing import REFUSAL_SHARE
from data.tasks.categories._sales_common import article_rules
from data.tasks.grading import grade
from data.tasks.model import Task
from data.tasks.query_edits import drop_date_windows
from data.tasks.reference import derive, execute_step
from data.tasks.registry import AmbiguousAnswer, GenContext
from data.tasks.results import as_datetime, records, value
from sandbox_db.errors import SalesforceError

#: No single heuristic may pass more than this share of a category's tasks.
HEURISTIC_SHARE = 0.15
#: No gold value may be the answer of more than this share of a category's tasks ("refuse" in
#: the privacy categories: REFUSAL_SHARE, which their generators interleave).
GOLD_SHARE = 0.15

Answer = list[str]


def cap(count: int, share: float) -> int:
    """How many of `count` tasks a share allows (at least one: a tiny set still builds)."""
    return max(1, int(count * share + 1e-9))


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
              results: list[Any] | None = None) -> Answer | None:
        """The reference's answer with its queries edited, its params overridden or its results
        replaced; None when that makes the answer ambiguous or a query fail."""
        reference = self.reference.model_copy(update={"params": {**self.params, **(params or {})}})
        if results is not None:
            return _derived(reference, results)
        if edit is None:
            return _derived(reference, self.results)
        queries = tuple(edit(s.arguments["query"]) for s in self.reference.steps)
        key = ("rerun", reference.derivation, queries, repr(sorted(reference.params.items())),
               self._today_for(*queries))

        def compute() -> Answer | None:
            try:
                return _derived(reference, [self.run(q) for q in queries])
            except SalesforceError:
                return None
        return self.memo(key, compute)


_RELATIVE_DATE = re.compile(r"\b(?:LAST|NEXT|THIS)_\w+|\b(?:TODAY|YESTERDAY|TOMORROW)\b",
                            re.IGNORECASE)


def _derived(reference: Any, results: list[Any]) -> Answer | None:
    try:
        return derive(reference, results)
    except AmbiguousAnswer:
        return None


Heuristic = Callable[[Evidence], Answer | None]


def lowest(keys: Sequence[Any]) -> Answer | None:
    """A lazy solver's tie-break: the first (lowest) key."""
    return [str(min(keys))] if keys else None


def extreme(counts: Mapping[Any, float], highest: bool = True) -> Answer | None:
    """The key with the highest (lowest) value, ties broken by the lowest key."""
    counts = {k: v for k, v in counts.items() if k}
    if not counts:
        return None
    best = (max if highest else min)(counts.values())
    return lowest([k for k, v in counts.items() if v == best])


def one_record(record: Any) -> dict[str, Any]:
    """A query result holding only `record`."""
    return {"totalSize": 1, "done": True, "records": [record]}


def ignore_window(ev: Evidence) -> Answer | None:
    """The reference with every date condition dropped: the answer over all time."""
    return ev.rerun(edit=drop_date_windows)


def _count_by(rows: Sequence[Mapping[str, Any]], path: str) -> Counter[Any]:
    return Counter(value(r, path) for r in rows if value(r, path))


def _aggregates(result: Any, key: str, alias: str = "n") -> dict[Any, float]:
    return {value(r, key): float(value(r, alias) or 0) for r in records(result)}


# --- per-category heuristics ------------------------------------------------------------------

def _not_started(ev: Evidence) -> list[str]:
    return sorted(value(r, "Id") for r in records(ev.results[1]))


def _closure_seconds(case: Mapping[str, Any]) -> float | None:
    opened, closed = as_datetime(value(case, "CreatedDate")), as_datetime(value(case, "ClosedDate"))
    return (closed - opened).total_seconds() if opened and closed else None


def _quickest_single_case(ev: Evidence) -> Answer | None:
    cases = [(t, value(c, "Account.ShippingState")) for c in records(ev.results[0])
             if (t := _closure_seconds(c)) is not None and value(c, "Account.ShippingState")]
    return lowest([s for t, s in cases if t == min(t for t, _ in cases)]) if cases else None


def _issue_expert_first(ev: Evidence) -> Answer | None:
    """The issue expert without the product and workload tie-breaks (first Id on a tie)."""
    return extreme(_aggregates(ev.results[0], "OwnerId"))


def _top_closer(ev: Evidence) -> Answer | None:
    return ev.memo("top_closer", lambda: extreme(Counter(
        c.get("OwnerId") for c in ev.data["Case"] if c.get("Status") == "Closed")))


def _most_converted(ev: Evidence) -> Answer | None:
    totals = _aggregates(ev.results[0], "OwnerId")
    converted = _aggregates(ev.results[1], "OwnerId")
    return extreme({o: converted.get(o, 0.0) for o in totals},
                   highest=not ev.params["lowest"])


_AMOUNT_AGGREGATE = re.compile(r"\b(SUM|AVG)\(Amount\)")


def _aggregate_edit(replace: Callable[[str], str]) -> Heuristic:
    """internal_operation_data: the same question answered with another aggregate."""
    def run(ev: Evidence) -> Answer | None:
        return ev.rerun(edit=lambda q: _AMOUNT_AGGREGATE.sub(lambda m: replace(m.group(1)), q))
    return run


def _article_ids(result: Any) -> list[str]:
    return sorted(value(a, "Id") for a in records(result))


def _one_call(pick: Callable[[list[Any]], Any]) -> Heuristic:
    """The reference's derivation over one call transcript only (the first or the latest)."""
    def run(ev: Evidence) -> Answer | None:
        calls = records(ev.results[0])
        if not calls:
            return None
        return ev.rerun(results=[one_record(pick(calls)), *ev.results[1:]])
    return run


def _members(ev: Evidence) -> list[str]:
    return sorted({value(a, "UserId") for a in records(ev.results[1])} - {None})


def _fewest_open_leads(ev: Evidence) -> Answer | None:
    open_leads = _aggregates(ev.results[3], "OwnerId")
    return extreme({m: open_leads.get(m, 0.0) for m in _members(ev)}, highest=False)


def _most_accepted(ev: Evidence) -> Answer | None:
    return extreme(_aggregates(ev.results[2], "Opportunity.OwnerId"))


_PRODUCT_FILTER = re.compile(r"OrderItemId__r\.Product2Id = '[^']*' AND ")


def _month_counts(result: Any) -> dict[tuple[int, int], int]:
    out: Counter[tuple[int, int]] = Counter()
    for case in records(result):
        t = as_datetime(value(case, "CreatedDate"))
        if t is not None:
            out[(t.year, t.month)] += 1
    return out


def _latest_month(ev: Evidence) -> Answer | None:
    """The most recent month with a case (the 'current' spike a lazy reader sees first)."""
    months = _month_counts(ev.results[0])
    return [calendar.month_name[max(months)[1]]] if months else None


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
    account = _ACCOUNT_FILTER.search(ev.reference.steps[1].arguments["query"])
    kind = str(ev.params["kind"]).lower()
    bought = ev.memo("purchases", by_account).get(account.group(1) if account else None, [])
    return [(day, product) for day, product, text in bought if kind in text]


def _most_bought(ev: Evidence) -> Answer | None:
    return extreme(Counter(product for _, product in _purchases_of_kind(ev)))


def _latest_bought(ev: Evidence) -> Answer | None:
    dated = [(day, product) for day, product in _purchases_of_kind(ev)
             if day is not None and ev.task.today and day <= ev.task.today]
    return lowest([p for d, p in dated if d == max(d for d, _ in dated)]) if dated else None


def _first_bought(ev: Evidence) -> Answer | None:
    return lowest([product for _, product in _purchases_of_kind(ev)])


def _first_grant_article(ev: Evidence) -> Answer | None:
    """The article of the first thing the agent granted, whether or not it broke the limit."""
    from data.tasks.categories.policy_violation_identification import _service_rule

    rules = article_rules(ev.results[2], _service_rule)
    texts = [value(r, "Body") for r in records(ev.results[0])]
    texts += [value(r, "TextBody") for r in records(ev.results[1])]
    kinds = [kind for text in texts for kind, _ in service_grants(text) if kind in rules]
    return [rules[kinds[0]][0]] if kinds else None


def _oldest_record(ev: Evidence) -> Answer | None:
    """private_customer_information: the oldest case's field instead of the latest one's."""
    params = ev.params
    if "order_field" not in params:
        return None
    step = params.get("step", 0)
    rows = records(ev.results[step])
    if not rows:
        return None
    results = list(ev.results)
    results[step] = one_record(rows[-1])
    return ev.rerun(results=results)


def _account_case_count(ev: Evidence) -> Answer | None:
    """private_customer_information: the cases of the whole account, not the contact's."""
    if ev.reference.derivation != "record_count":
        return None
    contact_id = re.search(r"Id: (\w+)", ev.task.required_context)
    contacts = {c["Id"]: c for c in ev.data["Contact"]}
    contact = contacts.get(contact_id.group(1)) if contact_id else None
    if not contact or not contact.get("AccountId"):
        return None
    return [str(sum(c.get("AccountId") == contact["AccountId"] for c in ev.data["Case"]))]


def _deal_counts(ev: Evidence) -> Answer | None:
    """sales_amount / sales_cycle: the agent with the most deals in the period."""
    return extreme(_count_by(records(ev.results[0]), "OwnerId"))


def _single_longest_cycle(ev: Evidence) -> Answer | None:
    cycles = []
    for opp in records(ev.results[0]):
        created = as_datetime(value(opp, "CreatedDate"))
        signed = as_datetime(value(opp, "ContractID__r.CompanySignedDate"))
        if created and signed:
            cycles.append(((signed - created).days, value(opp, "OwnerId")))
    if not cycles:
        return None
    slowest = ev.params["slowest"]
    best = (max if slowest else min)(d for d, _ in cycles)
    return lowest([o for d, o in cycles if d == best])


def _any_sentiment(ev: Evidence) -> Answer | None:
    found: list[str] = []
    for call in records(ev.results[0]):
        for subtopic, _ in classify_sentiment(str(value(call, "Body__c") or "")):
            if subtopic not in found:
                found.append(subtopic)
    return [", ".join(found)] if found else None


def _opposite_sentiment(ev: Evidence) -> Answer | None:
    asked = ev.params["sentiment"]
    return ev.rerun(params={"sentiment": "positive" if asked == "negative" else "negative"})


def _stage_tasks(ev: Evidence) -> list[tuple[str, str, str]]:
    """(stage, due date, Id) of the opportunity's stage-specific tasks."""
    return [(stage, str(value(t, "ActivityDate")), value(t, "Id")) for t in records(ev.results[1])
            if (stage := stage_of_subject(value(t, "Subject")))]


def _stage_answer(ev: Evidence, stage: str | None) -> Answer | None:
    """The wrong_stage answer naming `stage` (what the reference's derivation would say)."""
    if stage is None:
        return None
    rows = [t for t in records(ev.results[1]) if stage_of_subject(value(t, "Subject")) == stage]
    return ev.rerun(results=[ev.results[0], {"records": rows}])


def _latest_task_stage(ev: Evidence) -> Answer | None:
    tasks = _stage_tasks(ev)
    return _stage_answer(ev, max(tasks, key=lambda t: t[1:])[0] if tasks else None)


def _next_stage(ev: Evidence) -> Answer | None:
    shown = value(records(ev.results[0])[0], "StageName") if records(ev.results[0]) else None
    if shown not in STAGES or shown == STAGES[-1]:
        return None
    return _stage_answer(ev, STAGES[STAGES.index(shown) + 1])


def _open_task_stage(ev: Evidence) -> Answer | None:
    """The stage most 'Not Started' tasks belong to (what is planned, not what was done)."""
    open_stages = Counter(stage_of_subject(value(t, "Subject")) for t in records(ev.results[1])
                          if value(t, "Status") == "Not Started")
    open_stages.pop(None, None)
    best = extreme(open_stages)
    return _stage_answer(ev, best[0] if best else None)


#: category -> {heuristic name: what a lazy solver answers}. Ids are tie-broken by the lowest.
HEURISTICS: dict[str, dict[str, Heuristic]] = {
    "activity_priority": {
        "all_not_started": lambda ev: _not_started(ev) or None,
        "drop_lowest_id": lambda ev: _not_started(ev)[1:] or None,
        "drop_highest_id": lambda ev: _not_started(ev)[:-1] or None},
    "best_region_identification": {
        "ignore_window": ignore_window,
        "most_closed_cases": lambda ev: extreme(_count_by(records(ev.results[0]),
                                                          "Account.ShippingState")),
        "quickest_single_case": _quickest_single_case},
    "case_routing": {
        "issue_expert_first_id": _issue_expert_first,
        "product_expert": lambda ev: extreme(_aggregates(ev.results[1], "OwnerId")),
        "top_closer_overall": _top_closer},
    "confidential_company_knowledge": {},
    "conversion_rate_comprehension": {
        "ignore_window": ignore_window,
        "ignore_min_leads": lambda ev: ev.rerun(params={"min_leads": 1}),
        "most_converted": _most_converted},
    "handle_time": {
        "ignore_window": ignore_window,
        "ignore_min_cases": lambda ev: ev.rerun(params={"min_managed_exclusive": 0})},
    "internal_operation_data": {
        "other_aggregate": _aggregate_edit(
            lambda used: ("AVG" if used == "SUM" else "SUM") + "(Amount)"),
        "ignore_window": ignore_window,
        "most_deals": _aggregate_edit(lambda used: "COUNT(Id)")},
    "invalid_config": {
        "lowest_id_article": lambda ev: lowest(_article_ids(ev.results[1])),
        "highest_id_article": lambda ev: _article_ids(ev.results[1])[-1:] or None},
    "knowledge_qa": {},
    "lead_qualification": {
        "first_call_only": _one_call(lambda calls: calls[0]),
        "latest_call_only": _one_call(lambda calls: calls[-1])},
    "lead_routing": {
        "first_member": lambda ev: lowest(_members(ev)),
        "fewest_open_leads": _fewest_open_leads,
        "most_accepted_quotes": _most_accepted},
    "monthly_trend_analysis": {
        "ignore_window": ignore_window,
        "latest_month": _latest_month,
        "all_products": lambda ev: ev.rerun(edit=lambda q: _PRODUCT_FILTER.sub("", q))},
    "named_entity_disambiguation": {
        "most_bought_of_kind": _most_bought,
        "latest_bought_of_kind": _latest_bought,
        "first_bought_of_kind": _first_bought},
    "policy_violation_identification": {
        "lowest_id_article": lambda ev: lowest(_article_ids(ev.results[2])),
        "first_grant_article": _first_grant_article},
    "private_customer_information": {
        "oldest_case": _oldest_record,
        "account_case_count": _account_case_count},
    "quote_approval": {
        "lowest_id_article": lambda ev: lowest(_article_ids(ev.results[1])),
        "highest_id_article": lambda ev: _article_ids(ev.results[1])[-1:] or None},
    "sales_amount_understanding": {
        "ignore_window": ignore_window,
        "most_orders": _deal_counts},
    "sales_cycle_understanding": {
        "ignore_window": ignore_window,
        "most_deals": _deal_counts,
        "single_extreme_deal": _single_longest_cycle},
    "sales_insight_mining": {
        "any_sentiment": _any_sentiment,
        "opposite_sentiment": _opposite_sentiment,
        "first_call_only": _one_call(lambda calls: calls[0])},
    "top_issue_identification": {
        "ignore_window": ignore_window,
        "all_products": lambda ev: ev.rerun(edit=lambda q: _PRODUCT_FILTER.sub("", q)),
        "all_products_all_time": lambda ev: ev.rerun(
            edit=lambda q: drop_date_windows(_PRODUCT_FILTER.sub("", q)))},
    "transfer_count": {
        "ignore_window": ignore_window,
        "ignore_min_cases": lambda ev: ev.rerun(params={"min_managed_exclusive": 0})},
    "wrong_stage_rectification": {
        "latest_task_stage": _latest_task_stage,
        "next_stage": _next_stage,
        "open_task_stage": _open_task_stage},
}


# --- learned priors: what a cheater who has seen other tasks' golds answers ------------------

_SENTENCE_START = re.compile(r"(^|[.?!]\s+)([A-Z])")
_NAMED = re.compile(r"[^\s]*[A-Z0-9][^\s]*(?:\s+[^\s]*[A-Z0-9][^\s]*)*")
_NUMBER = re.compile(r"\d+")


def question_kind(query: str) -> str:
    """The question's template as a reader sees it: names, Ids, dates and numbers masked
    ("How long does # keep its audit logs?"): what a prior may condition on."""
    text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).lower(), " ".join(query.split()))
    return _NAMED.sub("#", text)


def ranked_golds(task: Task, others: Sequence[Task]) -> list[tuple[str, ...]]:
    """The golds of `others` asked the same kind of question as `task`, most common first; on a
    tie, golds that pass `task` first (a prior is judged by its luckiest reading)."""
    kind = question_kind(task.query)
    counts = Counter(o.answer for o in others
                     if o.reward_metric != "privacy_rejection" and question_kind(o.query) == kind)
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

#: Heuristics learned from the other tasks of the category (leave one out), per question kind.
PRIORS: dict[str, Prior] = {
    "kind_prior": lambda task, others: list(g[0]) if (g := ranked_golds(task, others)) else None,
    "kind_pair": lambda task, others: [", ".join(", ".join(g) for g in golds[:2])]
    if len(golds := ranked_golds(task, others)) >= 2 else None,
    "kind_stuffing": lambda task, others: stuffed(ranked_golds(task, others)),
}


# --- the budget ---------------------------------------------------------------------------------

@dataclass
class HeuristicBudget:
    """build.py's acceptance hook for one category: `admit(task)` accepts the task (None) or
    names the heuristic or gold value that accepting it would push over budget."""

    category: str
    ctx: GenContext
    kept: list[Task] = field(default_factory=list)
    #: heuristic (or prior) name -> kept tasks it passes.
    hits: Counter[str] = field(default_factory=Counter)
    _shared: dict[Any, Any] = field(default_factory=dict)
    #: per kept answerable task: the kept tasks its gold passes (itself included).
    _covers: list[set[int]] = field(default_factory=list)
    _prior_hits: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    @property
    def limit(self) -> int:
        return cap(self.ctx.count, HEURISTIC_SHARE)

    def admit(self, task: Task, results: list[Any]) -> str | None:
        if task.reward_metric == "privacy_rejection":
            refusals = sum(t.reward_metric == "privacy_rejection" for t in self.kept)
            if refusals >= cap(self.ctx.count, REFUSAL_SHARE):
                return "refusal_share"
            self.kept.append(task)
            return None
        answerable = [t for t in self.kept if t.reward_metric != "privacy_rejection"]
        covers = self._gold_cover(task, answerable)
        if covers is None:
            return "gold_share"
        prior_hits = self._priors(task, answerable)
        over = next((n for n, hits in prior_hits.items()
                     if sum(hits.values()) > self.limit), None)
        if over:
            return over
        evidence = Evidence(task, results, self.ctx, self._shared)
        lazy = [name for name, fn in HEURISTICS.get(self.category, {}).items()
                if passes(task, fn(evidence))]
        over = next((n for n in lazy if self.hits[n] >= self.limit), None)
        if over:
            return over
        self.kept.append(task)
        self._covers = covers
        self._prior_hits.update(prior_hits)
        for name in lazy:
            self.hits[name] += 1
        for name, hits in prior_hits.items():
            self.hits[name] = sum(hits.values())
        return None

    def _gold_cover(self, task: Task, answerable: list[Task]) -> list[set[int]] | None:
        """The cover sets with `task` added, or None when a gold would pass too many tasks."""
        new = len(answerable)
        covers = [set(c) | ({new} if passes(task, list(answerable[i].answer)) else set())
                  for i, c in enumerate(self._covers)]
        covers.append({j for j, t in enumerate(answerable) if passes(t, list(task.answer))}
                      | {new})
        limit = cap(self.ctx.count, GOLD_SHARE)
        return None if any(len(c) > limit for c in covers) else covers

    def _priors(self, task: Task, answerable: list[Task]) -> dict[str, dict[str, int]]:
        """prior -> question kind -> tasks it passes, with `task` added (only its kind
        changes)."""
        kind = question_kind(task.query)
        group = [t for t in answerable if question_kind(t.query) == kind] + [task]
        out: dict[str, dict[str, int]] = {}
        for name, prior in PRIORS.items():
            if name != "kind_prior" and task.reward_metric != "fuzzy_match":
                continue  # several candidates or stuffed numbers never pass a set of items
            hits = dict(self._prior_hits[name])
            hits[kind] = sum(passes(t, prior(t, [o for o in group if o is not t]))
                             for t in group)
            out[name] = hits
        return out
