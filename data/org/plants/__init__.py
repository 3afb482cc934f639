"""Planters: category-specific signal added on top of the base org.

Each module `data/org/plants/<name>.py` exposes `plant(builder: OrgBuilder) -> None`; it may add
records (builder.add) and edit base records in place (builder.records / builder.get). They run
after the base generation in sorted module-name order, each with its own random streams
(builder.rng("<name>:...")), so dropping a new file in never changes what the others produce.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.org.builder import OrgBuilder

Planter = Callable[["OrgBuilder"], None]


def discover_planters() -> list[tuple[str, Planter]]:
    """(module name, plant function) for every planter module, in sorted name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        plant = getattr(module, "plant", None)
        if not callable(plant):
            raise TypeError(f"planter module {module.__name__} has no plant(builder) function")
        found.append((info.name, plant))
    return found


def __getattr__(name: str) -> list[Planter]:
    # PLANTERS is computed on access so a planter module can import data.org.builder freely.
    if name == "PLANTERS":
        return [plant for _, plant in discover_planters()]
    raise AttributeError(name)
