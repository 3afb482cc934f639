"""Read an assessment folder (results.json + logs/*.jsonl) into what the report shows.

Everything goes through env's own models (`Results`, `EpisodeLog`, `regrade`) so the report
can never disagree with `crmarena regrade` about what a folder contains. Each episode is paired
with its log (the trajectory) and the task's reference solution: the one recorded in the log's
header (exactly what ran), else the committed task set's (for the public set), else none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from core.levels import LEVELS
from data.tasks import load_task_set
from data.tasks.model import ReferenceSolution, Task
from env.log import EpisodeLog
from env.results import LOG_DIR, RESULTS_FILE, EpisodeResult, Results, read_run, regrade


class ReportError(ValueError):
    """A folder that is not an assessment, or a task/trial the assessment does not hold."""


@dataclass(frozen=True)
class Episode:
    """One (task, trial) of an assessment: its result, its log (None when the log file is
    missing) and the reference solution to compare it with (None when not available)."""

    result: EpisodeResult
    log: EpisodeLog | None
    reference: ReferenceSolution | None

    @property
    def task(self) -> Task | None:
        return self.log.header.task if self.log is not None else None


@dataclass(frozen=True)
class Assessment:
    """A whole assessment folder as the report reads it."""

    path: Path
    agent: str
    results: Results
    episodes: list[Episode] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.agent or 'agent'} · {self.path.name}"

    def find(self, task_id: str, trial: int | None = None, *, drift: str | None = None,
             rot: str | None = None) -> Episode:
        """The episode of `task_id` (its id or its source, e.g. "crmarena-pro:12") and trial,
        at the given drift and rot levels; with several matches and no `trial`, the first."""
        matches = [e for e in self.episodes
                   if task_id in (e.result.task_id, e.task.source if e.task else None)]
        if not matches:
            near = sorted({e.result.task_id for e in self.episodes
                           if task_id.lower() in e.result.task_id.lower()})
            hint = f"; did you mean {', '.join(near[:5])}?" if near else ""
            raise ReportError(f"no task {task_id!r} in {self.path}{hint}")
        at_level = [e for e in matches if drift in (None, e.result.drift)
                    and rot in (None, e.result.rot)]
        if not at_level:
            levels = ", ".join(sorted({f"drift {e.result.drift} rot {e.result.rot}"
                                       for e in matches}))
            raise ReportError(f"task {task_id!r} has no episode at drift {drift or 'any'} rot "
                              f"{rot or 'any'} (it has: {levels})")
        if trial is None:
            return min(at_level, key=lambda e: (LEVELS.index(e.result.drift)
                                                if e.result.drift in LEVELS else 0,
                                                e.result.trial))
        for e in at_level:
            if e.result.trial == trial:
                return e
        trials = ", ".join(str(e.result.trial) for e in at_level)
        raise ReportError(f"task {task_id!r} has no trial {trial} (trials: {trials})")


def load_assessment(path: Path) -> Assessment:
    """Read `path`: its results.json when present (else re-graded from its logs) and every
    episode's log. ReportError for a folder that holds neither."""
    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"{path} is not a folder")
    results_file = path / RESULTS_FILE
    run = read_run(path)
    if results_file.exists():
        try:
            results = Results.model_validate_json(results_file.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ReportError(f"{results_file} is not a valid results.json: {exc}") from exc
    elif run is not None:
        results = regrade(path)
    else:
        raise ReportError(f"{path} has no {RESULTS_FILE} (nor run.json and {LOG_DIR}/): "
                          "not an assessment folder")
    agent = run.agent if run is not None else ""
    episodes = [_episode(path, r) for r in results.tasks]
    return Assessment(path=path, agent=agent, results=results, episodes=episodes)


def _episode(folder: Path, result: EpisodeResult) -> Episode:
    log = _read_log(folder, result.log_file)
    reference = log.header.task.reference if log is not None else None
    from_public = log is None or log.header.task_set is None or log.header.task_set.public
    if reference is None and from_public:  # a fresh set's ids name other tasks in the public one
        task = _task_set_index(result.org).get(result.task_id)
        reference = task.reference if task is not None else None
    return Episode(result=result, log=log, reference=reference)


def _read_log(folder: Path, log_file: str | None) -> EpisodeLog | None:
    if not log_file:
        return None
    path = folder / log_file
    if not path.exists():
        return None
    try:
        return EpisodeLog.read(path)
    except ValueError as exc:
        raise ReportError(f"{path} is not a valid episode log: {exc}") from exc


@cache
def _task_set_index(org: str) -> dict[str, Task]:
    """The committed task set of `org` by id (empty when there is none)."""
    try:
        return {t.id: t for t in load_task_set(org)}
    except (FileNotFoundError, ValueError):
        return {}
