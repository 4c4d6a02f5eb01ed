"""CPU work never blocks the event loop: while a huge page is being transformed in the render pool, a cached
page is served, and the proxy's own loop keeps ticking (lag measured on that loop by this test)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import aiohttp
import pytest
from aiohttp import web

from proxy.app.keys import SERVICES
from proxy.app.server import create_app
from tests import conftest
from tests.support.servers import ThreadServer
from tests.support.upstream_app import article

ITEMS = 8000  # about 1.6 MB of HTML: over a second of parsing, extraction and rendering


def huge_page() -> bytes:
    rows = "".join(f'<div class="item"><h3>第{i}条 公告标题</h3><p>这是第{i}段正文，用于测试超大页面不会阻塞事件循环，'
                   f'<a href="/a/{i}.html">详情链接</a>。</p></div>' for i in range(ITEMS))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>超大页面</title></head><body>'
            f'<div id="zoom">{rows}</div></body></html>').encode()


def upstream_app() -> web.Application:
    body = huge_page()

    async def huge(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    async def small(request: web.Request) -> web.Response:
        return web.Response(text=article("小页面"), content_type="text/html")

    app = web.Application()
    app.router.add_get("/huge", huge)
    app.router.add_get("/small", small)
    return app


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[str, ThreadServer]]:
    upstream = ThreadServer(upstream_app).start()
    cfg = conftest.test_config(upstream.port, speech__enabled=False)  # one render worker; pages keyed stably
    resolver = conftest.test_resolver()
    proxy = ThreadServer(lambda: create_app(cfg, resolver=resolver)).start()
    yield f"http://kjt.test.gov.cn:{upstream.port}", proxy
    proxy.stop()
    upstream.stop()


async def loop_lag(stop: asyncio.Event, samples: list[float]) -> None:
    """Runs on the proxy's loop: how late does a 5 ms sleep wake up?"""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t0 = loop.time()
        await asyncio.sleep(0.005)
        samples.append(loop.time() - t0 - 0.005)


async def test_cached_page_served_while_huge_page_transforms(servers: tuple[str, ThreadServer]) -> None:
    site, proxy = servers
    pool = proxy.runner.app[SERVICES].pool
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{proxy.url}/elder/{site}/small") as r:
            assert r.status == 200  # now cached
        stop = asyncio.Event()
        samples: list[float] = []
        probe = asyncio.run_coroutine_threadsafe(loop_lag(stop, samples), proxy.loop)

        async def get_huge() -> tuple[int, int]:
            async with s.get(f"{proxy.url}/elder/{site}/huge", timeout=aiohttp.ClientTimeout(60)) as r:
                return r.status, len(await r.read())

        huge = asyncio.create_task(get_huge())
        while not pool._slots.locked():  # the only render worker has taken the huge page
            assert not huge.done(), huge.result() if huge.done() else ""
            await asyncio.sleep(0.005)
        rendering_since = time.perf_counter()
        served_during = 0
        for _ in range(5):
            async with s.get(f"{proxy.url}/elder/{site}/small") as r:
                assert r.status == 200 and "小页面" in await r.text()
            served_during += not huge.done()
        status, size = await huge
        render_time = time.perf_counter() - rendering_since
        proxy.loop.call_soon_threadsafe(stop.set)
        await asyncio.wrap_future(probe)
    assert status == 200 and size > 100_000
    assert served_during == 5  # every cached request finished before the huge page did
    # the proxy's loop never stalled for a noticeable part of the transform (on the loop it would be ~all of it)
    assert len(samples) > 10
    assert max(samples) < render_time / 4, (max(samples), render_time)
