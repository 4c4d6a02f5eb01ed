"""Upstream TLS is verified; only hosts listed in upstream.insecure_tls_hosts skip verification."""

from __future__ import annotations

import asyncio
import ssl
import threading

import aiohttp
import pytest
import trustme
from aiohttp import web

from proxy.app.server import create_app
from tests.conftest import test_config, test_resolver
from tests.support.servers import ThreadServer, free_port
from tests.support.upstream_app import article


@pytest.fixture(scope="module")
def tls_upstream():
    """An https site with a certificate from a CA nobody trusts (like many government sites' chains)."""
    ca = trustme.CA()
    cert = ca.issue_cert("secure.test.gov.cn", "broken.test.gov.cn")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    port = free_port()
    loop = asyncio.new_event_loop()
    app = web.Application()
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=article("加密页面"), content_type="text/html")

    app.router.add_get("/a", page)
    runner = web.AppRunner(app)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port, ssl_context=ctx).start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    ready.wait(30)
    yield port
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)


async def test_untrusted_chain_refused_unless_listed(tls_upstream: int) -> None:
    cfg = test_config(tls_upstream)
    cfg.upstream.insecure_tls_hosts = ["broken.test.gov.cn"]
    server = ThreadServer(lambda: create_app(cfg, resolver=test_resolver())).start()
    try:
        async with aiohttp.ClientSession() as s:
            async with s.get(f"{server.url}/read/https://secure.test.gov.cn:{tls_upstream}/a") as r:
                assert r.status == 502
                assert "证书" in await r.text()
            async with s.get(f"{server.url}/read/https://broken.test.gov.cn:{tls_upstream}/a") as r:
                assert r.status == 200
                assert "加密页面" in await r.text()
    finally:
        server.stop()
