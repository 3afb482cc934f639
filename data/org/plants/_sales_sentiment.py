"""Sales-call sentiment phrase banks: what a prospect says, positively or negatively, about each
subtopic of a sales discussion (CRMArena-Pro's sales insight subtopics).

The sales_insight_mining planter writes these statements into opportunity call transcripts; the
derivation reads them back with the same templates, so (subtopic, sentiment) is exact.
"""

from __future__ import annotations

from data.org.plants._phrasebank import find_templates

SUBTOPICS = (
    "Business problems and pain points",
    "Pricing and competitive analysis",
    "Implementation process and support",
    "Value propositions",
    "Case studies and testimonials",
    "Competing offers",
    "Product features",
    "Security compliance and data protection",
    "Future advancements and scalability",
)

AGENT_PROMPTS = {
    "Business problems and pain points": "What are the biggest challenges your team is facing?",
    "Pricing and competitive analysis": "How does our pricing look compared to what you expected?",
    "Implementation process and support": "How do you feel about the rollout plan and support?",
    "Value propositions": "Do you see how {product} would pay off for you?",
    "Case studies and testimonials": "Did you get a chance to review the customer stories?",
    "Competing offers": "Are you talking to other vendors as well?",
    "Product features": "What did you think of the features in the demo?",
    "Security compliance and data protection": "Any concerns about security or compliance?",
    "Future advancements and scalability": "How well does this fit where you are headed?",
}

STATEMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Business problems and pain points": {
        "positive": ("You clearly understand the reporting delays that slow our {team} team down.",
                     "It is refreshing that you focused on the manual work that burns our time."),
        "negative": ("I am not convinced you understand the problems our {team} team deals with.",
                     "Your pitch glossed over the downtime issues that actually hurt us."),
    },
    "Pricing and competitive analysis": {
        "positive": ("The pricing is fair for what we get, and it compares well with the market.",
                     "Your per-seat price came in lower than we budgeted, which is great."),
        "negative": ("The pricing feels steep compared to similar products we have looked at.",
                     "Frankly the license cost is hard to justify next to the market rates."),
    },
    "Implementation process and support": {
        "positive": ("The rollout plan looks realistic, and your onboarding support is reassuring.",
                     "Having a dedicated support engineer during rollout makes us comfortable."),
        "negative": ("The implementation timeline looks too long, and I worry about support "
                     "after go-live.",
                     "We had a rough onboarding with your team last time, and I do not want a "
                     "repeat."),
    },
    "Value propositions": {
        "positive": ("I can see how {product} pays for itself within the first year.",
                     "The return on investment you laid out makes a lot of sense to us."),
        "negative": ("I still do not see what {product} gives us that justifies the change.",
                     "The value story feels vague; I cannot explain the benefit to my boss."),
    },
    "Case studies and testimonials": {
        "positive": ("The customer stories you shared were very convincing.",
                     "Hearing from a reference customer in our industry really helped."),
        "negative": ("The case studies you sent do not look anything like our situation.",
                     "Your references felt cherry-picked, and they did not answer our questions."),
    },
    "Competing offers": {
        "positive": ("Compared to the other vendor's offer, yours is clearly stronger.",
                     "We looked at another proposal, and yours stands out in a good way."),
        "negative": ("Another vendor offered us a better package, and it is hard to ignore.",
                     "A competitor came in with more included at the same price, which "
                     "worries me."),
    },
    "Product features": {
        "positive": ("The dashboard and automation features are exactly what we wanted.",
                     "The demo showed features our current tool has been missing for years."),
        "negative": ("The feature set is missing the offline mode we asked about.",
                     "The demo left out integrations we need, and the reporting looked limited."),
    },
    "Security compliance and data protection": {
        "positive": ("Your encryption and audit controls check every box for our security team.",
                     "Our compliance officer was happy with your certifications."),
        "negative": ("Our security team has real concerns about how you handle customer data.",
                     "I am uneasy about the compliance gaps our auditors flagged in your "
                     "documentation."),
    },
    "Future advancements and scalability": {
        "positive": ("It is good to know the platform will scale as we add more sites.",
                     "Your roadmap lines up well with where we want to be in three years."),
        "negative": ("I doubt the platform will scale once we double our volume.",
                     "The roadmap you shared does not cover the growth we are planning."),
    },
}

_INDEX = {t: (subtopic, sentiment) for subtopic, banks in STATEMENTS.items()
          for sentiment, templates in banks.items() for t in templates}


def classify(text: str) -> list[tuple[str, str]]:
    """(subtopic, "positive"|"negative") for each sentiment statement in `text`, in order."""
    return [_INDEX[t] for _, t in find_templates(text, _INDEX)]
