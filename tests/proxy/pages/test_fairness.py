"""Who a client is for fairness and rate limits: an IPv4 address or an IPv6 /64."""

from __future__ import annotations

import pytest

from proxy.pages.fairness import client_key


@pytest.mark.parametrize("a,b", [
    ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"), ("::ffff:198.51.100.7", "198.51.100.7"),
    ("[2001:db8::1]", "2001:db8::2"), ("fe80::1%eth0", "fe80::2"),
])
def test_one_client_whatever_address_it_uses(a: str, b: str) -> None:
    assert client_key(a) == client_key(b)


@pytest.mark.parametrize("a,b", [("2001:db8:1:2::1", "2001:db8:1:3::1"), ("198.51.100.7", "198.51.100.8")])
def test_different_clients(a: str, b: str) -> None:
    assert client_key(a) != client_key(b)
