"""Kind error pages, the upstream status carried through, and the reading aids over HTTP (pages, settings,
the JSON API, the sentence list)."""

from __future__ import annotations

import json
from urllib.parse import quote

import aiohttp
import pytest
from lxml import html as lxml_html

from tests.proxy.speech.test_speech_service import HAVE_ESPEAK

SAMPLE = "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"


async def get(url: str, cookie: str = "", headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    headers = {**(headers or {}), **({"Cookie": f"a11y_settings={cookie}"} if cookie else {})}
    async with aiohttp.ClientSession() as s, s.get(url, allow_redirects=False, headers=headers) as r:
        return r.status, dict(r.headers), await r.text(errors="replace")


def page(body: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(body)


async def test_upstream_404_says_so_and_offers_the_sites_home_in_the_same_mode(proxy_url: str, site: str) -> None:
    status, _, body = await get(f"{proxy_url}/elder/{site}/status/404")
    assert status == 404  # the site's own answer, not a 502 of ours
    doc = page(body)
    assert doc.xpath("string(//h1)") == "原网站上找不到这个网页"
    assert doc.xpath("//section[@id='a11y-tb']") and "mode-elder" in doc.get("class")
    assert doc.xpath("//a[@class='button' and text()='去原网站首页']/@href") == [f"/elder/{site}/"]
    assert doc.xpath("//a[@class='button' and text()='打开原网页']/@href") == [f"{site}/status/404"]
    assert not doc.xpath("//a[text()='重新试一次']")  # trying again does not bring a deleted page back
    details = doc.xpath("//details")[0]
    assert details.xpath("string(summary)") == "技术信息" and "HTTP 404" in details.text_content()
    assert "HTTP" not in doc.xpath("string(//main/h1)") + doc.xpath("string(//p[@class='error-advice'])")


async def test_upstream_500_is_a_502_with_what_the_site_said(proxy_url: str, site: str) -> None:
    status, _, body = await get(f"{proxy_url}/a11y/{site}/status/500")
    assert status == 502
    doc = page(body)
    assert doc.xpath("string(//h1)") == "这个网站暂时打不开（对方服务器出错），请稍后再试"
    assert doc.xpath("//a[text()='重新试一次']/@href") == [f"/a11y/{site}/status/500"]
    assert doc.xpath("//a[text()='打开原网页']/@href") == [f"{site}/status/500"]
    assert not doc.xpath("//a[text()='去原网站首页']")
    text = doc.xpath("string(//details)")
    assert "HTTP 502" in text and "原网站返回的状态码" in text and "HTTP 500" in text


async def test_a_site_we_do_not_open_is_named_but_never_linked(proxy_url: str) -> None:
    status, _, body = await get(f"{proxy_url}/elder/http://www.example.com/x", cookie="f2.tdark.l0.sserver.r2")
    assert status == 403
    doc = page(body)
    assert doc.xpath("string(//h1)") == "本服务不能打开这个网站"
    assert {"theme-dark", "font-2", "mode-elder"} <= set(doc.get("class").split())  # the reader's own look
    assert not doc.xpath("//a[contains(@href, 'example.com')]")
    assert "http://www.example.com/x" in doc.xpath("string(//p[@class='error-url'])")


async def test_error_page_in_traditional_characters(proxy_url: str, site: str) -> None:
    _, _, body = await get(f"{proxy_url}/read/{site}/status/404", cookie="f0.tdefault.l0.sserver.r2.chant-tw")
    doc = page(body)
    assert doc.get("lang") == "zh-Hant-TW" and doc.xpath("string(//h1)") == "原網站上找不到這個網頁"


async def test_api_reading_aids_when_asked(proxy_url: str) -> None:
    _, _, plain = await get(f"{proxy_url}/api/article?url={quote(SAMPLE, safe='')}")
    status, _, body = await get(f"{proxy_url}/api/article?url={quote(SAMPLE, safe='')}&script=hant&pinyin=1")
    data, before = json.loads(body), json.loads(plain)
    assert status == 200 and "pinyin" not in before and "<ruby" not in before["content_html"]
    assert data["title"] == "示例省科技廳召開2026年科技成果轉化工作推進會" and data["lang"] == "zh-Hant-TW"
    assert data["pinyin"]["title"].startswith("shì lì shěng kē jì tīng zhào kāi 2026 nián")
    assert "<rt>shì</rt>" in data["content_html"]
    assert data["url"] == before["url"] and data["published"] == before["published"]


async def test_pages_follow_the_aids_in_the_cookie(proxy_url: str) -> None:
    _, _, body = await get(f"{proxy_url}/text/{SAMPLE}", cookie="f0.tdefault.l0.sserver.r2.chant-hk.p1")
    doc = page(body)
    assert doc.get("lang") == "zh-Hant-HK"
    h1 = doc.xpath("//h1")[0]
    assert h1.text_content() == "示例省科技廳召開2026年科技成果轉化工作推進會" and h1.xpath(".//rt")
    _, _, plain = await get(f"{proxy_url}/text/{SAMPLE}")  # a separate cache entry, not the aided page
    assert "<ruby" not in plain and "科技厅" in plain


async def test_settings_form_saves_the_aids(proxy_url: str) -> None:
    status, headers, _ = await get(f"{proxy_url}/settings?save=1&font=1&theme=blue&spacing=0&speech=server&rate=2"
                                   "&script=hant-hk&pinyin=1", headers={"Sec-Fetch-Site": "same-origin"})
    assert status == 303 and "a11y_settings=f1.tblue.l0.sserver.r2.chant-hk.p1" in headers["Set-Cookie"]


@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
async def test_sentences_in_the_readers_script(proxy_url: str) -> None:
    q = quote(SAMPLE, safe="")
    _, _, simplified = await get(f"{proxy_url}/audio/sentences?url={q}")
    _, _, traditional = await get(f"{proxy_url}/audio/sentences?url={q}&script=hant-tw")
    a, b = json.loads(simplified), json.loads(traditional)
    assert len(a["sentences"]) == len(b["sentences"])
    assert a["sentences"][0]["text"] == "示例省科技厅召开2026年科技成果转化工作推进会"
    assert b["sentences"][0]["text"] == "示例省科技廳召開2026年科技成果轉化工作推進會"
    assert [s["audio"] for s in a["sentences"]] == [s["audio"] for s in b["sentences"]]  # the same audio


async def test_api_carries_issue_12_fields_in_the_asked_script(proxy_url: str, site: str) -> None:
    """The 信息公开 header, 文号 and the search query in `/api/article`, converted like the rest; dates and the
    extraction's method as they were."""
    url = quote(f"{site}/govset/xxgk-01-table4-head", safe="")
    _, _, plain = await get(f"{proxy_url}/api/article?url={url}")
    _, _, body = await get(f"{proxy_url}/api/article?url={url}&script=hant-tw")
    before, data = json.loads(plain), json.loads(body)
    assert {"label": "发文机关", "value": "临江省人民政府办公厅"} in before["info"]
    assert {"label": "發文機關", "value": "臨江省人民政府辦公廳"} in data["info"]
    assert before["doc_number"] == "临政办发〔2023〕21号" and data["doc_number"] == "臨政辦發〔2023〕21號"
    assert (data["issued"], data["method"], data["confidence"]) == (before["issued"], before["method"],
                                                                   before["confidence"])
    search = quote(f"{site}/govset/srch-01-jsearch", safe="")
    _, _, plain = await get(f"{proxy_url}/api/article?url={search}")
    _, _, body = await get(f"{proxy_url}/api/article?url={search}&script=hant-hk")
    before, data = json.loads(plain), json.loads(body)
    assert data["page_type"] == "search" and data["search"] == {"query": "營商環境", "count": 1235}
    assert data["next_page"] == {"title": "下一頁", "url": before["next_page"]["url"]}


async def test_text_mode_shows_the_document_header_with_the_aids(proxy_url: str, site: str) -> None:
    _, _, body = await get(f"{proxy_url}/text/{site}/govset/xxgk-01-table4-head",
                           cookie="f0.tdefault.l0.sserver.r2.chant-tw.p1")
    doc = page(body)
    dl = doc.xpath("//main//dl[@class='doc-info']")[0]
    assert "發文機關" in dl.xpath("string(.)") and dl.xpath(".//rt")
    assert "臨政辦發〔2023〕21號" in doc.xpath("string(//main)")
