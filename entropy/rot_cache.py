"""On-disk cache of verified rot plans, so a second process does not plan and verify again.

Planning and verifying one (task, level, seed) costs tens of milliseconds to seconds (the
reference solution runs on several rotted views); the result depends only on the org's content,
the task, the level, the seed, "today" and the code that plans and verifies. The cache lives
next to the org file (`<orgs dir>/rot/<org file stem>/<format-code>/<key digest>.json.gz`), is
keyed by all of those, and is written atomically (temp file + rename). Rows are gzipped JSON
with dates, datetimes and decimals tagged (gzip: the default plans at every level are a sixth of
the container image as plain JSON, 52 MB); an entry that would not read back equal is never
written, and an unreadable entry is a miss.

Every part of the key is content, never a file time or a path: the org as a digest of its file's
bytes (`org_digest`), the code as a digest of the core, sandbox_db, data.tasks, data.org and
entropy sources (`code_digest`). So plans prewarmed into a container image hit in the container
(image layers keep file times in whole seconds only), and an org or task set generated at run
time (a fresh seed) simply misses and is planned then.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import hashlib
import json
import os
import re
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import core
import data.org
import data.tasks
import sandbox_db
from core.atomic import atomic_write
from entropy.rot import RotGroup

#: Bumped when the file layout or the key changes.
FORMAT = 3
#: An entry's file name ends so.
SUFFIX = ".json.gz"
#: Set to "0" to neither read nor write the disk cache (the in-memory cache still applies).
DISABLE_ENV = "CRMARENA_ROT_DISK_CACHE"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the code a verified plan depends on (task model, planner, views, SOQL,
    references, and the org's numbering and writing of names, addresses and Ids): file names
    relative to their package and file contents, so the same code installed anywhere (a
    checkout, a wheel in an image) has the same digest."""
    h = hashlib.sha256()
    for root in (Path(core.__file__).parent, Path(sandbox_db.__file__).parent,
                 Path(data.tasks.__file__).parent, Path(data.org.__file__).parent,
                 Path(__file__).parent):  # the last: this package, the planner itself
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" in path.parts or path == Path(__file__):
                continue  # this file's changes are versioned by FORMAT
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


_ORG_DIGESTS: dict[tuple[str, int, int, int], str] = {}
_ORG_DIGESTS_LOCK = threading.Lock()


def org_digest(org_file: Path) -> str:
    """The org's content version: a digest of its file's bytes (hashed once per process; the
    file's identity and times only tell when to hash again, they are never part of a key)."""
    stat = org_file.stat()
    seen = (str(org_file), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _ORG_DIGESTS_LOCK:
        known = _ORG_DIGESTS.get(seen)
    if known is None:
        with org_file.open("rb") as f:
            known = hashlib.file_digest(f, "sha256").hexdigest()[:32]
        with _ORG_DIGESTS_LOCK:
            _ORG_DIGESTS[seen] = known
    return known


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "1") != "0"


#: Entry folders of older code versions kept per org file (others are deleted on write).
KEEP_STALE_CODE_VERSIONS = 2
_pruned: set[Path] = set()


def version_dir(org_file: Path) -> Path:
    """The folder of this code version's entries for one org file."""
    return org_file.parent / "rot" / org_file.stem / f"{FORMAT}-{code_digest()}"


def entry_path(org_file: Path, key: tuple[Any, ...]) -> Path:
    digest = hashlib.sha256(json.dumps([FORMAT, *map(str, key)]).encode()).hexdigest()[:32]
    return version_dir(org_file) / f"{digest}{SUFFIX}"


_VERSION_DIR = re.compile(r"\d+-[0-9a-f]{16}")


def _prune_stale(current: Path) -> None:
    """Delete entry folders of older code versions (once per folder and process). Only touches
    this cache's own layout: <...>/rot/<org stem>/<format-code digest>/<entry>.json.gz."""
    if (current in _pruned or current.parent.parent.name != "rot"
            or not _VERSION_DIR.fullmatch(current.name)):
        return
    _pruned.add(current)
    try:
        older = sorted((p.stat().st_mtime, p) for p in current.parent.iterdir()
                       if p != current and p.is_dir() and _VERSION_DIR.fullmatch(p.name))
    except OSError:
        return
    for _, stale in older[:max(0, len(older) - KEEP_STALE_CODE_VERSIONS)]:
        try:
            for entry in stale.iterdir():
                if entry.is_file() and entry.name.endswith((".json", ".gz", ".tmp")):
                    entry.unlink(missing_ok=True)
            stale.rmdir()
        except OSError:
            continue


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        raise TypeError("nested dict in a rot row")
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, str):
        # Entries of one org repeat the same names, Ids and texts (distractors are variations
        # of the same records): one copy of each string for the whole in-memory cache, a quarter
        # of its size. Interned strings are freed with their last user.
        return sys.intern(value)
    if isinstance(value, dict):
        (tag, text), = value.items()
        if tag == "$datetime":
            return dt.datetime.fromisoformat(text)
        if tag == "$date":
            return dt.date.fromisoformat(text)
        if tag == "$decimal":
            return decimal.Decimal(text)
        raise ValueError(f"unknown tag {tag}")
    return value


def _encode_group(group: RotGroup) -> dict[str, Any]:
    return {"target": group.target, "kind": group.kind, "spare": group.spare,
            "sources": group.sources,
            "rows": {obj: [{k: _encode_value(v) for k, v in row.items()} for row in rows]
                     for obj, rows in group.rows.items()}}


def _decode_group(raw: dict[str, Any]) -> RotGroup:
    return RotGroup(target=raw["target"], kind=raw["kind"], spare=raw["spare"],
                    sources=dict(raw["sources"]),
                    rows={obj: [{sys.intern(k): _decode_value(v) for k, v in row.items()}
                                for row in rows]
                          for obj, rows in raw["rows"].items()})


def _same(a: list[RotGroup], b: list[RotGroup]) -> bool:
    """Equal including value types (1 == 1.0 == True would hide a lossy round trip)."""
    def typed(groups: list[RotGroup]) -> Any:
        return [(g.target, g.kind, g.spare, g.sources,
                 {o: [[(k, type(v), v) for k, v in r.items()] for r in rows]
                  for o, rows in g.rows.items()}) for g in groups]
    return typed(a) == typed(b)


def load(path: Path) -> tuple[list[RotGroup], list[RotGroup]] | None:
    """(kept, dropped) from a cache entry, or None when absent or unreadable."""
    try:
        raw = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
        return ([_decode_group(g) for g in raw["kept"]], [_decode_group(g) for g in raw["dropped"]])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(path: Path, kept: list[RotGroup], dropped: list[RotGroup]) -> bool:
    """Write the entry atomically; False (nothing written) when it would not round-trip or the
    directory is not writable."""
    try:
        text = json.dumps({"kept": [_encode_group(g) for g in kept],
                           "dropped": [_encode_group(g) for g in dropped]},
                          ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        decoded = json.loads(text)
        if not (_same([_decode_group(g) for g in decoded["kept"]], kept)
                and _same([_decode_group(g) for g in decoded["dropped"]], dropped)):
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        _prune_stale(path.parent)
        # mtime=0: the same plan is the same bytes (image layers, copies)
        atomic_write(path, gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))
        return True
    except (OSError, ValueError, TypeError):
        return False
