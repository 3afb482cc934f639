"""sales_insight_mining: which sales-discussion subtopics carry negative (or positive) sentiment
in one opportunity's call transcripts?

Signal planted by data/org/plants/sales_insight_mining.py from the phrase banks in
data/org/plants/_sales_sentiment.py. Answer (fuzzy_match): the distinct subtopics with the asked
sentiment, comma-joined, in the order they first come up in the calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.org.plants._sales_sentiment import SUBTOPICS, classify
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
from data.tasks.registry import GenContext, TaskDraft, category, derivation

QUERIES = {
    "negative": (
        "What subtopics related to sales discussions show negative sentiment when addressing our "
        "solutions?",
        "Which sales conversation subtopics related to our solutions are viewed negatively in "
        "this opportunity?",
        "In this context, which subtopics within sales discussions carry a negative sentiment "
        "when evaluating our solutions?",
        "What subtopics in sales discussions express negative sentiment regarding our solutions "
        "in this opportunity?",
    ),
    "positive": (
        "In this opportunity, which aspects of sales conversations show positive sentiment when "
        "discussing our solutions?",
        "What subtopics in sales discussions regarding our solutions have a positive sentiment "
        "for this opportunity?",
    ),
}
#: Share of tasks asking for negative sentiment (the rest ask for positive).
NEGATIVE_SHARE = 0.75


@derivation("sentiment_subtopics")
def sentiment_subtopics(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """Distinct subtopics with `params["sentiment"]` in the transcripts of step 0 (ordered by
    CreatedDate), comma-joined in order of first mention."""
    wanted = params["sentiment"]
    found: list[str] = []
    for record in first_records(results):
        for subtopic, sentiment in classify(str(record.get("Body__c") or "")):
            if sentiment == wanted and subtopic not in found:
                found.append(subtopic)
    return [", ".join(found)] if found else [NONE_ANSWER]


@category("sales_insight_mining", orgs=("b2b", "b2c"), metric="fuzzy_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    subtopic_list = "\n".join(f"  - {s}" for s in SUBTOPICS)
    for opp_id, calls in sorted(planted_calls(ctx.data, "OpportunityId__c", classify).items()):
        sentiment = "negative" if ctx.rng.random() < NEGATIVE_SHARE else "positive"
        steps = (soql(f"SELECT Id, Name, Body__c, CreatedDate FROM VoiceCallTranscript__c "
                      f"WHERE OpportunityId__c = {quoted(opp_id)} ORDER BY CreatedDate ASC"),)
        context = ("## Sales Insight Mining\nSales insight mining is the process of extracting "
                   "insights from the sales data to help the sales team improve their "
                   "performance.\nYou will need to analyze conversations based on the "
                   "VoiceCallTranscript__c object.\nThe subtopics of a sales discussion are:\n"
                   f"{subtopic_list}\nReturn each matching subtopic once, by its name above.\n"
                   f"- Opportunity Id to be considered is: {opp_id}")
        yield TaskDraft(
            query=pick(ctx.rng, QUERIES[sentiment]),
            reference=ReferenceSolution(steps=steps, derivation="sentiment_subtopics",
                                        params={"sentiment": sentiment}),
            reward_metric="fuzzy_match",
            persona=pick(ctx.rng, EMPLOYEE_PERSONAS),
            required_context=context,
            today=today_after(max(c["CreatedDate"] for c in calls), ctx.rng),
            rot_targets=(RotTarget(object="Opportunity", record_id=opp_id),
                         *transcript_rot_targets(calls)),
        )
