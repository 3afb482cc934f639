"""`crmarena serve` (the green agent, AgentBeats' CLI convention) and `crmarena demo`
(crmarena_cli.demo)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from env.config import TOOL_TRANSPORTS

#: AgentBeats' conventional port (green.server.DEFAULT_PORT; not imported: keeps --help fast).
DEFAULT_PORT = 9009
#: Where `crmarena serve` keeps results when --results-dir is not given.
RESULTS_DIR_ENV = "CRMARENA_RESULTS_DIR"


def _serve(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (uvicorn, a2a, DuckDB)
    import uvicorn

    from green.server import build_green_app

    url = args.card_url or f"http://{args.host}:{args.port}/"
    app = build_green_app(url, results_root=args.results_dir)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from crmarena_cli.demo import run_demo  # here, not at the top: `crmarena --help` stays fast

    return run_demo(out_dir=args.out, task_limit=args.task_limit, drift=args.drift, rot=args.rot,
                    seed=args.seed, tool_transport=args.tool_transport)


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="run the green agent (A2A assessor) server",
        description="Serve the green agent over A2A (JSON-RPC at /, card at "
                    "/.well-known/agent-card.json).")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--card-url", help="URL to advertise in the agent card "
                                          "(default http://HOST:PORT/)")
    serve.add_argument("--results-dir", type=Path, default=os.environ.get(RESULTS_DIR_ENV),
                       help="keep each assessment's results.json and logs under "
                            "DIR/req-<hash of the request>, linked from DIR/<task id>; the same "
                            "request sent again after a crash resumes there (default: "
                            f"${RESULTS_DIR_ENV}, else a temporary folder per assessment)")
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(run=_serve)

    demo = subparsers.add_parser(
        "demo", help="run a small assessment of the oracle agent over real A2A, offline",
        description="Start the green agent and the oracle purple agent on free local ports, "
                    "assess the oracle with drift and rot on, print the results, stop both.")
    demo.add_argument("--out", type=Path, help="results folder (default ./results/demo-<time>)")
    demo.add_argument("--task-limit", type=int, default=8)
    demo.add_argument("--drift", default="medium")
    demo.add_argument("--rot", default="medium")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--tool-transport", choices=TOOL_TRANSPORTS, default="message",
                      help="the oracle calls its tools as A2A replies (message) or over the "
                           "episode's MCP endpoint (mcp)")
    demo.set_defaults(run=_demo)
