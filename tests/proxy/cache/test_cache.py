"""The in-memory cache: bounded by bytes, least recently used out first, fresh / stale / gone by age."""

from __future__ import annotations

import asyncio
import time

from proxy.cache.entry import Entry
from proxy.cache.memory import MemoryCache
from proxy.config import CacheConfig


def cache(max_bytes: int = 10_000, stale_ttl: int = 100) -> MemoryCache:
    return MemoryCache(CacheConfig(max_bytes=max_bytes, stale_ttl=stale_ttl))


async def test_byte_bound_is_honoured_whatever_is_stored() -> None:
    c = cache(max_bytes=20_000)
    for i in range(500):
        await c.set(f"page:{i}", Entry(b"x" * (i % 7 * 300 + 10), {"url": f"https://a.gov.cn/{i}"}))
        assert c.stats()["bytes"] <= 20_000
    assert 0 < c.stats()["entries"] < 500
    # the accounted bytes are the sum of what is really held (no drift after many evictions)
    assert c.stats()["bytes"] == sum(e.size + len(k) for k, e in c._items.items())


async def test_one_entry_never_takes_more_than_a_quarter() -> None:
    c = cache(max_bytes=10_000)
    await c.set("small", Entry(b"s"))
    await c.set("huge", Entry(b"h" * 3000))
    assert await c.get("huge") is None and await c.get("small") is not None


async def test_least_recently_used_goes_first() -> None:
    c = cache(max_bytes=3_000)
    for k in "abcd":
        await c.set(k, Entry(b"x" * 400))  # about 660 bytes each: four fit
    assert await c.get("a") is not None  # a is now the most recently used
    await c.set("e", Entry(b"x" * 400))  # over the bound: b (least recently used) goes
    present = {k for k in "abcde" if k in c._items}
    assert present == {"a", "c", "d", "e"}


async def test_replacing_a_key_keeps_the_count_right() -> None:
    c = cache()
    await c.set("k", Entry(b"x" * 1000))
    await c.set("k", Entry(b"y" * 10))
    assert c.stats()["entries"] == 1 and c.stats()["bytes"] == Entry(b"y" * 10).size + 1
    assert (await c.get("k")).body == b"y" * 10


async def test_fresh_then_stale_then_gone() -> None:
    c = cache(stale_ttl=100)
    now = time.time()
    await c.set("fresh", Entry(b"1", stored_at=now, ttl=60))
    await c.set("stale", Entry(b"2", stored_at=now - 90, ttl=60))  # past ttl, within ttl + stale_ttl
    await c.set("gone", Entry(b"3", stored_at=now - 200, ttl=60))  # past ttl + stale_ttl
    fresh, stale, gone = [await c.get(k) for k in ("fresh", "stale", "gone")]
    assert fresh is not None and fresh.fresh
    assert stale is not None and not stale.fresh and stale.body == b"2"
    assert gone is None and "gone" not in c._items
    assert c.stats()["hits"] == 1 and c.stats()["misses"] == 2


async def test_lock_lets_one_fetch_while_others_wait() -> None:
    c = cache()
    fetches = 0

    async def request() -> bytes:
        nonlocal fetches
        async with c.lock("page:x"):
            got = await c.get("page:x")
            if got is None:
                fetches += 1
                await asyncio.sleep(0.01)
                await c.set("page:x", Entry(b"page"))
                return b"page"
            return got.body

    assert await asyncio.gather(*(request() for _ in range(5))) == [b"page"] * 5
    assert fetches == 1 and c._locks == {}  # and no lock left behind
