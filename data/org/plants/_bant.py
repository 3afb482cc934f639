"""BANT phrase banks: what a lead says on a call about Budget, Authority, Need and Timeline.

Each factor has statements that clearly meet the qualification guide's criterion ("pass") and
statements that clearly fail it ("fail"); the planter writes them into call transcripts and the
lead_qualification derivation classifies them back with the same templates.
"""

from __future__ import annotations

from data.org.plants._phrasebank import find_templates

FACTORS = ("Budget", "Authority", "Need", "Timeline")

#: The knowledge article that defines the qualification standard.
GUIDE_TITLE = "Lead Qualification Guide: BANT Criteria"
GUIDE_SUMMARY = ("How sales qualifies a lead: Budget, Authority, Need and Timeline must all be "
                 "met before a lead is converted.")
GUIDE_BODY = (
    "A lead is qualified only when all four BANT criteria are met in our conversations with it. "
    "Review every call transcript with the lead; a criterion the lead clearly fails means the "
    "lead cannot be qualified yet.\n\n"
    "Budget: the lead has funds approved or allocated that cover our proposal. A lead without an "
    "approved budget, with frozen funds, or whose available budget is far below our pricing "
    "fails Budget.\n\n"
    "Authority: the person we speak with makes the purchase decision, or the decision maker is "
    "engaged in the conversation. A contact who cannot approve the purchase and has not "
    "involved anyone who can fails Authority.\n\n"
    "Need: the lead has a concrete business problem that our solution addresses. A lead that is "
    "satisfied with its current setup or only browsing fails Need.\n\n"
    "Timeline: the lead intends to buy within the next six months. A lead with no timeline, or "
    "one that will not decide for a year or more, fails Timeline.")

AGENT_QUESTIONS = {
    "Budget": ("Have you set aside a budget for this project?",
               "What kind of budget are you working with?",
               "How is the project funded on your side?"),
    "Authority": ("Who else is involved in the purchase decision?",
                  "Who will sign off on a purchase like this?",
                  "How does the approval process work at your company?"),
    "Need": ("What is driving the interest in a new solution?",
             "What problem are you hoping to solve?",
             "How is your current setup working for you?"),
    "Timeline": ("When are you hoping to have something in place?",
                 "What timeline are you working towards?",
                 "When do you expect to make a decision?"),
}

STATEMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Budget": {
        "pass": (
            "We have {amount} approved for this project in the current fiscal year.",
            "Finance already signed off on the budget, so cost is not a blocker for us.",
            "The funds are allocated and they cover the pricing you sent over.",
        ),
        "fail": (
            "Honestly, there is no budget set aside for this right now.",
            "Our budget was frozen until next fiscal year, so we cannot commit any funds.",
            "Your pricing is well beyond what we can spend; we have maybe a third of that "
            "available.",
        ),
    },
    "Authority": {
        "pass": (
            "I have final sign-off on purchases like this one.",
            "Our {executive} has been on these calls and is ready to approve the purchase.",
            "The decision is mine to make, and I do not need anyone else's approval.",
        ),
        "fail": (
            "I cannot approve anything myself, and I have not brought this to my manager yet.",
            "I am just collecting information; the people who decide have not been involved.",
            "I do not have signing authority, and I am not sure who would sign off on this.",
        ),
    },
    "Need": {
        "pass": (
            "Our current system cannot keep up, and it is costing the {team} team hours every "
            "week.",
            "We keep losing data between tools, and we need this problem fixed.",
            "We have a real gap here: our {team} team is blocked without a tool like this.",
        ),
        "fail": (
            "To be honest, our current setup works fine and we are not looking to change it.",
            "We are only browsing to see what is out there; there is no problem we need to solve.",
            "I do not think we would use these capabilities; we have everything we need today.",
        ),
    },
    "Timeline": {
        "pass": (
            "We want to have this running within the next {weeks} weeks.",
            "We plan to make a decision before the end of this quarter.",
            "Our goal is to sign within the next two months so we can roll out right after.",
        ),
        "fail": (
            "There is no timeline on our side; we might revisit this in a year or two.",
            "We will not make any decision for at least the next {months} months.",
            "This is not a priority for this year, so I have no date in mind.",
        ),
    },
}

#: template -> (factor, verdict)
_INDEX = {t: (factor, verdict) for factor, banks in STATEMENTS.items()
          for verdict, templates in banks.items() for t in templates}


def classify(text: str) -> list[tuple[str, str]]:
    """(factor, "pass"|"fail") for each BANT statement in `text`, in text order."""
    return [_INDEX[t] for _, t in find_templates(text, _INDEX)]
