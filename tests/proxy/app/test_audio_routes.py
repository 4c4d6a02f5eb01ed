"""Audio over HTTP through the real proxy: the whole article with Range support, the sentence list, per-sentence
segments addressed by index only, and the errors."""

from __future__ import annotations

import io
import json
import wave
from urllib.parse import quote, unquote

import aiohttp
import pytest
from multidict import CIMultiDict

from proxy.app.byteranges import Unsatisfiable, parse_range
from proxy.app.routes.audio import content_disposition
from proxy.speech.encode import mp3_info
from tests.proxy.speech.test_speech_service import HAVE_ESPEAK

SAMPLE = "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"
TITLE = "示例省科技厅召开2026年科技成果转化工作推进会"
Q = quote(SAMPLE, safe="")


async def fetch(url: str, **kw: object) -> tuple[int, CIMultiDict[str], bytes]:
    async with aiohttp.ClientSession() as s, s.get(url, allow_redirects=False, **kw) as r:  # type: ignore[arg-type]
        return r.status, r.headers.copy(), await r.read()


# -- pure parts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [
    (None, None), ("bytes=0-99", (0, 99)), ("bytes=100-", (100, 999)), ("bytes=-100", (900, 999)),
    ("bytes=990-2000", (990, 999)), ("bytes=0-0", (0, 0)), ("bytes=5-1", None), ("items=0-1", None),
    ("bytes=0-1,5-6", None), ("bytes=-", None),
])
def test_parse_range(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 1000)


def test_content_disposition_has_an_ascii_fallback_and_the_chinese_name() -> None:
    value = content_disposition(f"{TITLE}.mp3", attachment=True)
    assert value.startswith('attachment; filename="article.mp3"; filename*=UTF-8\'\'')
    assert unquote(value.split("''", 1)[1]) == f"{TITLE}.mp3"
    assert content_disposition("Annual report 2026.wav", False) == \
        "inline; filename=\"Annual_report_2026.wav\"; filename*=UTF-8''Annual%20report%202026.wav"


# -- through the proxy ----------------------------------------------------------------------------------------


@pytest.mark.speech
@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
async def test_sentences_json(proxy_url: str) -> None:
    status, headers, body = await fetch(f"{proxy_url}/audio/sentences?url={Q}")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert headers["Vary"] == "Cookie" and headers["Cache-Control"] == "private, no-cache"  # times at the reader's rate
    data = json.loads(body)
    assert data["lang"] == "zh" and data["title"] == TITLE and data["count"] == len(data["sentences"]) > 10
    first, meta = data["sentences"][:2]
    # times appear once another test made the article's audio; that they tile the file is asserted, in a fixed
    # order, by test_audio_streaming.py::test_sentences_carry_their_times_once_the_file_is_made
    times = {k: first.pop(k) for k in ("start", "end") if k in first}
    assert first == {"i": 0, "text": TITLE, "paragraph": 0, "heading": 1, "audio": f"/audio/segment?url={Q}&i=0"}
    assert not times or (times["start"] == 0 and times["end"] == meta["start"] > 0)
    assert meta["text"] == "来源：成果转化处，发布日期：2026年11月20日。"
    texts = [s["text"] for s in data["sentences"]]
    assert "第1行：市州，东湖市；合同数（项），4200；成交额（亿元），512.3。" in texts
    assert any(t.startswith("图片：推进会现场") for t in texts)


async def whole(proxy_url: str, fmt: str = "mp3", **kw: object) -> tuple[int, CIMultiDict[str], bytes]:
    return await fetch(f"{proxy_url}/audio?url={Q}&format={fmt}", **kw)


@pytest.mark.speech
@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
async def test_whole_article_mp3(proxy_url: str) -> None:
    status, headers, streamed = await whole(proxy_url)  # streamed while made, or the finished file
    assert status == 200, streamed[:300]
    assert headers["Content-Type"] == "audio/mpeg"
    status, headers, body = await whole(proxy_url)  # finished by now: from the disk cache
    assert status == 200 and len(body) == len(streamed)
    assert int(headers["Content-Length"]) == len(body)
    assert headers["Accept-Ranges"] == "bytes"
    assert "private" in headers["Cache-Control"] and "Cookie" in headers["Vary"]  # the rate is the reader's
    assert headers["Content-Disposition"].startswith('inline; filename="article.mp3"')
    assert quote(f"{TITLE}.mp3", safe="") in headers["Content-Disposition"]
    info = mp3_info(body)
    assert info["sample_rate"] == 22050 and 60 < info["seconds"] < 300
    _, headers, _ = await fetch(f"{proxy_url}/audio?url={Q}&download=1")
    assert headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.speech
@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
async def test_whole_article_wav_and_health(proxy_url: str) -> None:
    status, headers, body = await whole(proxy_url, "wav", params={"rate": "300"})
    assert status == 200 and headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(body)) as w:
        assert w.getframerate() == 22050 and w.getnchannels() == 1 and w.getnframes() > 22050 * 30
    _, _, health = await fetch(f"{proxy_url}/healthz")
    assert json.loads(health)["audio"]["available"] is True
    status, _, page = await fetch(f"{proxy_url}/elder/{SAMPLE}")
    assert status == 200 and f"/audio?url={Q}".encode() in page  # the player is offered


@pytest.mark.speech
@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
async def test_range_requests_return_the_right_bytes(proxy_url: str) -> None:
    await whole(proxy_url)
    _, headers, full = await whole(proxy_url)
    size, etag = len(full), headers["ETag"]
    for header, (first, last) in [("bytes=100-199", (100, 199)), ("bytes=-50", (size - 50, size - 1)),
                                  (f"bytes={size - 10}-", (size - 10, size - 1)), ("bytes=0-0", (0, 0))]:
        status, headers, part = await whole(proxy_url, headers={"Range": header})
        assert status == 206, header
        assert part == full[first:last + 1]
        assert headers["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert int(headers["Content-Length"]) == last - first + 1
    status, headers, _ = await whole(proxy_url, headers={"Range": f"bytes={size}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"
    status, _, body = await whole(proxy_url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert status == 200 and body == full  # the client's copy is stale: the whole file
    status, _, body = await whole(proxy_url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert status == 206 and body == full[:10]


@pytest.mark.speech
@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
async def test_segments_by_index(proxy_url: str) -> None:
    status, headers, first = await fetch(f"{proxy_url}/audio/segment?url={Q}&i=0")
    assert status == 200 and headers["Content-Type"] == "audio/mpeg" and headers["Accept-Ranges"] == "bytes"
    seconds = mp3_info(first)["seconds"]
    assert 3 < seconds < 15  # the title alone, not the article
    status, headers, wav = await fetch(f"{proxy_url}/audio/segment?url={Q}&i=1&format=wav")
    assert status == 200 and wav.startswith(b"RIFF")
    # the query cannot smuggle in text to say: same article, same index, same (cached) audio
    status, _, again = await fetch(f"{proxy_url}/audio/segment?url={Q}&i=0&text=hello&spoken=hello")
    assert status == 200 and again == first
    status, headers, part = await fetch(f"{proxy_url}/audio/segment?url={Q}&i=0", headers={"Range": "bytes=4-"})
    assert status == 206 and part == first[4:]


@pytest.mark.speech
@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
@pytest.mark.parametrize(("query", "status"), [
    (f"url={Q}&i=9999", 404), (f"url={Q}&i=-1", 400), (f"url={Q}&i=abc", 400), (f"url={Q}", 400),
    (f"url={Q}&i=0&format=ogg", 400), (f"url={Q}&i=0&rate=5", 400), ("i=0", 400),
    (f"url={quote('https://www.example.com/a.html', safe='')}&i=0", 403),
])
async def test_segment_errors(proxy_url: str, query: str, status: int) -> None:
    got, _, body = await fetch(f"{proxy_url}/audio/segment?{query}")
    assert got == status, body[:300]


@pytest.mark.speech
@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
async def test_fixture_site_article_and_non_html(proxy_url: str, site: str) -> None:
    status, _, body = await fetch(f"{proxy_url}/audio/sentences?url={quote(site + '/article', safe='')}")
    assert status == 200
    texts = [s["text"] for s in json.loads(body)["sentences"]]
    assert texts[0] == "测试文章标题" and "图片：示意图。" in texts
    status, _, _ = await fetch(f"{proxy_url}/audio?url={quote(site + '/files/notice.pdf', safe='')}")
    assert status == 415
