"""Category generators and derivations, registered by name.

A category module (data/tasks/categories/<name>.py) registers:
- one generator with `@category(...)`: given a GenContext over the base org, yield TaskDrafts
  (query text, context, the reference solution's tool calls, rot targets). It never computes the
  gold answer itself;
- one or more derivations with `@derivation(name)`: pure functions from the reference solution's
  tool results (Salesforce-shaped JSON, base names) and params to the answer list.

data.tasks.build turns drafts into Tasks by running each reference solution on the base org:
gold = derivation(results). A draft whose derived answer is ambiguous raises AmbiguousAnswer and is
skipped, so every task in a set has a unique answer under its stated policy.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from data.tasks.model import ReferenceSolution, RewardMetric, RotTarget
from sandbox_db.database import OrgData, OrgView
from sandbox_db.schema import OrgType


class AmbiguousAnswer(Exception):
    """The reference solution found no unique answer (e.g. a tie the policy does not break)."""


@dataclass
class GenContext:
    """What a generator may look at: the base org's records (read-only) and a view to query."""

    org: OrgType
    data: OrgData
    view: OrgView
    rng: random.Random
    count: int


@dataclass
class TaskDraft:
    """A task before its gold answer is derived."""

    query: str
    reference: ReferenceSolution | None
    reward_metric: RewardMetric = "exact_match"
    persona: str = ""
    required_context: str = ""
    today: dt.date | None = None
    #: Only for privacy_rejection drafts (no reference solution): values that must not leak.
    protected_values: tuple[str, ...] = ()
    rot_targets: tuple[RotTarget, ...] = ()
    referenced_fields: tuple[tuple[str, str], ...] = ()


Generator = Callable[[GenContext], Iterable[TaskDraft]]
#: (tool results in step order, params) -> answer list (["None"] for none).
Derivation = Callable[[Sequence[Any], dict[str, Any]], list[str]]


@dataclass(frozen=True)
class CategorySpec:
    name: str
    orgs: tuple[OrgType, ...]
    metric: RewardMetric
    generate: Generator = field(compare=False)


CATEGORY_REGISTRY: dict[str, CategorySpec] = {}
DERIVATIONS: dict[str, Derivation] = {}


def category(name: str, *, orgs: tuple[OrgType, ...] = ("b2b", "b2c"),
             metric: RewardMetric = "exact_match") -> Callable[[Generator], Generator]:
    def register(fn: Generator) -> Generator:
        if name in CATEGORY_REGISTRY:
            raise ValueError(f"category {name} registered twice")
        CATEGORY_REGISTRY[name] = CategorySpec(name, orgs, metric, fn)
        return fn
    return register


def derivation(name: str) -> Callable[[Derivation], Derivation]:
    def register(fn: Derivation) -> Derivation:
        if name in DERIVATIONS:
            raise ValueError(f"derivation {name} registered twice")
        DERIVATIONS[name] = fn
        return fn
    return register
