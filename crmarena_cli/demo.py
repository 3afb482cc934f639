"""`crmarena demo`: the whole stack in one command, offline.

Starts the green agent and the oracle purple agent on free local ports (uvicorn on background
threads), sends one small assessment over real A2A with drift and rot on (one task from each of
several categories: the selection is stratified), streams progress, prints the results table,
copies results.json and the episode logs to a folder, and stops both servers. It lives in the
CLI layer because it starts both a green and a purple agent, and neither of those packages
imports the other.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from a2a_app.local_server import BackgroundServer
from core.atomic import atomic_write
from core.task import Task
from crmarena_cli.command import UsageError
from data.tasks.seeded import TaskSetError
from env.config import AssessmentConfig
from env.runner import prepare_tasks, select_refs
from env.task_seed import TaskSeed, TaskSeedError, resolve_task_seed
from green.assessment_client import AssessmentOutcome, request_assessment
from green.server import build_green_app
from green.summary import results_table, summary_text
from purple.conversation_server import Conversation, build_purple_app
from purple.mcp_conversation import McpConversation
from purple.reference import reference_conversation_factory

_PROGRESS = re.compile(r"task (\d+)/(\d+) · pass (\d+)")


def oracle_tasks(config: AssessmentConfig, task_seed: TaskSeed) -> list[Task] | None:
    """The tasks the green agent will ask the in-process oracle (None: the public set's, which
    it knows). The green agent resolves the same seed (same request, same secret), so the
    oracle can serve a fresh or secret task set too."""
    return None if task_seed.public else prepare_tasks(config, task_seed)


def default_out_dir() -> Path:
    return Path("results") / f"demo-{dt.datetime.now():%Y%m%d-%H%M%S}"


async def _assess(green_url: str, request: dict[str, Any], console: Console) -> AssessmentOutcome:
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[note]}"), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        row = bar.add_task("assessing", total=None, note="starting")

        def on_status(text: str) -> None:
            match = _PROGRESS.search(text)
            if match:
                done, total, passed = map(int, match.groups())
                bar.update(row, completed=done, total=total, note=f"pass {passed}")
            else:
                bar.update(row, note=text[:60])

        return await request_assessment(green_url, request, on_status=on_status)


def run_demo(config: AssessmentConfig, out_dir: Path | None = None,
             console: Console | None = None) -> int:
    """Assess the oracle over real A2A under `config`. The selection is checked before any
    server starts (AssessmentError for unknown task ids or categories; UsageError for a
    task_seed the assessor refuses)."""
    console = console or Console()
    out_dir = out_dir or default_out_dir()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="crmarena-demo-"))
    try:
        # The oracle resolves the task seed as the green agent will: from its own URL (a
        # secret seed depends on the request's participants).
        def oracle_app(url: str) -> Any:
            seed = resolve_task_seed(config, {"agent": url})
            oracle = reference_conversation_factory("oracle", oracle_tasks(config, seed))
            conversation: Callable[[], Conversation] = (
                (lambda: McpConversation(lambda tools: oracle()))
                if config.tool_transport == "mcp" else oracle)
            return build_purple_app(url, name="oracle", description="reference oracle",
                                    new_conversation=conversation)

        # Checks the selection (and refuses a task_seed beside a secret) before any server
        # starts; refs build nothing, and every task set has the same ids.
        task_seed = resolve_task_seed(config, {"agent": "demo"})
        selected = select_refs(config, [task_seed.task_set(org) for org in config.orgs])
        with BackgroundServer(lambda url: build_green_app(url, results_root=work)) as green, \
                BackgroundServer(oracle_app) as purple:
            console.print(f"green agent listening on [cyan]{green.url}[/cyan]\n"
                          f"oracle agent listening on [cyan]{purple.url}[/cyan]\n"
                          f"{len(selected)} tasks · org {config.org_type} · drift "
                          f"{config.drift_level} · rot {config.rot_level} · tools as "
                          f"{config.tool_transport}")
            request = {"participants": {"agent": purple.url},
                       "config": config.model_dump(mode="json", exclude_none=True)}
            outcome = asyncio.run(_assess(green.url, request, console))
        if not outcome.completed or outcome.results is None:
            console.print(f"[red]assessment ended {outcome.state}[/red]: "
                          + (outcome.statuses[-1] if outcome.statuses else ""))
            return 1
        out_dir.mkdir(parents=True, exist_ok=True)
        produced = work / outcome.task_id
        if produced.is_dir():
            shutil.copytree(produced, out_dir, dirs_exist_ok=True)
        atomic_write(out_dir / "results.json", json.dumps(outcome.results, indent=2))
    except TaskSeedError as exc:  # refused: the assessor keeps a secret seed
        raise UsageError(f"--task-seed: {exc}") from None
    except TaskSetError as exc:  # a seed whose task set cannot be generated
        console.print(f"[red]error:[/red] --task-seed {config.task_seed}: {exc}",
                      soft_wrap=True)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    console.print(results_table(outcome.results, title="Oracle over A2A"))
    console.print(summary_text(outcome.results))
    console.print(f"results in [bold]{out_dir}[/bold] · {time.monotonic() - started:.1f}s")
    console.print(f"see each trajectory: [bold]crmarena view {out_dir} --open[/bold]")
    return 0
