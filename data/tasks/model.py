"""The task model now lives in `core.task` (every layer imports it); this path re-exports it."""

from core.task import CATEGORIES, NONE_ANSWER, ReferenceSolution, RewardMetric, RotTarget, Task

__all__ = ["CATEGORIES", "NONE_ANSWER", "ReferenceSolution", "RewardMetric", "RotTarget", "Task"]
