"""`crmarena assess`, `crmarena regrade` and `crmarena merge`: assessments from the shell.

assess runs reference agents in-process, or any A2A purple agent by URL, shows a progress bar,
prints a summary table and writes results.json plus the episode logs to --out. With
`--tool-transport mcp` the A2A agent's tools are served over MCP, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crmarena_cli.command import (
    UsageError,
    add_command,
    existing_folder,
    output_folder,
    print_error,
)
from crmarena_cli.config_flags import add_config_flags, config_from_args, selection_error
from env.agents import AGENT_NAMES
from env.config import AssessmentConfig
from env.shards import shard_from_environment

if TYPE_CHECKING:
    from env.task_seed import TaskSeed

console = Console()
#: Errors and notes go to stderr, so stdout stays the summary.
errors = Console(stderr=True, highlight=False)

def register(subparsers: argparse._SubParsersAction) -> None:
    # conflict_handler="resolve": a flag added by hand after the generated ones replaces it.
    assess = add_command(
        subparsers, "assess", help="assess an agent on the task set (in-process or over A2A)",
        description="Run an assessment and write results.json plus one log per episode to "
                    "--out. Re-running the same command resumes: finished episodes are kept.",
        example=["crmarena assess --agent oracle --task-limit 5 --out results/oracle",
                 "crmarena view results/oracle --task <a task id from the table>"],
        conflict_handler="resolve")
    assess.add_argument("--agent", required=True, metavar="AGENT",
                        help=f"a reference agent run in-process ({', '.join(AGENT_NAMES)}), or "
                             "the URL of an A2A agent, e.g. http://127.0.0.1:9010/ (required)")
    assess.add_argument("--out", type=Path, metavar="DIR",
                        help="results folder (default: results/<agent>-<time>); the folder of "
                             "an unfinished run of the same assessment resumes it")
    add_config_flags(assess)
    assess.set_defaults(run=_assess)

    regrade = add_command(
        subparsers, "regrade", help="recompute results.json from an assessment folder's logs",
        description="Re-grade every episode log in DIR/logs and rewrite DIR/results.json.",
        example="crmarena regrade results/oracle --check")
    regrade.add_argument("dir", type=Path, metavar="DIR", help="an assessment folder")
    regrade.add_argument("--check", action="store_true",
                         help="do not write; exit 1 if results.json differs from the logs "
                              "(default: rewrite results.json)")
    regrade.set_defaults(run=_regrade)

    merge = add_command(
        subparsers, "merge", help="merge assessment folders (shards, levels) into one",
        description="Combine the episodes of several assessment folders of one agent (shards, "
                    "drift/rot levels, trials) into --out and write one results.json: every "
                    "episode kept, with the accuracy curve across levels.",
        example="crmarena merge lv_none lv_low lv_medium lv_high --out merged")
    merge.add_argument("dirs", type=Path, nargs="+", metavar="DIR",
                       help="assessment folders of the same agent")
    merge.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help="a new (or empty) folder for the merged assessment (required)")
    merge.set_defaults(run=_merge)


def _assess(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (the task framework, a2a)
    from data.tasks.seeded import TaskSetError
    from env.protocol import AgentUnavailable
    from env.runner import AssessmentError
    from env.task_seed import TaskSeedError, resolve_task_seed

    try:  # a scheduler's containers differ only in their environment (env.shards)
        for key, value in shard_from_environment().items():
            if not hasattr(args, key):  # the flags win
                setattr(args, key, value)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    config = config_from_args(args)
    if not _is_url(args.agent) and args.agent not in AGENT_NAMES:
        raise UsageError(f"--agent {args.agent!r} is neither a reference agent "
                         f"({', '.join(AGENT_NAMES)}) nor an http(s):// URL")
    if config.tool_transport == "mcp" and not _is_url(args.agent):
        raise UsageError("--tool-transport mcp needs an A2A agent URL (serve a reference agent "
                         "with `crmarena purple oracle --transport mcp`)")
    try:
        task_seed = resolve_task_seed(config, {"agent": args.agent})
    except TaskSeedError as exc:
        raise UsageError(f"--task-seed: {exc}") from None
    out = args.out or Path("results") / f"{_slug(args.agent)}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    created = not out.exists()
    output_folder(out)
    try:
        results = asyncio.run(_run(args.agent, config, out, task_seed))
    except AssessmentError as exc:
        _remove_if_empty(out, created)
        raise selection_error(exc) from None
    except AgentUnavailable as exc:
        _remove_if_empty(out, created)
        print_error("assess", f"--agent {args.agent}: {exc}")
        return 1
    except TaskSetError as exc:
        print_error("assess", f"--task-seed {config.task_seed}: {exc}")
        return 1
    except KeyboardInterrupt:
        errors.print("interrupted; re-run the same command to resume")
        return 130
    print_summary(results)
    console.print(f"results: {out / 'results.json'}  logs: {out / 'logs'}")
    console.print(f"one trajectory: crmarena view {out} --task <task id>", highlight=False)
    return 0


def _remove_if_empty(folder: Path, created: bool) -> None:
    """Leave no empty folder behind a run that never started."""
    if created:
        for empty in (folder / "logs", folder):
            with contextlib.suppress(OSError):
                empty.rmdir()


def _is_url(agent: str) -> bool:
    return re.match(r"^https?://", agent) is not None


async def _run(agent_name: str, config: AssessmentConfig, out: Path,
               task_seed: TaskSeed) -> Any:
    # here, not at the top: `crmarena --help` stays fast (DuckDB, the task framework, a2a)
    from env.agents import make_agent
    from env.runner import plan_assessment

    async with contextlib.AsyncExitStack() as stack:
        agent: Any
        if _is_url(agent_name):
            # only for an agent over A2A: the A2A and MCP SDKs take a second to import, which a
            # built-in agent's first episode would wait for
            from green.participant import assessed_agent
            from mcp_tools.local import serve_episode_tools

            tools = await stack.enter_async_context(
                serve_episode_tools(config.tool_transport == "mcp"))
            agent = await stack.enter_async_context(assessed_agent(agent_name, config, tools))
        else:
            agent = make_agent(agent_name, drift=config.drift_level)
        plan = await plan_assessment(config, agent, out, task_seed=task_seed)
        if plan.kept:
            errors.print(f"resuming: {len(plan.kept)} of {plan.total} episodes kept")
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                      MofNCompleteColumn(), TextColumn("pass {task.fields[passed]}"),
                      TimeElapsedColumn(), console=console) as bar:
            job = bar.add_task(f"assessing {agent_name}", total=plan.total, passed=0)

            def progress(event: Any) -> None:
                bar.update(job, completed=event.done, total=event.total, passed=event.passed)

            return await plan.run(progress)


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
    if results.task_set is not None:
        console.print(f"task set: {results.task_set.describe()}")
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
    if s.agent_errors:
        console.print(f"[red]{s.agent_errors} episode(s) ended on an agent error; the first: "
                      f"{s.first_agent_error}[/red]", highlight=False)
    for warning in results.warnings:
        console.print(f"[yellow]warning: {warning}[/yellow]", highlight=False)
    console.print(f"time {t.total_seconds:.1f}s · agent {t.purple_agent_seconds:.1f}s "
                  f"({t.purple_agent_percent:.1f}%) · environment {t.green_agent_seconds:.1f}s")


def _regrade(args: argparse.Namespace) -> int:
    from env.results import RESULTS_FILE, regrade  # here: `crmarena --help` stays fast

    try:
        results = regrade(existing_folder(args.dir, "DIR"))
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
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
    from env.results import MergeError, merge_folders  # here: `crmarena --help` stays fast

    dirs = [existing_folder(d, "DIR") for d in args.dirs]
    try:
        results = merge_folders(dirs, output_folder(args.out))
    except (FileNotFoundError, MergeError) as exc:
        raise UsageError(str(exc)) from None
    print_summary(results)
    console.print(f"merged results: {args.out / 'results.json'}")
    return 0


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "agent"
