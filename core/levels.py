"""The entropy levels, shared by schema drift, context rot, configs and every CLI flag."""

from __future__ import annotations

from typing import Literal, get_args

Level = Literal["none", "low", "medium", "high"]
LEVELS: tuple[Level, ...] = get_args(Level)
