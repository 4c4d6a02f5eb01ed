"""Abuse of the proxy itself: overload limits, per-host connection limit, no cache poisoning, no fetching of
itself, nothing of the user's sent upstream, hop-by-hop headers kept to their hop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import aiohttp
import pytest

from proxy import __version__
from proxy.upstream.client import VIA_TOKEN
from tests.hostile.conftest import fetch, hostile_config, services, start_proxy
from tests.hostile.server import HostileServer
from tests.support.servers import ThreadServer

SECRETS = {"Cookie": "session=COOKIE-SECRET", "Authorization": "Bearer AUTH-SECRET",
           "Proxy-Authorization": "Basic PROXY-SECRET", "X-Forwarded-For": "10.9.8.7",
           "Forwarded": "for=10.9.8.6", "Proxy-Connection": "keep-alive", "X-Hop-Secret": "HOP-SECRET",
           "Connection": "X-Hop-Secret", "Accept-Language": "fr-CA,fr;q=0.9", "Referer": "https://intranet.local/"}
LEAKS = ("COOKIE-SECRET", "AUTH-SECRET", "PROXY-SECRET", "10.9.8.7", "10.9.8.6", "HOP-SECRET", "fr-CA",
         "intranet.local", "Proxy-Connection")


@pytest.fixture(scope="module")
def limited(hostile: HostileServer) -> Iterator[ThreadServer]:
    """Two upstream fetches at once, two connections per host, three requests per client burst."""
    cfg = hostile_config(hostile.port, upstream__max_concurrent_fetches=2, upstream__connections_per_host=2,
                         server__rate_limit_burst=1000, server__rate_limit_per_minute=100000)
    server = start_proxy(cfg)
    yield server
    server.stop()


async def test_global_fetch_limit_answers_503_with_retry_after(limited: ThreadServer, evil: str) -> None:
    async def one(i: int) -> tuple[int, dict[str, str], str]:
        return await fetch(f"{limited.url}/read/{evil}/sleep?global={i}")

    slow = [asyncio.create_task(one(i)) for i in range(2)]
    await asyncio.sleep(0.3)
    status, headers, body = await one(99)
    assert status == 503 and headers.get("Retry-After", "").isdigit(), body[:300]
    assert "繁忙" in body
    assert [s for s, _, _ in await asyncio.gather(*slow)] == [200, 200]
    status, _, _ = await one(100)
    assert status == 200


async def test_per_host_connection_limit(limited: ThreadServer, hostile: HostileServer, evil: str) -> None:
    """Distinct pages on one site, many at once: never more than connections_per_host sockets to it."""
    cfg = hostile_config(hostile.port, upstream__max_concurrent_fetches=50, upstream__connections_per_host=2)
    proxy = start_proxy(cfg)
    try:
        hostile.max_open_connections = hostile.open_connections
        results = await asyncio.gather(*(fetch(f"{proxy.url}/read/{evil}/sleep?host={i}") for i in range(4)))
        assert [s for s, _, _ in results] == [200] * 4
        assert hostile.max_open_connections <= 2 + hostile.open_connections
        assert hostile.max_open_connections >= 2  # they did overlap
    finally:
        proxy.stop()


async def test_per_client_rate_limit_429(hostile: HostileServer) -> None:
    proxy = start_proxy(hostile_config(hostile.port, server__rate_limit_burst=3, server__rate_limit_per_minute=6))
    try:
        statuses = []
        for _ in range(5):
            status, headers, _ = await fetch(proxy.url + "/")
            statuses.append(status)
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        assert headers.get("Retry-After", "").isdigit()
        status, _, _ = await fetch(proxy.url + "/healthz")
        assert status == 200  # health checks are not rate limited
    finally:
        proxy.stop()


async def test_browser_headers_never_reach_upstream(proxy_url: str, site: str) -> None:
    for mode in ("read", "orig"):
        status, headers, body = await fetch(f"{proxy_url}/{mode}/{site}/headers?leak={mode}", headers=SECRETS)
        assert status == 200 and "收到的请求头" in body
        for leak in LEAKS:
            assert leak not in body, leak
        assert "a11y-proxy" in body and VIA_TOKEN in body  # our own Via and User-Agent do go
        assert "Set-Cookie" not in headers


async def test_no_cache_poisoning_by_language_settings_or_mode(proxy_server: ThreadServer, proxy_url: str,
                                                              site: str) -> None:
    url = f"{site}/article?poison=1"
    _, _, en = await fetch(f"{proxy_url}/read/{url}", headers={"Accept-Language": "en-US,en;q=0.9"})
    _, _, zh = await fetch(f"{proxy_url}/read/{url}", headers={"Accept-Language": "zh-CN"})
    assert 'lang="en"' in en or "Skip" in en or "original" in en.lower()
    assert "跳到正文" in zh
    _, _, dark = await fetch(f"{proxy_url}/read/{url}", headers={"Cookie": "a11y_settings=f3.tdark.l1"})
    _, _, plain = await fetch(f"{proxy_url}/read/{url}")
    assert "theme-dark" in dark and "theme-dark" not in plain and "theme-default" in plain
    _, _, elder = await fetch(f"{proxy_url}/elder/{url}")
    assert "mode-elder" in elder and "mode-read" in plain
    keys = [k for k in getattr(services(proxy_server).cache, "_items", {}) if k.startswith("out:") and url in k]
    assert keys, "rendered pages are cached"
    for k in keys:
        assert __version__ in k and any(m in k for m in (":read:", ":elder:"))
        assert "COOKIE" not in k and "fr-CA" not in k


@pytest.fixture(scope="module")
def selfish(hostile: HostileServer) -> Iterator[ThreadServer]:
    """A proxy whose allowed ports include its own, with a name that resolves to the machine itself."""
    cfg = hostile_config(hostile.port)
    server_port_holder: list[int] = []
    proxy = start_proxy(cfg)
    server_port_holder.append(cfg.server.port)
    cfg.upstream.allowed_ports.append(cfg.server.port)
    proxy.resolver.table["self.test.gov.cn"] = "127.0.0.1"  # type: ignore[attr-defined]
    yield proxy
    proxy.stop()


def lan_address() -> str | None:
    """This machine's LAN address, by a UDP connect (a routing lookup: no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return None


async def test_proxy_refuses_to_fetch_itself(selfish: ThreadServer) -> None:
    port = selfish.port
    targets = [f"http://127.0.0.1:{port}/healthz", f"http://localhost:{port}/", f"http://[::1]:{port}/",
               f"http://{socket.gethostname()}:{port}/", f"http://self.test.gov.cn:{port}/healthz",
               f"http://self.test.gov.cn:{port}/read/http://self.test.gov.cn:{port}/healthz"]
    if (lan := lan_address()) and not lan.startswith("127."):
        targets.append(f"http://{lan}:{port}/")
    for target in targets:
        start = time.monotonic()
        status, _, body = await fetch(f"{selfish.url}/read/{target}")
        assert status in (400, 403), (target, status, body[:200])
        assert time.monotonic() - start < 2
    status, _, body = await fetch(f"{selfish.url}/healthz", headers={"Via": f"1.1 {VIA_TOKEN}"})
    assert status == 403  # a request that went through us once is a loop


async def test_streamed_responses_carry_security_headers(proxy_url: str, site: str, evil: str) -> None:
    async with aiohttp.ClientSession() as s, s.get(f"{proxy_url}/read/{site}/files/notice.pdf") as r:
        assert r.status == 200 and r.headers["X-Content-Type-Options"] == "nosniff"


async def test_passthrough_drops_hop_by_hop_and_sandboxes_active_types(hostile: HostileServer,
                                                                      evil: str) -> None:
    proxy = start_proxy(hostile_config(hostile.port))
    try:
        async with aiohttp.ClientSession() as s:
            async with s.get(f"{proxy.url}/read/{evil}/pdf-hop") as r:
                assert r.status == 200 and r.headers["Content-Type"] == "application/pdf"
                for h in ("X-Hop", "Keep-Alive", "Proxy-Authenticate", "Set-Cookie"):
                    assert h not in r.headers, h
                assert "X-Hop" not in r.headers.get("Connection", "")
                assert r.headers["X-Content-Type-Options"] == "nosniff"
            for path in ("/xml", "/svg"):
                async with s.get(f"{proxy.url}/read/{evil}{path}") as r:
                    assert r.status == 200
                    assert "sandbox" in r.headers["Content-Security-Policy"], path
                    assert r.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        proxy.stop()


@pytest.mark.parametrize(("route", "status"), [("page", 200), ("feed", 422)])
async def test_one_client_cannot_take_every_fetch(hostile: HostileServer, route: str, status: int) -> None:
    """A client over its share of fetches waits for its own earlier ones (never 503 while its share is
    busy); another client's page is fetched at once meanwhile; each client's pages are served in turn. The
    live feed (and the audio routes) fetch with the asking reader's share too, as pages do: one client's twelve
    feeds do not hold another reader's behind them (a feed of an article page: 422, said at once)."""
    cfg = hostile_config(hostile.port, upstream__max_concurrent_fetches=8, upstream__max_fetches_per_client=4,
                         upstream__connections_per_host=8)
    cfg.server.trusted_proxies = ["127.0.0.1"]  # two clients, named in X-Forwarded-For
    proxy = start_proxy(cfg)
    evil = f"http://evil.test.gov.cn:{hostile.port}"
    greedy, reader = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "2001:db8:1:2::9"}

    def address(path: str) -> str:
        return f"{proxy.url}/read/{evil}{path}" if route == "page" else \
            f"{proxy.url}/feed?url={quote(evil + path, safe='')}"

    try:
        # a third client first: render workers spawned and warm, so the reader's time below is its wait alone
        got, _, _ = await fetch(address("/ok?warm=1"), headers={"X-Forwarded-For": "198.51.100.3"})
        assert got == status
        hogs = [asyncio.create_task(fetch(address(f"/sleep?greedy={i}"), headers=greedy))
                for i in range(12)]  # more than all the fetch slots
        await asyncio.sleep(0.3)  # four fetching, eight waiting behind them
        start = time.monotonic()
        got, _, _ = await fetch(address("/ok?reader=1"), headers=reader)
        assert got == status and time.monotonic() - start < 0.7  # not behind the greedy client's twelve
        assert not any(h.done() for h in hogs)
        assert [s for s, _, _ in await asyncio.gather(*hogs)] == [status] * 12  # slower, but all served
    finally:
        proxy.stop()
