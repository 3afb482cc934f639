"""case_routing: the best agent for a new case described in text (CRMArena-Pro's Case Routing
Policy: most closed cases with the same issue -> most closed cases for the same product -> fewest
cases not 'Closed'). The agent must recognise the issue and the product from the text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.org import text
from data.tasks.categories._service_metrics import persona, quoted, soql
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import GenContext, TaskDraft, category, derivation
from data.tasks.results import aggregate, records, unique_best, value

CASE_ROUTING_POLICY = (
    "## Case Routing Policy\nThe case routing policy determines the best agent to assign the "
    "given new case based on the following criteria\n- Issue Expertise: The agent who has closed "
    "the most cases associated with the issue most similar to the given case.\n- Product "
    "Expertise: If there is a tie in issue expertise, the best agent is the one who has solved "
    "the most cases associated with the product most relevant to the given case.\n- Workload: If "
    "there is still a tie, the best agent is the one that has least cases with Status not "
    "'Closed'.\n")


@derivation("case_routing")
def derive_case_routing(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: closed cases per owner for the issue, for the product, open cases per owner."""
    def counts(result: Any) -> dict[str, int]:
        return {value(r, "OwnerId"): aggregate(r, "n") for r in records(result)}
    issue, product, open_cases = (counts(r) for r in results[:3])
    scores = {agent: (n, product.get(agent, 0), -open_cases.get(agent, 0))
              for agent, n in issue.items() if agent and n > 0}
    best = unique_best(scores, highest=True)
    return [best] if best else []


QUERY = ("Use the case routing policy to determine the most suitable agent for the given case. "
         "Return only the Id of the agent.\n## Given Case\n- Case Subject: {subject}\n"
         "- Case Description: {description}")


@category("case_routing", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    issues = {i["Id"]: i for i in ctx.data["Issue__c"]}
    products = {p["Id"]: p for p in ctx.data["Product2"]}
    items = {oi["Id"]: oi for oi in ctx.data["OrderItem"]}
    cities = sorted({a["ShippingCity"] for a in ctx.data["Account"] if a.get("ShippingCity")})
    closed = [c for c in ctx.data["Case"] if c["Status"] == "Closed"]
    # any issue with any product: a new case may combine them as no closed case did yet
    pairs = [(i, p) for i in sorted({c["IssueId__c"] for c in closed if c["IssueId__c"]})
             for p in sorted({items[c["OrderItemId__c"]]["Product2Id"] for c in closed
                              if c["OrderItemId__c"] in items})]
    rng.shuffle(pairs)
    for issue_id, product_id in pairs:
        issue, product = issues[issue_id], products[product_id]
        subject = text.case_subject(rng, issue["Name"], product["Name"])
        description = text.case_description(rng, issue["Description__c"], product["Name"],
                                            rng.choice(cities) if cities else "main")
        steps = (
            soql(f"SELECT OwnerId, COUNT(Id) n FROM Case WHERE Status = 'Closed' "
                 f"AND IssueId__c = {quoted(issue_id)} GROUP BY OwnerId"),
            soql(f"SELECT OwnerId, COUNT(Id) n FROM Case WHERE Status = 'Closed' "
                 f"AND OrderItemId__r.Product2Id = {quoted(product_id)} GROUP BY OwnerId"),
            soql("SELECT OwnerId, COUNT(Id) n FROM Case WHERE Status != 'Closed' "
                 "GROUP BY OwnerId"),
        )
        yield TaskDraft(
            query=QUERY.format(subject=subject, description=description),
            reference=ReferenceSolution(steps=steps, derivation="case_routing",
                                        params={"issue": issue_id, "product": product_id}),
            persona=persona(rng), required_context=CASE_ROUTING_POLICY,
            rot_targets=(RotTarget(object="Issue__c", record_id=issue_id),
                         RotTarget(object="Product2", record_id=product_id)))
