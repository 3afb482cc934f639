"""Episode results and the assessment's results.json, computed from episode logs only.

`evaluate_log` turns one log into one `EpisodeResult` (grade + metrics + scores); `summarize`
turns a set of them into `Results`. The runner, `crmarena regrade` and `crmarena merge` all go
through these two functions, which is why re-grading a folder of logs reproduces its
results.json exactly.

results.json keeps the seed's field names (summary.{total_tasks, total_passed, pass_rate,
avg_score}, dimension_averages, timing.{total_seconds, purple_agent_seconds,
green_agent_seconds, purple_agent_percent}) and adds tasks, config, aggregates by category /
org / drift / rot, and pass^k.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Iterable, Sequence
from math import comb
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.atomic import atomic_write
from core.provenance import Provenance
from data.tasks.grading import grade
from data.tasks.identity import TaskSetIdentity
from env.config import unknown_key_warnings
from env.log import EpisodeLog, episode_file_name
from env.metrics import EpisodeMetrics, compute_metrics
from env.scoring import WEIGHTS, Dimension, overall, score_episode

RESULTS_FILE = "results.json"
RUN_FILE = "run.json"
LOG_DIR = "logs"
#: The config key a merged folder's run.json names its sources with.
MERGED_KEY = "merged_from"
#: How an episode that ended on an agent error gives its reason ("agent error: <detail>").
AGENT_ERROR_PREFIX = "agent error: "


class EpisodeResult(BaseModel):
    """One episode's entry in results.json `tasks`."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    category: str
    org: str
    drift: str
    rot: str
    trial: int
    passed: bool
    reward: float
    score: float
    scores: dict[str, float]
    metrics: EpisodeMetrics
    answer: list[str] | None
    refused: bool
    gold: list[str]
    termination: str | None
    reason: str
    log_file: str | None = None
    #: The code, org and task set the episode ran on, from its log's header (not part of the
    #: task's entry: results.json lists them once, at the top).
    provenance: Provenance | None = Field(default=None, exclude=True, repr=False)
    task_set: TaskSetIdentity | None = Field(default=None, exclude=True, repr=False)
    #: The log this result was computed from (not part of results.json; a runner drops it once
    #: the episode is reported, so an assessment holds no trajectory in memory).
    log: EpisodeLog | None = Field(default=None, exclude=True, repr=False)

    def without_log(self) -> EpisodeResult:
        """This result without its log: what an assessment keeps until results.json."""
        return self.model_copy(update={"log": None}) if self.log is not None else self


def evaluate_log(log: EpisodeLog, log_file: str | None = None) -> EpisodeResult:
    """Grade, measure and score one episode from its log alone."""
    header, end = log.header, log.end
    task = header.task
    metrics = compute_metrics(log)
    if end is not None and end.termination == "submitted":
        verdict = grade(task, end.answer, end.refused, log.transcript_text())
        passed, reward, reason = verdict.passed, verdict.reward, verdict.reason
    else:
        why = end.termination if end else "unfinished"
        passed, reward, reason = False, 0.0, f"no answer submitted ({why})"
        if end is not None and end.termination == "agent_error":
            reason = f"{AGENT_ERROR_PREFIX}{end.detail}"
    scores = score_episode(passed, reward, metrics, header.config.drift,
                           header.task_message_tokens)
    return EpisodeResult(
        task_id=task.id, category=task.category, org=task.org, drift=header.config.drift,
        rot=header.config.rot, trial=header.trial, passed=passed, reward=reward,
        score=overall(scores), scores=scores, metrics=metrics,
        answer=end.answer if end else None, refused=bool(end and end.refused),
        gold=list(task.answer), termination=end.termination if end else None, reason=reason,
        log_file=log_file, provenance=header.provenance, task_set=header.task_set, log=log)


# ---------------------------------------------------------------------------------------------


class Summary(BaseModel):
    total_tasks: int
    total_passed: int
    pass_rate: float
    avg_score: float
    #: Episodes the environment failed to set up (scored failed; see their logs' end line).
    environment_errors: int = 0
    #: Episodes that ended because the agent failed (error, dropped connection), and the first
    #: such failure's reason: an unusable agent is visible in every summary.
    agent_errors: int = 0
    first_agent_error: str | None = None


class Timing(BaseModel):
    total_seconds: float
    purple_agent_seconds: float
    green_agent_seconds: float
    purple_agent_percent: float


class Aggregate(BaseModel):
    episodes: int
    passed: int
    pass_rate: float
    avg_score: float
    dimension_averages: dict[str, float]


class Results(BaseModel):
    """The whole of results.json."""

    summary: Summary
    dimension_averages: dict[str, float]
    timing: Timing
    #: pass^k for k = 1..trials (tau2): mean over tasks of C(c, k) / C(n, k).
    pass_hat_k: dict[str, float]
    by_category: dict[str, Aggregate]
    by_org: dict[str, Aggregate]
    by_drift: dict[str, Aggregate]
    by_rot: dict[str, Aggregate]
    weights: dict[str, int]
    config: dict[str, Any]
    #: Problems worth a look that did not stop the run, e.g. unknown config keys.
    warnings: list[str] = []
    #: The code, orgs and task sets the episodes ran on (distinct values from their logs).
    provenance: list[Provenance] = []
    #: The task set every episode ran on, from the logs' headers (data.tasks.identity); left
    #: out when the logs record none (older folders then still re-grade to the same file).
    task_set: TaskSetIdentity | None = Field(default=None, exclude_if=lambda value: value is None)
    tasks: list[EpisodeResult]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def write(self, out_dir: Path) -> Path:
        return atomic_write(out_dir / RESULTS_FILE, self.to_json() + "\n")


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def _aggregate(results: Sequence[EpisodeResult]) -> Aggregate:
    passed = sum(r.passed for r in results)
    return Aggregate(
        episodes=len(results), passed=passed,
        pass_rate=round(passed / len(results), 4) if results else 0.0,
        avg_score=_mean([r.score for r in results]),
        dimension_averages={d.value: _mean([r.scores[d.value] for r in results])
                            for d in Dimension})


def _group(results: Iterable[EpisodeResult], key: str) -> dict[str, Aggregate]:
    groups: dict[str, list[EpisodeResult]] = defaultdict(list)
    for r in results:
        groups[str(getattr(r, key))].append(r)
    return {k: _aggregate(v) for k, v in sorted(groups.items())}


def pass_hat_k(results: Iterable[EpisodeResult]) -> dict[str, float]:
    """tau2's pass^k: the chance that k trials drawn from a task's n trials all pass, averaged
    over tasks (each task at each drift and rot level apart); k runs from 1 to the smallest
    number of trials any task had."""
    per_task: dict[tuple[str, str, str, str], list[bool]] = defaultdict(list)
    for r in results:
        per_task[(r.org, r.task_id, r.drift, r.rot)].append(r.passed)
    if not per_task:
        return {}
    max_k = min(len(v) for v in per_task.values())
    return {str(k): round(sum(comb(sum(v), k) / comb(len(v), k) for v in per_task.values())
                          / len(per_task), 4)
            for k in range(1, max_k + 1)}


def task_set_of(results: Iterable[EpisodeResult]) -> TaskSetIdentity | None:
    """The task set the episodes' logs record; ValueError when they ran on different sets
    (e.g. merging shards of two assessments), whose task ids would collide."""
    identities = {r.task_set.model_dump_json() if r.task_set else None: r.task_set
                  for r in results}
    if len(identities) > 1:
        raise ValueError("these episodes ran on different task sets: "
                         + ", ".join(sorted(i.describe() if i else "unrecorded"
                                            for i in identities.values())))
    return next(iter(identities.values()), None)


def summarize(results: Iterable[EpisodeResult], config: dict[str, Any],
              total_seconds: float) -> Results:
    """results.json from episode results (order-independent: tasks are sorted)."""
    ordered = sorted(results, key=lambda r: (r.org, r.task_id, r.drift, r.rot, r.trial))
    passed = sum(r.passed for r in ordered)
    agent_errors = [r.reason.removeprefix(AGENT_ERROR_PREFIX) for r in ordered
                    if r.termination == "agent_error"]
    provenance = {p.model_dump_json(): p for r in ordered if (p := r.provenance) is not None}
    purple = round(sum(r.metrics.agent_seconds for r in ordered), 3)
    green = round(sum(r.metrics.wall_seconds - r.metrics.agent_seconds for r in ordered), 3)
    return Results(
        summary=Summary(total_tasks=len(ordered), total_passed=passed,
                        pass_rate=round(passed / len(ordered), 4) if ordered else 0.0,
                        avg_score=_mean([r.score for r in ordered]),
                        environment_errors=sum(r.termination == "env_error" for r in ordered),
                        agent_errors=len(agent_errors),
                        first_agent_error=agent_errors[0] if agent_errors else None),
        dimension_averages={d.value: _mean([r.scores[d.value] for r in ordered])
                            for d in Dimension},
        timing=Timing(total_seconds=round(total_seconds, 3), purple_agent_seconds=purple,
                      green_agent_seconds=green,
                      purple_agent_percent=round(100 * purple / (purple + green), 2)
                      if purple + green > 0 else 0.0),
        pass_hat_k=pass_hat_k(ordered),
        by_category=_group(ordered, "category"), by_org=_group(ordered, "org"),
        by_drift=_group(ordered, "drift"), by_rot=_group(ordered, "rot"),
        weights={d.value: w for d, w in WEIGHTS.items()},
        config=config,
        warnings=unknown_key_warnings({k: v for k, v in config.items() if k != MERGED_KEY}),
        provenance=[provenance[k] for k in sorted(provenance)], task_set=task_set_of(ordered),
        tasks=ordered)


# --- folders: logs/ + run.json -> results.json ---------------------------------------------


class RunRecord(BaseModel):
    """run.json: what ran (the config) and for how long, across resumed sessions."""

    config: dict[str, Any]
    agent: str
    #: env.protocol.agent_identity of the agent (empty in folders written before it existed).
    agent_identity: dict[str, Any] = {}
    elapsed_seconds: float = 0.0
    episodes_planned: int = 0


def read_run(out_dir: Path) -> RunRecord | None:
    path = out_dir / RUN_FILE
    return RunRecord.model_validate_json(path.read_text()) if path.exists() else None


def write_run(out_dir: Path, record: RunRecord) -> None:
    atomic_write(out_dir / RUN_FILE, record.model_dump_json(indent=2) + "\n")


def finished_logs(out_dir: Path) -> dict[str, EpisodeLog]:
    """Completed episode logs in `out_dir/logs`, by file name (unfinished `.part` files skipped)."""
    logs: dict[str, EpisodeLog] = {}
    for path in sorted((out_dir / LOG_DIR).glob("*.jsonl")):
        log = EpisodeLog.read(path)
        if log.finished:
            logs[path.name] = log
    return logs


def regrade(out_dir: Path) -> Results:
    """results.json recomputed from a folder's logs and run.json, without running anything."""
    run = read_run(out_dir)
    if run is None:
        raise FileNotFoundError(f"{out_dir} has no {RUN_FILE}: not an assessment folder")
    results = [evaluate_log(log, f"{LOG_DIR}/{name}")
               for name, log in finished_logs(out_dir).items()]
    return summarize(results, run.config, run.elapsed_seconds)


#: What identifies an episode across folders: (org, task, drift, rot, trial); folders of one agent.
EpisodeKey = tuple[str, str, str, str, int]


class MergeError(ValueError):
    """Folders that cannot be merged: another agent, or the same episode twice."""


def _episode_key(log: EpisodeLog) -> EpisodeKey:
    h = log.header
    return (h.task.org, h.task.id, h.config.drift, h.config.rot, h.trial)


def _merge_plan(dirs: Sequence[Path]) -> tuple[dict[EpisodeKey, tuple[Path, str]],
                                                list[RunRecord]]:
    """Every finished episode of `dirs` by its key, with (folder, log file name); MergeError
    when the folders assessed different agents or hold the same episode twice."""
    if not dirs:
        raise MergeError("merge needs at least one results folder")
    runs: list[RunRecord] = []
    episodes: dict[EpisodeKey, tuple[Path, str]] = {}
    task_sets: dict[str, str] = {}  # identity JSON -> the first folder that ran on it
    for d in dirs:
        run = read_run(d)
        if run is None:
            raise FileNotFoundError(f"{d} has no {RUN_FILE}: not an assessment folder")
        identity = run.agent_identity or {"name": run.agent}
        if runs and identity != (runs[0].agent_identity or {"name": runs[0].agent}):
            raise MergeError(f"{dirs[0]} assessed {runs[0].agent} but {d} assessed {run.agent}: "
                             "merge the folders of one agent (compare agents with crmarena view "
                             "--compare)")
        runs.append(run)
        for name, log in finished_logs(d).items():
            key = _episode_key(log)
            if key in episodes:
                org, task, drift, rot, trial = key
                raise MergeError(f"{episodes[key][0]} and {d} both hold {org} task {task} (drift "
                                 f"{drift}, rot {rot}, trial {trial}): each episode may come "
                                 "from one folder only")
            episodes[key] = (d, name)
            task_set = log.header.task_set
            task_sets.setdefault(task_set.model_dump_json() if task_set else "", str(d))
    if len(task_sets) > 1:
        raise MergeError("the folders ran on different task sets ("
                         + ", ".join(sorted(task_sets.values()))
                         + "): their task ids name different tasks, so they cannot be merged")
    return episodes, runs


def merged_config(configs: Sequence[dict[str, Any]], dirs: Sequence[Path]) -> dict[str, Any]:
    """The config of a merged folder: each key's value when the folders agree, else the list
    of their values (drift_level: ["none", "low", ...]); shard_index dropped; the sources."""
    merged: dict[str, Any] = {}
    for key in dict.fromkeys(k for c in configs for k in c):
        if key == "shard_index":
            continue
        values: list[Any] = []
        for c in configs:
            if c.get(key) not in values:
                values.append(c.get(key))
        merged[key] = values[0] if len(values) == 1 else values
    merged[MERGED_KEY] = [str(d) for d in dirs]
    return merged


def merge_folders(dirs: Sequence[Path], out_dir: Path) -> Results:
    """Merge folders into `out_dir` (each log copied under a name unique to its episode,
    run.json and results.json written), so the merged folder is itself an assessment folder
    that `regrade` reproduces."""
    episodes, runs = _merge_plan(dirs)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise MergeError(f"{out_dir} is not empty: merge into a new folder")
    logs = out_dir / LOG_DIR
    logs.mkdir(parents=True, exist_ok=True)
    for (org, task, drift, rot, trial), (d, name) in episodes.items():
        target = logs / episode_file_name(task, trial, drift, rot)
        if target.exists():  # the same task id in both orgs
            target = target.with_name(f"{org}__{target.name}")
        shutil.copyfile(d / LOG_DIR / name, target)
    write_run(out_dir, RunRecord(config=merged_config([r.config for r in runs], dirs),
                                 agent=runs[0].agent, agent_identity=runs[0].agent_identity,
                                 elapsed_seconds=max(r.elapsed_seconds for r in runs),
                                 episodes_planned=len(episodes)))
    results = regrade(out_dir)
    results.write(out_dir)
    return results


def load_results(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())
