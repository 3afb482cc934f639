"""Where a green server keeps an assessment's results, so a restarted server can resume it.

The folder is named by the request, not by the A2A task: `request_key` is "req-" plus the first
16 hex digits of the SHA-256 of the canonical request, i.e. the JSON of
`{"participants": {role: url}, "config": <validated AssessmentConfig, every default filled in>}`
with sorted keys and no spaces. So the same request sent again (same participants, same
effective config, however it was spelled) maps to the same folder, and env.runner reuses the
episodes finished there (it persists each log as its episode ends).

`claim` picks the first of `<key>`, `<key>-2`, `<key>-3`, ... that
- no running assessment holds: each claim holds an exclusive `flock` on `<folder>/.lock` until
  the assessment ends, and the kernel drops it when the process dies, even on SIGKILL; so two
  concurrent identical requests never share a folder (the second one gets `<key>-2`), in one
  server or in two servers on the same results dir;
- is not finished (has no results.json): re-sending a request whose assessment completed runs a
  fresh assessment rather than replaying the old results;
- was not started by another agent at the same URL (another card name or version): the
  executor asks for such a folder to be skipped when the runner refuses it.
A killed assessment's folder is unlocked and unfinished, so the next identical request resumes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from env.config import AssessmentConfig
from env.results import RESULTS_FILE
from green.request import AssessmentRequest

LOCK_FILE = ".lock"
KEY_PREFIX = "req-"


def canonical_request(request: AssessmentRequest, config: AssessmentConfig) -> str:
    """The request as canonical JSON: what `request_key` hashes."""
    payload = {"participants": {role: str(url) for role, url in request.participants.items()},
               "config": config.model_dump(mode="json")}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(request: AssessmentRequest, config: AssessmentConfig) -> str:
    """"req-<16 hex>": the base name of the request's results folder."""
    digest = hashlib.sha256(canonical_request(request, config).encode("utf-8")).hexdigest()
    return KEY_PREFIX + digest[:16]


def _try_lock(folder: Path) -> int | None:
    """An fd holding an exclusive lock on the folder's lock file, or None if someone holds it."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextlib.contextmanager
def claim(root: Path, key: str,
          usable: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """The request's results folder under `root`, held exclusively until the block ends;
    `usable` may refuse a folder (one an agent with another identity started)."""
    for n in itertools.count(1):
        folder = root / (key if n == 1 else f"{key}-{n}")
        folder.mkdir(parents=True, exist_ok=True)
        fd = _try_lock(folder)
        if fd is None:
            continue
        if (folder / RESULTS_FILE).exists() or (usable is not None and not usable(folder)):
            os.close(fd)
            continue
        try:
            yield folder
        finally:
            os.close(fd)
        return


def link_task(root: Path, task_id: str, folder: Path) -> None:
    """`root/<A2A task id>` -> the folder: finds an assessment's results from its A2A task."""
    if not task_id or not all(c.isalnum() or c in "-_" for c in task_id):
        return  # a client-chosen id that is no safe file name: the folder alone will do
    link = root / task_id
    with contextlib.suppress(FileExistsError):
        link.symlink_to(folder.name, target_is_directory=True)
