"""Serving an agent from the shell (`crmarena serve`, `crmarena purple ...`): bind first, say
"listening on URL", run uvicorn, and stop on one Ctrl-C without a traceback.

The socket is bound before the app is built, so a port in use is one line (exit 2) and the card
can advertise the real port (`--port 0` picks a free one); "listening on URL" is printed once the
server accepts connections. On Ctrl-C or SIGTERM the app is told first (the green agent cancels
its running assessments, each ending `canceled` with the reason), then uvicorn stops accepting
and gives in-flight requests GRACE_S seconds; one line says it stopped, no traceback. As uvicorn
does, Ctrl-C exits 0 and SIGTERM is re-raised once the server has stopped.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable
from typing import Any

from crmarena_cli.command import UsageError, port

#: Seconds in-flight requests (a running assessment) get after Ctrl-C before they are cancelled.
GRACE_S = 2


def add_server_flags(parser: argparse.ArgumentParser, default_port: int,
                     log_level: str = "info", *, port_env: str | None = None,
                     card_url_env: str | None = None) -> None:
    """--host, --port, --card-url, --log-level; `port_env` / `card_url_env` name environment
    variables a container sets instead of the flags (flags win)."""
    environ = os.environ
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0 in a container)")
    # A string default goes through the same check as the flag, when the command runs.
    port_default = environ.get(port_env, str(default_port)) if port_env else default_port
    parser.add_argument("--port", type=port, default=port_default,
                        help="port to listen on (0: any free port; default: "
                             + (f"${port_env}, else " if port_env else "")
                             + f"{default_port})")
    parser.add_argument("--card-url", metavar="URL",
                        default=(environ.get(card_url_env) or None) if card_url_env else None,
                        help="the URL the agent card advertises, for a server reached under "
                             "another name, e.g. behind a gateway (default: "
                             + (f"${card_url_env}, else " if card_url_env else "")
                             + "http://HOST:PORT/, a wildcard HOST replaced by this machine's "
                               "name)")
    parser.add_argument("--log-level", default=log_level,
                        choices=("critical", "error", "warning", "info", "debug"),
                        help="uvicorn's log level")


def serve(make_app: Callable[[str], Any], args: argparse.Namespace, what: str) -> int:
    """Serve `make_app(card url)` on --host/--port until Ctrl-C or SIGTERM."""
    # here, not at the top: `crmarena --help` stays fast (uvicorn)
    import uvicorn

    from a2a_app.address import advertised_url
    from a2a_app.local_server import StoppingServer, bind_socket

    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        raise UsageError(f"--host {args.host} --port {args.port}: cannot listen there "
                         f"({exc.strerror or exc})") from None
    bound = sock.getsockname()[1]
    url = advertised_url(args.host, bound)  # a wildcard bind address is never advertised
    app = make_app(args.card_url or url)
    card = f" (card advertises {args.card_url})" if args.card_url else ""
    # lifespan "auto": the green agent's MCP endpoints run their session manager in it.
    config = uvicorn.Config(app, log_level=args.log_level, lifespan="auto",
                            timeout_graceful_shutdown=GRACE_S)
    server = StoppingServer(
        config, on_started=lambda: print(f"{what} listening on {url}{card} · Ctrl-C stops",
                                         flush=True),
        on_stopped=lambda: print(f"{what} stopped", flush=True))
    # A request cancelled at shutdown is expected, not an error worth a traceback.
    logging.getLogger("uvicorn.error").addFilter(_NoCancelledTraceback())
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it stopped on
        pass
    finally:
        sock.close()
    return 0


class _NoCancelledTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and type(exc).__name__ == "CancelledError")
