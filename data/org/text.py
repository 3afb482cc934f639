"""Real-looking free text for the generated org, from hand-written phrase banks.

The text is deliberately neutral (no BANT statements, sentiment, policy breaches or stage-specific
task subjects): category planters in data/org/plants/ add that signal where a task needs it.
Every function takes its random stream explicitly so the caller controls determinism.
"""

from __future__ import annotations

import random
import re

from data.org import vocab


def url_name(title: str) -> str:
    """An article's URL name, made from its title ("Refund Policy" -> "refund-policy")."""
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()

# ----------------------------------------------------------------------------- cases

CASE_SUBJECTS = (
    "{issue} on {product}", "{product}: {issue_lower}", "{issue} after recent update",
    "Need help with {product} - {issue_lower}", "{issue} reported by our team",
    "Urgent: {issue_lower} with {product}", "Recurring {issue_lower}",
)

CASE_OPENINGS = (
    "Since {weekday}, {symptom}.", "We are having trouble: {symptom}.",
    "I am contacting support because {symptom}.", "Hello, {symptom}.",
    "Our team at the {city} office reports that {symptom}.",
)
CONSUMER_OPENINGS = ("Since {weekday}, {symptom}.", "Hi, {symptom}.",
                     "I am contacting support because {symptom}.")
CASE_DETAILS = (
    "It affects about {n} of our users.", "We already restarted everything twice.",
    "It happens several times a day.", "No configuration changes were made on our side.",
    "Screenshots are attached.", "This is slowing down our daily work.",
    "We checked the quick start guide but could not find a fix.",
    "Our IT team has not been able to resolve it internally.",
)
ORDER_CASE_DETAILS = (
    "Our order number is on the attached packing slip.", "We need this sorted out this month.",
    "Our finance team flagged it during the monthly review.", "Photos are attached.",
)
CONSUMER_CASE_DETAILS = (
    "I already restarted it twice.", "It happens several times a day.",
    "I did not change any settings.", "I checked the quick start guide but could not find a fix.",
    "I use it every day, so this is quite frustrating.", "A screenshot is attached.",
)
CASE_ASKS = (
    "Please advise on next steps.", "Can someone look into this as soon as possible?",
    "Could you let us know whether a fix or replacement is available?",
    "We would appreciate a call back from a technician.", "Please confirm you received this.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "last week", "yesterday")


def case_subject(rng: random.Random, issue: str, product: str) -> str:
    return rng.choice(CASE_SUBJECTS).format(issue=issue, issue_lower=issue.lower(), product=product)


def symptom(rng: random.Random, issue: str, product: str) -> str:
    """A customer's own words for `issue` (an issue name or description) on `product`."""
    name = vocab.ISSUE_BY_DESCRIPTION.get(issue, issue)
    options = vocab.ISSUE_SYMPTOMS.get(name)
    if options is None:
        text = issue.rstrip(".")
        return f"we see this problem with {product}: {text[0].lower() + text[1:]}"
    return rng.choice(options).format(product=product)


def case_description(rng: random.Random, issue_description: str, product: str, city: str,
                     consumer: bool = False) -> str:
    """A customer-written case description for an issue (name or description) on a product."""
    opening = rng.choice(CONSUMER_OPENINGS if consumer else CASE_OPENINGS).format(
        weekday=rng.choice(WEEKDAYS), symptom=symptom(rng, issue_description, product), city=city)
    opening = opening[0].upper() + opening[1:]
    name = vocab.ISSUE_BY_DESCRIPTION.get(issue_description, issue_description)
    pool = (ORDER_CASE_DETAILS if name in vocab.ORDER_ISSUES else
            CONSUMER_CASE_DETAILS if consumer else CASE_DETAILS)
    details = " ".join(d.format(n=rng.randint(3, 60)) for d in rng.sample(pool, 2))
    return f"{opening} {details} {rng.choice(CASE_ASKS)}"


# ----------------------------------------------------------------------------- emails

EMAIL_GREETINGS = ("Hi {name},", "Hello {name},", "Dear {name},", "Good morning {name},")
EMAIL_SIGNOFFS = ("Best regards,", "Thanks,", "Kind regards,", "Many thanks,", "Sincerely,")

CASE_EMAIL_AGENT = (
    "Thank you for reaching out about {subject_lower}. I have reviewed the details and I am "
    "working with our product team on it. Could you send the serial number and a screenshot of "
    "the error?",
    "I wanted to follow up on your case regarding {product}. We have identified a likely cause "
    "and would like to schedule a short remote session to confirm.",
    "Our engineers have prepared a fix for the issue you reported. Please apply the attached "
    "steps and let us know if the problem persists.",
    "I am checking in on case {case_number}. Is the issue with {product} still occurring after "
    "the steps we shared?",
)
CASE_EMAIL_CUSTOMER = (
    "Thanks for the quick reply. The serial number is {serial}. The error appears every time we "
    "open the dashboard.",
    "We tried the steps you sent, but the issue with {product} is still there. Can we set up a "
    "call this week?",
    "The fix worked on two of our machines. We will roll it out to the rest and report back.",
    "Following up on my earlier message: we still see the same behaviour. Any update?",
    "Everything looks good now. Thank you for your help with this.",
)

OPP_EMAIL_SUBJECTS = (
    "Follow-up: {product} proposal", "Re: {product} pricing", "Next steps for {account}",
    "Meeting recap - {product}", "Question about {product} deployment",
    "{account} - updated proposal", "Re: Demo of {product}", "Introduction and {product} overview",
)
OPP_EMAIL_BODIES = (
    "Thank you for your time today. As discussed, I have attached an overview of {product} and "
    "how it fits your current environment. Let me know a good time to continue the conversation.",
    "Following up on our call: I have shared the updated quote for {product}. Happy to walk your "
    "team through the line items.",
    "I wanted to check whether you had a chance to review the {product} materials we sent last "
    "week. We can arrange a technical deep dive with our solutions engineer.",
    "Please find the meeting notes attached. The next step on our side is to confirm deployment "
    "timelines with our services team.",
    "Thanks for the questions about {product}. The integration guide covers the details; I have "
    "also asked our engineer to join our next meeting.",
    "Great speaking with you. I will send over a short summary of the options for {account} by "
    "the end of the week.",
)
OPP_EMAIL_REPLIES = (
    "Thanks, we will review internally and get back to you.",
    "Appreciate the update. Can you include the support terms in the next version?",
    "Received, thank you. I have forwarded this to our IT lead.",
    "Thanks for the details. Let's keep the meeting on the calendar for next week.",
)


def email_body(rng: random.Random, to_name: str, body: str, from_name: str) -> str:
    greeting = rng.choice(EMAIL_GREETINGS).format(name=to_name)
    return f"{greeting}\n\n{body}\n\n{rng.choice(EMAIL_SIGNOFFS)}\n{from_name}"


# ----------------------------------------------------------------------------- chats and calls

CHAT_OPENERS = ("Hi, I need help with {product}.", "Hello, I have a problem with {product}.",
                "Hi there, {product} is not working correctly for us.")
CHAT_INTROS = ("Thanks for contacting support, my name is {agent}. I'm sorry to hear that. Could "
               "you describe what you are seeing?",
               "Hi, this is {agent} from customer support. I can help with that. What exactly is "
               "happening?")
CHAT_WHEN = ("Thanks for the details. When did this start, and did anything change recently?",
             "Understood. When did you first notice it?")
CHAT_ORDER_QUESTION = "I'm sorry about that. Could you confirm the order it came with?"
CHAT_ORDER_REPLY = "Yes, it was order {order}, delivered recently."
CHAT_WHEN_REPLIES = ("It started a few days ago. Nothing changed on our side as far as I know.",
                     "Since last week, I think.",
                     "A couple of days ago, right after I restarted it.")
CHAT_TRY = "{step} Let me know how that goes."
CHAT_GENERIC_FIXES = ("Please restart the product and check whether the problem returns.",
                      "Please install the latest update from the support portal.")
CHAT_RESULTS_OK = ("Okay, that seems to have fixed it.", "That worked, thank you!")
CHAT_RESULTS_BAD = ("I tried that, but the problem is still there.",
                    "No change, unfortunately.")
CHAT_CLOSE_OK = "Great, I'm glad it's working. I'll note the fix on your case."
CHAT_CLOSE_BAD = ("Thanks for trying. I've added everything to your case and our technical team "
                  "will follow up by email.")
CHAT_BYE = ("Is there anything else I can help you with today?", "No, that's all. Thanks.")


def chat_transcript(rng: random.Random, agent: str, product: str, symptom_text: str,
                    turns: int = 4, issue: str | None = None, order: str | None = None) -> str:
    """A support chat: greeting, symptom, diagnosis, one or two fix attempts, wrap-up."""
    resolved = rng.random() < 0.5
    lines = [f"Customer: {rng.choice(CHAT_OPENERS).format(product=product)}",
             f"Agent: {rng.choice(CHAT_INTROS).format(agent=agent)}",
             f"Customer: {symptom_text[0].upper() + symptom_text[1:]}.",
             f"Agent: {rng.choice(CHAT_WHEN)}",
             f"Customer: {rng.choice(CHAT_WHEN_REPLIES)}"]
    if issue in vocab.ORDER_ISSUES:
        lines[-2:] = [f"Agent: {CHAT_ORDER_QUESTION}",
                      f"Customer: {CHAT_ORDER_REPLY.format(order=order or 'number on my invoice')}"]
    if issue in vocab.ORDER_ISSUES:
        lines += [f"Agent: {rng.choice(vocab.ISSUE_FIXES[issue])}",
                  "Customer: Thanks, that works for me.",
                  "Agent: You're welcome. I've noted everything on your case.",
                  f"Agent: {CHAT_BYE[0]}", f"Customer: {CHAT_BYE[1]}"]
        return "\n".join(lines)
    fixes = vocab.ISSUE_FIXES.get(issue or "", CHAT_GENERIC_FIXES)
    steps = rng.sample(fixes, max(1, min(turns - 2, len(fixes))))
    for i, step in enumerate(steps):
        lines.append(f"Agent: {CHAT_TRY.format(step=step)}")
        last = i == len(steps) - 1
        lines.append("Customer: "
                     f"{rng.choice(CHAT_RESULTS_OK if resolved and last else CHAT_RESULTS_BAD)}")
    lines.append(f"Agent: {CHAT_CLOSE_OK if resolved else CHAT_CLOSE_BAD}")
    lines.append(f"Agent: {CHAT_BYE[0]}")
    lines.append(f"Customer: {CHAT_BYE[1]}")
    return "\n".join(lines)


#: Discovery-call exchanges: (agent line, customer replies). Neutral on purpose (no BANT verdicts).
CALL_EXCHANGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Can you tell me a bit more about your current setup?",
     ("Right now we use a mix of tools that do not talk to each other.",
      "We have an older system that we have outgrown.",
      "Most of it is handled manually with spreadsheets today.")),
    ("How many people on your team would use {product}?",
     ("Probably around {n} people across two teams.", "About {n} users to start with.")),
    ("What prompted you to look at {product} now?",
     ("A colleague recommended it after seeing a demo.",
      "We had a few incidents last quarter that made us rethink our tooling.",
      "We are reviewing all our vendors this year.")),
    ("Are there other systems {product} would need to work with?",
     ("Mainly our ERP and our ticketing system.",
      "Just our identity provider for single sign-on.")),
    ("Would it help to set up a demo with one of our solutions engineers?",
     ("A demo could work, let me check calendars.", "Yes, let's find a time next week.")),
    ("I can send over some material and an overview of the pricing options.",
     ("That would be helpful, please send it over.", "Sure, send it to my email.")),
)
CALL_OPENINGS = ("Hi {name}, this is {agent} from the sales team. Do you have a few minutes?",
                 "Hello {name}, it's {agent} calling about your inquiry. Is now a good time?")
CALL_OPENING_REPLIES = ("Sure, I have a few minutes.", "Yes, now works.")
CALL_CLOSINGS = ("Thanks for your time, I will follow up by email with what we discussed.",
                 "Great talking with you. I will send a summary and next steps today.")


def call_transcript(rng: random.Random, agent: str, customer: str, product: str,
                    turns: int) -> str:
    """A sales call: opening, `turns - 2` discovery exchanges in a natural order, closing."""
    first = customer.split()[0]
    lines = [f"Agent: {rng.choice(CALL_OPENINGS).format(name=first, agent=agent)}",
             f"Customer: {rng.choice(CALL_OPENING_REPLIES)}",
             f"Agent: I wanted to follow up on your interest in {product}."]
    picks = sorted(rng.sample(range(len(CALL_EXCHANGES)),
                              max(1, min(turns - 2, len(CALL_EXCHANGES)))))
    n = rng.choice((5, 12, 25, 40, 80, 150))
    for i in picks:
        question, replies = CALL_EXCHANGES[i]
        if i != picks[0]:
            lines.append(f"Agent: {question.format(product=product)}")
        else:
            lines[-1] += " " + question.format(product=product)
        lines.append(f"Customer: {rng.choice(replies).format(n=n)}")
    lines.append(f"Agent: {rng.choice(CALL_CLOSINGS)}")
    lines.append("Customer: Sounds good, talk soon.")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- sales activity

TASK_SUBJECTS = (
    "Follow-up call", "Send follow-up email", "Prepare meeting notes", "Update contact details",
    "Check in with customer", "Log call outcome", "Share product documentation",
    "Schedule next meeting", "Review account history", "Confirm meeting attendees",
)
TASK_COMMENTS = (
    "Reach out to {contact} about {product}.", "Summarise the last conversation for the team.",
    "Make sure the account record reflects the latest contact information.",
    "Coordinate with {contact} on availability.", "Keep the opportunity notes up to date.",
)
EVENT_SUBJECTS = ("Meeting", "Call", "Product demo", "Onsite visit", "Quarterly review",
                  "Technical workshop", "Lunch meeting")
EVENT_LOCATIONS = ("Zoom", "Microsoft Teams", "Customer office", "Phone", "Google Meet",
                   "Headquarters")

OPP_DESCRIPTIONS = (
    "{account} is evaluating {product} for its {team} team.",
    "Expansion of the existing {product} deployment at {account}.",
    "New business: {account} wants to modernise its {team} tooling with {product}.",
    "Renewal and upsell discussion for {product} at {account}.",
)
TEAMS = ("IT", "operations", "finance", "security", "engineering", "customer service",
         "logistics", "analytics")

ACCOUNT_DESCRIPTIONS = (
    "{name} is a {size} {industry_lower} company headquartered in {city}, {state}.",
    "{name} operates in the {industry_lower} sector with offices across {state_name}.",
    "A long-standing {industry_lower} customer based in {city}, {state}.",
)


# ----------------------------------------------------------------------------- knowledge

def article_product_overview(product: str, family: str, description: str) -> tuple[str, str, str]:
    """(title, summary, body) of a product overview article."""
    title = f"Getting Started with {product}"
    summary = f"An overview of {product}: what it does, setup and common configuration."
    body = (f"{product} is part of our {family.lower()} portfolio. {description}\n\n"
            f"Setup: follow the quick start guide shipped with {product}. Register the product "
            f"in the customer portal to activate warranty coverage and receive updates.\n\n"
            f"Configuration: administrators can manage users, notifications and integrations "
            f"from the settings page. Changes take effect immediately.\n\n"
            f"Support: open a case through email, phone, web or chat and include the order "
            f"number and serial number.")
    return title, summary, body


def article_troubleshooting(product: str, issue: str, issue_description: str,
                            steps: list[str]) -> tuple[str, str, str]:
    title = f"Troubleshooting {issue} on {product}"
    summary = f"How to diagnose and resolve {issue.lower()} on {product}."
    numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    body = (f"Symptom: {issue_description}\n\nResolution steps:\n{numbered}\n\n"
            f"If the problem persists after these steps, escalate the case to tier 2 support "
            f"with the collected logs.")
    return title, summary, body


TROUBLESHOOTING_STEPS = (
    "Confirm the product is running the latest firmware or software version.",
    "Restart the device or service and check whether the symptom returns.",
    "Collect the diagnostic log from the settings page.",
    "Verify network connectivity and firewall rules for the required ports.",
    "Check the license status in the administration console.",
    "Reset the configuration to defaults and re-apply the customer's settings.",
    "Compare the installed version with the supported versions list.",
    "Ask the customer for the exact error message and the time it occurred.",
    "Run the built-in health check and record the results in the case.",
)

#: Company policy articles: (title, summary, body). Neutral, general policies; category
#: planters add the specific rules tasks reason about.
POLICY_ARTICLES: tuple[tuple[str, str, str], ...] = (
    ("Customer Data Privacy Policy", "How we protect and handle customer personal data.",
     "Customer personal data, including contact details, order history and case details, may "
     "only be shared with the verified account holder. Agents must verify identity before "
     "discussing account information and must never disclose another customer's data."),
    ("Return and Refund Policy", "Conditions for returns and refunds.",
     "Products may be returned within 30 days of delivery in their original condition. Refunds "
     "are issued to the original payment method within 10 business days of receiving the "
     "return. Opened software licenses are not refundable unless defective."),
    ("Warranty Coverage Policy", "What the standard hardware warranty covers.",
     "Hardware products carry a one-year limited warranty covering defects in materials and "
     "workmanship. Damage caused by misuse, unauthorised repair or power surges is not covered. "
     "Extended warranty plans are available at purchase."),
    ("Case Escalation Guidelines", "When and how to escalate a support case.",
     "Escalate a case to tier 2 when the standard troubleshooting steps do not resolve the issue, "
     "when the customer reports data loss, or when a service outage affects multiple customers. "
     "Record all steps taken before escalating."),
    ("Service Level Agreement", "Response and resolution targets for support cases.",
     "Critical cases receive a first response within 1 hour, high priority within 4 hours, "
     "medium within 1 business day and low within 2 business days. Agents keep the customer "
     "informed at every status change."),
    ("Shipping and Delivery Policy", "Shipping options and delivery times.",
     "Standard shipping takes 5 to 7 business days within the continental United States. "
     "Expedited shipping is available for an additional fee. Damaged deliveries must be reported "
     "within 7 days of receipt."),
    ("Professional Conduct Standards", "How agents communicate with customers.",
     "Agents communicate courteously and professionally, use the customer's preferred channel, "
     "and never make commitments outside published policies."),
    ("Software License Terms", "Rules for software licensing and seat management.",
     "Software licenses are assigned per named user. Seats may be reassigned once per month. "
     "License keys must not be shared outside the licensed organisation."),
    ("Account Verification Procedure", "Steps to verify a customer's identity.",
     "Before discussing an account, verify at least two of: the email on file, the phone number "
     "on file, the most recent order number, or the billing postcode."),
    ("Data Retention Policy", "How long customer records are kept.",
     "Case records and communications are retained for seven years. Customers may request "
     "deletion of personal data subject to legal retention requirements."),
    ("Pricing and Discount Approval Policy", "Who may approve prices and discounts on quotes.",
     "List prices come from the active price book. Discounts on quotes must be approved "
     "according to the discount approval matrix before a quote is presented to the customer."),
    ("Order Fulfilment Process", "From signed contract to activated order.",
     "Once a contract is signed by both parties, the sales team creates the order from the "
     "active price book. Orders are activated after credit review, usually within two business "
     "days."),
)

GENERAL_ARTICLE_TOPICS = (
    ("Best Practices for {topic}", "Recommendations from our support engineers on {topic_lower}."),
    ("Understanding {topic}", "Background on {topic_lower} and how it affects your deployment."),
    ("FAQ: {topic}", "Answers to frequently asked questions about {topic_lower}."),
)
GENERAL_TOPICS = (
    "Network Security", "Data Backup and Recovery", "High Performance Computing",
    "Cloud Migration", "Power Efficiency", "Remote Device Management", "Access Control",
    "Data Encryption", "System Monitoring", "Firmware Management", "User Provisioning",
    "Disaster Recovery Planning", "Compliance Reporting", "Edge Computing", "API Integrations",
    "Capacity Planning", "Multi-Factor Authentication", "Data Governance", "Software Updates",
    "Hardware Lifecycle Management", "Bandwidth Optimization", "Storage Tiering",
)
GENERAL_PARAGRAPHS = (
    "{topic} matters most for organisations in regulated sectors such as finance and "
    "healthcare, where availability and data protection are audited regularly.",
    "Start by documenting the current environment, then define measurable goals and review "
    "them every quarter with the stakeholders involved.",
    "Our products expose the relevant settings in the administration console, and changes can "
    "be applied to groups of devices or users at once.",
    "Common pitfalls include skipping staged rollouts, missing backups before changes, and not "
    "monitoring the system after an update.",
    "Customers who adopt these practices typically report fewer support cases and faster "
    "resolution when issues do occur.",
    "Plan for growth: estimate the expected load for the next 12 to 24 months and size the "
    "deployment with headroom.",
)


def article_general(rng: random.Random, topic: str) -> tuple[str, str, str]:
    title_t, summary_t = rng.choice(GENERAL_ARTICLE_TOPICS)
    title = title_t.format(topic=topic)
    summary = summary_t.format(topic_lower=topic.lower())
    paragraphs = [p.format(topic=topic) for p in rng.sample(GENERAL_PARAGRAPHS, 3)]
    return title, summary, "\n\n".join(paragraphs)
