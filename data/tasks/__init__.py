"""Tasks: the model, category generators, derivations, reference solutions and task sets.

The public API is importable from here lazily (so `import data.tasks.registry` from a category
module never drags in the whole framework):
`Task`, `build_task_set`, `load_task_set`, `run_reference`, `execute_reference_steps`,
`load_crmarena_pro`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Task": "data.tasks.model",
    "ReferenceSolution": "data.tasks.model",
    "build_task_set": "data.tasks.build",
    "BuildReport": "data.tasks.build",
    "load_task_set": "data.tasks.taskset",
    "run_reference": "data.tasks.reference",
    "execute_reference_steps": "data.tasks.reference",
    "load_crmarena_pro": "data.tasks.crmarena_pro",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'data.tasks' has no attribute {name!r}")
    return getattr(import_module(module), name)
