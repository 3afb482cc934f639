"""`crmarena serve` (the green agent, AgentBeats' CLI convention) and `crmarena demo`
(crmarena_cli.demo)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from crmarena_cli.command import UsageError, add_command, output_folder
from crmarena_cli.config_flags import add_config_flags, config_from_args, selection_error
from crmarena_cli.serving import add_server_flags, serve

#: AgentBeats' conventional port (green.server.DEFAULT_PORT; not imported: keeps --help fast).
DEFAULT_PORT = 9009
#: Where `crmarena serve` keeps results when --results-dir is not given.
RESULTS_DIR_ENV = "CRMARENA_RESULTS_DIR"
#: What `crmarena demo` changes from the config defaults: a few tasks, entropy on.
DEMO_CONFIG = {"task_limit": 8, "drift_level": "medium", "rot_level": "medium"}
#: The port when --port is not given (the image's HEALTHCHECK reads the same variable).
PORT_ENV = "CRMARENA_PORT"
#: The URL the card advertises when --card-url is not given.
CARD_URL_ENV = "CRMARENA_CARD_URL"


def _serve(args: argparse.Namespace) -> int:
    from env.task_seed import SECRET_ENV, TaskSeedError, secret_from_env
    from env.workers import default_workers
    from green.server import build_green_app  # here, not at the top: `crmarena --help` stays fast

    try:
        secret = secret_from_env()
    except TaskSeedError as exc:
        raise UsageError(str(exc)) from None
    task_sets = (f"task sets derived from {SECRET_ENV}" if secret else
                 "public task set unless a request names task_seed")
    workers = args.workers or default_workers()
    return serve(lambda url: build_green_app(url, results_root=args.results_dir,
                                             workers=workers),
                 args, f"green agent (assessor; {task_sets})")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _demo(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (the servers, the task framework)
    from crmarena_cli.demo import run_demo
    from env.runner import AssessmentError

    config = config_from_args(args)
    out = output_folder(args.out) if args.out is not None else None
    try:
        return run_demo(config, out_dir=out)
    except AssessmentError as exc:
        raise selection_error(exc) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    server = add_command(
        subparsers, "serve", help="run the green agent (A2A assessor) server",
        description="Serve the green agent over A2A (JSON-RPC at /, card at "
                    "/.well-known/agent-card.json); send it an assessment request (README, "
                    "'The request').",
        example="crmarena serve --host 127.0.0.1 --port 9009 --results-dir results/green")
    add_server_flags(server, DEFAULT_PORT, port_env=PORT_ENV, card_url_env=CARD_URL_ENV)
    server.add_argument("--results-dir", type=Path, default=os.environ.get(RESULTS_DIR_ENV),
                        metavar="DIR",
                        help="keep each assessment's results.json and logs under "
                             "DIR/req-<hash of the request>, linked from DIR/<task id>; the same "
                             "request sent again after a crash resumes there (default: "
                             f"${RESULTS_DIR_ENV}, else a temporary folder per assessment)")
    server.add_argument("--workers", type=_positive, metavar="N",
                        help="processes that run each assessment's episodes (default: half the "
                             "CPU cores, at most 8; 1 runs them in the server's own process)")
    server.set_defaults(run=_serve)

    demo = add_command(
        subparsers, "demo", help="run a small assessment of the oracle agent over real A2A, "
                                 "offline",
        description="Start the green agent and the oracle purple agent on free local ports, "
                    "assess the oracle with drift and rot on (one task from each of 8 "
                    "categories), print the results, stop both.",
        example="crmarena demo --task-limit 4 --drift high", conflict_handler="resolve")
    demo.add_argument("--out", type=Path, metavar="DIR",
                      help="results folder (default: results/demo-<time>)")
    add_config_flags(demo, DEMO_CONFIG)
    demo.set_defaults(run=_demo)
