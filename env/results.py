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

from data.tasks.grading import grade
from env.log import EpisodeLog
from env.metrics import EpisodeMetrics, compute_metrics
from env.scoring import WEIGHTS, Dimension, overall, score_episode

RESULTS_FILE = "results.json"
RUN_FILE = "run.json"
LOG_DIR = "logs"


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
    #: The log this result was computed from (not part of results.json).
    log: EpisodeLog | None = Field(default=None, exclude=True, repr=False)


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
    scores = score_episode(passed, reward, metrics, header.config.drift,
                           header.task_message_tokens)
    return EpisodeResult(
        task_id=task.id, category=task.category, org=task.org, drift=header.config.drift,
        rot=header.config.rot, trial=header.trial, passed=passed, reward=reward,
        score=overall(scores), scores=scores, metrics=metrics,
        answer=end.answer if end else None, refused=bool(end and end.refused),
        gold=list(task.answer), termination=end.termination if end else None, reason=reason,
        log_file=log_file, log=log)


# ---------------------------------------------------------------------------------------------


class Summary(BaseModel):
    total_tasks: int
    total_passed: int
    pass_rate: float
    avg_score: float
    #: Episodes the environment failed to set up (scored failed; see their logs' end line).
    environment_errors: int = 0


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
    tasks: list[EpisodeResult]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def write(self, out_dir: Path) -> Path:
        path = out_dir / RESULTS_FILE
        tmp = path.with_suffix(".json.part")
        tmp.write_text(self.to_json() + "\n", encoding="utf-8")
        tmp.replace(path)
        return path


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
    over tasks; k runs from 1 to the smallest number of trials any task had."""
    per_task: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in results:
        per_task[(r.org, r.task_id)].append(r.passed)
    if not per_task:
        return {}
    max_k = min(len(v) for v in per_task.values())
    return {str(k): round(sum(comb(sum(v), k) / comb(len(v), k) for v in per_task.values())
                          / len(per_task), 4)
            for k in range(1, max_k + 1)}


def summarize(results: Iterable[EpisodeResult], config: dict[str, Any],
              total_seconds: float) -> Results:
    """results.json from episode results (order-independent: tasks are sorted)."""
    ordered = sorted(results, key=lambda r: (r.org, r.task_id, r.trial))
    passed = sum(r.passed for r in ordered)
    purple = round(sum(r.metrics.agent_seconds for r in ordered), 3)
    green = round(sum(r.metrics.wall_seconds - r.metrics.agent_seconds for r in ordered), 3)
    return Results(
        summary=Summary(total_tasks=len(ordered), total_passed=passed,
                        pass_rate=round(passed / len(ordered), 4) if ordered else 0.0,
                        avg_score=_mean([r.score for r in ordered]),
                        environment_errors=sum(r.termination == "env_error" for r in ordered)),
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
        config=config, tasks=ordered)


# --- folders: logs/ + run.json -> results.json ---------------------------------------------


class RunRecord(BaseModel):
    """run.json: what ran (the config) and for how long, across resumed sessions."""

    config: dict[str, Any]
    agent: str
    elapsed_seconds: float = 0.0
    episodes_planned: int = 0


def read_run(out_dir: Path) -> RunRecord | None:
    path = out_dir / RUN_FILE
    return RunRecord.model_validate_json(path.read_text()) if path.exists() else None


def write_run(out_dir: Path, record: RunRecord) -> None:
    path = out_dir / RUN_FILE
    tmp = path.with_suffix(".json.part")
    tmp.write_text(record.model_dump_json(indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


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


def merge_results(dirs: Sequence[Path]) -> Results:
    """One Results over several shards' folders (re-graded from their logs). Episodes present
    in several folders count once; the merged wall time is the longest shard's."""
    if not dirs:
        raise ValueError("merge needs at least one results folder")
    seen: dict[tuple[str, str, int], EpisodeResult] = {}
    configs: list[dict[str, Any]] = []
    total = 0.0
    for d in dirs:
        run = read_run(d)
        if run is None:
            raise FileNotFoundError(f"{d} has no {RUN_FILE}: not an assessment folder")
        configs.append(run.config)
        total = max(total, run.elapsed_seconds)
        for name, log in finished_logs(d).items():
            r = evaluate_log(log, f"{LOG_DIR}/{name}")
            seen.setdefault((r.org, r.task_id, r.trial), r)
    config = {k: v for k, v in configs[0].items() if k not in ("shard_index",)}
    config["num_shards"] = configs[0].get("num_shards", 1)
    config["merged_from"] = [str(d) for d in dirs]
    return summarize(seen.values(), config, total)


def merge_folders(dirs: Sequence[Path], out_dir: Path) -> Results:
    """Merge shard folders into `out_dir` (logs copied, run.json and results.json written), so
    the merged folder is itself an assessment folder that `regrade` reproduces."""
    merged = merge_results(dirs)
    logs = out_dir / LOG_DIR
    logs.mkdir(parents=True, exist_ok=True)
    for d in dirs:
        for path in sorted((d / LOG_DIR).glob("*.jsonl")):
            target = logs / path.name
            if not target.exists() and path.resolve() != target.resolve():
                shutil.copyfile(path, target)
    write_run(out_dir, RunRecord(config=merged.config, agent=_agent_of(dirs),
                                 elapsed_seconds=merged.timing.total_seconds,
                                 episodes_planned=len(merged.tasks)))
    results = regrade(out_dir)
    results.write(out_dir)
    return results


def _agent_of(dirs: Sequence[Path]) -> str:
    names = {run.agent for d in dirs if (run := read_run(d)) is not None}
    return ", ".join(sorted(names))


def load_results(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())
