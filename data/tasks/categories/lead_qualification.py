"""lead_qualification: which BANT factors does a lead fail, judged from its call transcripts?

The signal is planted by data/org/plants/lead_qualification.py (BANT statements from fixed phrase
banks); the derivation classifies every statement in the lead's transcripts with the same banks.
Answer: the failed factors in BANT order (Budget, Authority, Need, Timeline), or "None" when the
lead qualifies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from data.org.plants._bant import FACTORS, GUIDE_TITLE, classify
from data.tasks.categories._phrasing import (
    EMPLOYEE_PERSONAS,
    first_records,
    pick,
    planted_calls,
    quoted,
    soql,
    today_after,
    transcript_rot_targets,
)
from data.tasks.model import NONE_ANSWER, ReferenceSolution, RotTarget
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, category, derivation

QUERIES = (
    "Can this lead be qualified based on the latest discussions? If the answer is no, which "
    "factors\u2014'Budget', 'Authority', 'Need', or 'Timeline'\u2014are responsible?",
    "From the recent discussions with the lead, should this lead be classified as qualified? If "
    "not, which among 'Budget', 'Authority', 'Need', or 'Timeline' is the reason?",
    "Based on the lead's recent interactions, is this lead suitable for qualification? If not, "
    "which of 'Budget', 'Authority', 'Need', or 'Timeline' are the reasons for disqualification?",
    "Determine if this lead should be qualified based on their recent discussions. If they "
    "shouldn't be, identify whether 'Budget', 'Authority', 'Need', or 'Timeline' are why.",
)
ANSWER_FORMAT = (" Return only one or several of the four BANT factors that the lead "
                 "qualification fails to meet (i.e. 'Budget', 'Authority', 'Need', 'Timeline'); "
                 "return None if the lead qualifies.")


@derivation("bant_failed_factors")
def bant_failed_factors(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """Failed BANT factors from the lead's transcripts (step 0). Every factor must be stated,
    and never both met and failed, or the answer is ambiguous."""
    verdicts: dict[str, set[str]] = defaultdict(set)
    for record in first_records(results):
        for factor, verdict in classify(str(record.get("Body__c") or "")):
            verdicts[factor].add(verdict)
    missing = [f for f in FACTORS if f not in verdicts]
    conflicting = [f for f in FACTORS if len(verdicts.get(f, ())) > 1]
    if missing or conflicting:
        raise AmbiguousAnswer(f"BANT factors not stated {missing} or conflicting {conflicting}")
    failed = [f for f in FACTORS if verdicts[f] == {"fail"}]
    return failed or [NONE_ANSWER]


@category("lead_qualification", orgs=("b2b", "b2c"), metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    guide = next((a for a in ctx.data.get("Knowledge__kav", []) if a.get("Title") == GUIDE_TITLE),
                 None)
    if guide is None:
        return
    for lead_id, calls in sorted(planted_calls(ctx.data, "LeadId__c", classify).items()):
        last_call = max(c["CreatedDate"] for c in calls)
        steps = (
            soql(f"SELECT Id, Name, Body__c, CreatedDate FROM VoiceCallTranscript__c "
                 f"WHERE LeadId__c = {quoted(lead_id)} ORDER BY CreatedDate ASC"),
            soql(f"SELECT Id, Title, FAQ_Answer__c FROM Knowledge__kav "
                 f"WHERE Id = {quoted(guide['Id'])}"),
        )
        context = ("## Lead qualification guide.\nLook for the voice call transcripts with the "
                   "lead and relevant knowledge articles to justify the lead qualification.\n\n"
                   f"- Lead Id to be considered is: {lead_id}")
        yield TaskDraft(
            query=pick(ctx.rng, QUERIES) + ANSWER_FORMAT,
            reference=ReferenceSolution(steps=steps, derivation="bant_failed_factors"),
            reward_metric="exact_match",
            persona=pick(ctx.rng, EMPLOYEE_PERSONAS),
            required_context=context,
            today=today_after(last_call, ctx.rng),
            rot_targets=(RotTarget(object="Lead", record_id=lead_id),
                         *transcript_rot_targets(calls),
                         RotTarget(object="Knowledge__kav", record_id=guide["Id"])),
        )
