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
