"""Entropy levels and the one seeded random source every plan draws from.

Plans must be reproducible across processes and machines, so randomness is derived from a
SHA-256 of the plan's inputs (never Python's salted `hash()`, never the global `random`).
"""

from __future__ import annotations

import hashlib
import random

# The levels and the default seed live in core.levels (configs and CLI flags use them too).
from core.levels import DEFAULT_ENTROPY_SEED as DEFAULT_ENTROPY_SEED
from core.levels import LEVELS as LEVELS
from core.levels import Level

#: Drift and rot share one scale (core.levels); the names say which a parameter sets.
DriftLevel = Level
RotLevel = Level

#: Share of the non-Id fields of every object that drift renames.
DRIFT_SHARE: dict[str, float] = {"none": 0.0, "low": 0.10, "medium": 0.30, "high": 0.50}
#: Share of objects whose API name is replaced by a custom-style name (high only).
OBJECT_RENAME_SHARE: dict[str, float] = {"none": 0.0, "low": 0.0, "medium": 0.0, "high": 0.25}
#: Distractor groups per rot target: an inclusive (min, max) range.
ROT_COUNTS: dict[str, tuple[int, int]] = {"none": (0, 0), "low": (1, 2), "medium": (3, 4),
                                          "high": (5, 6)}


def check_level(level: str) -> str:
    """Reject a bad level with a clear message (levels come from CLI flags and JSON configs)."""
    if level not in LEVELS:
        raise ValueError(f"unknown entropy level {level!r}; expected one of {', '.join(LEVELS)}")
    return level


def digest(*parts: object) -> bytes:
    """A stable digest of the parts (joined with a separator no part contains)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def seeded_rng(*parts: object) -> random.Random:
    """A private Random seeded from the parts: same parts, same draws, in every process."""
    return random.Random(int.from_bytes(digest(*parts)[:16], "big"))


def rank_key(*parts: object) -> int:
    """A stable pseudo-random sort key (for choosing "the first k" of a set reproducibly)."""
    return int.from_bytes(digest(*parts)[:8], "big")


def share_count(share: float, total: int) -> int:
    """round(share * total) half-up, at least 1 when share > 0 and there is anything to pick."""
    if share <= 0 or total <= 0:
        return 0
    return max(1, min(total, int(share * total + 0.5)))
