"""Fixed phrase banks and policy texts shared by the sales planters and their task derivations.

Why one module for both sides: a planter writes text from these banks and a derivation reads it
back with the same banks and patterns, so the gold answer of a text-based task is a deterministic
function of the org's records, while the text still reads like real CRM work to an LLM agent.
(Modules whose name starts with '_' are helpers, not planters.)
"""

from __future__ import annotations

import re

# --- opportunity stages and their activities (activity_priority, wrong_stage_rectification) ---

STAGES: tuple[str, ...] = ("Qualification", "Discovery", "Quote", "Negotiation", "Closed")

#: Task subjects that clearly belong to one stage of the activity priority guide.
STAGE_TASK_SUBJECTS: dict[str, tuple[str, ...]] = {
    "Qualification": (
        "Research prospect background before first outreach",
        "Send introductory email to new contact",
        "Make initial contact call to introduce our offering",
        "Schedule discovery meeting to understand customer needs",
        "Conduct initial prospecting call",
        "Follow up on lead captured at trade show",
        "Register for regional networking event for lead generation",
        "Check prospect against qualification criteria",
    ),
    "Discovery": (
        "Research prospect's industry and competitor landscape",
        "Gather insights on customer pain points",
        "Document customer's business objectives",
        "Hold needs conversation with customer stakeholders",
        "Map customer requirements to possible solutions",
        "Outline value proposition for customer review",
        "Interview end users about their current workflow",
    ),
    "Quote": (
        "Prepare tailored proposal for customer",
        "Deliver needs analysis presentation",
        "Organize product demo for customer team",
        "Set up product trial for customer evaluation",
        "Send case studies and customer testimonials",
        "Set up detailed solution discussion after initial contact",
        "Draft solution proposal based on customer needs",
    ),
    "Negotiation": (
        "Hold negotiation meeting on final pricing",
        "Address customer objections to proposal",
        "Follow up on proposal feedback",
        "Coordinate with legal on final contract terms",
        "Prepare contract for review and approval",
        "Align with finance on custom payment terms",
        "Finalize discount terms with procurement",
    ),
    "Closed": (
        "Complete onboarding handoff to account team",
        "Conduct win/loss analysis",
        "Record finalized contract details",
        "Hold internal review of closed deal learnings",
        "Organize customer kick-off meeting",
        "Identify upsell and cross-sell opportunities",
        "Enroll lost lead in nurture campaign",
    ),
}

#: Short task comments (stage-neutral), so planted tasks look like the rest of the org's.
TASK_COMMENTS: tuple[str, ...] = (
    "Owner to update the opportunity notes afterwards.",
    "Coordinate timing with {contact}.",
    "Keep {contact} in the loop.",
    "Log the outcome on the opportunity.",
    "Loop in the solutions engineer if needed.",
)


def _norm(text: str) -> str:
    return " ".join(str(text).lower().split())


_SUBJECT_STAGE = {_norm(s): stage for stage, subjects in STAGE_TASK_SUBJECTS.items()
                  for s in subjects}


def stage_of_subject(subject: str | None) -> str | None:
    """The stage a task subject belongs to under the activity priority guide (None: generic)."""
    return _SUBJECT_STAGE.get(_norm(subject or ""))


ACTIVITY_PRIORITY_GUIDE = """## Activity priority guide.
Each stage of the opportunity has a list of tasks that are prioritized. Below are the lists of tasks for each stage.
Examples of task for each stage:

Qualification: The goal is to determine if the prospect has the potential to become a customer based on certain criteria.
    - Researching prospects to gather background information.
    - Sending introductory emails or making initial contact calls.
    - Scheduling discovery meetings to understand customer needs.
    - Conducting initial prospecting meetings or calls.
    - Attending networking events or trade shows for lead generation.
    - etc

Discovery: The goal is to develop a detailed, nuanced view of the prospect's situation to tailor solutions effectively.
    - Researching the prospect's industry, company, and competitors to tailor the approach.
    - Gathering insights about the prospect's pain points and business objectives.
    - Engaging in conversations to learn more about the prospect's specific needs.
    - Identifying possible solution alignments and preparing for value proposition development.
    - etc

Quote:
    - Following up on initial contact and setting up more detailed discussions.
    - Preparing tailored proposals or solutions based on customer needs.
    - Conducting needs analysis meetings and presentations.
    - Organizing product demos or trials to showcase offerings.
    - Sending targeted case studies or testimonials to reinforce value propositions.

Negotiation:
    - Holding negotiation meetings to finalize terms and pricing.
    - Following up on proposals and addressing any objections.
    - Coordinating with internal teams to finalize terms or customize solutions.
    - Preparing contracts for review and approval.
    - etc

Closed:
    - Completing any post-sale follow-ups, such as onboarding or hand-offs to account teams.
    - For closed-lost deals, conducting win/loss analysis to gather insights.
    - Recording finalized contract details and ensuring accurate records.
    - Holding internal review meetings to discuss key learnings from closed deals.
    - If won, organizing customer kick-off meetings or implementations.
    - Retargeting customers with upsell or cross-sell opportunities.
    - Engaging lost leads with nurturing campaigns for future opportunities.
    - etc
"""  # noqa: E501 - the policy text the agent reads, one line per rule

# --- near-namesake products (named_entity_disambiguation) -------------------------------------

#: kind phrase (what a customer calls it) -> [(product name, family)]; every product's
#: description contains its kind phrase, so "the <kind> I purchased" names a group, not one item.
NAMESAKE_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "power optimization manager": (
        ("VoltEdge Power Optimization Manager", "Hardware"),
        ("VoltEdge Power Optimization Manager Plus", "Hardware"),
        ("GridSense Power Optimization Manager", "Hardware")),
    "cloud-based design program": (
        ("CloudForge Design Studio", "Software"),
        ("CloudForge Design Studio Team", "Software"),
        ("SkyDraft Design Suite", "Software")),
    "circuit analyzer": (
        ("AI-Driven Circuit Analyzer", "Hardware"),
        ("AI-Driven Circuit Analyzer X2", "Hardware"),
        ("Precision Circuit Analyzer Lite", "Hardware")),
    "network security gateway": (
        ("ShieldPoint Security Gateway", "Hardware"),
        ("ShieldPoint Security Gateway 2", "Hardware"),
        ("ShieldPoint Edge Gateway", "Hardware")),
    "thermal imaging camera": (
        ("ThermaView Imaging Camera", "Hardware"),
        ("ThermaView Imaging Camera Pro", "Hardware"),
        ("ThermaView Compact Camera", "Hardware")),
    "data backup appliance": (
        ("VaultLine Backup Appliance", "Hardware"),
        ("VaultLine Backup Appliance XL", "Hardware"),
        ("VaultLine Mini Appliance", "Hardware")),
    "layout automation software": (
        ("BoardFlow Layout Automation", "Software"),
        ("BoardFlow Layout Automation Enterprise", "Software"),
        ("TraceSmith Layout Assistant", "Software")),
}

NAMESAKE_DESCRIPTIONS: tuple[str, ...] = (
    "A {kind} for teams that need dependable results every day.",
    "Our {kind}, tuned for mid-size deployments and easy setup.",
    "An enterprise-grade {kind} with extended monitoring and reporting.",
)

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen",
                14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen",
                19: "nineteen", 20: "twenty", 21: "twenty-one", 25: "twenty-five",
                28: "twenty-eight", 30: "thirty"}

# --- quote policies (quote_approval, invalid_config) ------------------------------------------

#: kind -> (UrlName, Title, Summary, answer text). Each answer states its rule in one fixed,
#: parseable sentence; QUOTE_RULE_PATTERNS reads the numbers back.
QUOTE_POLICY_ARTICLES: dict[str, tuple[str, str, str, str]] = {
    "max_discount": (
        "quote-discount-authorization-limits", "Quote Discount Authorization Limits",
        "How much discount a sales representative may put on a quote line.",
        "Discounts protect margin only when they are applied consistently. Sales representatives "
        "may apply a discount of up to {limit}% on any single quote line. A quote with any line "
        "discount above {limit}% is not compliant and must not be approved; the representative "
        "has to rework the pricing or raise a deal desk exception before resubmitting."),
    "price_floor": (
        "minimum-sales-price-policy", "Minimum Sales Price Policy",
        "The lowest sales price a quote line may carry relative to the list price.",
        "To keep pricing consistent across regions, the sales price of a quote line must never be "
        "set below {limit}% of the product's list price in the standard price book. Price "
        "reductions beyond that point have to be expressed as an approved discount, not as an "
        "edited sales price."),
    "volume_discount": (
        "volume-discount-eligibility", "Volume Discount Eligibility",
        "Which quote lines qualify for larger discounts.",
        "Larger discounts are tied to volume commitments. Discounts greater than {limit}% are "
        "reserved for quote lines with a quantity of at least {min_qty} units. Lines below that "
        "quantity may carry a discount of at most {limit}%."),
    "max_quantity": (
        "maximum-quote-line-quantity", "Maximum Quote Line Quantity",
        "The largest quantity a single quote line may carry.",
        "Fulfilment capacity is planned per order line. A single quote line may not exceed "
        "{limit} units of one product; larger volumes must be split into a framework agreement "
        "with scheduled deliveries."),
    "duplicate_product": (
        "one-line-per-product", "One Line Per Product on Quotes",
        "Why a product may appear only once on a quote.",
        "To keep quotes readable and discounts auditable, each product may appear on only one "
        "line of a quote. Combine the quantities into a single line instead of adding the same "
        "product twice."),
    "accessory_needs_hardware": (
        "accessories-require-hardware", "Accessories Require a Hardware Line",
        "Configuration rule for quoting accessories.",
        "Accessories are only sold as part of a hardware configuration. Products in the "
        "Accessories family can only be quoted together with at least one product from the "
        "Hardware family on the same quote."),
    "services_need_product": (
        "services-require-a-product", "Services Require a Product Line",
        "Configuration rule for quoting professional services.",
        "Our services are delivered on top of the products we sell. A quote that contains a "
        "product from the Services family must also contain at least one product from the "
        "Hardware or Software family; services are never quoted on their own."),
}

QUOTE_POLICY_LIMITS: dict[str, dict[str, int]] = {
    "max_discount": {"limit": 25},
    "price_floor": {"limit": 85},
    "volume_discount": {"limit": 15, "min_qty": 50},
    "max_quantity": {"limit": 500},
    "duplicate_product": {},
    "accessory_needs_hardware": {},
    "services_need_product": {},
}

PRICING_POLICIES = ("max_discount", "price_floor", "volume_discount")
CONFIG_POLICIES = ("max_quantity", "duplicate_product", "accessory_needs_hardware",
                   "services_need_product")

#: kind -> pattern over an article's text; the named groups are the rule's numbers.
QUOTE_RULE_PATTERNS: dict[str, re.Pattern[str]] = {
    "max_discount": re.compile(r"discount of up to (?P<limit>\d+(?:\.\d+)?)% on any single "
                               r"quote line"),
    "price_floor": re.compile(r"below (?P<limit>\d+(?:\.\d+)?)% of the product's list price"),
    "volume_discount": re.compile(r"Discounts greater than (?P<limit>\d+(?:\.\d+)?)% are reserved "
                                  r"for quote lines with a quantity of at least (?P<min_qty>\d+)"),
    "max_quantity": re.compile(r"may not exceed (?P<limit>\d+) units of one product"),
    "duplicate_product": re.compile(r"each product may appear on only one\s+line of a quote"),
    "accessory_needs_hardware": re.compile(r"Accessories family can only be quoted together with"),
    "services_need_product": re.compile(r"Services family must also contain at least one "
                                        r"product from the Hardware or Software family"),
}


def quote_article_text(kind: str) -> str:
    return QUOTE_POLICY_ARTICLES[kind][3].format(**QUOTE_POLICY_LIMITS[kind])


def parse_quote_rule(text: str | None) -> tuple[str, dict[str, float]] | None:
    """(kind, numbers) of the quote rule an article states, or None if it states none."""
    flat = " ".join(str(text or "").split())
    for kind, pattern in QUOTE_RULE_PATTERNS.items():
        m = pattern.search(flat)
        if m:
            return kind, {k: float(v) for k, v in m.groupdict().items()}
    return None

# --- service policies (policy_violation_identification) ---------------------------------------

#: kind -> (UrlName, Title, Summary, answer text with the rule's numbers).
SERVICE_POLICY_ARTICLES: dict[str, tuple[str, str, str, str]] = {
    "refund_window": (
        "refund-eligibility-window", "Refund Eligibility Window",
        "When a support agent may issue a refund.",
        "Refunds keep customer trust only when they are fair to everyone. Refunds may only be "
        "issued for orders delivered within the last {limit} days. For older orders, agents "
        "should offer troubleshooting, a repair, or a replacement under warranty instead."),
    "goodwill_credit": (
        "goodwill-credit-limits", "Goodwill Credit Limits",
        "How much goodwill credit an agent may grant on a case.",
        "Agents may grant a goodwill credit of at most ${limit} per case without supervisor "
        "approval. Larger credits require a supervisor to approve them on the case before the "
        "customer is told about them."),
    "warranty_replacement": (
        "warranty-replacement-policy", "Warranty Replacement Policy",
        "When a free replacement unit may be shipped.",
        "Free replacement units may only be shipped for products within the {limit}-month "
        "warranty period, counted from the purchase date. Out-of-warranty units may be repaired "
        "at the standard rate."),
    "expedited_shipping": (
        "expedited-shipping-fee-waivers", "Expedited Shipping Fee Waivers",
        "When an agent may waive the expedited shipping fee.",
        "The expedited shipping fee may be waived only on orders of ${limit} or more. For smaller "
        "orders the agent may offer standard shipping at no charge or quote the expedited fee."),
    "restocking_fee": (
        "restocking-fee-waivers", "Restocking Fee Waivers",
        "When an agent may waive the restocking fee on a return.",
        "Returned units are inspected and repackaged before resale. The restocking fee on a return "
        "may be waived only when the return is requested within {limit} days of delivery; later "
        "returns carry the standard fee."),
    "price_adjustment": (
        "price-adjustment-policy", "Price Adjustment Policy",
        "When a support agent may refund a price difference.",
        "We honour our own price drops for a short time after a sale. A price adjustment may be "
        "refunded only when the price dropped within {limit} days of the purchase. Older purchases "
        "keep the price paid."),
    "retention_discount": (
        "retention-discount-limits", "Retention Discount Limits",
        "How much of a discount an agent may offer a customer who wants to cancel.",
        "Retention offers must stay sustainable. Agents may offer a retention discount of at most "
        "{limit}% on a subscription renewal; anything larger needs the account manager's "
        "approval."),
}

#: Base-org articles whose subject a planted rule belongs to (the rule is written into them).
POLICY_HOME_ARTICLES: dict[str, str] = {
    "max_discount": "Pricing and Discount Approval Policy",
    "refund_window": "Return and Refund Policy",
    "warranty_replacement": "Warranty Coverage Policy",
    "expedited_shipping": "Shipping and Delivery Policy",
}

SERVICE_POLICY_LIMITS: dict[str, int] = {"refund_window": 30, "goodwill_credit": 75,
                                         "warranty_replacement": 12, "expedited_shipping": 500,
                                         "restocking_fee": 15, "price_adjustment": 14,
                                         "retention_discount": 10}

SERVICE_RULE_PATTERNS: dict[str, re.Pattern[str]] = {
    "refund_window": re.compile(r"issued for orders delivered within the last (?P<limit>\d+) days"),
    "goodwill_credit": re.compile(r"goodwill credit of at most \$(?P<limit>\d+) per case"),
    "warranty_replacement": re.compile(r"within the (?P<limit>\d+)-month\s+warranty period"),
    "expedited_shipping": re.compile(r"may be waived only on orders of \$(?P<limit>\d+) or more"),
    "restocking_fee": re.compile(r"waived only when the return is requested within "
                                 r"(?P<limit>\d+) days of delivery"),
    "price_adjustment": re.compile(r"refunded only when the price dropped within (?P<limit>\d+) "
                                   r"days of the purchase"),
    "retention_discount": re.compile(r"retention discount of at most (?P<limit>\d+)% on a "
                                     r"subscription renewal"),
}

#: What an agent grants in a conversation: kind -> (pattern, how the number compares to the limit
#: when the grant breaks the rule). Only these sentences grant something; declines never match.
SERVICE_GRANT_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "refund_window": (re.compile(r"delivered (?P<n>\d+) days ago, so I've issued a full "
                                 r"refund"), ">"),
    "goodwill_credit": (re.compile(r"I've applied a goodwill credit of \$(?P<n>\d+)"), ">"),
    "warranty_replacement": (re.compile(r"purchased (?P<n>\d+) months ago, and I've arranged "
                                        r"a free replacement unit"), ">"),
    "expedited_shipping": (re.compile(r"your order total is \$(?P<n>\d+), I've waived the "
                                      r"expedited shipping fee"), "<"),
    "restocking_fee": (re.compile(r"came in (?P<n>\d+) days after delivery, so I've waived the "
                                  r"restocking fee"), ">"),
    "price_adjustment": (re.compile(r"price dropped (?P<n>\d+) days after your purchase, so I've "
                                    r"refunded the difference"), ">"),
    "retention_discount": (re.compile(r"I've applied a (?P<n>\d+)% retention discount"), ">"),
}

#: kind -> agent sentences that grant (with {n}); the number decides compliance.
SERVICE_GRANT_SENTENCES: dict[str, str] = {
    "refund_window": "I checked the order and it was delivered {n} days ago, so I've issued a full "
                     "refund to your original payment method.",
    "goodwill_credit": "I'm sorry for the trouble. I've applied a goodwill credit of ${n} to your "
                       "account; you'll see it on your next invoice.",
    "warranty_replacement": "According to our records the unit was purchased {n} months ago, and "
                            "I've arranged a free replacement unit to ship today.",
    "expedited_shipping": "Since your order total is ${n}, I've waived the expedited shipping fee "
                          "for the replacement part.",
    "restocking_fee": "Your return came in {n} days after delivery, so I've waived the restocking "
                      "fee.",
    "price_adjustment": "I can see the price dropped {n} days after your purchase, so I've "
                        "refunded the difference to your card.",
    "retention_discount": "To keep you with us, I've applied a {n}% retention discount to your "
                          "renewal.",
}

#: kind -> agent sentences that decline correctly (with {n}); they never count as a grant.
SERVICE_DECLINE_SENTENCES: dict[str, str] = {
    "refund_window": "I see the order was delivered {n} days ago, which is outside our refund "
                     "window, so I can't refund it, but I can set up a repair.",
    "goodwill_credit": "I can't add a credit that large myself, but I've asked my supervisor to "
                       "review a ${n} credit for you.",
    "warranty_replacement": "The unit was bought {n} months ago, which is past the warranty, so I "
                            "can offer a repair at our standard rate.",
    "expedited_shipping": "Your order total is ${n}, so I can send the part with free standard "
                          "shipping, or quote you the expedited fee.",
    "restocking_fee": "Your return came in {n} days after delivery, which is too late for a fee "
                      "waiver, so the restocking fee applies.",
    "price_adjustment": "The price dropped {n} days after your purchase, which is outside our "
                        "price adjustment window, so I can't refund the difference.",
    "retention_discount": "I can't offer a {n}% retention discount myself, but I've asked the "
                          "account manager to review it.",
}

SERVICE_ISSUES: tuple[str, ...] = (
    "my device stopped charging after a week", "the unit keeps rebooting during the day",
    "the replacement part arrived damaged", "the software license key is not accepted",
    "the order arrived with a missing cable", "the display flickers constantly",
)

CHAT_OPENERS: tuple[str, ...] = (
    "Hi, thanks for contacting support. How can I help you today?",
    "Hello and welcome to support chat. What can I do for you?",
    "Good afternoon, you're chatting with support. How can I help?",
)
CHAT_CLOSERS: tuple[str, ...] = (
    "Is there anything else I can help you with today?",
    "Thanks for your patience. Anything else I can do for you?",
    "I've noted everything on your case. Have a great day!",
)
CUSTOMER_THANKS: tuple[str, ...] = ("That works, thank you.", "Great, thanks for the help.",
                                    "Okay, appreciate it.", "Thanks, that's all for now.")


def parse_service_rule(text: str | None) -> tuple[str, float] | None:
    """(kind, limit) of the service rule an article states, or None."""
    flat = " ".join(str(text or "").split())
    for kind, pattern in SERVICE_RULE_PATTERNS.items():
        m = pattern.search(flat)
        if m:
            return kind, float(m.group("limit"))
    return None


def service_grants(text: str | None) -> list[tuple[str, float]]:
    """Every (kind, number) grant an agent makes in a transcript or email body, in text order."""
    flat = " ".join(str(text or "").split())
    found: list[tuple[int, str, float]] = []
    for kind, (pattern, _) in SERVICE_GRANT_PATTERNS.items():
        found.extend((m.start(), kind, float(m.group("n"))) for m in pattern.finditer(flat))
    return [(kind, number) for _, kind, number in sorted(found)]


def grant_breaks_rule(kind: str, number: float, limit: float) -> bool:
    op = SERVICE_GRANT_PATTERNS[kind][1]
    return number > limit if op == ">" else number < limit
