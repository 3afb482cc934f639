"""Throughput of a whole assessment over A2A on loopback: the oracle purple agent assessed on the
whole default task set by the green agent, both real HTTP servers on 127.0.0.1.

Prints tasks/s (wall clock, as the caller sees it) and the green server's share of the time:
from results.json timing, episode time spent in the environment vs waiting for the purple agent;
the CPU per task of the green process (and its workers; without the bench's own client and
sampler threads) and of the purple's; where the green's CPU goes (views, DuckDB, A2A client,
tokens, logging, other: each thread's CPU clock read beside its stack); and the green's peak
RSS.
The purple agent runs in its own process by default (as it would in AgentBeats).
`--tool-transport mcp` serves each episode's tools over MCP and runs the oracle with `--transport
mcp`: compare the green CPU per task of the two transports.

    uv run python bench/a2a_throughput.py [--org b2b|b2c|both] [--concurrency 32] [--out DIR]
                                          [--tool-transport message|mcp] [--repeat N]
    uv run python bench/a2a_throughput.py --compare DIR_A DIR_B   # results.json equal but timings?

The script only uses APIs that also existed before the work it measures, so the same file can
time an older checkout: run it with that checkout's interpreter (with the default transport).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from green.assessment_client import request_assessment
from green.server import build_green_app

try:
    from a2a_app.local_server import BackgroundServer, bind_socket
except ImportError:  # a checkout from before a2a_app existed
    from green.local_server import (  # type: ignore[import-not-found, no-redef]
        BackgroundServer,
        bind_socket,
    )

#: Where the green's CPU goes, by the frames on a sampled thread's stack: the first category
#: (in this order) with a frame whose "file:function" matches.
PARTS: list[tuple[str, re.Pattern[str]]] = [
    ("tokens", re.compile(r"env/tokens\.py:")),
    ("logging", re.compile(r"env/log\.py:(write|close|_line)$")),
    ("DuckDB", re.compile(r"sandbox_db/database\.py:execute$")),
    ("views", re.compile(r"sandbox_db/database\.py:(_take_view|_create_view|acquire|release|"
                         r"close|open_view|prefetch)$|episode\.py:open_episode_org$|"
                         r"env/rot_prefetch\.py:")),
    ("A2A client", re.compile(r"green/(client|wire)\.py:|/aiohttp/|/a2a/client/")),
]

class Breakdown:
    """Where the green process's CPU goes: a thread reads every other thread's CPU clock and
    stack every few milliseconds, and the CPU a thread used since the last look counts for the
    first part whose frames its stack shows (a thread inside DuckDB holds no GIL but shows its
    Python caller, so it counts; a thread that waits uses no CPU, so it does not). What no
    sampled thread used goes to "other". The sampler's own CPU is measured apart (`own_cpu`)."""

    def __init__(self, interval_s: float = 0.004) -> None:
        self.cpu = dict.fromkeys([name for name, _ in PARTS], 0.0)
        self.own_cpu = 0.0
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = threading.get_ident()
        started = time.thread_time()
        last: dict[int, float] = {}
        while not self._stop.wait(self._interval_s):
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                try:
                    used = time.clock_gettime(time.pthread_getcpuclockid(ident))
                except OSError:  # the thread has just ended
                    continue
                delta = used - last.get(ident, used)
                last[ident] = used
                if delta <= 0:
                    continue
                names = []
                current: Any = frame
                while current is not None:
                    code = current.f_code
                    names.append(f"{code.co_filename}:{code.co_name}")
                    current = current.f_back
                part = next((name for name, pattern in PARTS
                             if any(pattern.search(n) for n in names)), None)
                if part is not None:
                    self.cpu[part] += delta
        self.own_cpu = time.thread_time() - started

    def per_task_ms(self, cpu_seconds: float, tasks: int) -> dict[str, float]:
        parts = {name: 1000 * seconds / tasks for name, seconds in self.cpu.items()}
        parts["other"] = max(0.0, 1000 * cpu_seconds / tasks - sum(parts.values()))
        return parts


def _start_purple_process(port: int, transport: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "crmarena_cli", "purple", "oracle", "--port", str(port),
         # the flag only when needed: older checkouts have no --transport
         *(["--transport", transport] if transport != "message" else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/.well-known/agent-card.json", timeout=1)
            return process
        except httpx.HTTPError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the oracle purple did not start")


def _process_cpu_seconds(pid: int) -> float | None:
    """User+system CPU of a process and its reaped children (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _green_cpu_seconds() -> float:
    """This process (the green agent in a thread) plus any worker processes it started."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped workers
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _live_children() -> list[int]:
    """Worker processes still running (their CPU is not in RUSAGE_CHILDREN until reaped)."""
    try:
        return [int(p) for p in Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
                .read_text().split()]
    except OSError:
        return []


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _comparable(results: dict[str, Any]) -> dict[str, Any]:
    """results.json without what may differ between two runs of the same assessment: timings
    and the assessment's own folder names."""
    out = {k: v for k, v in results.items() if k != "timing"}
    out["tasks"] = sorted(
        ({k: v for k, v in t.items() if k != "log_file"}
         | {"metrics": {k: v for k, v in t["metrics"].items()
                        if k not in ("agent_seconds", "env_seconds", "wall_seconds")}}
         for t in results["tasks"]), key=lambda t: (t["task_id"], t["trial"]))
    return out


def compare(a: Path, b: Path) -> int:
    found = [sorted(d.rglob("results.json")) for d in (a, b)]
    if not all(found):
        print("no results.json under", a if not found[0] else b)
        return 2
    left, right = (_comparable(json.loads(f[0].read_text())) for f in found)
    if left == right:
        print(f"identical modulo timings: {found[0][0]} == {found[1][0]}")
        return 0
    differing = [t["task_id"] for t, u in zip(left["tasks"], right["tasks"], strict=False)
                 if t != u]
    print(f"DIFFERENT: {len(differing)} tasks differ, e.g. {differing[:5]}; "
          f"top-level keys differing: {[k for k in left if left[k] != right.get(k)]}")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", default="both", choices=["b2b", "b2c", "both"])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--drift", default="medium")
    parser.add_argument("--rot", default="medium")
    parser.add_argument("--task-limit", type=int)
    parser.add_argument("--out", type=Path, help="keep results.json and logs here")
    parser.add_argument("--workers", type=int, default=1,
                        help="green worker processes (crmarena serve --workers)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar="DIR",
                        help="only compare two --out folders' results.json, timings aside")
    parser.add_argument("--tool-transport", default="message", choices=["message", "mcp"])
    parser.add_argument("--repeat", type=int, default=1,
                        help="assess this many times on the same green server, figures for "
                             "each (later ones: its caches warm, as in a sweep of agents)")
    parser.add_argument("--in-process-purple", action="store_true",
                        help="serve the oracle on a thread of this process instead")
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)

    config = {"org_type": args.org, "concurrency": args.concurrency,
              "drift_level": args.drift, "rot_level": args.rot,
              **({"tool_transport": args.tool_transport}
                 if args.tool_transport != "message" else {})}
    if args.task_limit:
        config["task_limit"] = args.task_limit
    work = args.out or Path(tempfile.mkdtemp(prefix="crmarena-bench-"))
    purple_process = purple_server = None
    try:
        if args.in_process_purple:
            from crmarena_cli.purple import build_app

            purple_args = argparse.Namespace(agent="oracle", transport=args.tool_transport)
            purple_server = BackgroundServer(lambda url: build_app(purple_args, url)).start()
            purple_url = purple_server.url
        else:
            sock = bind_socket()
            port = sock.getsockname()[1]
            sock.close()
            purple_process = _start_purple_process(port, args.tool_transport)
            purple_url = f"http://127.0.0.1:{port}/"
        green_options: dict[str, Any] = {"workers": args.workers} if args.workers > 1 else {}
        with BackgroundServer(lambda url: build_green_app(url, results_root=work,
                                                          **green_options)) as green:
            for run in range(1, args.repeat + 1):
                if args.repeat > 1:
                    print(f"--- assessment {run}/{args.repeat} on the same green server"
                          + (" (its caches warm from the first)" if run > 1 else ""))
                status = _measure(args, config, green.url, purple_url, purple_process)
                if status:
                    return status
    finally:
        if purple_server is not None:
            purple_server.stop()
        if purple_process is not None:
            purple_process.terminate()
            purple_process.wait(timeout=10)
    print(f"results: {work}")
    return 0


def _measure(args: argparse.Namespace, config: dict[str, Any], green_url: str,
             purple_url: str, purple_process: subprocess.Popen | None) -> int:
    """One assessment through the running servers, and its figures printed."""
    breakdown = Breakdown()
    purple_cpu_started = (_process_cpu_seconds(purple_process.pid)
                          if purple_process is not None else None)
    started, cpu_started = time.perf_counter(), _green_cpu_seconds()
    breakdown.start()
    client_started = time.thread_time()
    try:
        # The caller's side (AgentBeats' client) runs on this thread: its CPU is not the
        # green's, and neither is the sampler's.
        outcome = asyncio.run(request_assessment(
            green_url, {"participants": {"agent": purple_url}, "config": config}))
    finally:
        client_cpu = time.thread_time() - client_started
        breakdown.stop()
    wall = time.perf_counter() - started
    workers = _live_children()
    if purple_process is not None:
        workers = [p for p in workers if p != purple_process.pid]
    green_cpu = (_green_cpu_seconds() - cpu_started - client_cpu - breakdown.own_cpu
                 + sum(_process_cpu_seconds(p) or 0.0 for p in workers))
    purple_cpu = None
    if purple_process is not None and purple_cpu_started is not None:
        purple_cpu = (_process_cpu_seconds(purple_process.pid) or 0.0) - purple_cpu_started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_rss = [_rss_mb(p) for p in workers]
    if not outcome.completed or outcome.results is None:
        print(f"assessment ended {outcome.state}: {outcome.statuses[-1:]}")
        return 1
    results = outcome.results
    total = results["summary"]["total_tasks"]
    timing = results["timing"]
    # Episode time split: in the environment (green) vs waiting for the purple's reply.
    green_share = timing["green_agent_seconds"] / max(
        timing["green_agent_seconds"] + timing["purple_agent_seconds"], 1e-9)
    print(f"tasks: {total}  passed: {results['summary']['total_passed']}  "
          f"FUNCTIONAL: {results['dimension_averages']['FUNCTIONAL']}")
    print(f"wall: {wall:.2f}s  throughput: {total / wall:.1f} tasks/s  "
          f"(concurrency {args.concurrency}, drift {args.drift}, rot {args.rot}, "
          f"tools as {args.tool_transport})")
    print(f"green server share of episode time: {100 * green_share:.1f}% "
          f"(purple {100 - 100 * green_share:.1f}%); green process CPU "
          f"{green_cpu:.2f}s = {100 * green_cpu / wall:.0f}% of wall"
          + ("" if args.in_process_purple else " (purple in its own process)"))
    if purple_cpu is not None:
        print(f"CPU per task: green {1000 * green_cpu / total:.1f} ms, "
              f"purple {1000 * purple_cpu / total:.1f} ms; "
              f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"not counted as the green's: the bench's client {1000 * client_cpu / total:.1f} ms "
          f"and sampler {1000 * breakdown.own_cpu / total:.1f} ms per task")
    if workers:
        print("breakdown: sampled in this process only (episodes ran in worker processes)")
    parts = breakdown.per_task_ms(green_cpu, total)
    print("green CPU per task by part: " + ", ".join(
        f"{name} {ms:.1f} ms" for name, ms in parts.items()))
    print(f"green RSS: peak {rss:.0f} MB"
          + (f" + workers {', '.join(f'{r:.0f}' for r in worker_rss)} MB" if workers else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
