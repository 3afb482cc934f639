"""lead_routing: the agent a new lead from a given state should go to (CRMArena-Pro's Lead
Routing Policy: territory whose description lists the state -> most 'Accepted' quotes through
the opportunity owner -> fewest unconverted leads)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from data.tasks.categories._service_metrics import id_list, persona, quoted, soql
from data.tasks.model import ReferenceSolution, RotTarget
from data.tasks.registry import AmbiguousAnswer, GenContext, TaskDraft, category, derivation
from data.tasks.results import aggregate, records, unique_best, value

LEAD_ROUTING_POLICY = (
    "## Lead Routing Policy\nThe lead routing policy determines the best agent to assign the "
    "given new lead based on the following criteria:\n- Territory Match: First, find the "
    "territory that matches the lead's region by comparing with the territory description "
    "(comma-separated list of states/regions).\n- Quote Success: Among agents associated with "
    "the matching territory, select those with the highest number of quotes with status "
    "\"Accepted\" (find the agent ID through the associated opportunity ID).\n- Workload "
    "Balance: If there's still a tie, select the agent with the fewest unconverted (open) "
    "leads.\n")


@derivation("lead_routing")
def derive_lead_routing(results: Sequence[Any], params: dict[str, Any]) -> list[str]:
    """results: the territory (Id, Description), its user associations, Accepted quote counts per
    opportunity owner, unconverted lead counts per owner. params: state."""
    territories = [t for t in records(results[0])
                   if params["state"] in [s.strip() for s in (value(t, "Description") or "")
                                          .split(",")]]
    if len(territories) != 1:
        raise AmbiguousAnswer(f"{len(territories)} territories list {params['state']}")
    members = {value(a, "UserId") for a in records(results[1])
               if value(a, "Territory2Id") == value(territories[0], "Id")} - {None}
    accepted = {value(r, "OwnerId"): aggregate(r, "n") for r in records(results[2])}
    open_leads = {value(r, "OwnerId"): aggregate(r, "n") for r in records(results[3])}
    scores = {m: (accepted.get(m, 0), -open_leads.get(m, 0)) for m in members}
    best = unique_best(scores, highest=True)
    return [best] if best else []


QUERIES = (
    "Who should be allocated as the agent for this lead? Return only the Id of the agent.",
    "Which agent would be the best fit for this lead? Return only the Id of the agent.",
    "Which agent ought to handle this lead? Return only the Id of the agent.",
    "Who should be assigned to handle this lead? Return only the Id of the agent.",
    "Which agent should be designated to this lead? Return only the Id of the agent.",
)


@category("lead_routing", metric="exact_match")
def generate(ctx: GenContext) -> Iterator[TaskDraft]:
    rng = ctx.rng
    members: dict[str, list[str]] = {}
    for a in ctx.data["UserTerritory2Association"]:
        members.setdefault(a["Territory2Id"], []).append(a["UserId"])
    regions = sorted((s.strip(), t["Id"]) for t in ctx.data["Territory2"]
                     for s in (t["Description"] or "").split(",") if s.strip())
    rng.shuffle(regions)
    for state, territory in regions:
        users = sorted(set(members.get(territory, ())))
        if not users:
            continue
        steps = (
            soql(f"SELECT Id, Name, Description FROM Territory2 WHERE Id = {quoted(territory)}"),
            soql(f"SELECT UserId, Territory2Id FROM UserTerritory2Association "
                 f"WHERE Territory2Id = {quoted(territory)}"),
            soql(f"SELECT Opportunity.OwnerId, COUNT(Id) n FROM Quote WHERE Status = 'Accepted' "
                 f"AND Opportunity.OwnerId IN {id_list(users)} GROUP BY Opportunity.OwnerId"),
            soql(f"SELECT OwnerId, COUNT(Id) n FROM Lead WHERE IsConverted = false "
                 f"AND OwnerId IN {id_list(users)} GROUP BY OwnerId"),
        )
        yield TaskDraft(
            query=rng.choice(QUERIES),
            reference=ReferenceSolution(steps=steps, derivation="lead_routing",
                                        params={"state": state}),
            persona=persona(rng),
            required_context=LEAD_ROUTING_POLICY + f"\n## Lead's region: {state}\n",
            rot_targets=(RotTarget(object="Territory2", record_id=territory),))
