"""The proxy over real HTTP against the local fake government site."""

from __future__ import annotations

import aiohttp
import pytest

from proxy.app.keys import SERVICES
from proxy.app.server import create_app
from tests.conftest import test_config, test_resolver
from tests.support.servers import ThreadServer

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
    sent = [float(line.split()[-1]) for line in body.splitlines() if line.startswith("a11y_response_bytes_total ")]
    assert sent and sent[0] > 10_000  # the pages above, counted


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
        cache = server.runner.app[SERVICES].cache
        assert server.call(cache.get(f"page:http://kjt.test.gov.cn:{upstream.port}/no-store")) is None
    finally:
        upstream_state["down"] = False
        server.stop()


async def test_forwarded_for_only_when_configured(upstream) -> None:
    cfg = test_config(upstream.port)
    cfg.upstream.forward_x_forwarded_for = True
    server = ThreadServer(lambda: create_app(cfg, resolver=test_resolver())).start()
    try:
        status, _, body = await get(f"{server.url}/text/http://kjt.test.gov.cn:{upstream.port}/headers")
        assert status == 200 and "X-Forwarded-For=127.0.0.1" in body
    finally:
        server.stop()


async def test_forwarded_for_not_sent_by_default(proxy_url: str, site: str) -> None:
    status, _, body = await get(f"{proxy_url}/text/{site}/headers", headers={"Cookie": "sid=1"})
    assert status == 200 and "收到的请求头" in body
    assert "X-Forwarded-For" not in body and "sid=1" not in body


async def test_element_bound_from_config_gives_simplified_page(upstream, proxy_url: str) -> None:
    cfg = test_config(upstream.port)
    cfg.transform.max_elements = 10  # the fixture article has more: it is simplified, never empty
    server = ThreadServer(lambda: create_app(cfg, resolver=test_resolver())).start()
    try:
        async with aiohttp.ClientSession() as s:
            url = f"http://kjt.test.gov.cn:{upstream.port}/article"
            async with s.get(f"{server.url}/api/article", params={"url": url}) as r:
                data = await r.json()
        # over the bound the page is reduced to its text (no images), and still never empty
        assert "测试文章的正文" in data["text"] and data["images"] == []
        async with aiohttp.ClientSession() as s, s.get(f"{proxy_url}/api/article", params={"url": url}) as r:
            assert (await r.json())["images"], "under the default bound the image is kept"
    finally:
        server.stop()


async def test_sample_site_image_and_attachment(proxy_url: str) -> None:
    from urllib.parse import quote

    image = "https://sample.a11y-proxy.invalid/images/2026/meeting.svg"
    status, headers, body = await get(f"{proxy_url}/asset?url={quote(image, safe='')}")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and "<svg" in body
    assert "sandbox" in headers["Content-Security-Policy"]
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{proxy_url}/elder/https://sample.a11y-proxy.invalid/attach/2026/tzgg.pdf") as r:
            assert r.status == 200 and r.headers["Content-Type"] == "application/pdf"
            assert (await r.read()).startswith(b"%PDF-1.4")
    status, _, _ = await get(f"{proxy_url}/asset?url={quote('https://sample.a11y-proxy.invalid/attach/2026/tzgg.pdf', safe='')}")
    assert status == 415  # /asset serves sub-resources only (content_policy), from the sample as from any site


@pytest.mark.parametrize("path", ["/api/article?url=", "/go?mode=elder&url=", "/audio?url="])
async def test_overlong_query_urls_refused(proxy_url: str, path: str) -> None:
    status, _, body = await get(proxy_url + path + "https://www.gov.cn/" + "a" * 4100)
    assert status == 414 and "Traceback" not in body
