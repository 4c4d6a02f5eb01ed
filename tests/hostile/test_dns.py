"""Slow DNS answers cost their own requests a timeout, and nothing else: lookups hold no thread (c-ares), so
they cannot fill the executor that other work shares, and another reader's page arrives as usual."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import aiohttp
import pytest

from proxy.app.server import create_app
from tests.conftest import test_config
from tests.support.dns import DNSServer
from tests.support.servers import ThreadServer, free_port


@pytest.fixture(scope="module")
def dns() -> Iterator[DNSServer]:
    server = DNSServer(delay=8.0).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def resolving_proxy(dns: DNSServer, upstream: ThreadServer) -> Iterator[ThreadServer]:
    """A proxy with the production resolver (no test resolver), asking our slow DNS server."""
    cfg = test_config(upstream.port)
    cfg.upstream.dns_servers = [dns.address]
    cfg.upstream.dns_timeout = 3.0
    cfg.server.trusted_proxies = ["127.0.0.1"]  # two clients, named in X-Forwarded-For
    cfg.server.port = free_port()
    server = ThreadServer(lambda: create_app(cfg), port=cfg.server.port).start()
    yield server
    server.stop()


async def test_slow_lookups_fail_alone(resolving_proxy: ThreadServer, upstream: ThreadServer, dns: DNSServer) -> None:
    base = resolving_proxy.url
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as s:
        async def get(url: str, client: str = "198.51.100.1") -> tuple[int, float]:
            start = time.monotonic()
            async with s.get(url, headers={"X-Forwarded-For": client}) as r:
                await r.read()
                return r.status, time.monotonic() - start

        fast = f"{base}/elder/http://kjt.test.gov.cn:{upstream.port}/article"
        assert (await get(fast + "?warm"))[0] == 200  # workers warm, the name known
        slow = [asyncio.create_task(get(f"{base}/elder/http://slow{i}.test.gov.cn:{upstream.port}/article"))
                for i in range(24)]
        await asyncio.sleep(0.3)  # the slow lookups are all waiting now
        status, took = await get(fast, client="203.0.113.9")  # another reader
        assert status == 200 and not any(t.done() for t in slow), took  # served while they all still wait
        results = await asyncio.gather(*slow)
    assert all(code == 502 for code, _ in results), results  # the name could not be resolved: said plainly
    assert max(t for _, t in results) < 8, results  # each ended by the DNS timeout, not the page timeout
    assert any(q.startswith("slow") for q in dns.protocol.queries)
