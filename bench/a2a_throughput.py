"""Throughput of a whole assessment over A2A on loopback: the oracle purple agent assessed on the
whole default task set by the green agent, both real HTTP servers on 127.0.0.1.

Prints tasks/s (wall clock, as the caller sees it) and the green server's share of the time:
from results.json timing, episode time spent in the environment vs waiting for the purple agent;
and the green process's CPU time against the wall clock.
The purple agent runs in its own process by default (as it would in AgentBeats).
`--tool-transport mcp` serves each episode's tools over MCP and runs the oracle with `--transport
mcp`: compare the green CPU per task of the two transports.

    uv run python bench/a2a_throughput.py [--org b2b|b2c|both] [--concurrency 32]
                                          [--tool-transport message|mcp]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from a2a_app.local_server import BackgroundServer, bind_socket
from green.assessment_client import request_assessment
from green.server import build_green_app


def _start_purple_process(port: int, transport: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "crmarena_cli", "purple", "oracle", "--port", str(port),
         "--transport", transport],
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
    """User+system CPU of a child process (Linux /proc), None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", default="both", choices=["b2b", "b2c", "both"])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--drift", default="medium")
    parser.add_argument("--rot", default="medium")
    parser.add_argument("--task-limit", type=int)
    parser.add_argument("--tool-transport", default="message", choices=["message", "mcp"])
    parser.add_argument("--in-process-purple", action="store_true",
                        help="serve the oracle on a thread of this process instead")
    args = parser.parse_args()

    config = {"org_type": args.org, "concurrency": args.concurrency,
              "drift_level": args.drift, "rot_level": args.rot,
              "tool_transport": args.tool_transport}
    if args.task_limit:
        config["task_limit"] = args.task_limit
    work = Path(tempfile.mkdtemp(prefix="crmarena-bench-"))
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
        purple_cpu_started = (_process_cpu_seconds(purple_process.pid)
                              if purple_process is not None else None)
        with BackgroundServer(lambda url: build_green_app(url, results_root=work)) as green:
            started, cpu_started = time.perf_counter(), time.process_time()
            outcome = asyncio.run(request_assessment(
                green.url, {"participants": {"agent": purple_url}, "config": config}))
            wall = time.perf_counter() - started
            green_cpu = time.process_time() - cpu_started
            purple_cpu = (_process_cpu_seconds(purple_process.pid) - purple_cpu_started
                          if purple_cpu_started is not None else None)
    finally:
        if purple_server is not None:
            purple_server.stop()
        if purple_process is not None:
            purple_process.terminate()
            purple_process.wait(timeout=10)
    if not outcome.completed:
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
        print(f"CPU per task: green {1000 * green_cpu / total:.0f} ms, "
              f"purple {1000 * purple_cpu / total:.0f} ms; "
              f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
