"""policy_violation_identification: did the agent on a case break a policy stated in a knowledge
article, and which one? The agent's grants in the case's chat transcripts and emails (a refund, a
goodwill credit, a free replacement, a waived fee) are checked against the limits the policy
articles state; None when every grant is within policy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.org.plants._sales_text import grant_breaks_rule, parse_service_rule, service_grants
from data.tasks.categories._sales_common import (
    SALES_PERSONAS,
    article_rules,
    day_after,
    fits_observations,
    id_list,
    quoted,
    service_rule_articles,
    shuffled,
    soql,
)
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, category, derivation
from data.tasks.results import records, value

QUERIES = (
    "Did the agent breach the policy in this instance, and if so, what knowledge article was "
    "contravened?",
    "Did the agent breach the policy, and if so, which knowledge article was breached?",
    "Did the agent breach the policy in this instance? If yes, which knowledge article was "
    "breached by the agent?",
    "Did the agent breach the policy in this situation? If yes, which knowledge article was "
    "disregarded by the agent?",
    "Did the agent breach the policy, and if they did, which knowledge article was not adhered to?",
)
SUFFIX = " Return only the Id of the knowledge article or None if no violation is found."
#: Phrase every planted support conversation carries (how the generator finds its cases).
PLANTED_MARKER = "Let me pull up your case and order details."


def _service_rule(text: Any) -> tuple[str, float] | None:
    rule = parse_service_rule(text)
    return None if rule is None else (rule[0], rule[1])


@derivation("policy_violation_identification")
def derive_policy_violation(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: [the case's chat transcripts (Body), its emails (TextBody), policy articles]."""
    rules = article_rules(results[2], _service_rule)
    texts = [value(r, "Body") for r in records(results[0])]
    texts += [value(r, "TextBody") for r in records(results[1])]
    broken = sorted({rules[kind][0] for text in texts for kind, n in service_grants(text)
                     if kind in rules and grant_breaks_rule(kind, n, rules[kind][1])})
    if len(broken) > 1:
        raise AmbiguousAnswer(f"{len(broken)} policies broken")
    return broken


def reference(case_id: str, articles: list[str]) -> ReferenceSolution:
    return ReferenceSolution(steps=(
        soql(f"SELECT Id, Body FROM LiveChatTranscript WHERE CaseId = {quoted(case_id)}"),
        soql("SELECT Id, Subject, TextBody, FromAddress FROM EmailMessage WHERE ParentId = "
             f"{quoted(case_id)}"),
        soql("SELECT Id, Title, FAQ_Answer__c FROM Knowledge__kav "
             f"WHERE Id IN {id_list(articles)}"),
    ), derivation="policy_violation_identification")


@category("policy_violation_identification", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    articles = service_rule_articles(ctx.data)
    created = {c["Id"]: c["CreatedDate"] for c in ctx.data["Case"]}
    cases = sorted({t["CaseId"] for t in ctx.data["LiveChatTranscript"]
                    if PLANTED_MARKER in (t.get("Body") or "")})
    for case_id in shuffled(rng, cases):
        ref = reference(case_id, articles)
        today = day_after(created[case_id], rng, 2, 7)
        if not fits_observations(ctx, ref, today):
            continue
        yield TaskDraft(
            query=rng.choice(QUERIES) + SUFFIX, reference=ref,
            persona=rng.choice(SALES_PERSONAS), today=today,
            required_context=f"- Case Id to be considered is: {case_id}",
            rot_targets=(RotTarget(object="Case", record_id=case_id),)
            + tuple(RotTarget(object="Knowledge__kav", record_id=a) for a in articles))
