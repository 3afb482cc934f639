"""Load: N concurrent assessments against one green server, with a fast scripted purple agent,
both real HTTP servers on 127.0.0.1 (loopback only; every loop bounded).

The purple agent answers each episode in two turns: one SOQL query that names the episode's own
task id, then the task's gold answer. So every episode should pass, and a log whose query names
another task, or an assessment whose results hold a task it did not ask for, is cross-talk.

Reports throughput (episodes/s), p50/p99 turn latency (agent round trip + environment, from the
episode logs), peak RSS of this process (green + purple + client, /proc/self/status VmHWM), lost
results and cross-talk. Exit code 1 when a goal is missed.

    uv run python bench/load.py [--assessments 16] [--tasks 4] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from a2a_app.local_server import BackgroundServer
from green.assessment_client import request_assessment
from green.server import build_green_app
from purple.conversation_server import build_purple_app
from purple.reference import find_task

RSS_GOAL_MB = 400


class ScriptedConversation:
    """Query once (naming the task, so the log shows whose turn it was), then submit the gold."""

    def __init__(self) -> None:
        self.task = None

    async def reply(self, message: str) -> dict:
        if self.task is None:
            self.task = find_task(message)
            return {"name": "soql_query", "arguments": {
                "query": f"SELECT Id FROM Account WHERE Name = '{self.task.id}' LIMIT 1"}}
        return {"name": "submit_answer", "arguments": {"answer": list(self.task.answer)}}


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def end_detail(log_file: Path) -> str:
    """Why an episode ended, from its log's end line."""
    try:
        end = json.loads(log_file.read_text().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return "(no log)"
    return str(end.get("detail", ""))[:300]


def check_logs(out_dir: Path, wanted: set[str]) -> tuple[list[float], list[str]]:
    """Turn latencies of one assessment's logs, and every cross-talk problem found in them."""
    latencies, problems = [], []
    logs = sorted((out_dir / "logs").glob("*.jsonl"))
    seen = set()
    for path in logs:
        lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        task_id = lines[0]["task"]["id"]
        seen.add(task_id)
        if task_id not in wanted:
            problems.append(f"{path.name}: task {task_id} was not requested here")
        for turn in (r for r in lines if r["type"] == "turn"):
            latencies.append(turn["agent_seconds"] + turn["env_seconds"])
            query = (turn.get("arguments") or {}).get("query", "")
            if query and f"'{task_id}'" not in query:
                problems.append(f"{path.name}: a turn of another episode: {query[:80]}")
    if seen != wanted:
        problems.append(f"{out_dir.name}: logs for {len(seen)} of {len(wanted)} tasks")
    return latencies, problems


async def run_load(green_url: str, purple_url: str, batches: list[list[str]], root: Path,
                   concurrency: int, drift: str, rot: str, timeout_s: float) -> dict:
    async def one(task_ids: list[str]):
        request = {"participants": {"agent": purple_url},
                   "config": {"task_ids": task_ids, "concurrency": concurrency,
                              "drift_level": drift, "rot_level": rot, "max_steps": 5,
                              "turn_timeout": 60, "timeout": 120}}
        return await request_assessment(green_url, request, timeout_s=timeout_s)

    started = time.perf_counter()
    outcomes = await asyncio.wait_for(asyncio.gather(*(one(b) for b in batches)), timeout_s)
    wall = time.perf_counter() - started
    latencies, problems, failures, lost, passed = [], [], [], 0, 0
    for batch, outcome in zip(batches, outcomes, strict=True):
        if not outcome.completed or outcome.results is None:
            lost += len(batch)
            problems.append(f"assessment {outcome.task_id or '?'} ended {outcome.state}")
            continue
        tasks = [t["task_id"] for t in outcome.results["tasks"]]
        lost += len(set(batch) - set(tasks))
        passed += sum(t["passed"] for t in outcome.results["tasks"])
        failures += [f"{t['task_id']}: {t['termination']}: "
                     f"{end_detail(root / outcome.task_id / (t['log_file'] or ''))}"
                     for t in outcome.results["tasks"] if not t["passed"]]
        if sorted(tasks) != sorted(batch):
            problems.append(f"assessment {outcome.task_id}: results for {sorted(tasks)}")
        turn_latencies, found = check_logs(root / outcome.task_id, set(batch))
        latencies += turn_latencies
        problems += found
    episodes = sum(len(b) for b in batches)
    return {"episodes": episodes, "passed": passed, "lost": lost, "wall_s": wall,
            "episodes_per_s": episodes / wall, "turns": len(latencies),
            "turn_p50_s": percentile(latencies, 0.50), "turn_p99_s": percentile(latencies, 0.99),
            "peak_rss_mb": peak_rss_mb(), "problems": problems, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=16)
    parser.add_argument("--tasks", type=int, default=4, help="tasks per assessment")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="episodes at once per assessment")
    parser.add_argument("--drift", default="low")
    parser.add_argument("--rot", default="low")
    parser.add_argument("--org", default="b2b")
    parser.add_argument("--timeout", type=float, default=600.0, help="bound on the whole run (s)")
    args = parser.parse_args(argv)

    from data.tasks import load_task_set

    tasks = load_task_set(args.org)
    needed = args.assessments * args.tasks
    if needed > len(tasks):
        parser.error(f"{needed} tasks needed, the {args.org} task set has {len(tasks)}")
    ids = [t.id for t in tasks[:needed]]
    batches = [ids[i * args.tasks:(i + 1) * args.tasks] for i in range(args.assessments)]
    console = Console()
    with tempfile.TemporaryDirectory(prefix="crmarena-load-") as tmp:
        root = Path(tmp)
        with BackgroundServer(lambda url: build_green_app(url, results_root=root)) as green, \
                BackgroundServer(lambda url: build_purple_app(
                    url, name="scripted", description="fast scripted purple",
                    new_conversation=ScriptedConversation)) as purple:
            figures = asyncio.run(run_load(green.url, purple.url, batches, root,
                                           args.concurrency, args.drift, args.rot, args.timeout))
    concurrent = args.assessments * min(args.concurrency, args.tasks)
    table = Table(title=f"{args.assessments} assessments × {args.tasks} tasks, "
                        f"{concurrent} episodes at once (drift {args.drift}, rot {args.rot})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in (
            ("episodes", f"{figures['episodes']}"), ("passed", f"{figures['passed']}"),
            ("lost results", f"{figures['lost']}"), ("wall", f"{figures['wall_s']:.2f} s"),
            ("throughput", f"{figures['episodes_per_s']:.1f} episodes/s"),
            ("turns", f"{figures['turns']}"),
            ("turn latency p50", f"{figures['turn_p50_s'] * 1000:.0f} ms"),
            ("turn latency p99", f"{figures['turn_p99_s'] * 1000:.0f} ms"),
            ("peak RSS", f"{figures['peak_rss_mb']:.0f} MB (goal <= {RSS_GOAL_MB})"),
            ("cross-talk problems", f"{len(figures['problems'])}")):
        table.add_row(name, value)
    console.print(table)
    for problem in figures["problems"][:20]:
        console.print(f"[red]cross-talk: {problem}[/red]")
    for failure in figures["failures"][:20]:
        console.print(f"[yellow]failed episode: {failure}[/yellow]")
    ok = (figures["lost"] == 0 and not figures["problems"]
          and figures["passed"] == figures["episodes"] and figures["peak_rss_mb"] <= RSS_GOAL_MB)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
