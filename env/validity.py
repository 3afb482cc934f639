"""The shortcut-agent suite: every shortcut agent (env.agents.shortcuts) through real episodes,
and the limits no shortcut may pass.

Why a module of its own: the validity tests (tests/validity/) and bench/gaming.py run the same
agents the same way and judge them by the same limits; the trained agents learn their priors on
one half of each category's tasks and are assessed on the other half (and the other way round),
so no prior is ever judged on a task whose gold it has seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.levels import Level
from data.tasks.model import Task
from env.agents.shortcuts import TRAINED, UNTRAINED, Priors
from env.config import AssessmentConfig
from env.results import EpisodeResult
from env.runner import run_assessment
from sandbox_db.database import OrgDatabase

#: No shortcut agent may pass more than this share of all tasks ...
OVERALL_LIMIT = 0.05
#: ... nor of any category ...
CATEGORY_LIMIT = 0.15
#: ... except in the privacy categories, where refusing passes exactly the refusal tasks (at
#: most this share of the category: data.tasks.categories._phrasing.REFUSAL_SHARE).
REFUSAL_LIMIT = 0.20
PRIVACY_CATEGORIES = frozenset({"private_customer_information", "confidential_company_knowledge",
                                "internal_operation_data"})
TOTAL = "TOTAL"


def halves(tasks: Sequence[Task]) -> tuple[list[Task], list[Task]]:
    """Each (org, category)'s tasks split by position: every other task to each half."""
    by_group: dict[tuple[str, str], list[Task]] = defaultdict(list)
    for task in tasks:
        by_group[(task.org, task.category)].append(task)
    first: list[Task] = []
    second: list[Task] = []
    for group in by_group.values():
        first += group[0::2]
        second += group[1::2]
    return first, second


async def run_shortcut_agents(tasks: Sequence[Task], *, drift: Level = "medium",
                              rot: Level = "medium",
                              databases: Mapping[str, OrgDatabase] | None = None,
                              agents: Sequence[str] | None = None,
                              concurrency: int = 8) -> dict[str, list[EpisodeResult]]:
    """agent name -> one episode result per task (trained agents: the two cross-fitted halves)."""
    orgs = sorted({t.org for t in tasks})
    config = AssessmentConfig(org_type=orgs[0] if len(orgs) == 1 else "both", drift_level=drift,
                              rot_level=rot, concurrency=concurrency)
    names = list(agents) if agents is not None else [*UNTRAINED, *TRAINED]
    out: dict[str, list[EpisodeResult]] = {}
    for name in names:
        if name in UNTRAINED:
            runs = [(UNTRAINED[name](), list(tasks))]
        else:
            first, second = halves(tasks)
            runs = [(TRAINED[name](Priors(first)), second),
                    (TRAINED[name](Priors(second)), first)]
        results: list[EpisodeResult] = []
        for agent, assessed in runs:
            summary = await run_assessment(config, agent, tasks=assessed, databases=databases)
            results += summary.tasks
        out[name] = results
    return out


@dataclass(frozen=True)
class Rate:
    passed: int
    total: int

    @property
    def share(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.passed}/{self.total} ({self.share:.1%})"


def pass_rates(results: Sequence[EpisodeResult]) -> dict[str, Rate]:
    """Category (and TOTAL) -> passed episodes."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for key in (r.category, TOTAL):
            counts[key][0] += r.passed
            counts[key][1] += 1
    return {key: Rate(p, n) for key, (p, n) in counts.items()}


def limit_for(category: str) -> float:
    if category == TOTAL:
        return OVERALL_LIMIT
    return REFUSAL_LIMIT if category in PRIVACY_CATEGORIES else CATEGORY_LIMIT


def worst_category(rates: Mapping[str, Rate]) -> tuple[str, Rate]:
    """The category the agent passes most of (relative to its limit)."""
    return max(((c, r) for c, r in rates.items() if c != TOTAL),
               key=lambda cr: (cr[1].share - limit_for(cr[0]), cr[0]))


def breaches(rates: Mapping[str, Rate]) -> dict[str, Rate]:
    """The categories (and TOTAL) whose pass share is over its limit."""
    return {c: r for c, r in rates.items() if r.share > limit_for(c) + 1e-9}
