"""Whole-article audio through the real proxy (a real espeak-ng engine in a spawned worker, real HTTP): it
streams while it is made, the finished file comes from the disk cache with byte ranges and a strong ETag of
its exact bytes, seeks never synthesise again, and a one-sentence request never waits behind a long article."""

from __future__ import annotations

import asyncio
import hashlib
import io
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
import webvtt
from mutagen.id3 import ID3

from proxy.app.keys import AUDIO_FILES, SPEECH
from proxy.app.server import create_app
from proxy.cache.audio import AudioStore
from proxy.speech.encode import mp3_info
from tests.conftest import test_config, test_resolver
from tests.proxy.speech.test_speech_service import HAVE_ESPEAK
from tests.support.servers import ThreadServer, free_port

pytestmark = [pytest.mark.speech, pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")]
SAMPLE = "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"


@pytest.fixture(scope="module")
def server(upstream: ThreadServer) -> Iterator[ThreadServer]:
    cfg = test_config(upstream.port)
    cfg.speech.workers = 1  # the hardest case for the lanes: one worker for everybody
    srv = ThreadServer(lambda: create_app(cfg, resolver=test_resolver()), port=free_port()).start()
    yield srv
    srv.stop()


def app_of(server: ThreadServer) -> aiohttp.web.Application:
    assert server.runner is not None
    return server.runner.app


async def ready(server: ThreadServer) -> None:
    async with aiohttp.ClientSession() as s:
        for _ in range(300):
            async with s.get(f"{server.url}/healthz") as r:
                if (await r.json())["audio"]["available"]:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError("speech never became available")


def audio_url(server: ThreadServer, page: str, path: str = "/audio") -> str:
    return f"{server.url}{path}?url={quote(page, safe='')}"


async def test_first_request_streams_then_the_finished_file_is_served_from_disk(server: ThreadServer) -> None:
    await ready(server)
    async with aiohttp.ClientSession() as s:
        async with s.get(audio_url(server, SAMPLE)) as r:
            assert r.status == 200
            assert r.headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in r.headers
            assert "ETag" not in r.headers and r.headers["Accept-Ranges"] == "none"  # nothing to match later
            assert "no-store" in r.headers["Cache-Control"]
            streamed = await r.read()
        async with s.get(audio_url(server, SAMPLE)) as r:
            assert r.status == 200 and int(r.headers["Content-Length"]) == len(streamed)
            etag = r.headers["ETag"]
            finished = await r.read()
    tag = ID3(io.BytesIO(finished)).size  # the ID3 tag: its chapter times are filled in at the end
    assert len(finished) == len(streamed) and finished[tag:] == streamed[tag:]  # every other byte agrees
    assert streamed[:3] == b"ID3" and len(ID3(io.BytesIO(streamed)).getall("CHAP")) == \
        len(ID3(io.BytesIO(finished)).getall("CHAP"))
    assert etag == '"' + hashlib.sha256(finished).hexdigest()[:40] + '"'  # the ETag names these exact bytes
    assert 60 < mp3_info(finished)["seconds"] < 300


async def test_a_seek_into_the_finished_file_synthesises_nothing(server: ThreadServer) -> None:
    await ready(server)
    speech = app_of(server)[SPEECH]
    async with aiohttp.ClientSession() as s:
        async with s.get(audio_url(server, SAMPLE)) as r:
            full = await r.read()
            etag = r.headers.get("ETag")
        if etag is None:  # this test ran first: that was the stream
            async with s.get(audio_url(server, SAMPLE)) as r:
                etag = r.headers["ETag"]
        jobs = speech.jobs
        for first in (1000, len(full) // 2, len(full) - 100):
            async with s.get(audio_url(server, SAMPLE), headers={"Range": f"bytes={first}-", "If-Range": etag}) as r:
                assert r.status == 206
                assert r.headers["Content-Range"] == f"bytes {first}-{len(full) - 1}/{len(full)}"
                assert await r.read() == full[first:]
        async with s.get(audio_url(server, SAMPLE), headers={"If-None-Match": etag}) as r:
            assert r.status == 304
    assert speech.jobs == jobs


async def test_two_listeners_follow_one_production(server: ThreadServer, site: str) -> None:
    await ready(server)
    page = f"{site}/long/3000/two-listeners"
    speech = app_of(server)[SPEECH]
    jobs = speech.jobs
    async with aiohttp.ClientSession() as s:

        async def listen() -> bytes:
            async with s.get(audio_url(server, page)) as r:
                assert r.status == 200
                return await r.read()

        one, two = await asyncio.gather(listen(), listen())
        async with s.get(f"{server.url}/audio/sentences?url={quote(page, safe='')}") as r:
            count = (await r.json())["count"]
    assert one == two and mp3_info(one)["seconds"] > 60
    assert speech.jobs - jobs == count  # each sentence synthesised once, for both listeners


async def test_the_production_goes_on_when_the_listener_leaves(server: ThreadServer, site: str) -> None:
    await ready(server)
    page = f"{site}/long/3000/leaves"
    files = app_of(server)[AUDIO_FILES]
    async with aiohttp.ClientSession() as s:
        async with s.get(audio_url(server, page)) as r:
            assert r.headers["X-Audio-Status"] == "streaming"
            await r.content.readany()  # the first sentence, then hang up
        for _ in range(600):
            if not files.running:
                break
            await asyncio.sleep(0.05)
        async with s.get(audio_url(server, page)) as r:
            assert "ETag" in r.headers and "X-Audio-Status" not in r.headers  # finished without a listener
            assert mp3_info(await r.read())["seconds"] > 60


async def test_a_segment_never_waits_behind_a_long_article(server: ThreadServer, site: str) -> None:
    """One speech worker; a 20,000-character article is being made; another reader's sentence is answered
    while the article is still far from finished (it waits at most one of the article's sentences)."""
    await ready(server)
    long_page = f"{site}/long/19500/segment-lane"
    files = app_of(server)[AUDIO_FILES]
    async with aiohttp.ClientSession() as s:
        async with s.get(audio_url(server, long_page)) as r:
            t0 = time.perf_counter()
            first = await r.content.readany()
            first_byte = time.perf_counter() - t0
            assert first and files.running  # the long article is being made
            segment = f"{audio_url(server, f'{site}/article', '/audio/segment')}&i=1"
            t0 = time.perf_counter()
            async with s.get(segment) as seg:
                assert seg.status == 200 and mp3_info(await seg.read())["seconds"] > 1
            waited = time.perf_counter() - t0
            production = next(iter(files.running.values()))
            made = len(production.timeline.cues)
            total = len(production.audio.text.sentences)
            assert made < total / 2, (made, total)  # answered long before the article was done
    print(f"first byte {first_byte:.3f}s, segment {waited:.3f}s, article at sentence {made} of {total}")


async def test_the_stream_refuses_like_the_file(server: ThreadServer, site: str) -> None:
    await ready(server)
    async with aiohttp.ClientSession() as s:
        async with s.get(audio_url(server, f"{site}/long/30000/too-long")) as r:
            assert r.status == 413  # over speech.max_chars: an error page, not a broken stream
        async with s.get(audio_url(server, f"{site}/files/notice.pdf")) as r:
            assert r.status == 415


async def test_sentences_carry_their_times_once_the_file_is_made(server: ThreadServer, site: str) -> None:
    """The player's exact timeline: /audio/sentences gives each sentence's start and end in the article's audio
    once the file is made (until then none, and the player estimates); the spans tile the file, start where
    the transcript's cues start, and come in the page's script like the sentences' texts."""
    await ready(server)
    page = f"{site}/long/1200/timed"
    async with aiohttp.ClientSession() as s:
        async with s.get(audio_url(server, page, "/audio/sentences")) as r:
            simplified = (await r.json())["sentences"]
        assert all("start" not in x and "end" not in x for x in simplified)
        async with s.get(audio_url(server, page)) as r:
            audio = await r.read()
        async with s.get(audio_url(server, page, "/audio/sentences") + "&script=hant") as r:
            timed = (await r.json())["sentences"]
        async with s.get(audio_url(server, page, "/audio/captions") + "&script=hant") as r:
            assert r.headers["Content-Type"].startswith("text/vtt")
            cues = list(webvtt.from_buffer(io.StringIO(await r.text())))
    starts, ends = [x["start"] for x in timed], [x["end"] for x in timed]
    assert starts[0] == 0 and all(b > a for a, b in zip(starts, ends, strict=True)) and ends[:-1] == starts[1:]
    assert abs(ends[-1] - mp3_info(audio)["seconds"]) < 0.3
    assert [c.start for c in cues] == [f"00:{int(x // 60):02d}:{x % 60:06.3f}" for x in starts]
    assert [c.text for c in cues] == [x["text"] for x in timed]
    assert "隊伍" in "".join(x["text"] for x in timed) and "队伍" in "".join(x["text"] for x in simplified)


async def test_a_script_only_page_is_not_read_aloud(server: ThreadServer, site: str) -> None:
    """Its words are made by its scripts: no title-only audio (its page shows no player either)."""
    await ready(server)
    async with aiohttp.ClientSession() as s:
        for path in ("/audio", "/audio/sentences", "/audio/captions"):
            async with s.get(audio_url(server, f"{site}/pages/js_only.html", path)) as r:
                assert r.status == 422, path


def test_the_disk_cache_is_bounded_and_evicts_the_least_recently_used(tmp_path: Path) -> None:
    store = AudioStore(tmp_path, max_bytes=3500)  # 4 files: one goes, down to 90 %
    for name in "abc":
        part = store.part(name * 40, "mp3")
        part.write(b"\x00" * 1000)
        store.commit(part, name * 40, "mp3", b"", {})
        part.release()
        time.sleep(0.01)
    assert store.find("a" * 40, "mp3") is not None  # used: now the most recent
    part = store.part("d" * 40, "mp3")
    part.write(b"\x00" * 1000)
    stored = store.commit(part, "d" * 40, "mp3", b"ID3", {"title": "x"})
    part.release()
    assert stored.path.read_bytes()[:3] == b"ID3" and stored.size == 1000  # the header written in place
    assert stored.etag == '"' + hashlib.sha256(stored.path.read_bytes()).hexdigest()[:40] + '"'
    kept = {n for n in "abcd" if store.find(n * 40, "mp3") is not None}
    assert kept == {"a", "c", "d"}  # b was the least recently used
    assert store.scan() <= 3500
