"""The URL an agent's card advertises.

A2A clients post to the URL in the card, not to the one they fetched it from, so a card must
name an address clients can reach: the one the operator gave (--card-url), else where the server
listens, with a wildcard bind address (0.0.0.0, ::) replaced by this machine's host name (a
container's name on its network), never "http://0.0.0.0:9009/".
"""

from __future__ import annotations

import socket

#: Bind addresses that mean "every interface": no client can reach them as such.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})


def advertised_url(host: str, port: int, card_url: str | None = None) -> str:
    """`card_url` when given, else http://HOST:PORT/ with a wildcard HOST made reachable."""
    if card_url:
        return card_url
    if host in WILDCARD_HOSTS:
        host = socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}/"
