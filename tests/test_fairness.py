"""Who a client is, and how much one client may take: rate-limit buckets, fetch shares, the listening port."""

from __future__ import annotations

import pytest

from proxy.config import Config
from proxy.content_policy import ATTACHMENT, INLINE, REFUSE, STYLESHEET, asset_policy, attachment_policy
from proxy.fairness import client_key
from proxy.middlewares import TokenBuckets
from proxy.serve import listening_config


@pytest.mark.parametrize("a,b", [
    ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"), ("::ffff:198.51.100.7", "198.51.100.7"),
    ("[2001:db8::1]", "2001:db8::2"), ("fe80::1%eth0", "fe80::2"),
])
def test_one_client_whatever_address_it_uses(a: str, b: str) -> None:
    assert client_key(a) == client_key(b)


@pytest.mark.parametrize("a,b", [("2001:db8:1:2::1", "2001:db8:1:3::1"), ("198.51.100.7", "198.51.100.8")])
def test_different_clients(a: str, b: str) -> None:
    assert client_key(a) != client_key(b)


def test_an_ipv6_64_shares_one_budget() -> None:
    buckets = TokenBuckets(per_minute=60, burst=3)
    taken = [buckets.take(client_key(f"2001:db8:1:2::{i:x}")) for i in range(1, 6)]
    assert taken == [True, True, True, False, False]


def test_a_flood_of_new_clients_forgets_the_idlest_not_everyone() -> None:
    buckets = TokenBuckets(per_minute=1, burst=2, max_clients=100)
    assert buckets.take("greedy") and buckets.take("greedy") and not buckets.take("greedy")
    for i in range(50):  # fewer new addresses than the bound: the greedy client's empty bucket stays
        buckets.take(f"198.51.100.{i}")
    assert not buckets.take("greedy")
    for i in range(1000):  # many more: only the least recently seen go, and the bound holds
        buckets.take(f"203.0.113.{i % 250}.{i}")
    assert len(buckets.buckets) <= 100


def test_listening_port_from_the_command_line_reaches_the_config() -> None:
    cfg = listening_config(Config(), None, 9191, None)
    assert cfg.server.port == 9191 and Config().server.port == 8080


@pytest.mark.parametrize("media_type,attachment,asset", [
    ("application/pdf", INLINE, REFUSE), ("application/msword", INLINE, REFUSE),
    ("text/javascript", REFUSE, REFUSE), ("application/javascript", REFUSE, REFUSE),
    ("application/x-javascript", REFUSE, REFUSE), ("text/vbscript", REFUSE, REFUSE),
    ("text/html", ATTACHMENT, REFUSE), ("application/xhtml+xml", ATTACHMENT, REFUSE),
    ("application/xml", ATTACHMENT, REFUSE), ("image/svg+xml", ATTACHMENT, ATTACHMENT),
    ("application/vnd.custom+xml", ATTACHMENT, REFUSE), ("text/css", INLINE, STYLESHEET),
    ("image/png", INLINE, INLINE), ("font/woff2", INLINE, INLINE), ("video/mp4", INLINE, INLINE),
])
def test_content_policy_table(media_type: str, attachment: str, asset: str) -> None:
    assert attachment_policy(media_type) == attachment and asset_policy(media_type) == asset
