"""The entropy levels, shared by schema drift, context rot, configs and every CLI flag."""

from __future__ import annotations

from typing import Literal, get_args

Level = Literal["none", "low", "medium", "high"]
LEVELS: tuple[Level, ...] = get_args(Level)

#: The entropy seed of an episode when nothing sets one. Every entry point (assess, serve,
#: soql, describe, export-db, repl) defaults to it, so they all show the same org.
DEFAULT_ENTROPY_SEED = 0
