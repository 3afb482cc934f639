"""Benchmark of fresh task seeds: how long a new seed's orgs and task sets take to build, cold
and cached, and how soon the first episode of an assessment on a cold seed starts.

    uv run python bench/fresh_seed.py               # seed 31337, a temporary cache
    uv run python bench/fresh_seed.py --seed 5 --keep-cache DIR

Each figure runs `crmarena` in a child process on an empty cache directory (so imports count,
as they do for an operator), with wall and CPU seconds (CPU shows what a busy machine hides).
The issue's budgets: both orgs and task sets ready in <= 10 s; the first episode of
`crmarena assess --agent oracle --task-seed N --task-limit 5` within 5 s of the command.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], cache: Path, first_file_in: Path | None = None
        ) -> tuple[float, float, float | None]:
    """(wall s, CPU s, seconds until a file appeared in `first_file_in`) of `crmarena argv`."""
    env = dict(os.environ, CRMARENA_CACHE_DIR=str(cache))
    cpu, started = _children_cpu(), time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "crmarena_cli", *argv], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first = None
    while child.poll() is None:
        if first is None and first_file_in is not None and first_file_in.is_dir() \
                and any(first_file_in.iterdir()):
            first = time.perf_counter() - started
        time.sleep(0.01)
    if child.returncode != 0:
        raise SystemExit(f"crmarena {' '.join(argv)} failed: {child.stderr.read()[-2000:]}")
    return time.perf_counter() - started, _children_cpu() - cpu, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=31337)
    parser.add_argument("--keep-cache", type=Path, help="build here and keep it")
    args = parser.parse_args()
    console = Console()
    base = args.keep_cache or Path(tempfile.mkdtemp(prefix="crmarena-fresh-"))
    table = Table(title=f"fresh task seed {args.seed}: both orgs (b2b, b2c), 440 tasks each")
    for col in ("what", "wall s", "CPU s"):
        table.add_column(col, justify="left" if col == "what" else "right")
    try:
        for name, extra in (("cold, orgs in two processes", []),
                            ("cold, one process", ["--one-process"])):
            cache = base / name.replace(" ", "-").replace(",", "")
            wall, cpu, _ = run(["tasks", "prepare", "--task-seed", str(args.seed), *extra],
                               cache)
            table.add_row(name, f"{wall:.1f}", f"{cpu:.1f}")
        wall, cpu, _ = run(["tasks", "prepare", "--task-seed", str(args.seed)], cache)
        table.add_row("cached (read back)", f"{wall:.1f}", f"{cpu:.1f}")
        out = base / "assess"
        wall, cpu, first = run(["assess", "--agent", "oracle", "--task-seed", str(args.seed + 1),
                                "--task-limit", "5", "--out", str(out)], base / "ttfe",
                               first_file_in=out / "logs")
        table.add_row("assess --task-limit 5, cold: first episode", f"{first or 0:.1f}", "")
        table.add_row("assess --task-limit 5, cold: whole run", f"{wall:.1f}", f"{cpu:.1f}")
    finally:
        if args.keep_cache is None:
            shutil.rmtree(base, ignore_errors=True)
    console.print(table)
    console.print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
