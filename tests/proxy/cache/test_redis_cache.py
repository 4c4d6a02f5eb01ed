"""The Redis backend against a real redis-server (started here on a free loopback port, stopped after).

Two proxy instances sharing one Redis must fetch a page upstream once, and serve a stale copy that the other
instance stored when the site fails.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
import subprocess
import time
from collections.abc import Iterator

import aiohttp
import pytest
import redis
import redis.asyncio
from aiohttp import web

from proxy.app.server import create_app
from proxy.cache.entry import Entry
from proxy.cache.redis import RedisCache, dumps, loads
from proxy.config import CacheConfig
from tests import conftest
from tests.support.servers import ThreadServer, free_port
from tests.support.upstream_app import article

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None:
                    raise RuntimeError("redis-server exited at start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def cache_cfg(redis_url: str, request: pytest.FixtureRequest) -> CacheConfig:
    """A fresh key prefix per test, so tests never see each other's keys."""
    return CacheConfig(backend="redis", redis_url=redis_url, redis_prefix=f"t{id(request)}:", ttl=60,
                       stale_ttl=600, lock_timeout=5.0)


def test_framing_round_trips_any_bytes() -> None:
    body = bytes(range(256)) * 3 + "政务公开".encode("gb18030")
    e = Entry(body, {"url": "https://例子.gov.cn/", "headers": {"content-type": "text/html; charset=GBK"}},
              stored_at=1234.5, ttl=30)
    back = loads(dumps(e))
    assert back.body == body and back.meta == e.meta and back.stored_at == 1234.5 and back.ttl == 30


async def test_get_set_with_expiry_and_prefix(cache_cfg: CacheConfig) -> None:
    cache = RedisCache(cache_cfg)
    try:
        assert await cache.get("page:x") is None
        await cache.set("page:x", Entry(b"\x00\xff<html>", {"media_type": "text/html"}, ttl=60))
        got = await cache.get("page:x")
        assert got is not None and got.body == b"\x00\xff<html>" and got.fresh
        keys = [k.decode() async for k in cache.client.scan_iter(cache_cfg.redis_prefix + "*")]
        assert keys == [cache_cfg.redis_prefix + "page:x"]
        ttl = await cache.client.ttl(keys[0])
        assert 600 < ttl <= 660  # ttl + stale_ttl: the stale copy outlives freshness
        assert cache.stats()["hits"] == 1 and cache.stats()["misses"] == 1
    finally:
        await cache.close()


async def test_stale_entry_is_returned_but_not_fresh(cache_cfg: CacheConfig) -> None:
    cache = RedisCache(cache_cfg)
    try:
        await cache.set("k", Entry(b"old", stored_at=time.time() - 120, ttl=60))
        got = await cache.get("k")
        assert got is not None and got.body == b"old" and not got.fresh
    finally:
        await cache.close()


async def test_lock_excludes_across_instances(cache_cfg: CacheConfig) -> None:
    """Two caches (two connections, as two instances would have) never hold the same lock together."""
    a, b = RedisCache(cache_cfg), RedisCache(cache_cfg)
    inside: list[str] = []
    overlaps = 0

    async def worker(cache: RedisCache, name: str) -> None:
        nonlocal overlaps
        async with cache.lock("page:same"):
            inside.append(name)
            overlaps += len(inside) > 1
            await asyncio.sleep(0.05)
            inside.remove(name)

    try:
        await asyncio.gather(*(worker(c, f"{n}{i}") for i in range(3) for c, n in ((a, "a"), (b, "b"))))
        assert overlaps == 0
        assert await a.client.exists(cache_cfg.redis_prefix + "lock:page:same") == 0  # released
    finally:
        await a.close()
        await b.close()


async def test_release_never_frees_another_holders_lock(cache_cfg: CacheConfig) -> None:
    cache = RedisCache(dataclasses.replace(cache_cfg, lock_timeout=0.3))
    name = cache_cfg.redis_prefix + "lock:page:slow"
    try:
        async with cache.lock("page:slow"):
            # the lease lapsed (say, during a Redis hiccup) and another instance took the lock
            await cache.client.set(name, "someone-else", px=5000)
            await asyncio.sleep(0.3)  # renewal must not extend a lock that is no longer ours
        assert await cache.client.get(name) == b"someone-else"
        assert 4000 < await cache.client.pttl(name) <= 5000
    finally:
        await cache.close()


async def test_lease_renewed_while_holder_works(cache_cfg: CacheConfig) -> None:
    """A fetch slower than lock_timeout keeps its lock: the other instance waits instead of fetching too."""
    a = RedisCache(dataclasses.replace(cache_cfg, lock_timeout=0.3))
    b = RedisCache(dataclasses.replace(cache_cfg, lock_timeout=0.3))
    events: list[str] = []

    async def slow_holder() -> None:
        async with a.lock("page:long"):
            events.append("a in")
            await asyncio.sleep(1.2)  # four leases long
            events.append("a out")

    async def other() -> None:
        await asyncio.sleep(0.1)
        async with b.lock("page:long"):
            events.append("b in")

    try:
        await asyncio.gather(slow_holder(), other())
        assert events == ["a in", "a out", "b in"]
    finally:
        await a.close()
        await b.close()


async def test_redis_down_falls_through_with_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisCache(CacheConfig(backend="redis", redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    caplog.set_level(logging.WARNING, "a11y_proxy.cache")
    try:
        assert await cache.get("page:x") is None
        await cache.set("page:x", Entry(b"x"))
        async with cache.lock("page:x"):
            ran = True
        assert ran
        got = await cache.get("page:x")  # kept in process memory meanwhile
        assert got is not None and got.body == b"x"
        lines = [r.getMessage() for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(lines) == 1 and "redis cache at redis://127.0.0.1:" in lines[0]
        assert cache.stats()["errors"] == 1  # later calls skip Redis during the back-off
    finally:
        await cache.close()


async def test_near_cache_answers_fresh_entries_only(cache_cfg: CacheConfig) -> None:
    cache = RedisCache(cache_cfg)
    other = RedisCache(cache_cfg)  # another instance
    try:
        await cache.set("page:n", Entry(b"mine", ttl=60))
        await cache.client.delete(cache_cfg.redis_prefix + "page:n")
        got = await cache.get("page:n")
        assert got is not None and got.body == b"mine"  # fresh: no round trip to Redis
        await cache.set("page:s", Entry(b"old", stored_at=time.time() - 120, ttl=60))  # stale here ...
        await other.set("page:s", Entry(b"new", ttl=60))  # ... refreshed by the other instance
        got = await cache.get("page:s")
        assert got is not None and got.body == b"new" and got.fresh
    finally:
        await cache.close()
        await other.close()


# ------------------------------------------------------------------------------------------ two instances
def counting_upstream(state: dict) -> web.Application:
    """/slow/NAME answers after a pause (so requests overlap) and counts hits; /down makes it fail."""
    async def slow(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        state[name] = state.get(name, 0) + 1
        if state.get("down"):
            return web.Response(status=503, text="down")
        await asyncio.sleep(0.4)
        return web.Response(text=article(f"共享缓存页面{name}"), content_type="text/html")

    app = web.Application()
    app.router.add_get("/slow/{name}", slow)
    return app


@pytest.fixture(scope="module")
def shared(redis_url: str) -> Iterator[tuple[dict, str, list[ThreadServer]]]:
    state: dict = {}
    upstream = ThreadServer(lambda: counting_upstream(state)).start()
    cfg = conftest.test_config(upstream.port, cache__backend="redis", cache__redis_url=redis_url,
                      cache__redis_prefix="shared:")
    proxies = []
    try:
        for _ in range(2):
            resolver = conftest.test_resolver()
            proxies.append(ThreadServer(lambda r=resolver: create_app(cfg, resolver=r)).start())
        yield state, f"http://kjt.test.gov.cn:{upstream.port}", proxies
    finally:
        for p in proxies:
            p.stop()
        upstream.stop()


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        return r.status, await r.text()


async def test_two_instances_fetch_upstream_once(shared: tuple[dict, str, list[ThreadServer]]) -> None:
    state, site, (p1, p2) = shared
    urls = [f"{p.url}/{mode}/{site}/slow/once" for p in (p1, p2) for mode in ("elder", "read", "text")]
    results = await asyncio.gather(*(fetch(u) for u in urls))
    assert all(status == 200 for status, _ in results), results
    assert all("共享缓存页面once" in body for _, body in results)
    assert state["once"] == 1


async def test_stale_copy_from_other_instance_when_site_fails(shared: tuple[dict, str, list[ThreadServer]],
                                                             redis_url: str) -> None:
    state, site, (p1, p2) = shared
    status, _ = await fetch(f"{p1.url}/elder/{site}/slow/stale")
    assert status == 200 and state["stale"] == 1
    # age the stored page and its rendered views past their ttl (as time would), then take the site down
    client = redis.asyncio.from_url(redis_url)
    keys = [k async for k in client.scan_iter(match=f"shared:*{site}/slow/stale")]
    assert len(keys) >= 2  # the page and its elder view
    for key in keys:
        entry = loads(await client.get(key))
        await client.set(key, dumps(dataclasses.replace(entry, stored_at=entry.stored_at - 10_000)))
    await client.aclose()
    state["down"] = True
    try:
        status, body = await fetch(f"{p2.url}/elder/{site}/slow/stale")
    finally:
        state["down"] = False
    assert state["stale"] == 2  # p2 tried the site, which failed
    assert status == 200 and "共享缓存页面stale" in body and "缓存版本" in body


@pytest.mark.speech
async def test_two_instances_share_finished_audio(redis_url: str) -> None:
    """Instance A reads an article aloud; instance B (its own disk cache, the same Redis) serves the same
    bytes under the same ETag without synthesising anything."""
    from urllib.parse import quote

    from proxy.app.keys import SPEECH
    from tests.support.upstream_app import make_upstream_app

    upstream = ThreadServer(lambda: make_upstream_app({})).start()
    proxies = []
    try:
        for _ in range(2):  # two configs: two audio folders, as two machines would have
            cfg = conftest.test_config(upstream.port, cache__backend="redis", cache__redis_url=redis_url,
                                       cache__redis_prefix="audio-share:")
            cfg.speech.workers = 1
            resolver = conftest.test_resolver()
            proxies.append(ThreadServer(lambda c=cfg, r=resolver: create_app(c, resolver=r)).start())
        a, b = proxies
        page = quote(f"http://kjt.test.gov.cn:{upstream.port}/long/1500/shared", safe="")
        async with aiohttp.ClientSession() as s:
            for p in proxies:
                for _ in range(300):
                    async with s.get(f"{p.url}/healthz") as r:
                        if (await r.json())["audio"]["available"]:
                            break
                    await asyncio.sleep(0.1)
            async with s.get(f"{a.url}/audio?url={page}") as r:
                await r.read()  # streamed while made, then published
            async with s.get(f"{a.url}/audio?url={page}") as r:
                etag = r.headers["ETag"]
                made = await r.read()
            assert b.runner is not None
            jobs = b.runner.app[SPEECH].jobs
            async with s.get(f"{b.url}/audio?url={page}") as r:
                assert r.status == 200 and r.headers["ETag"] == etag
                assert await r.read() == made
            assert b.runner.app[SPEECH].jobs == jobs  # B synthesised nothing
    finally:
        for p in proxies:
            p.stop()
        upstream.stop()
