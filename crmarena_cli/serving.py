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
from collections.abc import Callable
from typing import Any

from crmarena_cli.command import UsageError, port

#: Seconds in-flight requests (a running assessment) get after Ctrl-C before they are cancelled.
GRACE_S = 2


def add_server_flags(parser: argparse.ArgumentParser, default_port: int,
                     log_level: str = "info") -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0 in a container)")
    parser.add_argument("--port", type=port, default=default_port,
                        help="port to listen on (0: any free port)")
    parser.add_argument("--card-url", metavar="URL",
                        help="the URL the agent card advertises, for a server reached under "
                             "another name, e.g. behind a gateway (default: http://HOST:PORT/)")
    parser.add_argument("--log-level", default=log_level,
                        choices=("critical", "error", "warning", "info", "debug"),
                        help="uvicorn's log level")


def serve(make_app: Callable[[str], Any], args: argparse.Namespace, what: str) -> int:
    """Serve `make_app(card url)` on --host/--port until Ctrl-C or SIGTERM."""
    # here, not at the top: `crmarena --help` stays fast (uvicorn)
    import uvicorn

    from a2a_app.local_server import StoppingServer, bind_socket

    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        raise UsageError(f"--host {args.host} --port {args.port}: cannot listen there "
                         f"({exc.strerror or exc})") from None
    bound = sock.getsockname()[1]
    url = f"http://{args.host}:{bound}/"
    app = make_app(args.card_url or url)
    card = f" (card advertises {args.card_url})" if args.card_url else ""
    config = uvicorn.Config(app, log_level=args.log_level, lifespan="off",
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
