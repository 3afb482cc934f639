"""The URL a card advertises: the operator's, else a reachable form of the bind address."""

from __future__ import annotations

import socket

import pytest

from a2a_app.address import advertised_url


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_a_wildcard_bind_address_is_replaced_by_the_host_name(host: str) -> None:
    assert advertised_url(host, 9009) == f"http://{socket.gethostname()}:9009/"


def test_given_urls_and_addresses_are_kept() -> None:
    assert advertised_url("0.0.0.0", 9009, "http://green:9009/") == "http://green:9009/"
    assert advertised_url("127.0.0.1", 9010) == "http://127.0.0.1:9010/"
    assert advertised_url("::1", 9010) == "http://[::1]:9010/"
    assert advertised_url("green.local", 80) == "http://green.local:80/"
