"""What made a run: the package version, a content hash of the code, the org and task-set
versions. Every episode log header carries one, and results.json lists those of its episodes, so
a result can always be traced to the code and data that produced it.

The code hash covers the sources of every package this distribution ships (the top-level
folders beside `core/` with an `__init__.py`, tests excluded): `.py` and `.yaml` files, by
relative path and content. It is computed once per process (~250 files, a few milliseconds).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

DISTRIBUTION = "entropic-crmarena"
_ROOT = Path(__file__).resolve().parent.parent
_NOT_SHIPPED = frozenset({"tests"})
_SOURCE_SUFFIXES = (".py", ".yaml")


class Provenance(BaseModel):
    """The code and data one episode ran on."""

    model_config = ConfigDict(frozen=True)

    package_version: str
    #: 16 hex digits of the SHA-256 of the shipped sources (see `code_hash`).
    code_hash: str
    org: str | None = None
    #: The org's content version (data.org.store), None for an org outside the cache.
    org_version: str | None = None
    #: Digest of the task set the episode's task was drawn from (data.tasks.taskset).
    task_set_version: str | None = None


@cache
def package_version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "0+unknown"


def _source_files(root: Path) -> list[Path]:
    packages = sorted(p for p in root.iterdir()
                      if p.is_dir() and p.name not in _NOT_SHIPPED and (p / "__init__.py").exists())
    return sorted(path for package in packages for path in package.rglob("*")
                  if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts)


@cache
def code_hash(root: Path = _ROOT) -> str:
    """Content hash of the shipped sources under `root` (the installed checkout by default)."""
    digest = hashlib.sha256()
    for path in _source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def current_provenance(org: str | None = None, org_version: str | None = None,
                       task_set_version: str | None = None) -> Provenance:
    """This process's code, with the given org and task-set versions."""
    return Provenance(package_version=package_version(), code_hash=code_hash(), org=org,
                      org_version=org_version, task_set_version=task_set_version)
