"""Hostile or broken content that still deserves a page: the reader gets the text, decoded and complete."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.support.servers import ThreadServer

from .cases import GBK_TEXT
from .conftest import PAGE_TIMEOUT, fetch
from .test_upstream_cases import assert_still_serving


@pytest.mark.parametrize("path,expected", [
    ("/html-as-text", "正常页面"),
    ("/wrong-charset", GBK_TEXT),
    ("/late-meta", GBK_TEXT),
    ("/utf16-nobom", "正常页面"),
    ("/nul-bytes", "这是一个正常的页面"),
    ("/early-end", "结束标签之后的正文内容必须保留"),
    ("/cookie-flood", "正常页面"),
])
@pytest.mark.parametrize("mode", ["read", "orig"])
async def test_broken_but_readable(path: str, expected: str, mode: str, hproxy: ThreadServer, evil: str) -> None:
    status, headers, body = await fetch(f"{hproxy.url}/{mode}/{evil}{path}")
    assert status == 200, body[:300]
    assert expected in body
    assert "\x00" not in body and "\ufffd" not in body
    assert "Set-Cookie" not in headers


async def test_frameset_page_lists_its_frames(hproxy: ThreadServer, evil: str) -> None:
    status, _, body = await fetch(f"{hproxy.url}/read/{evil}/frameset")
    assert status == 200
    assert f'href="/read/{evil}/ok"' in body and f'href="/read/{evil}/pages/main.html"' in body
    assert "<frame" not in body


async def test_smuggled_response_does_not_poison_the_next_one(hproxy: ThreadServer, evil: str) -> None:
    """A body longer than its Content-Length (or a 204/304 with a body) leaves bytes on a keep-alive
    connection; they must never be read as the answer to the next request."""
    for path in ("/length-under", "/204-body", "/304-body"):
        status, _, body = await fetch(f"{hproxy.url}/read/{evil}{path}")
        assert "SMUGGLED" not in body
        for i in range(3):
            body = await assert_still_serving(hproxy, evil, f"smuggle-{path.strip('/')}-{i}")
            assert "SMUGGLED" not in body


@pytest.mark.parametrize("path", ["/nested-divs", "/million"])
async def test_pathological_page_is_bounded_and_does_not_stall_others(path: str, hproxy: ThreadServer,
                                                                      evil: str) -> None:
    """The heavy page is parsed off the event loop: the proxy answers others meanwhile, and the page gets
    a result (simplified page or clear error) within the per-page bound."""
    async def heavy() -> tuple[int, str, float]:
        start = time.monotonic()
        status, _, body = await fetch(f"{hproxy.url}/read/{evil}{path}")
        return status, body, time.monotonic() - start

    task = asyncio.create_task(heavy())
    await asyncio.sleep(0.3)
    async with aiohttp.ClientSession() as s:
        for _ in range(5):
            t = time.monotonic()
            async with s.get(f"{hproxy.url}/healthz") as r:
                assert r.status == 200
            assert time.monotonic() - t < 0.5, "the event loop stalled"
            await asyncio.sleep(0.2)
    status, body, elapsed = await task
    assert status in (200, 503), body[:300]
    assert elapsed < PAGE_TIMEOUT + 4
    assert "Traceback" not in body
    await assert_still_serving(hproxy, evil, path.strip("/"))
