"""On-disk cache of built task categories, beside the org cache, keyed by what determines them.

Why per category: a fresh task seed's assessment often needs a few categories (`task_limit=5`
needs five), and each category is built from its own random stream (data.tasks.build
`category_rng`), so building one never depends on another. A category of an org for a seed is
a pure function of: the seed, the category, the tasks per category, the org's content (its
fingerprint, itself keyed by the generator's sources in data.org.store) and the code that turns
an org into tasks and gold answers (data.tasks, sandbox_db, core, schemas). The key hashes all
of them, content only (never file times), so an edited category, planter or SOQL translator
builds anew and an unchanged checkout reads the cached JSON in milliseconds.

Layout: `<orgs dir>/tasksets/<org>-<seed>/<category>-<key>.json`, written atomically; an entry
that does not read back (truncated, another key, another format) is a miss.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

import core
import data.tasks
import sandbox_db
from core.org_type import OrgType
from core.task import Task
from data.org.store import resolve_cache_dir
from schemas import SCHEMA_DIR

#: Bumped when the entry layout changes.
FORMAT = 1
CACHE_SUBDIR = "tasksets"


def _package_dir(module: object) -> Path:
    return Path(getattr(module, "__file__", "")).resolve().parent


#: The code a built task depends on, besides the org's content: the task framework and every
#: category (data/tasks), the SQL engine that derives gold answers (sandbox_db), the shared
#: types (core) and the schema files.
SOURCE_ROOTS: tuple[Path, ...] = (_package_dir(data.tasks), _package_dir(sandbox_db),
                                  _package_dir(core), Path(SCHEMA_DIR))
_SOURCE_SUFFIXES = (".py", ".yaml", ".yml", ".json")
#: Modules under data/tasks that read, write or name task sets but never shape a task (this
#: cache's layout is versioned by FORMAT instead).
_NOT_GENERATOR = frozenset(Path(__file__).resolve().parent / name for name in (
    "taskset_cache.py", "seeded.py", "identity.py", "taskset.py"))


def source_digest(roots: Sequence[Path] = SOURCE_ROOTS) -> str:
    """sha256 over every source file under `roots` (relative path + bytes, in sorted order)."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix not in _SOURCE_SUFFIXES or "__pycache__" in path.parts \
                    or path.resolve() in _NOT_GENERATOR or not path.is_file():
                continue
            digest.update(f"{root.name}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """source_digest of this checkout (computed once per process)."""
    return source_digest()


def generator_version(per_category: int, code: str | None = None) -> str:
    """The version of the task generator that builds a seed's set: code and tasks per category
    (with the org's content version, it pins every task a seed yields)."""
    body = f"{FORMAT}\x1f{per_category}\x1f{code or code_digest()}"
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def entry_key(org: OrgType, seed: int, category: str, per_category: int, org_fingerprint: str,
              code: str | None = None) -> str:
    """The cache key of one category's tasks (hex)."""
    body = "\x1f".join((str(FORMAT), org, str(seed), category, str(per_category),
                        org_fingerprint, code or code_digest()))
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def seed_dir(org: OrgType, seed: int, cache_dir: Path | None = None) -> Path:
    return resolve_cache_dir(cache_dir) / CACHE_SUBDIR / f"{org}-{seed}"


def entry_path(org: OrgType, seed: int, category: str, key: str,
               cache_dir: Path | None = None) -> Path:
    return seed_dir(org, seed, cache_dir) / f"{category}-{key}.json"


class _Entry(BaseModel):
    format: int
    key: str
    category: str
    tasks: list[Task]


def load(path: Path, key: str) -> list[Task] | None:
    """The tasks of a cache entry, or None when it is absent, unreadable or of another key."""
    try:
        entry = _Entry.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
    if entry.format != FORMAT or entry.key != key:
        return None
    return entry.tasks


def store(path: Path, key: str, category: str, tasks: Iterable[Task]) -> None:
    """Write the entry atomically and drop this category's entries of other keys (older code or
    org versions), so a seed's folder holds one entry per category."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _Entry(format=FORMAT, key=key, category=category,
                  tasks=list(tasks)).model_dump_json()
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    for stale in path.parent.glob(f"{category}-*.json"):
        if stale != path and all(c in "0123456789abcdef" for c in stale.stem[len(category) + 1:]):
            stale.unlink(missing_ok=True)


def cached_tasks(org: OrgType, seed: int, category: str, key: str,
                 cache_dir: Path | None = None) -> list[Task] | None:
    return load(entry_path(org, seed, category, key, cache_dir), key)

