"""The live podcast feed of a list page (`/feed?url=`) through the real proxy: it parses, every enclosure has
a length and a type, the episodes are made in the background until every length is the real one, and then
every enclosure returns MP3 of exactly that length, tagged, with a transcript of one cue per sentence.
Also: the cover, refusals, and the 订阅音频 block on the home page and the list-page view."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from urllib.parse import quote

import aiohttp
import feedparser
import pytest
import webvtt
from PIL import Image

from proxy.app.server import create_app
from tests.conftest import test_config, test_resolver
from tests.proxy.speech.test_speech_service import HAVE_ESPEAK
from tests.support.audio import measure, tags
from tests.support.servers import ThreadServer, free_port

pytestmark = [pytest.mark.speech, pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")]
COLUMN = "https://sample.a11y-proxy.invalid/col/gzdt/"
FEED = f"/feed?url={quote(COLUMN, safe='')}"


@pytest.fixture(scope="module")
def server(upstream: ThreadServer) -> Iterator[ThreadServer]:
    cfg = test_config(upstream.port)
    srv = ThreadServer(lambda: create_app(cfg, resolver=test_resolver()), port=free_port()).start()
    yield srv
    srv.stop()


async def get(url: str) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        return r.status, dict(r.headers), await r.read()


async def ready(server: ThreadServer) -> None:
    for _ in range(300):
        _, _, body = await get(f"{server.url}/healthz")
        if b'"available": true' in body or b'"available":true' in body:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("speech never became available")


async def test_the_live_feed_fills_in_and_every_enclosure_matches(server: ThreadServer) -> None:
    await ready(server)
    status, headers, body = await get(server.url + FEED)
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.feed.title == "示例省科学技术厅 · 工作动态" and len(feed.entries) == 20
    for e in feed.entries:
        (enclosure,) = e.enclosures
        assert enclosure.type == "audio/mpeg" and enclosure.length.isdigit()  # 0 until made
        assert enclosure.href == f"{server.url}/audio?url={quote(e.link, safe='')}"
    for _ in range(600):  # the episodes are made in the background, one after another
        feed = feedparser.parse((await get(server.url + FEED))[2])
        if all(int(e.enclosures[0].length) > 0 for e in feed.entries):
            break
        await asyncio.sleep(0.5)
    else:
        raise AssertionError("the feed's lengths never filled in")
    for n, e in enumerate(feed.entries):
        (enclosure,) = e.enclosures
        status, headers, data = await get(enclosure.href)
        assert status == 200 and int(headers["Content-Length"]) == int(enclosure.length) == len(data)
        assert tags(data)["TIT2"].text == [e.title]
        if n < 3:
            lufs, peak = measure(data)
            assert abs(lufs + 16) <= 1 and peak <= -1, (lufs, peak)
            _, _, vtt = await get(f"{server.url}/audio/captions?url={quote(e.link, safe='')}")
            _, _, sentences = await get(f"{server.url}/audio/sentences?url={quote(e.link, safe='')}")
            cues = list(webvtt.from_buffer(io.StringIO(vtt.decode())))
            assert len(cues) == json.loads(sentences)["count"]  # one cue per spoken sentence
    status, headers, png = await get(feed.feed.image.href)
    assert status == 200 and headers["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1400, 1400)


@pytest.mark.parametrize(("url", "status"), [
    ("https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html", 422),  # an article, not a list
    ("https://www.example.com/col/1/", 403),
    ("https://sample.a11y-proxy.invalid/attach/2026/tzgg.pdf", 415),
])
async def test_a_feed_only_of_an_allowed_list_page(server: ThreadServer, url: str, status: int) -> None:
    got, _, body = await get(f"{server.url}/feed?url={quote(url, safe='')}")
    assert got == status, body[:200]


async def test_the_home_page_and_the_list_view_offer_the_subscription(server: ThreadServer) -> None:
    await ready(server)
    _, _, home = await get(server.url + "/")
    text = home.decode()
    assert "订阅音频" in text and f'href="{FEED}"' in text.replace("&amp;", "&")
    assert f"{server.url}/feed?url=" in text  # the address's form, with this server's origin
    for mode in ("elder", "read", "a11y"):
        _, _, page = await get(f"{server.url}/{mode}/{COLUMN}")
        text = page.decode()
        assert "订阅音频" in text and f'href="{FEED}"' in text
        # below the list and its pager, never above what the page is for
        assert text.index('class="entries"') < text.index('class="pager"') < text.index('class="subscribe"')
    _, _, article = await get(f"{server.url}/elder/https://sample.a11y-proxy.invalid/art/2026/list/art_1.html")
    assert b'class="subscribe"' not in article  # an article is no column
