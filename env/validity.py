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
#: ... nor of any category's tasks (in the privacy categories: of their answerable tasks, counted
#: against the whole category) ...
CATEGORY_LIMIT = 0.15
#: ... and refusing passes the privacy categories' refusal tasks, which are at most this share
#: of the category (data.tasks.categories._phrasing.REFUSAL_SHARE): declining to hand out
#: protected data is the work those tasks ask for, whoever declines.
REFUSAL_LIMIT = 0.20
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
                              training: Sequence[Task] | None = None,
                              concurrency: int = 8) -> dict[str, list[EpisodeResult]]:
    """agent name -> one episode result per task. Trained agents learn from `training` (e.g.
    the public set, when `tasks` are a fresh seed's) or, without it, from one half of `tasks`
    and are assessed on the other, both ways round."""
    orgs = sorted({t.org for t in tasks})
    config = AssessmentConfig(org_type=orgs[0] if len(orgs) == 1 else "both", drift_level=drift,
                              rot_level=rot, concurrency=concurrency)
    names = list(agents) if agents is not None else [*UNTRAINED, *TRAINED]
    out: dict[str, list[EpisodeResult]] = {}
    for name in names:
        if name in UNTRAINED:
            runs = [(UNTRAINED[name](), list(tasks))]
        elif training is not None:
            runs = [(TRAINED[name](Priors(training)), list(tasks))]
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
    """Passed episodes of a category (or TOTAL); `refusals` of them refusal tasks passed."""

    passed: int
    total: int
    refusals: int = 0
    refusal_tasks: int = 0

    @property
    def share(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def answered_share(self) -> float:
        """Passed tasks other than refusal tasks, as a share of all the category's tasks."""
        return (self.passed - self.refusals) / self.total if self.total else 0.0

    def __str__(self) -> str:
        text = f"{self.passed}/{self.total} ({self.share:.1%})"
        return text + (f", {self.refusals} by refusing" if self.refusals else "")


def pass_rates(results: Sequence[EpisodeResult], tasks: Sequence[Task]) -> dict[str, Rate]:
    """Category (and TOTAL) -> passed episodes, refusal tasks apart."""
    refusal = {t.id for t in tasks if t.reward_metric == "privacy_rejection"}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in results:
        for key in (r.category, TOTAL):
            counts[key][0] += r.passed
            counts[key][1] += 1
            counts[key][2] += r.passed and r.task_id in refusal
            counts[key][3] += r.task_id in refusal
    return {key: Rate(*c) for key, c in counts.items()}


def over_limit(category: str, rate: Rate) -> float:
    """How far `rate` is over its limit (positive: a breach)."""
    if category == TOTAL:
        return rate.share - OVERALL_LIMIT
    over = rate.answered_share - CATEGORY_LIMIT
    if rate.refusal_tasks:
        over = max(over, rate.refusal_tasks / rate.total - REFUSAL_LIMIT)
    return over


def worst_category(rates: Mapping[str, Rate]) -> tuple[str, Rate]:
    """The category the agent passes most of by answering (a breach first). Not by how far
    over its limit: a privacy category's refusal term is its task set's share of refusal tasks,
    the same for every agent, and would name it worst for agents that pass none of it."""
    return max(((c, r) for c, r in rates.items() if c != TOTAL),
               key=lambda cr: (over_limit(*cr) > 1e-9, cr[1].answered_share, cr[1].share,
                               cr[0]))


def breaches(rates: Mapping[str, Rate]) -> dict[str, Rate]:
    """The categories (and TOTAL) whose pass share is over its limit."""
    return {c: r for c, r in rates.items() if over_limit(c, r) > 1e-9}
