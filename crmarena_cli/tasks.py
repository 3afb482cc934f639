"""`crmarena tasks build|prepare|list`: regenerate and inspect the committed default task sets,
and build a fresh task seed's orgs and task sets ahead of its assessments."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from core.org_type import ORG_TYPES
from core.task import CATEGORIES
from crmarena_cli.command import UsageError, add_command, print_error, show_help
from crmarena_cli.org import orgs_of_choice


def register(subparsers: argparse._SubParsersAction) -> None:
    tasks = add_command(subparsers, "tasks", help="build or list the default task sets",
                        example="crmarena tasks list --org b2b --category quote_approval")
    sub = tasks.add_subparsers(dest="tasks_command", metavar="ACTION")
    tasks.set_defaults(run=show_help(tasks))
    categories = ", ".join(CATEGORIES)

    build = add_command(sub, "build", help="regenerate data/tasksets/<org>.json from the seed",
                        example="crmarena tasks build --check")
    build.add_argument("--org", choices=[*ORG_TYPES, "all"], default="all", help="which org")
    build.add_argument("--seed", type=int, default=None, help="org and task seed (default: 42)")
    build.add_argument("--per-category", type=int, default=None, metavar="N",
                       help="tasks per category (default: 20)")
    build.add_argument("--category", action="append", default=None, choices=CATEGORIES,
                       metavar="CATEGORY",
                       help=f"only this category; repeatable; needs --out (default: all; one "
                            f"of: {categories})")
    build.add_argument("--out", type=Path, default=None, metavar="PATH",
                       help="write here instead of the committed file, one org only (default: "
                            "data/tasksets/<org>.json)")
    build.add_argument("--check", action="store_true",
                       help="build, compare with the committed file, exit 1 if they differ")
    build.set_defaults(run=run_build)

    prepare = add_command(
        sub, "prepare", help="build a fresh task seed's orgs and task sets into the cache",
        description="Build (or confirm) the orgs and every task category of a task seed, so "
                    "assessments with that task_seed start at once. Prints the time taken.",
        example="crmarena tasks prepare --task-seed 1001")
    prepare.add_argument("--task-seed", required=True, type=int, metavar="N",
                         help="the task seed to build (required)")
    prepare.add_argument("--org", choices=[*ORG_TYPES, "all"], default="all",
                         help="which org (default: all)")
    prepare.add_argument("--one-process", action="store_true",
                         help="build the orgs one after the other in this process (default: "
                              "in parallel processes)")
    prepare.set_defaults(run=run_prepare)

    show = add_command(sub, "list", help="show the default task set",
                       example="crmarena tasks list --org b2b --category quote_approval")
    show.add_argument("--org", choices=[*ORG_TYPES, "all"], default="all", help="which org")
    show.add_argument("--category", action="append", default=None, choices=CATEGORIES,
                      metavar="CATEGORY",
                      help=f"only this category; repeatable (default: all; one of: "
                           f"{categories})")
    show.add_argument("--json", action="store_true", help="print the tasks as JSON")
    show.set_defaults(run=run_list)


def run_build(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (the task framework, DuckDB)
    from data.tasks.build import DEFAULT_PER_CATEGORY, BuildReport, build_task_set, default_seed
    from data.tasks.categories import IMPORT_ERRORS
    from data.tasks.taskset import dump_task_set, make_meta, save_task_set, taskset_path

    console = Console(stderr=True)
    orgs = orgs_of_choice(args.org)
    if args.out is not None and len(orgs) != 1:
        raise UsageError("--out needs a single --org (b2b or b2c)")
    if args.category and args.out is None and not args.check:
        raise UsageError("--category builds a subset, which is never written over the committed "
                         "set: pass --out PATH")
    seed = default_seed() if args.seed is None else args.seed
    per_category = args.per_category or DEFAULT_PER_CATEGORY
    status = 0
    for module, error in sorted(IMPORT_ERRORS.items()):
        console.print(f"[red]category module {module!r} failed to import: {error}[/red]")
        status = 1
    for org in orgs:
        report = BuildReport()
        started = time.perf_counter()
        tasks = build_task_set(org, seed=seed, per_category=per_category,
                               categories=args.category, progress=True, report=report)
        seconds = time.perf_counter() - started
        meta = make_meta(org, seed, per_category, tasks)
        _print_report(console, org, report, len(tasks), seconds)
        if report.errors:
            status = 1
        path = args.out or taskset_path(org)
        if args.check:
            committed = path.read_text(encoding="utf-8") if path.exists() else None
            if committed != dump_task_set(meta, tasks):
                console.print(f"[red]{path} differs from a fresh build[/red]"
                              if committed is not None else f"[red]{path} is missing[/red]")
                status = 1
            else:
                console.print(f"[green]{path} is up to date[/green]")
            continue
        save_task_set(meta, tasks, path)
        console.print(f"wrote {len(tasks)} tasks to {path}")
    return status


def _print_report(console: Console, org: str, report, total: int, seconds: float) -> None:
    table = Table(title=f"{org}: {total} tasks in {seconds:.1f} s")
    for col in ("category", "kept", "None", "drafts", "ambiguous", "None over quota", "oversized",
                "heuristic budget", "s"):
        table.add_column(col, justify="left" if col == "category" else "right",
                         no_wrap=col == "category")
    for c in report.categories:
        kept = f"[red]{c.kept}/{c.wanted}[/red]" if c.short else str(c.kept)
        name = f"[red]{c.category} ({c.error})[/red]" if c.error else c.category
        table.add_row(name, kept, str(c.none_answers), str(c.drafts), str(c.ambiguous),
                      str(c.none_over_quota), str(c.oversized),
                      str(sum(c.heuristic_rejects.values())), f"{c.seconds:.1f}")
    console.print(table)


def run_prepare(args: argparse.Namespace) -> int:
    from data.tasks.seeded import TaskSetError, prepare  # here: `crmarena --help` stays fast

    console = Console(stderr=True)
    if args.task_seed < 0:
        raise UsageError("--task-seed must be a non-negative integer")
    started = time.perf_counter()
    try:
        built = prepare(args.task_seed, orgs_of_choice(args.org),
                        processes=not args.one_process)
    except TaskSetError as exc:
        print_error("tasks prepare", str(exc))
        return 1
    for org, (count, seconds) in built.items():
        console.print(f"{org}: org and {count} tasks ready in {seconds:.1f} s")
    console.print(f"task seed {args.task_seed}: ready in {time.perf_counter() - started:.1f} s")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from data.tasks.taskset import load_task_set  # here: `crmarena --help` stays fast

    tasks = []
    for org in orgs_of_choice(args.org):
        try:
            tasks.extend(load_task_set(org))
        except FileNotFoundError as exc:
            Console(stderr=True).print(f"[red]{exc}[/red]")
            return 1
    if args.category:
        tasks = [t for t in tasks if t.category in set(args.category)]
    if args.json:
        json.dump([t.model_dump(mode="json") for t in tasks], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    table = Table(title=f"{len(tasks)} tasks")
    table.add_column("id", no_wrap=True, min_width=max((len(t.id) for t in tasks), default=2))
    table.add_column("category", overflow="fold", min_width=12)
    table.add_column("metric", overflow="fold", min_width=6)
    table.add_column("query", overflow="fold", ratio=1)
    table.add_column("gold", overflow="fold", min_width=18)
    for t in tasks:
        query = " ".join(t.query.split())
        table.add_row(t.id, t.category, t.reward_metric,
                      query if len(query) <= 80 else query[:77] + "...", ", ".join(t.answer))
    Console().print(table)
    return 0
