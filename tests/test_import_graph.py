"""The layers point one way: scripts/import_graph.py finds no module cycle, no package cycle and
no upward import in this checkout, and does find each of them in a small made-up project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

SCRIPT = REPO / "scripts" / "import_graph.py"


def run_graph(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)], text=True,
                          capture_output=True, timeout=120)


def test_this_checkout_has_no_cycles_and_no_upward_imports():
    result = run_graph(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "module cycles: 0" in result.stdout and "package cycles: 0" in result.stdout
    assert "upward or sideways imports: 0" in result.stdout
    assert "crmarena_cli -> core" in result.stdout  # the graph is printed


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_cycles_and_upward_imports_are_found(tmp_path: Path):
    packages = '["core", "sandbox_db", "env", "green", "purple"]'
    _write(tmp_path, {
        "pyproject.toml": f"[tool.hatch.build.targets.wheel]\npackages = {packages}\n",
        "core/__init__.py": "",
        "core/a.py": "from core import b\n",
        "core/b.py": "def f():\n    import core.a  # hidden in a function: still a cycle\n",
        "sandbox_db/__init__.py": "",
        "sandbox_db/x.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                           "    from env.y import Y\n",
        "env/__init__.py": "",
        "env/y.py": "from sandbox_db.x import *\n",
        "green/__init__.py": "from purple import z\n",
        "purple/__init__.py": "",
        "purple/z.py": "",
    })
    result = run_graph(tmp_path)
    out = result.stdout
    assert result.returncode == 1
    assert "module cycles: 2" in out and "core.a <-> core.b" in out
    assert "sandbox_db.x <-> env.y" not in out  # printed sorted:
    assert "env.y <-> sandbox_db.x" in out
    assert "package cycles: 1" in out and "env <-> sandbox_db" in out
    assert ("sandbox_db/x.py:3: sandbox_db.x (sandbox_db, layer 1) imports env.y (env, layer 5)"
            in out)
    assert "green/__init__.py:1: green (green, layer 8) imports purple.z (purple, layer 8)" in out
