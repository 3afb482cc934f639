"""The service side: issues, cases with a consistent history, case emails, chats, knowledge.

Case history invariants (tests check them): exactly one 'Case Creation' row at CreatedDate; one or
more 'Owner Assignment' rows whose Old/New values are User Ids and whose last NewValue__c is the
case's OwnerId (more than one means the case was transferred); a 'Case Closed' row at ClosedDate
for closed cases, and ClosedDate > CreatedDate.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from data.org import text, vocab
from data.org.builder import ORG_END, OrgBuilder, business_datetime, random_datetime
from data.org.creation import revisions
from data.org.people import People, spread


def make_issues(b: OrgBuilder, count: int) -> list[dict[str, Any]]:
    for name, description, _ in vocab.ISSUES[:count]:
        b.add("Issue__c", Name=name, Description__c=description)
    return b.records("Issue__c")


def _issue_weights(rng: random.Random, issues: list[dict[str, Any]], family: str) -> list[float]:
    """Per product: issues that fit its family, with one or two dominant ones."""
    families = {name: fams for name, _, fams in vocab.ISSUES}
    weights = [3.0 if family in families.get(i["Name"], ()) else 0.3 for i in issues]
    for k in rng.sample(range(len(issues)), 2):
        weights[k] *= rng.choice((2.0, 4.0))
    return weights


def _handle_time(rng: random.Random) -> dt.timedelta:
    """Log-normal resolution time: median about a day, from an hour to a few weeks."""
    hours = min(24 * 30, max(0.75, math.exp(rng.gauss(math.log(22), 1.2))))
    return dt.timedelta(hours=hours, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))


def make_cases(b: OrgBuilder, counts: dict[str, int], people: People) -> None:
    rng = b.rng("cases")
    issues = make_issues(b, counts.get("Issue__c", len(vocab.ISSUES)))
    orders = {o["Id"]: o for o in b.records("Order")}
    accounts = {a["Id"]: a for a in b.records("Account")}
    products = {p["Id"]: p for p in b.records("Product2")}
    items = [oi for oi in b.records("OrderItem")
             if orders[oi["OrderId"]]["EffectiveDate"] < (ORG_END - dt.timedelta(days=5)).date()]
    weights = {pid: _issue_weights(rng, issues, p["Family"]) for pid, p in products.items()}
    agents = people.service_agents
    specs = []
    for _ in range(counts.get("Case", 0)):
        item = rng.choice(items)
        order = orders[item["OrderId"]]
        account = accounts[order["AccountId"]]
        start = dt.datetime.combine(order["EffectiveDate"], dt.time(14)) + dt.timedelta(days=1)
        created = business_datetime(rng, start, min(start + dt.timedelta(days=420),
                                                    ORG_END - dt.timedelta(days=2)))
        issue = rng.choices(issues, weights=weights[item["Product2Id"]])[0]
        specs.append((created, item, account, issue))
    specs.sort(key=lambda s: s[0])
    n_chats = counts.get("LiveChatTranscript", 0)
    chat_cases = set(rng.sample(range(len(specs)), min(n_chats, len(specs))))
    closed, extra_owners = _plan_history(rng, [s[0] for s in specs],
                                         counts.get("CaseHistory__c", 0))
    for number, (created, item, account, issue) in enumerate(specs):
        product = products[item["Product2Id"]]["Name"]
        contacts = people.contacts_by_account.get(account["Id"], [])
        owners = [rng.choice(agents)]
        for _ in range(extra_owners[number]):
            owners.append(rng.choice([a for a in agents if a != owners[-1]]))
        closed_at = None
        if number in closed:
            closed_at = created + _handle_time(rng)
            if closed_at > ORG_END:
                closed_at = created + (ORG_END - created) / 2
            closed_at = closed_at.replace(microsecond=0)
        status = "Closed" if closed_at else rng.choice(("New", "Working", "Working", "Escalated"))
        if status == "New" and len(owners) > 1:
            status = "Working"
        case_id = b.add(
            "Case", Subject=text.case_subject(rng, issue["Name"], product),
            Description=text.case_description(rng, issue["Description__c"], product,
                                              account.get("ShippingCity") or "main",
                                              consumer=b.org == "b2c"),
            Status=status, Priority=rng.choice(("Low", "Medium", "Medium", "High", "Critical")),
            Origin="Chat" if number in chat_cases else rng.choice(("Email", "Phone", "Web")),
            AccountId=account["Id"], ContactId=rng.choice(contacts) if contacts else None,
            OwnerId=owners[-1], IssueId__c=issue["Id"], OrderItemId__c=item["Id"],
            CreatedDate=created, ClosedDate=closed_at)
        _history(b, rng, case_id, created, closed_at, owners)


def _plan_history(rng: random.Random, created: list[dt.datetime],
                  target_rows: int) -> tuple[set[int], list[int]]:
    """Which cases are closed and how many transfers each has, to hit the history row target.

    Every case has a creation and a first assignment row; the remaining rows are split into
    closures (older cases more likely) and transfers (one extra assignment row each).
    """
    n = len(created)
    extra = max(0, target_rows - 2 * n) if target_rows else round(n * 0.6)
    n_closed = min(n, round(extra * 0.8))
    ages = [(ORG_END - c).days + 30 for c in created]
    keys = sorted(range(n), key=lambda i: -(rng.random() ** (365.0 / ages[i])))
    closed = set(keys[:n_closed])
    transfers = [0] * n
    for _ in range(extra - n_closed):
        transfers[rng.randrange(n)] += 1
    return closed, transfers


def _history(b: OrgBuilder, rng: random.Random, case_id: str, created: dt.datetime,
             closed_at: dt.datetime | None, owners: list[str]) -> None:
    end = closed_at or min(ORG_END, created + dt.timedelta(days=20))
    rows: list[tuple[str, str | None, str | None, dt.datetime]] = [
        ("Case Creation", None, None, created),
        ("Owner Assignment", None, owners[0],
         created + dt.timedelta(seconds=rng.randint(5, 90)))]
    times = sorted(random_datetime(rng, rows[-1][3], end - dt.timedelta(seconds=1))
                   for _ in owners[1:])
    for previous, owner, when in zip(owners, owners[1:], times, strict=False):
        rows.append(("Owner Assignment", previous, owner, when))
    if closed_at:
        rows.append(("Case Closed", "Working", "Closed", closed_at))
    for field, old, new, when in rows:
        b.add("CaseHistory__c", CaseId__c=case_id, Field__c=field,
              OldValue__c=old, NewValue__c=new, CreatedDate=when)


def make_case_conversations(b: OrgBuilder, counts: dict[str, int]) -> None:
    """Email threads (about a quarter of all emails, up to 3 a case) and chats on cases."""
    rng = b.rng("case-conversations")
    users = {u["Id"]: u for u in b.records("User")}
    contacts = {c["Id"]: c for c in b.records("Contact")}
    items = {oi["Id"]: oi for oi in b.records("OrderItem")}
    products = {p["Id"]: p["Name"] for p in b.records("Product2")}
    issues = {i["Id"]: i for i in b.records("Issue__c")}
    orders = {o["Id"]: o for o in b.records("Order")}
    cases = b.records("Case")
    history: dict[str, list[dict[str, Any]]] = {}
    for h in b.records("CaseHistory__c"):
        history.setdefault(h["CaseId__c"], []).append(h)
    n_emails = min(counts.get("EmailMessage", 0) // 4, len(cases) * 3)
    for case, k in zip(cases, spread(rng, len(cases), n_emails, minimum=1), strict=True):
        contact = contacts.get(case["ContactId"]) if case["ContactId"] else None
        if contact is None:
            continue
        end = case["ClosedDate"] or min(ORG_END, case["CreatedDate"] + dt.timedelta(days=14))
        times = sorted(random_datetime(rng, case["CreatedDate"], end) for _ in range(k))
        product = products[items[case["OrderItemId__c"]]["Product2Id"]]
        for i, when in enumerate(times):
            agent = users[_owner_at(history[case["Id"]], when) or case["OwnerId"]]
            subject = ("" if i == 0 else "Re: ") + case["Subject"]
            if i == 0 or i % 2 == 0:
                body_text = (case["Description"] if i == 0 else
                             rng.choice(text.CASE_EMAIL_CUSTOMER).format(
                                 product=product, serial=f"SN-{rng.randint(10**7, 10**8 - 1)}"))
                body = text.email_body(rng, "Support Team" if i == 0 else agent["FirstName"],
                                       body_text, contact["Name"])
                b.add("EmailMessage", Subject=subject, TextBody=body,
                      FromAddress=contact["Email"], ToIds=agent["Id"], ParentId=case["Id"],
                      MessageDate=when)
            else:
                body = text.email_body(rng, contact["FirstName"], rng.choice(
                    text.CASE_EMAIL_AGENT).format(subject_lower=case["Subject"].lower(),
                                                  product=product, case_number=case["CaseNumber"]),
                    agent["Name"])
                b.add("EmailMessage", Subject=subject, TextBody=body, FromAddress=agent["Email"],
                      ToIds=contact["Id"], ParentId=case["Id"], MessageDate=when)
    for case in (c for c in cases if c["Origin"] == "Chat"):
        start = case["CreatedDate"] - dt.timedelta(minutes=rng.randint(2, 20))
        product = products[items[case["OrderItemId__c"]]["Product2Id"]]
        agent = users[_owner_at(history[case["Id"]], case["CreatedDate"]) or case["OwnerId"]]
        issue = issues[case["IssueId__c"]]["Name"]
        b.add("LiveChatTranscript", Body=text.chat_transcript(rng, agent["FirstName"], product,
                                        text.symptom(rng, issue, product), rng.randint(3, 4),
                                        issue=issue, order=orders[items[case["OrderItemId__c"]]
                                                                  ["OrderId"]]["OrderNumber"]),
              CaseId=case["Id"], AccountId=case["AccountId"], ContactId=case["ContactId"],
              OwnerId=agent["Id"], LiveChatVisitorId=f"5717Wt{rng.randint(10**8, 10**9 - 1)}",
              StartTime=start, EndTime=start + dt.timedelta(minutes=rng.randint(6, 35)))


def _owner_at(history: list[dict[str, Any]], when: dt.datetime) -> str | None:
    owner = None
    for h in history:
        if h["Field__c"] == "Owner Assignment" and h["CreatedDate"] <= when:
            owner = h["NewValue__c"]
    return owner


def make_knowledge(b: OrgBuilder, count: int) -> None:
    """Policy, product overview, troubleshooting and general articles: the latest version of
    each, published (older versions are not kept)."""
    rng = b.rng("knowledge")
    products = b.records("Product2")
    issues = {name: (desc, fams) for name, desc, fams in vocab.ISSUES}
    articles: list[tuple[str, str, str]] = list(text.POLICY_ARTICLES)
    articles += [text.article_product_overview(p["Name"], p["Family"], p["Description"])
                 for p in products]
    articles += [text.article_general(rng, topic) for topic in text.GENERAL_TOPICS]
    pairs = [(p, name) for p in products for name, (_, fams) in issues.items()
             if p["Family"] in fams]
    rng.shuffle(pairs)
    for p, issue in pairs[:max(0, count - len(articles))]:
        steps = rng.sample(text.TROUBLESHOOTING_STEPS, rng.randint(3, 5))
        articles.append(text.article_troubleshooting(p["Name"], issue, issues[issue][0], steps))
    titles: set[str] = set()
    unique = []
    for article in articles:  # the first article of each title
        if article[0] not in titles:
            titles.add(article[0])
            unique.append(article)
    unique = unique[:count]
    order = list(range(len(unique)))
    rng.shuffle(order)
    for k in order:
        title, summary, body = unique[k]
        # written from the set-up year on (the policies go live in the first weeks of 2020);
        # revised a few times: the article (and its number) is older than this version
        published = business_datetime(rng, dt.datetime(2019, 3, 4), dt.datetime(2023, 12, 20))
        version, first = revisions(rng, published)
        b.add("Knowledge__kav", Title=title, Summary=summary, FAQ_Answer__c=body,
              UrlName=text.url_name(title), PublishStatus="Online", VersionNumber=version,
              IsLatestVersion=True, ArticleNumber=b.auto_number("Knowledge__kav", first),
              LastPublishedDate=published)
