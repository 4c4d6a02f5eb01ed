"""The proxy over real HTTP against the local fake government site."""

from __future__ import annotations

import aiohttp
import pytest

SAMPLE = "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"


async def get(url: str, **kw) -> tuple[int, dict, str]:
    async with aiohttp.ClientSession() as s, s.get(url, allow_redirects=False, **kw) as r:
        return r.status, dict(r.headers), await r.text(errors="replace")


async def test_home_page_in_chinese_and_english(proxy_url: str) -> None:
    status, headers, body = await get(proxy_url + "/")
    assert status == 200 and 'lang="zh-CN"' in body and "网页地址" in body
    assert "Content-Security-Policy" in headers
    status, _, body = await get(proxy_url + "/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="en"' in body and "Web address" in body


@pytest.mark.parametrize("mode", ["read", "elder", "a11y", "text", "orig"])
async def test_sample_article_in_every_mode(proxy_url: str, mode: str) -> None:
    status, headers, body = await get(f"{proxy_url}/{mode}/{SAMPLE}")
    assert status == 200, body[:500]
    assert "科技成果转化" in body
    assert "<script>document.write" not in body and "_hmt" not in body


async def test_fixture_site_article_links_rewritten(proxy_url: str, site: str) -> None:
    status, headers, body = await get(f"{proxy_url}/elder/{site}/article")
    assert status == 200
    assert f'href="/elder/{site}/pages/next.html"' in body
    assert "外部链接" in body and 'href="https://www.example.com/"' in body
    assert "Set-Cookie" not in headers


async def test_gbk_page_decoded(proxy_url: str, site: str) -> None:
    status, _, body = await get(f"{proxy_url}/read/{site}/gbk")
    assert status == 200 and "国标编码" in body


async def test_redirect_chain_followed_and_capped(proxy_url: str, site: str) -> None:
    status, _, body = await get(f"{proxy_url}/read/{site}/redirect/3")
    assert status == 200 and "测试文章标题" in body
    status, _, body = await get(f"{proxy_url}/read/{site}/redirect/6")
    assert status == 502 and "跳转" in body


async def test_pdf_passes_through(proxy_url: str, site: str) -> None:
    async with aiohttp.ClientSession() as s, s.get(f"{proxy_url}/elder/{site}/files/notice.pdf") as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "application/pdf"
        assert "notice.pdf" in r.headers["Content-Disposition"]
        assert (await r.read()).startswith(b"%PDF")


@pytest.mark.parametrize("target,expected", [
    ("http://127.0.0.1:80/", 403),
    ("http://internal.test.gov.cn/", 403),
    ("http://www.example.com/", 403),
    ("ftp://kjt.test.gov.cn/", 400),
])
async def test_refusals(proxy_url: str, target: str, expected: int) -> None:
    status, _, body = await get(f"{proxy_url}/elder/{target}")
    assert status == expected
    assert "<html" in body and "lang=" in body and "Traceback" not in body


async def test_api_article_json(proxy_url: str) -> None:
    async with aiohttp.ClientSession() as s, s.get(f"{proxy_url}/api/article", params={"url": SAMPLE}) as r:
        assert r.status == 200
        data = await r.json()
    assert data["url"] == SAMPLE and "科技成果转化" in data["text"]


async def test_api_errors_are_json(proxy_url: str) -> None:
    async with aiohttp.ClientSession() as s, s.get(f"{proxy_url}/api/article", params={"url": "http://10.0.0.1/"}) as r:
        assert r.status == 403
        data = await r.json()
    assert data["status"] == 403 and data["error"]


async def test_healthz_and_metrics(proxy_url: str) -> None:
    await get(f"{proxy_url}/read/{SAMPLE}")
    status, _, body = await get(f"{proxy_url}/healthz")
    assert status == 200 and '"status": "ok"' in body
    status, headers, body = await get(f"{proxy_url}/metrics")
    assert status == 200 and 'a11y_requests_total{mode="read",status="200"}' in body
    assert "a11y_upstream_seconds_bucket" in body


async def test_home_form_redirects_into_mode(proxy_url: str) -> None:
    status, headers, _ = await get(f"{proxy_url}/go?url=www.gov.cn/zhengce/&mode=a11y")
    assert status == 303 and headers["Location"] == "/a11y/https://www.gov.cn/zhengce/"
    status, _, body = await get(f"{proxy_url}/go?url=http://10.1.1.1/&mode=a11y")
    assert status == 403


async def test_bare_host_and_collapsed_slashes(proxy_url: str, upstream) -> None:
    status, _, body = await get(f"{proxy_url}/read/http:/kjt.test.gov.cn:{upstream.port}/article")
    assert status == 200 and "测试文章标题" in body


async def test_upstream_error_status_is_502(proxy_url: str, site: str) -> None:
    status, _, body = await get(f"{proxy_url}/read/{site}/status/500")
    assert status == 502 and "500" in body


@pytest.mark.parametrize("path", ["/elder/", "/elder/%00", "/nonsense/https://www.gov.cn/", "/read/" + "a" * 5000,
                                  "/read/http://[::1", "/read/https://www.gov.cn:99999/", "/asset?url=javascript:1"])
async def test_garbage_never_crashes(proxy_url: str, site: str, path: str) -> None:
    status, _, body = await get(proxy_url + path)
    assert 400 <= status < 500 and "Traceback" not in body
    status, _, body = await get(f"{proxy_url}/read/{site}/article")
    assert status == 200


async def test_stale_if_error_and_no_store(upstream, upstream_state: dict) -> None:
    from proxy.server import create_app
    from tests.conftest import test_config, test_resolver
    from tests.support.servers import ThreadServer

    cfg = test_config(upstream.port)
    cfg.cache.ttl = 0  # every copy is stale at once, but kept for stale_ttl
    server = ThreadServer(lambda: create_app(cfg, resolver=test_resolver())).start()
    try:
        page = f"{server.url}/read/http://kjt.test.gov.cn:{upstream.port}/flaky"
        upstream_state["down"] = False
        status, _, body = await get(page)
        assert status == 200 and "缓存版本" not in body
        upstream_state["down"] = True
        status, _, body = await get(page)
        assert status == 200 and "此页面为缓存版本" in body
        status, _, body = await get(f"{server.url}/read/http://kjt.test.gov.cn:{upstream.port}/no-store")
        assert status == 200
        stats = server.runner.app[__import__("proxy.server").server.SERVICES].cache.stats()
        keys = list(server.runner.app[__import__("proxy.server").server.SERVICES].cache._items)
        assert not any(k.startswith("page:") and k.endswith("/no-store") for k in keys), (stats, keys)
    finally:
        upstream_state["down"] = False
        server.stop()
