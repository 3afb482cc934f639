"""`crmarena serve` (the green agent, AgentBeats' CLI convention) and `crmarena demo`
(crmarena_cli.demo)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from a2a_app.address import advertised_url

#: AgentBeats' conventional port (green.server.DEFAULT_PORT; not imported: keeps --help fast).
DEFAULT_PORT = 9009
#: Where `crmarena serve` keeps results when --results-dir is not given.
RESULTS_DIR_ENV = "CRMARENA_RESULTS_DIR"
#: The port when --port is not given (the image's HEALTHCHECK reads the same variable).
PORT_ENV = "CRMARENA_PORT"
#: The URL the card advertises when --card-url is not given.
CARD_URL_ENV = "CRMARENA_CARD_URL"


def _port(text: str) -> int:
    """A TCP port (from --port or $CRMARENA_PORT)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}")
    return port


def _serve(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (uvicorn, a2a, DuckDB)
    import uvicorn

    from green.server import build_green_app

    url = advertised_url(args.host, args.port, args.card_url)
    app = build_green_app(url, results_root=args.results_dir)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from crmarena_cli.demo import run_demo  # here, not at the top: `crmarena --help` stays fast

    return run_demo(out_dir=args.out, task_limit=args.task_limit, drift=args.drift, rot=args.rot,
                    seed=args.seed)


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="run the green agent (A2A assessor) server",
        description="Serve the green agent over A2A (JSON-RPC at /, card at "
                    "/.well-known/agent-card.json).")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=os.environ.get(PORT_ENV, str(DEFAULT_PORT)),
                       help=f"default ${PORT_ENV}, else {DEFAULT_PORT}")
    serve.add_argument("--card-url", default=os.environ.get(CARD_URL_ENV) or None,
                       help=f"URL to advertise in the agent card (default ${CARD_URL_ENV}, else "
                            "http://HOST:PORT/, a wildcard HOST replaced by this host's name)")
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
    demo.set_defaults(run=_demo)
