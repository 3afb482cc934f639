"""`crmarena assess`, `crmarena regrade` and `crmarena merge`: assessments from the shell.

assess runs reference agents in-process, or any A2A purple agent by URL, shows a progress bar,
prints a summary table and writes results.json plus the episode logs to --out.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.levels import LEVELS
from env.config import AssessmentConfig
from env.shards import shard_from_environment

console = Console()


def register(subparsers: argparse._SubParsersAction) -> None:
    assess = subparsers.add_parser(
        "assess", help="assess an agent on the task set (in-process or over A2A)",
        description="Run an assessment and write results.json plus per-episode logs.")
    assess.add_argument("--agent", required=True,
                        help="oracle | null | refuser | keyword | careless | URL of an A2A agent")
    assess.add_argument("--org", default="b2b", choices=("b2b", "b2c", "both"))
    assess.add_argument("--category", action="append", dest="categories", metavar="CATEGORY",
                        help="only this category (repeatable)")
    assess.add_argument("--task-id", action="append", dest="task_ids", metavar="ID")
    assess.add_argument("--task-limit", type=int)
    assess.add_argument("--task-percentage", type=float)
    assess.add_argument("--drift", default="none", choices=LEVELS)
    assess.add_argument("--rot", default="none", choices=LEVELS)
    assess.add_argument("--trials", type=int, default=1)
    assess.add_argument("--concurrency", type=int, default=8)
    assess.add_argument("--max-steps", type=int, default=20)
    assess.add_argument("--timeout", type=float, default=300.0, help="per-task timeout (s)")
    assess.add_argument("--turn-timeout", type=float, default=120.0, help="per-reply timeout (s)")
    assess.add_argument("--seed", type=int, default=0)
    assess.add_argument("--shard-index", type=int,
                        help="run this shard of the task list (default $CRMARENA_SHARD_INDEX, "
                             "else $JOB_COMPLETION_INDEX, else 0)")
    assess.add_argument("--num-shards", type=int,
                        help="number of shards (default $CRMARENA_NUM_SHARDS, else 1)")
    assess.add_argument("--out", type=Path,
                        help="results folder (default results/<agent>-<time>); an existing "
                             "folder of the same assessment resumes")
    assess.set_defaults(run=_assess)

    regrade = subparsers.add_parser(
        "regrade", help="recompute results.json from an assessment folder's logs",
        description="Re-grade every episode log in DIR/logs and rewrite DIR/results.json.")
    regrade.add_argument("dir", type=Path)
    regrade.add_argument("--check", action="store_true",
                         help="do not write; exit 1 if results.json differs from the logs")
    regrade.set_defaults(run=_regrade)

    merge = subparsers.add_parser(
        "merge", help="merge shard result folders into one",
        description="Combine the logs of several assessment folders (shards) into --out and "
                    "write one results.json.")
    merge.add_argument("dirs", type=Path, nargs="+")
    merge.add_argument("--out", type=Path, required=True)
    merge.set_defaults(run=_merge)


def build_config(args: argparse.Namespace) -> AssessmentConfig:
    """The assessment the flags describe; the shard flags default to the environment's
    (env.shards: CRMARENA_SHARD_INDEX or JOB_COMPLETION_INDEX, CRMARENA_NUM_SHARDS)."""
    shard = shard_from_environment()
    return AssessmentConfig(
        task_limit=args.task_limit, task_percentage=args.task_percentage,
        task_ids=args.task_ids, task_categories=args.categories, drift_level=args.drift,
        rot_level=args.rot, org_type=args.org, max_steps=args.max_steps, timeout=args.timeout,
        turn_timeout=args.turn_timeout, trials=args.trials, concurrency=args.concurrency,
        seed=args.seed,
        shard_index=shard.get("shard_index", 0) if args.shard_index is None else args.shard_index,
        num_shards=shard.get("num_shards", 1) if args.num_shards is None else args.num_shards)


def _assess(args: argparse.Namespace) -> int:
    from env.runner import AssessmentError  # here, not at the top: `crmarena --help` stays fast

    try:
        config = build_config(args)
    except ValueError as exc:  # pydantic's ValidationError, or a bad shard variable
        console.print(f"[red]invalid options:[/red] {exc}")
        return 2
    out = args.out or Path("results") / (
        f"{_slug(args.agent)}-{dt.datetime.now():%Y%m%d-%H%M%S}")
    try:
        results = asyncio.run(_run(args.agent, config, out))
    except (AssessmentError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    print_summary(results)
    console.print(f"results: {out / 'results.json'}  logs: {out / 'logs'}")
    return 0


async def _run(agent_name: str, config: AssessmentConfig, out: Path) -> Any:
    # here, not at the top: `crmarena --help` stays fast (DuckDB, the task framework, a2a)
    from env.agents import make_agent
    from env.runner import run_assessment
    from green.client import A2AAgent

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("pass {task.fields[passed]}"), TimeElapsedColumn(),
                  console=console) as bar:
        job = bar.add_task(f"assessing {agent_name}", total=None, passed=0)

        def progress(event: Any) -> None:
            bar.update(job, completed=event.done, total=event.total, passed=event.passed)

        if re.match(r"^https?://", agent_name):
            async with A2AAgent(agent_name, turn_timeout_s=config.turn_timeout) as agent:
                return await run_assessment(config, agent, out, progress)
        reference_agent = make_agent(agent_name, drift=config.drift_level)
        return await run_assessment(config, reference_agent, out, progress)


def print_summary(results: Any) -> None:
    s, t = results.summary, results.timing
    table = Table(title=f"{s.total_passed}/{s.total_tasks} passed · pass rate "
                        f"{100 * s.pass_rate:.1f}% · score {s.avg_score:.2f}")
    table.add_column("dimension")
    table.add_column("weight", justify="right")
    table.add_column("average", justify="right")
    for dim, value in results.dimension_averages.items():
        table.add_row(dim, str(results.weights[dim]), f"{value:.2f}")
    console.print(table)
    if len(results.by_category) > 1:
        cats = Table(title="by category")
        for col in ("category", "episodes", "passed", "pass rate", "score"):
            cats.add_column(col, justify="left" if col == "category" else "right")
        for name, agg in results.by_category.items():
            cats.add_row(name, str(agg.episodes), str(agg.passed), f"{100 * agg.pass_rate:.0f}%",
                         f"{agg.avg_score:.2f}")
        console.print(cats)
    if len(results.pass_hat_k) > 1:
        console.print("pass^k: " + ", ".join(f"k={k}: {v:.3f}"
                                             for k, v in results.pass_hat_k.items()))
    if s.environment_errors:
        console.print(f"[red]{s.environment_errors} episode(s) could not be set up (environment "
                      "errors, scored failed): see the end line of their logs[/red]")
    console.print(f"time {t.total_seconds:.1f}s · agent {t.purple_agent_seconds:.1f}s "
                  f"({t.purple_agent_percent:.1f}%) · environment {t.green_agent_seconds:.1f}s")


def _regrade(args: argparse.Namespace) -> int:
    from env.results import RESULTS_FILE, regrade  # here: `crmarena --help` stays fast

    try:
        results = regrade(args.dir)
    except FileNotFoundError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    if args.check:
        path = args.dir / RESULTS_FILE
        current = path.read_text() if path.exists() else ""
        same = current.strip() == results.to_json().strip()
        console.print("results.json matches the logs" if same else
                      "[red]results.json differs from the logs[/red]")
        return 0 if same else 1
    results.write(args.dir)
    print_summary(results)
    return 0


def _merge(args: argparse.Namespace) -> int:
    from env.results import merge_folders  # here: `crmarena --help` stays fast

    try:
        results = merge_folders(args.dirs, args.out)
    except (FileNotFoundError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    print_summary(results)
    console.print(f"merged results: {args.out / 'results.json'}")
    return 0


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "agent"
