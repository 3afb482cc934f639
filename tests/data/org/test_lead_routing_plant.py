"""Planters on the orgs of fresh task seeds. lead_routing: an org whose territories named too few
distinct routing answers gets enough (so the category can be built under the gold-share cap),
and an org that had enough is left byte for byte as it was. invalid_config: a catalog with a
single Services product still plants its quotes."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import data.org.generate as generate
from data.org.generate import generate_org, org_fingerprint
from data.org.plants.lead_routing import MIN_DISTINCT, MIN_UNGUESSABLE
from env.task_seed import TaskSeed

pytestmark = pytest.mark.slow


def routing_answers(data: Any) -> list[tuple[str | None, set[str]]]:
    """Per territory, the agent the Lead Routing Policy names (None on a tie), computed as
    derive_lead_routing does (most Accepted quotes through the opportunity owner, then fewest
    unconverted leads), and the agents lazy rules name (data.tasks.heuristics: the lowest-Id
    member, the members with the fewest open leads)."""
    owner = {o["Id"]: o["OwnerId"] for o in data["Opportunity"]}
    accepted = Counter(owner.get(q["OpportunityId"]) for q in data["Quote"]
                       if q.get("Status") == "Accepted")
    open_leads = Counter(lead["OwnerId"] for lead in data["Lead"]
                         if lead.get("IsConverted") is False)
    members: dict[str, set[str]] = {}
    for a in data["UserTerritory2Association"]:
        members.setdefault(a["Territory2Id"], set()).add(a["UserId"])
    answers = []
    for territory in data["Territory2"]:
        users = members[territory["Id"]]
        ranked = sorted(((accepted[u], -open_leads[u]), u) for u in users)
        tie = len(ranked) > 1 and ranked[-1][0] == ranked[-2][0]
        fewest = min(open_leads[u] for u in users)
        lazy = {min(users)} | {u for u in users if open_leads[u] == fewest}
        answers.append((None if tie else ranked[-1][1], lazy))
    return answers


@pytest.mark.parametrize(("task_seed", "was"), [(999, "6 distinct agents"),
                                                (18, "3 agents no lazy rule names")])
def test_an_org_short_of_answers_gets_enough(task_seed, was) -> None:
    # Before the planter these b2c orgs could not build their lead_routing category (`was`).
    data = generate_org("b2c", TaskSeed(task_seed, "-").task_set("b2c").org_seed)
    answers = routing_answers(data)
    assert len({a for a, _ in answers if a}) >= MIN_DISTINCT
    assert len({a for a, lazy in answers if a and a not in lazy}) >= MIN_UNGUESSABLE


@pytest.mark.parametrize("org", ["b2b", "b2c"])
def test_an_org_with_enough_is_left_as_it_was(org, monkeypatch) -> None:
    planted = org_fingerprint(generate_org(org))
    others = [(n, p) for n, p in generate.discover_planters() if n != "lead_routing"]
    monkeypatch.setattr(generate, "discover_planters", lambda: others)
    assert org_fingerprint(generate_org(org)) == planted


def test_a_catalog_with_one_services_product_still_plants_invalid_configs() -> None:
    # Task seed 15's b2c catalog priced one Services product; invalid_config's "services need a
    # product" quotes sampled up to two, and the whole org failed to generate.
    data = generate_org("b2c", TaskSeed(15, "-").task_set("b2c").org_seed)
    assert sum(p.get("Family") == "Services" for p in data["Product2"]) >= 1
