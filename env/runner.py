"""Assessments: select tasks, run (task, trial) episodes concurrently, persist, summarise.

Selection is deterministic from the config's seed: tasks are shuffled within each (org,
category) and interleaved across categories, so `task_limit=22` covers every category and a
different seed gives a different sample (never file order). Shards take interleaved slices of
that list. Episodes run under an asyncio semaphore; each one's log is written as it runs and
finalised when it ends, so an interrupted assessment resumes from its folder without re-running
finished episodes: `plan_assessment` keeps those of the same config and the same agent (and
refuses a folder of another assessment), `AssessmentPlan.run` runs the rest. results.json is
then computed from the logs (env.results).
"""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.provenance import current_provenance
from data.org.store import shared_org, version_of
from data.tasks import load_task_set
from data.tasks.taskset import task_set_digest
from env.config import AssessmentConfig
from env.episode import run_episode
from env.log import EpisodeLog, episode_file_name
from env.protocol import Agent, agent_identity, connect_agent, describe_agent
from env.results import (
    LOG_DIR,
    MERGED_KEY,
    EpisodeResult,
    Results,
    RunRecord,
    evaluate_log,
    finished_logs,
    read_run,
    summarize,
    write_run,
)

if TYPE_CHECKING:
    from data.tasks.model import Task
    from sandbox_db.database import OrgDatabase


@dataclass(frozen=True)
class ProgressEvent:
    """Sent after every finished episode ("task 12/40 · pass 9")."""

    done: int
    total: int
    passed: int
    result: EpisodeResult
    #: True when the episode was not run but taken from an earlier, interrupted run.
    resumed: bool = False
    #: How many of the `total` episodes were kept from an earlier run of the assessment.
    kept: int = 0


Progress = Callable[[ProgressEvent], Awaitable[None] | None]


class AssessmentError(ValueError):
    """A config that selects nothing or names unknown tasks/categories (`key`: the config key
    at fault), or a folder that holds another assessment (FolderInUse)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class FolderInUse(AssessmentError):
    """The output folder holds another assessment (another config or another agent)."""


def load_tasks(config: AssessmentConfig) -> list[Task]:
    """The default task set of every org the config covers."""
    return [t for org in config.orgs for t in load_task_set(org)]


def select_tasks(config: AssessmentConfig, tasks: Sequence[Task]) -> list[Task]:
    """This shard's tasks: filtered, seeded stratified sample, limited, sliced."""
    pool = [t for t in tasks if t.org in config.orgs]
    if config.task_ids:
        wanted = set(config.task_ids)
        known = {t.id for t in pool} | {t.source for t in pool}
        missing = sorted(wanted - known)
        if missing:
            raise AssessmentError(f"unknown task ids: {', '.join(missing[:10])}", "task_ids")
        pool = [t for t in pool if t.id in wanted or t.source in wanted]
    if config.task_categories:
        known_categories = {t.category for t in pool}
        unknown = sorted(set(config.task_categories) - known_categories)
        if unknown:
            raise AssessmentError(f"no tasks in categories: {', '.join(unknown)} "
                                  f"(available: {', '.join(sorted(known_categories))})",
                                  "task_categories")
        pool = [t for t in pool if t.category in set(config.task_categories)]
    ordered = _stratified_shuffle(pool, config.seed)
    if config.task_limit is not None:
        ordered = ordered[:config.task_limit]
    elif config.task_percentage is not None:
        ordered = ordered[:max(1, round(len(ordered) * config.task_percentage / 100))]
    shard = ordered[config.shard_index::config.num_shards]
    if not shard:
        raise AssessmentError("the configuration selects no tasks")
    return shard


def _stratified_shuffle(tasks: Sequence[Task], seed: int) -> list[Task]:
    rng = random.Random(f"crmarena-selection:{seed}")
    groups: dict[tuple[str, str], list[Task]] = defaultdict(list)
    for t in sorted(tasks, key=lambda t: (t.org, t.category, t.id)):
        groups[(t.org, t.category)].append(t)
    keys = sorted(groups)
    for k in keys:
        rng.shuffle(groups[k])
    rng.shuffle(keys)
    out: list[Task] = []
    for i in range(max((len(g) for g in groups.values()), default=0)):
        out.extend(groups[k][i] for k in keys if i < len(groups[k]))
    return out


def load_databases(config: AssessmentConfig) -> dict[str, OrgDatabase]:
    """The process-wide shared base orgs: concurrent assessments must not each open a DuckDB."""
    return {org: shared_org(org) for org in config.orgs}


@dataclass
class AssessmentPlan:
    """An assessment ready to run: its episodes, and those an earlier run of the same assessment
    (same config, same agent) already finished in `out_dir`, which are kept, not re-run."""

    config: AssessmentConfig
    agent: Agent
    out_dir: Path | None
    episodes: list[tuple[Task, int]]
    #: (org, task id, trial) -> (log file name, log) of the episodes kept from an earlier run.
    kept: dict[tuple[str, str, int], tuple[str, EpisodeLog]] = field(default_factory=dict)
    previous_elapsed: float = 0.0
    #: org -> digest of the task set the episodes were drawn from.
    task_set_versions: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.episodes)

    def record(self, elapsed: float) -> RunRecord:
        return RunRecord(config=self.config.model_dump(mode="json"), agent=self.agent.name,
                         agent_identity=agent_identity(self.agent), elapsed_seconds=elapsed,
                         episodes_planned=self.total)

    async def run(self, progress: Progress | None = None,
                  databases: Mapping[str, OrgDatabase] | None = None) -> Results:
        """Run every episode not kept and return results.json's content (also written to
        out_dir with run.json)."""
        started = time.perf_counter()
        config, agent, out_dir = self.config, self.agent, self.out_dir
        if out_dir is not None:
            write_run(out_dir, self.record(self.previous_elapsed))
        if databases is None:
            databases = await asyncio.to_thread(load_databases, config)
        provenance = {org: current_provenance(org=org, org_version=version_of(db),
                                              task_set_version=self.task_set_versions.get(org))
                      for org, db in databases.items()}
        results: list[EpisodeResult] = []
        counter = {"done": 0, "passed": 0}
        semaphore = asyncio.Semaphore(config.concurrency)

        async def report(result: EpisodeResult, resumed: bool) -> None:
            results.append(result)
            counter["done"] += 1
            counter["passed"] += result.passed
            if progress is not None:
                outcome = progress(ProgressEvent(counter["done"], self.total, counter["passed"],
                                                 result, resumed, len(self.kept)))
                if inspect.isawaitable(outcome):
                    await outcome

        async def one(task: Task, trial: int) -> None:
            earlier = self.kept.get((task.org, task.id, trial))
            if earlier is not None:
                name, log = earlier
                await report(evaluate_log(log, f"{LOG_DIR}/{name}"), True)
                return
            name = episode_file_name(task.id, trial, config.drift_level, config.rot_level)
            async with semaphore:
                session = agent.session(task, trial)
                try:
                    result = await run_episode(
                        task, session, databases[task.org], config.episode_config(task.org),
                        trial=trial, agent_name=agent.name, provenance=provenance.get(task.org),
                        log_path=out_dir / LOG_DIR / name if out_dir is not None else None)
                finally:
                    try:
                        await session.close()
                    except Exception:  # noqa: BLE001 - a session that fails to close is no result
                        pass
            if out_dir is not None:
                result = result.model_copy(update={"log_file": f"{LOG_DIR}/{name}"})
            await report(result, False)

        async with asyncio.TaskGroup() as group:
            for task, trial in self.episodes:
                group.create_task(one(task, trial))
        elapsed = round(self.previous_elapsed + (time.perf_counter() - started), 3)
        summary = summarize(results, config.model_dump(mode="json"), elapsed)
        if out_dir is not None:
            write_run(out_dir, self.record(elapsed))
            summary.write(out_dir)
        return summary


async def plan_assessment(config: AssessmentConfig, agent: Agent, out_dir: Path | None = None,
                          *, tasks: Sequence[Task] | None = None) -> AssessmentPlan:
    """Select the episodes, make sure the agent is usable, and find what `out_dir` already holds.

    In that order, so a bad selection is reported before the agent is contacted. Raises
    AssessmentError for a selection of nothing, unknown tasks or categories, or a folder that
    holds another assessment (another config or another agent); AgentUnavailable (from the
    agent's `connect`) for an agent that cannot be reached.
    """
    pool = list(tasks) if tasks is not None else await asyncio.to_thread(load_tasks, config)
    selected = select_tasks(config, pool)
    await connect_agent(agent)
    plan = AssessmentPlan(
        config=config, agent=agent, out_dir=out_dir,
        episodes=[(t, trial) for t in selected for trial in range(config.trials)],
        task_set_versions={org: task_set_digest([t for t in pool if t.org == org])
                           for org in config.orgs})
    if out_dir is None:
        return plan
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / LOG_DIR).mkdir(exist_ok=True)
    run = read_run(out_dir)
    if run is None:
        return plan
    _check_same_assessment(out_dir, run, config, agent)
    plan.previous_elapsed = run.elapsed_seconds
    plan.kept = _reusable(finished_logs(out_dir), plan)
    return plan


def _check_same_assessment(out_dir: Path, run: RunRecord, config: AssessmentConfig,
                           agent: Agent) -> None:
    """Resuming into `out_dir` is allowed only for the same agent and the same selection."""
    if MERGED_KEY in run.config:
        raise FolderInUse(f"{out_dir} holds merged results; use another output folder")
    earlier_agent = run.agent_identity or {"name": run.agent}
    if earlier_agent != agent_identity(agent):
        raise FolderInUse(f"{out_dir} holds an assessment of {describe_agent(earlier_agent)},"
                              f" not of {describe_agent(agent_identity(agent))}; use another "
                              "output folder")
    earlier = AssessmentConfig.model_validate(run.config).selection_key()
    current = config.selection_key()
    if earlier != current:
        changed = ", ".join(f"{k} {earlier.get(k)!r} -> {current.get(k)!r}"
                            for k in sorted(set(earlier) | set(current))
                            if earlier.get(k) != current.get(k))
        raise FolderInUse(f"{out_dir} holds an assessment with another configuration "
                              f"({changed}); use another output folder")


def _reusable(logs: Mapping[str, EpisodeLog], plan: AssessmentPlan
              ) -> dict[tuple[str, str, int], tuple[str, EpisodeLog]]:
    """The finished logs that are exactly one of the plan's episodes: same task (content, not
    just id), trial, episode config and agent."""
    by_episode = {(log.header.task.org, log.header.task.id, log.header.trial): (name, log)
                  for name, log in logs.items()}
    kept: dict[tuple[str, str, int], tuple[str, EpisodeLog]] = {}
    for task, trial in plan.episodes:
        found = by_episode.get((task.org, task.id, trial))
        if found is None:
            continue
        header = found[1].header
        if (header.agent == plan.agent.name
                and header.config == plan.config.episode_config(task.org)
                and header.task.model_dump(mode="json") == task.model_dump(mode="json")):
            kept[(task.org, task.id, trial)] = found
    return kept


async def run_assessment(config: AssessmentConfig, agent: Agent, out_dir: Path | None = None,
                         progress: Progress | None = None, *,
                         tasks: Sequence[Task] | None = None,
                         databases: Mapping[str, OrgDatabase] | None = None) -> Results:
    """Run every selected (task, trial) episode and return results.json's content.

    `tasks` / `databases` default to the default task set and the cached orgs; tests pass their
    own. With `out_dir`, logs go to out_dir/logs, finished episodes of the same assessment found
    there are reused, and results.json + run.json are written.
    """
    plan = await plan_assessment(config, agent, out_dir, tasks=tasks)
    return await plan.run(progress, databases)
