r"""`crmarena sandbox`: the org as a Salesforce instance over HTTPS, for unmodified clients.

    crmarena sandbox --drift medium --env-file .sandbox.env      # then: source .sandbox.env
    crmarena sandbox --task b2b-handle_time-004 --proxy-port 8080  # login.salesforce.com too

It serves the REST API (query/queryAll with cursors, search, describes, records, limits) and the
SOAP and OAuth logins for one episode org (the same options as `crmarena repl`). Log in with
--username (default: the org's first active User by Username, printed below) and --password
(default "crmarena"), optionally with --security-token appended. Every request is logged as an
episode log under --log-dir (`crmarena view DIR --task sandbox --trial N` shows session N).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from crmarena_cli.command import UsageError, add_command, port

if TYPE_CHECKING:
    from salesforce_api.server import Sandbox

DATA_DIR_ENV = "CRMARENA_DATA_DIR"


def _state_dir() -> Path:
    """$CRMARENA_DATA_DIR/sandbox, else the user data dir's (as the REPL keeps its history)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env) / "sandbox"
    from platformdirs import user_data_dir
    return Path(user_data_dir("crmarena")) / "sandbox"


def register(subparsers: argparse._SubParsersAction) -> None:
    from crmarena_cli.episode_options import add_org_options
    from salesforce_api.defaults import DEFAULT_PASSWORD, DEFAULT_PORT
    from salesforce_api.sessions import DEFAULT_SESSION_TTL_S

    p = add_command(
        subparsers, "sandbox",
        help="serve the org as a Salesforce instance (REST + SOAP login over HTTPS)",
        description="Serve one episode org (the same options as `crmarena repl`) as a "
                    "Salesforce instance over HTTPS: the REST API, SOAP and OAuth logins; every "
                    "request is logged as an episode log under --log-dir.",
        example=["crmarena sandbox --drift medium --env-file .sandbox.env",
                 "crmarena sandbox --task b2b-handle_time-004 --proxy-port 8080"])
    add_org_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to serve on")
    p.add_argument("--port", type=port, default=DEFAULT_PORT,
                   help="HTTPS port (0: any free port)")
    p.add_argument("--proxy-port", type=port, default=None, metavar="PORT",
                   help="also run a CONNECT proxy here that sends *.salesforce.com to the "
                        "sandbox, for code that logs in at login.salesforce.com (default: none)")
    p.add_argument("--tls-dir", type=Path, default=None, metavar="DIR",
                   help="the local CA and server certificate, created on first run "
                        f"(default ${DATA_DIR_ENV}/sandbox/tls or the user data dir)")
    p.add_argument("--log-dir", type=Path, default=None, metavar="DIR",
                   help="where the session logs go (default: a new folder under the "
                        "sandbox state dir's sessions/)")
    p.add_argument("--env-file", type=Path, default=None, metavar="PATH",
                   help="write SF_INSTANCE_URL, SF_SESSION_ID, ... here once the server is ready "
                        "(default: only print them)")
    p.add_argument("--username", default=None,
                   help="the User to log in as (default: the first active User by Username)")
    p.add_argument("--password", default=DEFAULT_PASSWORD,
                   help=f"the login password (default {DEFAULT_PASSWORD!r})")
    p.add_argument("--security-token", default="", metavar="TOKEN",
                   help="a token clients may append to the password (default none)")
    p.add_argument("--session-ttl", type=float, default=DEFAULT_SESSION_TTL_S, metavar="SECONDS",
                   help="idle seconds before a session expires")
    p.set_defaults(run=run_sandbox)


def run_sandbox(args: argparse.Namespace) -> int:
    from crmarena_cli.episode_options import settings_from_args
    from salesforce_api.server import Sandbox, SandboxOptions

    state = _state_dir()
    log_dir = args.log_dir or state / "sessions" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        options = SandboxOptions(
            settings=settings_from_args(args), host=args.host, port=args.port,
            proxy_port=args.proxy_port, tls_dir=args.tls_dir or state / "tls", log_dir=log_dir,
            env_file=args.env_file, username=args.username, password=args.password,
            security_token=args.security_token, session_ttl_s=args.session_ttl)
        sandbox = Sandbox(options)
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from None
    with sandbox:
        _print_ready(sandbox, log_dir, args.env_file)
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            while not sandbox.wait(0.5):
                pass
        except KeyboardInterrupt:
            print("stopping: ending sessions and completing their logs", flush=True)
        finally:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _print_ready(sandbox: Sandbox, log_dir: Path, env_file: Path | None) -> None:
    org = sandbox.instance.org
    lines = [f"crmarena sandbox · {org.describe_state()}",
             f"Salesforce instance listening on {sandbox.instance_url}"
             + (f" · proxy {sandbox.proxy_url} (for *.salesforce.com)" if sandbox.proxy_url
                else ""),
             f"log in as {sandbox.instance.user.username} ({sandbox.instance.user.name}) · "
             f"session logs in {log_dir}",
             ""]
    lines += sandbox.env_lines()
    lines += ["", f"env file: {env_file}" if env_file else
              "(--env-file PATH writes these lines for `source PATH`)", "Ctrl-C stops."]
    print("\n".join(lines), flush=True)
