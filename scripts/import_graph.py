"""Print the project's package import graph and fail on any cycle or upward import.

Every module of the packages the wheel ships (pyproject's `[tool.hatch.build.targets.wheel]
packages`) is parsed with `ast`; every import counts, including the ones inside functions and
under `if TYPE_CHECKING:`, because a cycle hidden in a function is still a cycle in the design.
An import `from a.b import c` is an edge to `a.b` (its `__init__` runs) and, when `c` is a
submodule, to `a.b.c` as well.

Modules are grouped into the units of `LAYERS` (the longest matching prefix wins). A unit may
import only from units in a lower layer; units in the same layer never import each other. A
module outside every unit (`data/__init__.py`, the folder holding data.org and data.tasks) must
import nothing.

    uv run python scripts/import_graph.py        # graph, layers, findings; exit 1 on any finding
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent

#: Bottom layer first. Each unit is a package (or subpackage) path.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core", "schemas"),
    ("sandbox_db",),
    ("data.org",),
    ("data.tasks",),
    ("entropy",),
    ("env",),
    ("a2a_app",),
    ("mcp_tools",),
    ("green", "purple", "playground", "report"),
    ("salesforce_api",),
    ("crmarena_cli",),
)


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module
    line: int


def wheel_packages(root: Path) -> list[str]:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    return list(pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Module name -> file, for every .py file of the packages."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, name] if name else base)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    """Every import of a project module made anywhere in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = (_resolve_relative(module, is_package, node.level, node.module)
                      if node.level else node.module or "")
            if target in modules:
                yield Import(module, target, node.lineno)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in modules:
                    yield Import(module, sub, node.lineno)


def unit_of(module: str, units: Iterable[str]) -> str | None:
    matches = [u for u in units if module == u or module.startswith(u + ".")]
    return max(matches, key=len) if matches else None


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative); only components with a cycle (size > 1 or a self-loop)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    nodes = sorted(set(graph) | {t for targets in graph.values() for t in targets})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))
    return found


def mutual_pairs(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in graph.items() for b in targets
                  if a < b and a in graph.get(b, ()))


def check(root: Path = ROOT, layers: tuple[tuple[str, ...], ...] = LAYERS,
          out: TextIO = sys.stdout) -> int:
    """Print the graph and every finding; return the number of findings."""
    def say(text: str = "") -> None:
        print(text, file=out)

    modules = module_files(root, wheel_packages(root))
    layer_of = {unit: i for i, layer in enumerate(layers) for unit in layer}
    edges = [imp for name, path in modules.items() for imp in imports_of(name, path, modules)
             if imp.target != imp.source]
    module_graph: dict[str, set[str]] = defaultdict(set)
    unit_graph: dict[str, set[str]] = defaultdict(set)
    findings = 0
    for imp in edges:
        if unit_of(imp.source, layer_of) is None:
            say(f"{imp.source} belongs to no unit of LAYERS, so it may import nothing; "
                f"it imports {imp.target}")
            findings += 1
    upward: list[str] = []
    for imp in edges:
        module_graph[imp.source].add(imp.target)
        src, dst = unit_of(imp.source, layer_of), unit_of(imp.target, layer_of)
        if src is None or dst is None or src == dst:
            continue
        unit_graph[src].add(dst)
        if layer_of[dst] >= layer_of[src]:
            where = modules[imp.source].relative_to(root)
            upward.append(f"{where}:{imp.line}: {imp.source} ({src}, layer {layer_of[src]}) "
                          f"imports {imp.target} ({dst}, layer {layer_of[dst]})")

    say("layers (bottom first; imports point down):")
    for i, layer in enumerate(layers):
        say(f"  {i}. {', '.join(layer)}")
    say("\npackage imports:")
    for unit in sorted(unit_graph, key=lambda u: (layer_of[u], u)):
        say(f"  {unit} -> {', '.join(sorted(unit_graph[unit], key=lambda u: (layer_of[u], u)))}")

    module_cycles = strongly_connected(module_graph)
    unit_cycles = strongly_connected(unit_graph)
    for title, cycles, graph in (("module", module_cycles, module_graph),
                                 ("package", unit_cycles, unit_graph)):
        say(f"\n{title} cycles: {len(cycles)}")
        for cycle in cycles:
            say("  " + " <-> ".join(cycle))
        pairs = mutual_pairs(graph)
        if pairs:
            say(f"  mutual {title} imports: " + "; ".join(f"{a} <-> {b}" for a, b in pairs))
    say(f"\nupward or sideways imports: {len(upward)}")
    for line in upward:
        say("  " + line)
    findings += len(module_cycles) + len(unit_cycles) + len(upward)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to read (default: this)")
    args = parser.parse_args(argv)
    return 1 if check(args.root) else 0


if __name__ == "__main__":
    sys.exit(main())
