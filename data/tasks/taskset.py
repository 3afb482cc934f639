"""The committed default task sets (data/tasksets/<org>.json): load, save, and version them.

Why committed: assessments, the leaderboard and the reference agents all need the same tasks
without regenerating the org and re-deriving 400+ gold answers at start-up. The file records what
produced it (seed, per-category count, org version, a content hash of the framework and of each
category's source) so `crmarena tasks build --check` can prove it is still reproducible.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

import core.task
from core.atomic import atomic_write
from data.org.store import org_version
from data.tasks.model import Task
from data.tasks.registry import CATEGORY_REGISTRY
from sandbox_db.schema import ORG_TYPES, OrgType, load_schema

TASKSET_DIR = Path(__file__).resolve().parent.parent / "tasksets"
FORMAT_VERSION = 1
#: The framework's sources (a change may change any task): the task model (core.task) and these
#: (the heuristic budget decides which drafts are kept, by the grader's verdicts).
_FRAMEWORK_MODULES = ("registry.py", "reference.py", "build.py", "budget.py", "heuristics.py",
                      "grading.py", "query_edits.py", "results.py")


class TaskSetMeta(BaseModel):
    """What produced a task set; equal metadata + equal tasks = the same set."""

    model_config = ConfigDict(frozen=True)

    format: int = FORMAT_VERSION
    org: OrgType
    seed: int
    per_category: int
    org_version: str | None = None
    schema_version: str
    framework_version: str
    #: category name -> content hash of the module that generates it.
    category_versions: dict[str, str] = Field(default_factory=dict)
    #: category name -> number of tasks in the set.
    counts: dict[str, int] = Field(default_factory=dict)


class TaskSetFile(BaseModel):
    meta: TaskSetMeta
    tasks: list[Task]


def taskset_path(org: OrgType) -> Path:
    if org not in ORG_TYPES:
        raise ValueError(f"unknown org {org!r}; expected one of {', '.join(ORG_TYPES)}")
    return TASKSET_DIR / f"{org}.json"


def _hash_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def framework_version() -> str:
    here = Path(__file__).resolve().parent
    return _hash_files([Path(core.task.__file__), *(here / m for m in _FRAMEWORK_MODULES)])


def category_version(name: str) -> str:
    """Hash of the category's module source (and its planter, if it has one)."""
    spec = CATEGORY_REGISTRY[name]
    paths = [Path(inspect.getsourcefile(spec.generate) or "")]
    planter = Path(__file__).resolve().parent.parent / "org" / "plants" / f"{name}.py"
    if planter.exists():
        paths.append(planter)
    return _hash_files(paths)


def _org_version(org: OrgType, seed: int) -> str | None:
    return str(org_version(org, seed))


def make_meta(org: OrgType, seed: int, per_category: int, tasks: list[Task]) -> TaskSetMeta:
    counts: dict[str, int] = {}
    for t in tasks:
        counts[t.category] = counts.get(t.category, 0) + 1
    return TaskSetMeta(org=org, seed=seed, per_category=per_category,
                       org_version=_org_version(org, seed),
                       schema_version=load_schema(org).version,
                       framework_version=framework_version(),
                       category_versions={c: category_version(c) for c in sorted(counts)},
                       counts=dict(sorted(counts.items())))


def dump_task_set(meta: TaskSetMeta, tasks: list[Task]) -> str:
    """The canonical JSON text of a task set (stable: same set, same bytes)."""
    doc: dict[str, Any] = TaskSetFile(meta=meta, tasks=tasks).model_dump(mode="json")
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def save_task_set(meta: TaskSetMeta, tasks: list[Task], path: Path | None = None) -> Path:
    path = path or taskset_path(meta.org)
    atomic_write(path, dump_task_set(meta, tasks))
    load_task_set_file.cache_clear()
    return path


@cache
def load_task_set_file(path: Path) -> TaskSetFile:
    if not path.exists():
        raise FileNotFoundError(f"no task set at {path}; run `crmarena tasks build` to create it")
    return TaskSetFile.model_validate_json(path.read_text(encoding="utf-8"))


def load_task_set(org: OrgType, path: Path | None = None) -> list[Task]:
    """The committed default task set of `org` (cached per process; Tasks are immutable)."""
    return list(load_task_set_file(path or taskset_path(org)).tasks)


def load_task_set_meta(org: OrgType, path: Path | None = None) -> TaskSetMeta:
    return load_task_set_file(path or taskset_path(org)).meta


def task_set_digest(tasks: Sequence[Task]) -> str:
    """A version of a list of tasks: 16 hex digits of the SHA-256 of their canonical JSON, in id
    order. Equal for the same tasks however they were loaded or built."""
    digest = hashlib.sha256()
    for task in sorted(tasks, key=lambda t: (t.org, t.id)):
        digest.update(task.model_dump_json().encode() + b"\n")
    return digest.hexdigest()[:16]
