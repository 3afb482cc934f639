"""Can doing nothing pass? Grade the constant agents' answers on the default task sets.

The agents answer exactly what env/agents/trivial.py submits, graded directly with env.grading
(no episodes: a constant agent never looks at the org):
- null: answer ["None"];
- refuser: refuse=true, no answer;
- keyword: refusal words + the category name + "None", refuse=true (the seed passed 31.7%).
Goal (issue 5): each < 5% of all tasks and <= 20% of any category. Exits 1 when missed.

    uv run python bench/gaming.py [--org b2b|b2c|both] [--build]

--build regenerates the task sets instead of loading the committed data/tasksets/<org>.json
(it also falls back to building when no committed set exists).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from data.tasks.model import Task
from env.agents.trivial import REFUSAL_WORDS
from env.grading import GradeResult, grade

TOTAL_LIMIT = 0.05
CATEGORY_LIMIT = 0.20


def _null(task: Task) -> GradeResult:
    return grade(task, ["None"], False, '{"name": "submit_answer", "arguments": {"answer": '
                                        '["None"]}}')


def _refuser(task: Task) -> GradeResult:
    return grade(task, None, True, '{"name": "submit_answer", "arguments": {"answer": null, '
                                   '"refuse": true}}')


def _keyword(task: Task) -> GradeResult:
    answer = [REFUSAL_WORDS, task.category.replace("_", " "), "None"]
    return grade(task, answer, True, " ".join(answer))


AGENTS: dict[str, Callable[[Task], GradeResult]] = {
    "null": _null, "refuser": _refuser, "keyword": _keyword}


def load_tasks(orgs: list[str], build: bool, console: Console) -> list[Task]:
    from data.tasks.taskset import load_task_set

    tasks: list[Task] = []
    for org in orgs:
        if not build:
            try:
                tasks += load_task_set(org)
                continue
            except FileNotFoundError:
                console.print(f"[yellow]no committed {org} task set; building it[/yellow]")
        from data.tasks.build import build_task_set

        tasks += build_task_set(org)
    return tasks


def pass_rates(tasks: list[Task]) -> dict[str, dict[str, tuple[int, int]]]:
    """agent -> category (and "TOTAL") -> (passed, tasks)."""
    rates: dict[str, dict[str, tuple[int, int]]] = {}
    for name, agent in AGENTS.items():
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for task in tasks:
            passed = agent(task).passed
            for key in (task.category, "TOTAL"):
                per[key][0] += passed
                per[key][1] += 1
        rates[name] = {k: (v[0], v[1]) for k, v in per.items()}
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", choices=("b2b", "b2c", "both"), default="both")
    parser.add_argument("--build", action="store_true", help="regenerate the task sets")
    args = parser.parse_args(argv)
    console = Console()
    orgs = ["b2b", "b2c"] if args.org == "both" else [args.org]
    tasks = load_tasks(orgs, args.build, console)
    rates = pass_rates(tasks)
    categories = sorted({t.category for t in tasks})
    table = Table(title=f"Constant agents' pass rates ({', '.join(orgs)}, {len(tasks)} tasks)")
    table.add_column("category", no_wrap=True)
    for name in AGENTS:
        table.add_column(name, justify="right")
    ok = True
    for key in [*categories, "TOTAL"]:
        cells = []
        limit = TOTAL_LIMIT if key == "TOTAL" else CATEGORY_LIMIT
        for name in AGENTS:
            passed, total = rates[name][key]
            share = passed / total if total else 0.0
            bad = share >= limit if key == "TOTAL" else share > limit
            ok &= not bad
            style = "red" if bad else ""
            cells.append(f"[{style}]{passed}/{total} ({share:.1%})[/{style}]" if style
                         else f"{passed}/{total} ({share:.1%})")
        table.add_row(f"[bold]{key}[/bold]" if key == "TOTAL" else key, *cells)
    console.print(table)
    console.print(f"goal: < {TOTAL_LIMIT:.0%} in total and <= {CATEGORY_LIMIT:.0%} per category: "
                  + ("[green]met[/green]" if ok else "[red]missed[/red]"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
