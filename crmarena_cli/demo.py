"""`crmarena demo`: the whole stack in one command, offline.

Starts the green agent and the oracle purple agent on free local ports (uvicorn on background
threads), sends one small assessment over real A2A with drift and rot on (one task from each of
several categories), streams progress, prints the results table, copies results.json and the
episode logs to a folder, and stops both servers. It lives in the CLI layer because it starts
both a green and a purple agent, and neither of those packages imports the other.
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
from data.tasks import load_task_set
from green.assessment_client import AssessmentOutcome, request_assessment
from green.server import build_green_app
from green.summary import results_table, summary_text
from purple.conversation_server import Conversation, build_purple_app
from purple.mcp_conversation import McpConversation
from purple.reference import reference_conversation_factory

_PROGRESS = re.compile(r"task (\d+)/(\d+) · pass (\d+)")


def demo_task_ids(org: str, limit: int) -> list[str]:
    """One task from each of the first `limit` categories, so the demo shows variety."""
    first_per_category: dict[str, str] = {}
    for task in load_task_set(org):
        first_per_category.setdefault(task.category, task.id)
    return list(first_per_category.values())[:limit]


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


def run_demo(out_dir: Path | None = None, task_limit: int = 8, drift: str = "medium",
             rot: str = "medium", seed: int = 0, org: str = "b2b",
             console: Console | None = None, tool_transport: str = "message") -> int:
    console = console or Console()
    out_dir = out_dir or default_out_dir()
    started = time.monotonic()
    task_ids = demo_task_ids(org, task_limit)
    work = Path(tempfile.mkdtemp(prefix="crmarena-demo-"))
    oracle = reference_conversation_factory("oracle")
    conversation: Callable[[], Conversation] = (
        (lambda: McpConversation(lambda tools: oracle())) if tool_transport == "mcp" else oracle)
    with BackgroundServer(lambda url: build_green_app(url, results_root=work)) as green, \
            BackgroundServer(lambda url: build_purple_app(
                url, name="oracle", description="reference oracle",
                new_conversation=conversation)) as purple:
        console.print(f"green agent  [cyan]{green.url}[/cyan]\n"
                      f"oracle agent [cyan]{purple.url}[/cyan]\n"
                      f"{len(task_ids)} tasks · org {org} · drift {drift} · rot {rot} · "
                      f"tools as {tool_transport}")
        request = {"participants": {"agent": purple.url},
                   "config": {"task_ids": task_ids, "org_type": org, "drift_level": drift,
                              "rot_level": rot, "seed": seed, "concurrency": 8,
                              "tool_transport": tool_transport}}
        outcome = asyncio.run(_assess(green.url, request, console))
    if not outcome.completed or outcome.results is None:
        console.print(f"[red]assessment ended {outcome.state}[/red]: "
                      + (outcome.statuses[-1] if outcome.statuses else ""))
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    produced = work / outcome.task_id
    if produced.is_dir():
        shutil.copytree(produced, out_dir, dirs_exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(outcome.results, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    console.print(results_table(outcome.results, title="Oracle over A2A"))
    console.print(summary_text(outcome.results))
    console.print(f"results in [bold]{out_dir}[/bold] · {time.monotonic() - started:.1f}s")
    console.print(f"see each trajectory: [bold]crmarena view {out_dir} --open[/bold]")
    return 0
