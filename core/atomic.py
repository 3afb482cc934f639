"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every writer of a file another process or thread may read at the same time (results.json,
run.json, the org cache, task sets, rot plans, TLS keys, the HTML report) writes a temporary
file beside the target and renames it over the target (`os.replace` is atomic on one file
system). The temporary name is unique per process, thread and call, so concurrent writers of
the same target never clobber each other's half-written file; the last rename wins.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path


def _temporary_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}-"
                          f"{uuid.uuid4().hex[:8]}.tmp")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to (with any API, e.g. a DuckDB file); renamed to
    `path` when the block ends without an exception, removed when it raises."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary_beside(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: Path, data: str | bytes, *, private: bool = False) -> Path:
    """Write `data` (text as UTF-8) to `path` atomically; `private` makes the file readable by
    its owner only (keys, session files) from the moment it exists."""
    with atomic_path(path) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
