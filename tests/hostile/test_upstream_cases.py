"""Each hostile upstream behaviour gets its error page and status, nothing is cached, and the proxy keeps
serving: the next normal request through the same worker succeeds."""

from __future__ import annotations

import time

import pytest

from tests.support.servers import ThreadServer

from .cases import CASES, TLS_STALL, Case
from .conftest import TIMEOUTS, fetch, services

NORMAL_TITLE = "正常页面"


async def assert_still_serving(proxy: ThreadServer, evil: str, tag: str) -> str:
    status, _, body = await fetch(f"{proxy.url}/read/{evil}/ok?after={tag}")
    assert status == 200 and NORMAL_TITLE in body, body[:300]
    return body


def assert_error_page(status: int, body: str) -> None:
    assert "<html" in body and "lang=" in body, body[:300]
    assert "Traceback" not in body and NORMAL_TITLE not in body
    assert f"{status}" in body or "原网站" in body or "页面" in body


async def assert_not_cached(proxy: ThreadServer, url: str) -> None:
    cache = services(proxy).cache
    assert proxy.call(cache.get("page:" + url)) is None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.path.strip("/"))
async def test_hostile_upstream(case: Case, hproxy: ThreadServer, evil: str) -> None:
    url = f"{evil}{case.path}"
    start = time.monotonic()
    status, headers, body = await fetch(f"{hproxy.url}/read/{url}")
    elapsed = time.monotonic() - start
    assert status in case.statuses, (case.why, status, body[:400])
    assert_error_page(status, body)
    assert "Set-Cookie" not in headers
    assert elapsed < TIMEOUTS["total"] + 3, f"{case.why}: took {elapsed:.1f}s"
    await assert_not_cached(hproxy, url)
    await assert_still_serving(hproxy, evil, case.path.strip("/"))


async def test_tls_handshake_that_stalls(hproxy: ThreadServer, hostile) -> None:
    url = f"https://evil.test.gov.cn:{hostile.port}/tls"
    start = time.monotonic()
    status, _, body = await fetch(f"{hproxy.url}/read/{url}")
    assert status in TLS_STALL.statuses, body[:300]
    assert time.monotonic() - start < TIMEOUTS["total"] + 3
    assert hostile.hits.get("<tls>", 0) >= 1
