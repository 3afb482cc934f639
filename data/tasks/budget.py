"""The heuristic budget: which drafts a category may keep so that no lazy answer passes much.

Why: build.py keeps drafts in the order a generator proposes them; without a budget a category
fills with tasks whose gold the most frequent value, the first record or the category's usual
answer gives away (data.tasks.heuristics lists what lazy solvers answer). `HeuristicBudget.admit`
is build.py's one acceptance hook: it turns a draft down, naming the rule, when keeping it would
let
- one per-category heuristic or one learned prior pass more than HEURISTIC_SHARE of the
  category's tasks,
- one gold value pass more than GOLD_SHARE of them (the category's most common gold, which is
  what any constant answer passes), or
- refusals (privacy_rejection tasks) make up more than REFUSAL_SHARE of them, or
- two free-text golds of one question kind could not be told apart by their figures: then the
  two comma-joined would pass both tasks (the grader fails an answer with a figure the gold
  lacks, so golds whose figures differ both ways never pass as a pair).
Passing is the grader's verdict on the base org.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from data.tasks.categories._phrasing import REFUSAL_SHARE
from data.tasks.grading import LIST_VALUED_CATEGORIES, figures, spoken_text
from data.tasks.heuristics import (
    FUZZY_ONLY_PRIORS,
    HEURISTICS,
    PRIORS,
    Evidence,
    passes,
    question_kind,
)
from data.tasks.model import Task
from data.tasks.registry import GenContext

#: No per-category heuristic or prior may pass more than this share of a category's tasks on
#: the base org. Below the 15% the validity suite allows an agent on a rotted org: a heuristic
#: reads the org, and rot can turn its answer right by chance (a distractor that tips a count);
#: a prior never reads the org, but it is learned from other tasks' golds and judged here by
#: leaving one task out, which a cheater learning from another half of the tasks can beat.
HEURISTIC_SHARE = 0.10
#: No gold value may pass more than this share of a category's tasks: a constant answer passes
#: exactly that many, on a rotted org as on the base one.
GOLD_SHARE = 0.15


def cap(count: int, share: float) -> int:
    """How many of `count` tasks a share allows (at least one: a tiny set still builds)."""
    return max(1, int(count * share + 1e-9))


@dataclass
class HeuristicBudget:
    """The budget of one category's build: `admit(task, results)` keeps the task (None) or
    names the heuristic, prior or share that keeping it would push over its cap."""

    category: str
    ctx: GenContext
    kept: list[Task] = field(default_factory=list)
    #: heuristic or prior name -> kept tasks it passes.
    hits: Counter[str] = field(default_factory=Counter)
    _shared: dict[Any, Any] = field(default_factory=dict)
    #: per kept answerable task: the kept answerable tasks its gold passes (itself included).
    _covers: list[set[int]] = field(default_factory=list)

    @property
    def limit(self) -> int:
        return cap(self.ctx.count, HEURISTIC_SHARE)

    @property
    def gold_limit(self) -> int:
        return cap(self.ctx.count, GOLD_SHARE)

    def admit(self, task: Task, results: list[Any]) -> str | None:
        if task.reward_metric == "privacy_rejection":
            refusals = sum(t.reward_metric == "privacy_rejection" for t in self.kept)
            if refusals >= cap(self.ctx.count, REFUSAL_SHARE):
                return "refusal_share"
            self.kept.append(task)
            return None
        answerable = [t for t in self.kept if t.reward_metric != "privacy_rejection"]
        covers = self._gold_cover(task, answerable)
        if covers is None:
            return "gold_share"
        if self._figures_alike(task, answerable):
            return "figures_alike"
        prior_hits = {"category_prior": self._category_prior_hits(task, answerable),
                      **self._priors(task, answerable)}
        over = next((n for n, hits in prior_hits.items() if hits > self.limit), None)
        if over:
            return over
        evidence = Evidence(task, results, self.ctx, self._shared)
        lazy = [name for name, heuristic in HEURISTICS.get(self.category, {}).items()
                if any(passes(task, answer) for answer in heuristic(evidence))]
        over = next((n for n in lazy if self.hits[n] >= self.limit), None)
        if over:
            return over
        self.kept.append(task)
        self._covers = covers
        self.hits.update(lazy)
        for name, hits in prior_hits.items():
            self.hits[name] = hits
        return None

    def _gold_cover(self, task: Task, answerable: list[Task]) -> list[set[int]] | None:
        """The cover sets with `task` added, or None when a gold would pass too many tasks."""
        new = len(answerable)
        covers = [c | ({new} if passes(task, answerable[i].answer) else set())
                  for i, c in enumerate(self._covers)]
        covers.append({j for j, t in enumerate(answerable) if passes(t, task.answer)} | {new})
        return None if any(len(c) > self.gold_limit for c in covers) else covers

    def _figures_alike(self, task: Task, answerable: list[Task]) -> bool:
        """Whether `task`'s free-text gold and another's of its kind have figures that one of
        them would not object to in an answer holding both."""
        if task.reward_metric != "fuzzy_match" or task.category in LIST_VALUED_CATEGORIES:
            return False
        kind = question_kind(task.query)
        mine, asked = _figures_of(task.answer), _figures_of([task.query])
        return any(mine <= _figures_of(o.answer) | _figures_of([o.query])
                   or _figures_of(o.answer) <= mine | asked
                   for o in answerable
                   if o.reward_metric == "fuzzy_match" and question_kind(o.query) == kind)

    def _category_prior_hits(self, task: Task, answerable: list[Task]) -> int:
        """Tasks whose gold is the most common gold of the category's other tasks (the first
        such gold on a tie): what a cheater who cannot place a question among known kinds
        answers."""
        group = [*answerable, task]
        hits = 0
        for i, t in enumerate(group):
            counts = Counter(o.answer for j, o in enumerate(group) if j != i)
            if counts and passes(t, counts.most_common(1)[0][0]):
                hits += 1
        return hits

    def _priors(self, task: Task, answerable: list[Task]) -> dict[str, int]:
        """prior -> tasks it passes with `task` added, each task answered from the others'
        golds (leave one out)."""
        group = [*answerable, task]
        out: dict[str, int] = {}
        for name, prior in PRIORS.items():
            if name in FUZZY_ONLY_PRIORS and task.reward_metric != "fuzzy_match":
                continue
            out[name] = sum(passes(t, prior(t, group[:i] + group[i + 1:]))
                            for i, t in enumerate(group))
        return out


def _figures_of(texts: Sequence[str]) -> set[str]:
    return figures(spoken_text(", ".join(texts)))
