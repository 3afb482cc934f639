"""Planter for invalid_config: the product configuration policy articles (line quantity cap, one
line per product, accessories need hardware, services need a product) and quotes that break
exactly one of them."""

from __future__ import annotations

import datetime as dt

from data.org.builder import OrgBuilder
from data.org.plants._sales_planting import plant_policy_quotes, plant_quote_policies
from data.org.plants._sales_text import CONFIG_POLICIES

PER_KIND = 8


def plant(builder: OrgBuilder) -> None:
    rng = builder.rng("invalid_config")
    plant_quote_policies(builder, rng, CONFIG_POLICIES, dt.datetime(2020, 1, 21, 17, 5))
    plan = [kind for kind in CONFIG_POLICIES for _ in range(PER_KIND)]
    rng.shuffle(plan)
    plant_policy_quotes(builder, rng, plan)
