"""Building a task set: every applicable category's drafts, gold answers derived on the base org.

Why the gold comes from here: a generator only proposes a question and the tool calls that answer
it; this module runs those calls on the base org and applies the registered derivation, so a gold
answer can never be typed by hand or drift from the org. It also enforces the set-wide rules
(unique answers, the None quota, the heuristic budget of data.tasks.heuristics, stable ids) so no
category has to.

Tolerance: a category whose generator raises is logged by name and recorded in the BuildReport;
the other categories still build (tests assert the report has no errors). A category that runs
out of drafts short of its count raises ShortCategory naming it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import data.tasks.categories  # noqa: F401 - registers every category module
from core.observation import render_payload
from data.org import DEFAULT_SEED
from data.org.store import load_org, load_org_data
from data.tasks.budget import HeuristicBudget
from data.tasks.model import NONE_ANSWER, ReferenceSolution, Task
from data.tasks.reference import derive, execute_step, referenced_fields
from data.tasks.registry import (
    CATEGORY_REGISTRY,
    AmbiguousAnswer,
    CategorySpec,
    GenContext,
    TaskDraft,
)
from sandbox_db.database import OrgData, OrgDatabase, OrgView, open_view, quote_ident
from sandbox_db.schema import OrgType

log = logging.getLogger(__name__)

DEFAULT_PER_CATEGORY = 20
#: At most this share of a category's tasks may have the gold answer "None". Kept per category
#: (not a set-wide budget) so a category's tasks never depend on which other categories are
#: built; it also bounds the whole set's None share by the same figure.
NONE_SHARE = 0.05
#: Drafts a generator may propose per wanted task before the category counts as short.
MAX_DRAFTS_FACTOR = 60
#: Reference solutions are ours, not an agent's: a busy machine must not turn a slow query into
#: a failed category (the agent's 5 s limit guards against runaway agent queries).
REFERENCE_QUERY_TIMEOUT_S = 120.0


def default_seed() -> int:
    return DEFAULT_SEED


@dataclass
class CategoryReport:
    """What happened while building one category for one org."""

    category: str
    org: OrgType
    kept: int = 0
    none_answers: int = 0
    drafts: int = 0
    ambiguous: int = 0
    none_over_quota: int = 0
    duplicates: int = 0
    #: Drafts whose reference results would not fit one observation (the agent could not see
    #: the whole evidence either).
    oversized: int = 0
    #: Drafts turned down because a heuristic or a gold value would pass too many tasks
    #: (data.tasks.heuristics), by the heuristic's name.
    heuristic_rejects: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    wanted: int = 0

    @property
    def short(self) -> bool:
        return self.error is None and self.kept < self.wanted


@dataclass
class BuildReport:
    """Per-category outcomes of build_task_set (errors are also logged as warnings)."""

    categories: list[CategoryReport] = field(default_factory=list)

    @property
    def errors(self) -> dict[str, str]:
        return {f"{c.org}/{c.category}": c.error for c in self.categories if c.error}

    @property
    def short(self) -> dict[str, str]:
        return {f"{c.org}/{c.category}": f"{c.kept}/{c.wanted}" for c in self.categories if c.short}


# --- the base org ---------------------------------------------------------------------------

@cache
def base_org(org: OrgType, seed: int) -> tuple[OrgDatabase, OrgData]:
    """The base org's database and its records (the org cache's own copy). Cached per process."""
    return load_org(org, seed=seed), load_org_data(org, seed=seed)


def read_org_data(db: OrgDatabase) -> dict[str, list[dict[str, Any]]]:
    """All records of the base org as {object: [record dict]} in base API names."""
    cur = db.cursor()
    try:
        data: dict[str, list[dict[str, Any]]] = {}
        for obj in db.schema.objects:
            result = cur.execute(
                f"SELECT * FROM {db.base_table(obj.name)} ORDER BY {quote_ident('Id')}")
            cols = [d[0] for d in result.description or []]
            data[obj.name] = [dict(zip(cols, row, strict=True)) for row in result.fetchall()]
        return data
    finally:
        cur.close()


# --- one category ---------------------------------------------------------------------------

def category_rng(seed: int, org: OrgType, category: str, attempt: int = 0) -> random.Random:
    """The category's own random stream: independent of every other category and of order;
    `attempt` > 0 draws another one (build_category's retries)."""
    key = f"tasks\x1f{seed}\x1f{org}\x1f{category}" + (f"\x1f{attempt}" if attempt else "")
    digest = hashlib.sha256(key.encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


#: Draws of a category's drafts before it counts as short: an org whose first draw runs out of
#: valid drafts under the heuristic budget (a fresh seed's org may) gets another, deterministic,
#: draw over the same org rather than failing the whole task set.
CATEGORY_ATTEMPTS = 3


def task_id(org: OrgType, category: str, n: int) -> str:
    return f"{org}-{category}-{n:03d}"


class ShortCategory(ValueError):
    """A category's generator ran out of drafts before it had its count of tasks (for example
    because the heuristic budget turned too many down): never a silently smaller set."""

    def __init__(self, report: CategoryReport) -> None:
        turned_down = ", ".join(f"{name} {n}" for name, n in sorted(
            report.heuristic_rejects.items(), key=lambda kv: -kv[1]))
        super().__init__(
            f"task category {report.category!r} ({report.org}) has only {report.kept} of "
            f"{report.wanted} tasks after {report.drafts} drafts"
            + (f" (turned down by the heuristic budget: {turned_down})" if turned_down else ""))
        self.report = report


class OversizedResult(Exception):
    """A reference step's result would be truncated in the agent's observation."""


def observation_fits(result: Any) -> bool:
    """Whether an agent sees `result` whole (core.observation's limit)."""
    return render_payload(result)[1] is None


class StepResults:
    """Reference-step results on the base org, remembered by (tool, arguments, today) for one
    category: its drafts often repeat a step (the same per-owner counts behind several
    questions) and the base org never changes. Derivations are pure, so sharing is safe."""

    def __init__(self, view: OrgView) -> None:
        self.view = view
        self._results: dict[tuple[str, str, dt.date | None], Any] = {}

    def run(self, reference: ReferenceSolution, today: dt.date | None) -> list[Any]:
        out = []
        for step in reference.steps:
            key = (step.name, json.dumps(step.arguments, sort_keys=True, default=str), today)
            if key not in self._results:
                self._results[key] = execute_step(self.view, step, today)
            out.append(self._results[key])
        return out


def _draft_to_task(spec: CategorySpec, org: OrgType, number: int, draft: TaskDraft,
                   steps: StepResults) -> tuple[Task, list[Any]]:
    """The task and its reference's results on the base org (none for a refusal)."""
    metric = draft.reward_metric or spec.metric
    view = steps.view
    results: list[Any] = []
    if draft.reference is None:
        if metric != "privacy_rejection":
            raise ValueError("only privacy_rejection drafts may omit the reference solution")
        answer: list[str] = [NONE_ANSWER]
        fields = tuple(draft.referenced_fields)
    else:
        results = steps.run(draft.reference, draft.today)
        for step, result in zip(draft.reference.steps, results, strict=True):
            if step.name != "describe" and not observation_fits(result):
                raise OversizedResult(step.arguments)
        answer = derive(draft.reference, results)
        fields = tuple(draft.referenced_fields) or referenced_fields(view.schema,
                                                                     draft.reference.steps)
    return Task(
        id=task_id(org, spec.name, number), org=org, category=spec.name, query=draft.query,
        persona=draft.persona, required_context=draft.required_context, today=draft.today,
        reward_metric=metric, answer=tuple(answer),
        reference=draft.reference, protected_values=tuple(draft.protected_values),
        rot_targets=tuple(draft.rot_targets), referenced_fields=fields), results


def build_category(spec: CategorySpec, org: OrgType, data: OrgData, view: OrgView, seed: int,
                   per_category: int) -> tuple[list[Task], CategoryReport]:
    """`per_category` tasks of one category (see _draw_category), from the first of
    CATEGORY_ATTEMPTS draws that fills it; ShortCategory (the last draw's) when none does."""
    for attempt in range(CATEGORY_ATTEMPTS - 1):
        with contextlib.suppress(ShortCategory):
            return _draw_category(spec, org, data, view, seed, per_category, attempt)
    return _draw_category(spec, org, data, view, seed, per_category, CATEGORY_ATTEMPTS - 1)


def _draw_category(spec: CategorySpec, org: OrgType, data: OrgData, view: OrgView, seed: int,
                   per_category: int, attempt: int) -> tuple[list[Task], CategoryReport]:
    """`per_category` tasks of one category: ambiguous drafts skipped, the None quota and the
    heuristic budget (data.tasks.heuristics) enforced, duplicates (same query and context)
    dropped; ShortCategory when the generator runs out first."""
    report = CategoryReport(category=spec.name, org=org, wanted=per_category)
    started = time.perf_counter()
    none_cap = int(per_category * NONE_SHARE)
    ctx = GenContext(org=org, data=data, view=view, rng=category_rng(seed, org, spec.name, attempt),
                     count=per_category)
    tasks: list[Task] = []
    seen: set[tuple[str, str]] = set()
    steps = StepResults(view)
    budget = HeuristicBudget(spec.name, ctx)
    try:
        for draft in spec.generate(ctx):
            if len(tasks) >= per_category:
                break
            report.drafts += 1
            if report.drafts > per_category * MAX_DRAFTS_FACTOR:
                break
            key = (draft.query, draft.required_context)
            if key in seen:
                report.duplicates += 1
                continue
            try:
                task, results = _draft_to_task(spec, org, len(tasks) + 1, draft, steps)
            except AmbiguousAnswer:
                report.ambiguous += 1
                continue
            except OversizedResult:
                report.oversized += 1
                continue
            counts_as_none = task.is_none_answer and task.reward_metric != "privacy_rejection"
            if counts_as_none and report.none_answers >= none_cap:
                report.none_over_quota += 1
                continue
            rejected = budget.admit(task, results)
            if rejected:
                report.heuristic_rejects[rejected] = report.heuristic_rejects.get(rejected, 0) + 1
                continue
            seen.add(key)
            tasks.append(task)
            report.none_answers += counts_as_none
    except Exception as exc:  # noqa: BLE001 - one broken category must not break the set
        report.error = f"{type(exc).__name__}: {exc}"
        log.warning("task category %r (%s) failed: %s", spec.name, org, report.error,
                    exc_info=exc)
        tasks = []
    report.kept = len(tasks)
    report.seconds = time.perf_counter() - started
    if report.short:
        raise ShortCategory(report)
    return tasks, report


# --- the whole set --------------------------------------------------------------------------

def applicable_categories(org: OrgType, categories: Iterable[str] | None = None
                          ) -> list[CategorySpec]:
    """Registered categories that apply to `org`, in name order (optionally a subset)."""
    if categories is not None:
        wanted = list(categories)
        unknown = [c for c in wanted if c not in CATEGORY_REGISTRY]
        if unknown:
            raise ValueError(f"unknown task categories: {', '.join(unknown)}; registered: "
                             f"{', '.join(sorted(CATEGORY_REGISTRY)) or '(none)'}")
        names = sorted(set(wanted))
    else:
        names = sorted(CATEGORY_REGISTRY)
    return [CATEGORY_REGISTRY[n] for n in names if org in CATEGORY_REGISTRY[n].orgs]


def build_task_set(org: OrgType, seed: int | None = None,
                   per_category: int = DEFAULT_PER_CATEGORY,
                   categories: Sequence[str] | None = None, *, progress: bool = False,
                   report: BuildReport | None = None,
                   base: tuple[OrgDatabase, OrgData] | None = None) -> list[Task]:
    """The task set of `org`: `per_category` tasks per applicable category, gold answers derived
    on the base org. Deterministic in (org version, seed, per_category, category sources).
    `base` overrides the org (database, records), e.g. an imported org or a test fixture."""
    seed = default_seed() if seed is None else seed
    if per_category < 1:
        raise ValueError("per_category must be at least 1")
    specs = applicable_categories(org, categories)
    db, data = base if base is not None else base_org(org, seed)
    report = report if report is not None else BuildReport()
    tasks: list[Task] = []
    # drafts, their checks and the heuristics' re-runs repeat a third of their statements
    view = open_view(db, query_timeout_s=REFERENCE_QUERY_TIMEOUT_S, remember_results=4096)
    try:
        with _progress(progress, org, len(specs)) as advance:
            for spec in specs:
                kept, cat_report = build_category(spec, org, data, view, seed, per_category)
                tasks.extend(kept)
                report.categories.append(cat_report)
                advance(spec.name)
    finally:
        view.close()
    return tasks


class _progress:
    """A rich progress bar over categories when asked for (the CLI), silent otherwise."""

    def __init__(self, enabled: bool, org: str, total: int) -> None:
        self.enabled, self.org, self.total = enabled, org, total
        self._bar: Any = None

    def __enter__(self):
        if not self.enabled:
            return lambda name: None

        self._bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), transient=False)
        self._bar.start()
        job = self._bar.add_task(f"{self.org} tasks", total=self.total)

        def advance(name: str) -> None:
            self._bar.update(job, advance=1, description=f"{self.org} tasks ({name})")
        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
