"""Build, cache and load an org: generated (or imported) once, then reused from disk.

The cache file is keyed by everything that determines its content without generating it: the
org, the seed (or the imported files' content), the schema version, GENERATOR_VERSION and the
source of the generator and planters. So editing a planter rebuilds the org on the next load,
and an unchanged checkout loads in milliseconds. Next to each DuckDB file a small JSON file
records the org's content version id (org-seed-generator-fingerprint), counts and build time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
from platformdirs import user_cache_dir

from core.atomic import atomic_write
from data.org import DEFAULT_SEED, GENERATOR_VERSION
from data.org.generate import generate_org, org_fingerprint, version_id
from data.org.importer import import_org_dir
from sandbox_db import ids
from sandbox_db.database import OrgData, OrgDatabase, quote_ident, write_org_file
from sandbox_db.schema import ORG_TYPES, OrgType, load_schema

CACHE_ENV = "CRMARENA_CACHE_DIR"
_GENERATOR_DIR = Path(__file__).resolve().parent
#: Sources under data/org that do not determine an org's content (this cache, for one).
_NOT_GENERATOR = frozenset({Path(__file__).name})
_build_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class OrgInfo:
    """What the cache knows about one built org."""

    org: OrgType
    seed: int | None
    version: str
    fingerprint: str
    counts: dict[str, int]
    build_seconds: float
    path: Path
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["path"] = str(self.path)
        return out


def resolve_cache_dir(override: Path | None = None) -> Path:
    """Where built orgs live: `override`, $CRMARENA_CACHE_DIR, or the user cache dir."""
    if override is not None:
        return Path(override)
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(user_cache_dir("crmarena")) / "orgs"


def _check_org(org: str) -> OrgType:
    if org not in ORG_TYPES:
        raise ValueError(f"unknown org {org!r}; expected one of {', '.join(ORG_TYPES)}")
    return org


@lru_cache(maxsize=1)
def _generator_digest() -> str:
    """Hash of the generator's and planters' sources (and the size table, and Id encoding)."""
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    digest.update(Path(ids.__file__).read_bytes())
    for path in sorted(_GENERATOR_DIR.rglob("*")):
        if path.suffix in (".py", ".csv") and "__pycache__" not in path.parts \
                and path.relative_to(_GENERATOR_DIR).as_posix() not in _NOT_GENERATOR:
            digest.update(str(path.relative_to(_GENERATOR_DIR)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _source_digest(source: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in (".csv", ".parquet"))
    if not files:
        raise FileNotFoundError(f"{source}: no .csv or .parquet files to import")
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update((_GENERATOR_DIR / "importer.py").read_bytes())
    return digest.hexdigest()


def cache_key(org: OrgType, seed: int = DEFAULT_SEED, source: Path | None = None) -> str:
    """File stem of the cached org (cheap: hashes sources, never generates)."""
    org = _check_org(org)
    schema_version = load_schema(org).version
    if source is not None:
        body = hashlib.sha256((schema_version + _source_digest(Path(source))).encode())
        return f"{org}-import-{body.hexdigest()[:16]}"
    body = hashlib.sha256((schema_version + _generator_digest()).encode())
    return f"{org}-{seed}-{body.hexdigest()[:16]}"


def _paths(org: OrgType, seed: int, source: Path | None, cache: Path | None) -> tuple[Path, Path]:
    stem = cache_key(org, seed, source)
    base = resolve_cache_dir(cache)
    return base / f"{stem}.duckdb", base / f"{stem}.json"


def _read_info(meta_path: Path, db_path: Path) -> OrgInfo | None:
    if not (meta_path.exists() and db_path.exists()):
        return None
    try:
        raw = json.loads(meta_path.read_text())
        return OrgInfo(org=raw["org"], seed=raw["seed"], version=raw["version"],
                       fingerprint=raw["fingerprint"], counts=raw["counts"],
                       build_seconds=raw["build_seconds"], path=db_path, source=raw.get("source"))
    except (ValueError, KeyError):
        return None


def _produce(org: OrgType, seed: int, source: Path | None) -> OrgData:
    if source is not None:
        return import_org_dir(Path(source), org)
    return generate_org(org, seed)


def cached_info(org: OrgType = "b2b", seed: int = DEFAULT_SEED, *, source: Path | None = None,
                cache_dir: Path | None = None) -> OrgInfo | None:
    """The info of the org if it is already built and cached, else None (never builds)."""
    db_path, meta_path = _paths(_check_org(org), seed, source, cache_dir)
    return _read_info(meta_path, db_path)


def build_org(org: OrgType = "b2b", seed: int = DEFAULT_SEED, *, source: Path | None = None,
              cache_dir: Path | None = None, force: bool = False) -> OrgInfo:
    """Make sure the org's cache file exists (build it if needed); returns its info."""
    org = _check_org(org)
    db_path, meta_path = _paths(org, seed, source, cache_dir)
    info = None if force else _read_info(meta_path, db_path)
    if info is not None:
        return info
    with _build_lock:  # one build per process at a time; other processes: atomic renames
        info = None if force else _read_info(meta_path, db_path)
        if info is not None:
            return info
        started = time.perf_counter()
        data = _produce(org, seed, source)
        schema = load_schema(org)
        fingerprint = org_fingerprint(data, schema)
        write_org_file(db_path, schema, data)
        info = OrgInfo(org=org, seed=None if source else seed,
                       version=version_id(org, "import" if source else seed, fingerprint),
                       fingerprint=fingerprint,
                       counts={o: len(data.get(o, ())) for o in schema.object_names},
                       build_seconds=round(time.perf_counter() - started, 3), path=db_path,
                       source=str(source) if source else None)
        atomic_write(meta_path, json.dumps(info.to_json(), indent=1))
        _remember(org, seed, source, cache_dir, data)
        _prune_stale(db_path)
        return info


#: Older builds of the same org and seed kept when the generator changes (others are deleted).
KEEP_STALE_BUILDS = 3


def _prune_stale(current: Path) -> None:
    """Delete old builds of the same org+seed (an open DuckDB attachment survives unlinking)."""
    prefix = current.stem.rsplit("-", 1)[0] + "-"
    dated = []
    for path in current.parent.glob(f"{prefix}*.duckdb"):
        if path != current and path.stem.rsplit("-", 1)[0] + "-" == prefix:
            try:
                dated.append((path.stat().st_mtime, path.name, path))
            except FileNotFoundError:  # pruned by another process meanwhile
                continue
    for _, _, stale in sorted(dated, reverse=True)[KEEP_STALE_BUILDS:]:
        for path in (stale, stale.with_suffix(".json")):
            path.unlink(missing_ok=True)


def load_org(org: OrgType = "b2b", seed: int = DEFAULT_SEED, *, source: Path | None = None,
             cache_dir: Path | None = None) -> OrgDatabase:
    """The org as a locked-down OrgDatabase (built and cached on first use)."""
    info = build_org(org, seed, source=source, cache_dir=cache_dir)
    return OrgDatabase(load_schema(org), info.path)


_SHARED: dict[tuple[Any, ...], OrgDatabase] = {}
_shared_lock = threading.Lock()


def shared_org(org: OrgType = "b2b", seed: int = DEFAULT_SEED, *, source: Path | None = None,
               cache_dir: Path | None = None) -> OrgDatabase:
    """One OrgDatabase per (org, seed, source, cache dir) per process, for long-lived servers.

    Every DuckDB instance costs ~4-5 MB outside the Python heap (buffer pool, catalog), so a
    green server opening one per assessment grew by that much per concurrent assessment. The
    base org is read-only and OrgDatabase is thread-safe (a cursor per episode view), so all
    assessments can share one. Never close it: it lives as long as the process."""
    key = _data_key(org, seed, source, cache_dir)
    with _shared_lock:
        db = _SHARED.get(key)
        if db is None:
            db = _SHARED[key] = load_org(org, seed, source=source, cache_dir=cache_dir)
        return db


def org_version(org: OrgType = "b2b", seed: int = DEFAULT_SEED, *,
                source: Path | None = None, cache_dir: Path | None = None) -> str:
    """The content version id of the org, e.g. 'b2b-42-g1-3f9a0c1d2e4b'."""
    return build_org(org, seed, source=source, cache_dir=cache_dir).version


def version_of(db: OrgDatabase) -> str | None:
    """The content version of an open org from the cache's info file beside it; None for an
    org file the cache did not build (a test's, an export)."""
    info = _read_info(Path(db.path).with_suffix(".json"), Path(db.path))
    return info.version if info is not None else None


# ----------------------------------------------------------------------------- records

#: Records of the most recently used orgs (a server assessing fresh task seeds loads a new org
#: per seed: keeping every one would grow without bound).
_DATA: OrderedDict[tuple[Any, ...], OrgData] = OrderedDict()
KEEP_ORG_DATA = 4
_data_lock = threading.Lock()


def _data_key(org: str, seed: int, source: Path | None, cache: Path | None) -> tuple[Any, ...]:
    return (org, seed, str(source) if source else None, str(resolve_cache_dir(cache)))


def _remember(org: str, seed: int, source: Path | None, cache: Path | None, data: OrgData) -> None:
    with _data_lock:
        key = _data_key(org, seed, source, cache)
        _DATA[key] = data
        _DATA.move_to_end(key)
        while len(_DATA) > KEEP_ORG_DATA:
            _DATA.popitem(last=False)


def load_org_data(org: OrgType = "b2b", seed: int = DEFAULT_SEED, *,
                  source: Path | None = None, cache_dir: Path | None = None) -> OrgData:
    """The org's records (base names), for task generators and rot. Treat as read-only.

    The last KEEP_ORG_DATA orgs used stay in memory; others are read back from the cache file
    (no regeneration).
    """
    key = _data_key(org, seed, source, cache_dir)
    with _data_lock:
        data = _DATA.get(key)
    if data is None:
        info = build_org(org, seed, source=source, cache_dir=cache_dir)
        with _data_lock:
            data = _DATA.get(key)
        if data is None:
            data = read_org_file(info.path, org)
    _remember(org, seed, source, cache_dir, data)
    return data


def read_org_file(path: Path, org: OrgType) -> dict[str, list[dict[str, Any]]]:
    """All records of a built org file, in insertion order."""
    schema = load_schema(org)
    out: dict[str, list[dict[str, Any]]] = {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        for obj in schema.objects:
            cols = ", ".join(quote_ident(f.name) for f in obj.fields)
            names = obj.field_names
            rows = con.execute(f"SELECT {cols} FROM {quote_ident(obj.name)}").fetchall()
            out[obj.name] = [dict(zip(names, row, strict=True)) for row in rows]
    finally:
        con.close()
    return out
