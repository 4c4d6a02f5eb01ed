"""`a11y-proxy podcast` end to end on the built-in sample site's column (three list pages of 20 articles), as
a publisher runs it: the folder is published by a real local web server at --base-url, and checked as a
podcast app and a listener would. The feed parses (feedparser), every enclosure URL returns MP3 of the
feed's length, the tags read back (mutagen), each transcript has a cue per spoken sentence, and the measured
loudness is within 1 LU of the target. Then the incremental runs: nothing changed, an article left the list,
an article that fails."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import aiohttp
import feedparser
import pytest
import webvtt
from aiohttp import web
from PIL import Image

from proxy import config
from proxy.cli.loading import article_of, load_document
from tests.proxy.speech.test_speech_service import HAVE_ESPEAK
from tests.support.audio import measure, tags
from tests.support.dns import DNSServer
from tests.support.servers import ThreadServer
from transforms.speech.text import speech_text

pytestmark = [pytest.mark.speech, pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")]
ROOT = Path(__file__).resolve().parents[3]
COLUMN = "https://sample.a11y-proxy.invalid/col/gzdt/"
LIMIT = 22  # the first list page's 20 articles and two from the second: the paging is followed


def podcast(*args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""}
    return subprocess.run([sys.executable, "-m", "proxy", "podcast", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The podcast folder made once for the module, and the local web server that publishes it."""
    folder = tmp_path_factory.mktemp("podcast")

    def app() -> web.Application:
        a = web.Application()
        a.router.add_static("/podcast/", folder)
        return a

    server = ThreadServer(app).start()
    base = f"{server.url}/podcast/"
    run = podcast(COLUMN, "-o", str(folder), "--limit", str(LIMIT), "--base-url", base, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    assert f"{LIMIT} episodes in {folder / 'feed.xml'}: {LIMIT} made, 0 unchanged, 0 failed, 0 removed" in run.stderr
    yield folder, base
    server.stop()


async def sentences_of(url: str) -> list:
    cfg = config.load()
    return speech_text(article_of(cfg, await load_document(cfg, url, None), url)).sentences


async def get(url: str) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        return r.status, dict(r.headers), await r.read()


def test_the_feed_parses_and_follows_the_paging(published: tuple[Path, str]) -> None:
    folder, base = published
    feed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "示例省科学技术厅 · 工作动态" and feed.feed.link == COLUMN
    assert feed.feed.language == "zh-cn" and feed.feed.image.href == base + "cover.png"
    assert len(feed.entries) == LIMIT
    links = [e.link for e in feed.entries]
    assert links[:2] == ["https://sample.a11y-proxy.invalid/art/2026/list/art_10.html",
                         "https://sample.a11y-proxy.invalid/art/2026/list/art_11.html"]
    assert links[-2:] == ["https://sample.a11y-proxy.invalid/art/2026/list/art_30.html",
                          "https://sample.a11y-proxy.invalid/art/2026/list/art_31.html"]  # from the second page
    for e in feed.entries:
        (enclosure,) = e.enclosures
        assert enclosure.type == "audio/mpeg" and int(enclosure.length) > 10_000
        assert e.itunes_duration and e.published_parsed is not None
    with Image.open(folder / "cover.png") as cover:
        assert cover.size == (1400, 1400)


async def test_every_enclosure_is_mp3_of_its_length_with_tags_transcript_and_loudness(
        published: tuple[Path, str]) -> None:
    folder, base = published
    feed = feedparser.parse((folder / "feed.xml").read_bytes())
    xml = (folder / "feed.xml").read_text(encoding="utf-8")
    for e in feed.entries:
        (enclosure,) = e.enclosures
        status, headers, data = await get(enclosure.href)
        assert status == 200 and len(data) == int(enclosure.length) == int(headers["Content-Length"])
        t = tags(data)
        assert t["TIT2"].text == [e.title] and t["TALB"].text == ["示例省科学技术厅 · 工作动态"]
        assert t.getall("COMM")[0].text == [e.link]
        assert str(t["TDRC"].text[0]) == parsedate_to_datetime(e.published).date().isoformat()  # China's date
        lufs, peak = measure(data)
        assert abs(lufs + 16.0) <= 1.0 and peak <= -1.0, (e.link, lufs, peak)
        transcript = enclosure.href.removesuffix(".mp3") + ".vtt"
        assert f'<podcast:transcript url="{transcript}" type="text/vtt"' in xml
        status, _, vtt = await get(transcript)
        assert status == 200
        cues = list(webvtt.from_buffer(io.StringIO(vtt.decode("utf-8"))))
        assert len(cues) == len(await sentences_of(e.link)), e.link  # one cue per spoken sentence


def test_a_second_run_makes_nothing_and_a_shorter_list_removes_what_left(published: tuple[Path, str]) -> None:
    folder, base = published
    mp3s = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.mp3")}
    run = podcast(COLUMN, "-o", str(folder), "--limit", str(LIMIT), "--base-url", base)
    assert run.returncode == 0, run.stderr
    assert f"{LIMIT} episodes in {folder / 'feed.xml'}: 0 made, {LIMIT} unchanged, 0 failed, 0 removed" in run.stderr
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.mp3")} == mp3s  # not one file written again
    run = podcast(COLUMN, "-o", str(folder), "--limit", "20", "--base-url", base, lang="zh_CN.UTF-8")
    assert run.returncode == 0, run.stderr
    assert "共 20 集：新生成 0，未变 20，失败 0，移除 2" in run.stderr
    feed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert len(feed.entries) == 20 and len(list(folder.glob("*.mp3"))) == 20 and len(list(folder.glob("*.vtt"))) == 20
    assert all("art_30" not in e.link and "art_31" not in e.link for e in feed.entries)


def test_a_failed_article_is_reported_and_skipped(tmp_path: Path, upstream: ThreadServer, site: str) -> None:
    from tests.conftest import TEST_DOMAIN

    dns = DNSServer(0).start()  # every name is 127.0.0.1: the test site's
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"upstream: {{allowed_hosts: ['*.{TEST_DOMAIN}'], allowed_ports: [{upstream.port}], "
                   f"allow_private_addresses: ['127.0.0.1/32'], dns_servers: ['{dns.address}']}}\n", encoding="utf-8")
    out = tmp_path / "feed"
    try:
        run = podcast(f"{site}/col/with-a-broken-article/", "-o", str(out), "--config", str(cfg))
    finally:
        dns.stop()
    assert run.returncode == 1
    failures = [line for line in run.stderr.splitlines() if line.startswith("a11y-proxy:")]
    assert failures == [f"a11y-proxy: {site}/status/500: The site answered with an error (500)."]
    assert "FAILED" in run.stderr and "8 episodes" in run.stderr and "8 made, 0 unchanged, 1 failed" in run.stderr
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == 8


def test_a_page_that_is_not_a_list_is_one_line(tmp_path: Path) -> None:
    run = podcast("https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html", "-o", str(tmp_path / "f"))
    assert run.returncode == 2
    assert run.stderr.strip() == ("a11y-proxy: https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html is not a "
                                  "list page (a column with dated articles)")
