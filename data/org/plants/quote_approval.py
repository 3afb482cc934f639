"""Planter for quote_approval: the pricing policy articles (discount limit, price floor, volume
discount) and quotes that break exactly one of them, plus a few compliant quotes."""

from __future__ import annotations

import datetime as dt

from data.org.builder import OrgBuilder
from data.org.plants._sales_planting import plant_policy_quotes, plant_quote_policies
from data.org.plants._sales_text import PRICING_POLICIES

PER_KIND = 10
COMPLIANT = 3


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("quote_approval")
    plant_quote_policies(builder, rng, PRICING_POLICIES, dt.datetime(2020, 1, 14, 16, 30))
    plan = [kind for kind in PRICING_POLICIES for _ in range(PER_KIND)] + ["none"] * COMPLIANT
    rng.shuffle(plan)
    plant_policy_quotes(builder, rng, plan)
