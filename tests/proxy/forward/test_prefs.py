"""The reader's prefs (settings and mode) per client address: every worker sees the last one written, through
the shared cache, never a worker's own near copy."""

from __future__ import annotations

import shutil

import pytest

from proxy.cache.memory import MemoryCache
from proxy.cache.redis import RedisCache
from proxy.config import CacheConfig
from proxy.forward import prefs as prefs_mod
from proxy.forward.prefs import Prefs, PrefsStore
from tests.proxy.cache.test_redis_cache import redis_url  # noqa: F401 (the real redis-server fixture)


async def test_prefs_are_kept_per_client_address() -> None:
    store = PrefsStore(MemoryCache(CacheConfig()), "overlay")
    assert await store.get("192.0.2.1") is None and store.default == Prefs(mode="overlay")
    await store.set("192.0.2.1", Prefs("f2.tdark.l0.sserver.r2", "elder"))
    assert (await store.get("192.0.2.1")).parsed.theme == "dark"
    assert await store.get("192.0.2.2") is None  # another machine
    await store.set("2001:db8::1", Prefs(mode="text"))
    assert (await store.get("2001:db8::2")).mode == "text"  # one IPv6 /64 is one client


@pytest.mark.redis
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
async def test_every_worker_reads_the_last_write(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(prefs_mod, "LOCAL_SECONDS", 0.0)
    cfg = CacheConfig(backend="redis", redis_url=redis_url, redis_prefix="prefs-test:", ttl=300, stale_ttl=600)
    one, two = RedisCache(cfg), RedisCache(cfg)  # two workers, each with its near cache
    try:
        first, second = PrefsStore(one, "overlay"), PrefsStore(two, "overlay")
        await first.set("192.0.2.9", Prefs(mode="elder"))
        assert (await second.get("192.0.2.9")).mode == "elder"
        await second.set("192.0.2.9", Prefs(mode="a11y"))
        assert (await first.get("192.0.2.9")).mode == "a11y"  # not the copy in the first worker's near cache
    finally:
        await one.close()
        await two.close()


async def test_the_reading_aids_are_part_of_the_prefs() -> None:
    """The whole settings text form is kept, so 繁體 and 拼音 follow the reader from site to site too."""
    store = PrefsStore(MemoryCache(CacheConfig()), "overlay")
    await store.set("192.0.2.3", Prefs("f1.tdefault.l0.sserver.r2.chant-hk.p1", "elder"))
    parsed = (await store.get("192.0.2.3")).parsed
    assert (parsed.script, parsed.pinyin, parsed.font_step) == ("hant-hk", True, 1)
