"""Rate-limit buckets: one budget per /64, and a flood of new clients forgets only the idlest."""

from __future__ import annotations

from proxy.app.middlewares import TokenBuckets
from proxy.pages.fairness import client_key


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
