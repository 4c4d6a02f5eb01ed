"""`a11y-proxy speak` as a user runs it: a batch with one bad source, and one source to one file."""

from __future__ import annotations

import html
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest
import webvtt
from pypdf import PdfWriter

from proxy.speech.encode import mp3_info
from tests.proxy.speech.test_speech_service import HAVE_ESPEAK
from tests.support.audio import measure
from tests.support.audio import tags as audio_tags
from tests.support.dns import DNSServer
from tests.support.servers import free_port
from tests.support.upstream_app import MINI_PDF, PNG

pytestmark = [pytest.mark.speech, pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")]
ROOT = Path(__file__).resolve().parents[3]
SAMPLE = "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"
SAMPLE_PDF = "https://sample.a11y-proxy.invalid/attach/2026/tzgg.pdf"
LOCAL = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>关于开展调研的通知</title>
<meta name="ArticleTitle" content="关于开展调研的通知"><meta name="PubDate" content="2026-11-21"></head><body>
<div id="zoom"><p>请各单位于12月31日前报送年度工作总结，联系电话：027-87654321。</p>
<p>各地要围绕产业链部署创新链，推动高校院所与企业建立长期稳定的合作关系。</p></div></body></html>"""


def speak(*args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""}
    return subprocess.run([sys.executable, "-m", "proxy", "speak", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_batch_with_one_bad_source(tmp_path: Path) -> None:
    local = tmp_path / "notice.html"
    local.write_text(LOCAL, encoding="utf-8")
    missing = tmp_path / "missing.html"
    out = tmp_path / "audio"
    run = speak(SAMPLE, str(missing), str(local), "-o", str(out))
    assert run.returncode == 1, run.stderr
    failures = [line for line in run.stderr.splitlines() if line.startswith("a11y-proxy: ")]
    assert failures == [f"a11y-proxy: cannot read {missing}: No such file or directory"]
    assert "3/3" in run.stderr  # the progress bar reached the end
    files = sorted(p.name for p in out.glob("*.mp3"))
    assert files == ["01-示例省科技厅召开2026年科技成果转化工作推进会.mp3", "03-关于开展调研的通知.mp3"]
    for name in files:
        assert mp3_info((out / name).read_bytes())["seconds"] > 5
    playlist = (out / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U"
    assert [line for line in playlist if not line.startswith("#")] == files
    assert playlist[1].startswith("#EXTINF:") and playlist[1].endswith(",示例省科技厅召开2026年科技成果转化工作推进会")


def test_one_source_to_one_wav_file(tmp_path: Path) -> None:
    local = tmp_path / "notice.html"
    local.write_text(LOCAL, encoding="utf-8")
    target = tmp_path / "notice.wav"
    run = speak(str(local), "-o", str(target), "--rate", "220", "--voice", "cmn-latn-pinyin")
    assert run.returncode == 0, run.stderr
    with wave.open(str(target)) as w:
        assert w.getframerate() == 22050 and w.getnframes() > 22050 * 5
    assert not list(tmp_path.glob("*.m3u8"))


def test_unknown_voice_is_one_clear_line(tmp_path: Path) -> None:
    run = speak(SAMPLE, "-o", str(tmp_path / "x.mp3"), "--voice", "no-such-voice")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == \
        "a11y-proxy: The voice 'no-such-voice' is not installed (espeak-ng --voices lists them)."


def test_output_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = speak(SAMPLE, SAMPLE, "-o", str(blocker / "audio"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith(f"a11y-proxy: cannot create {blocker / 'audio'}")


def test_an_image_is_refused_with_one_line(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(PNG)
    run = speak(str(image), "-o", str(tmp_path / "x.mp3"))
    assert run.returncode == 1 and not (tmp_path / "x.mp3").exists()
    assert run.stderr.strip() == f"a11y-proxy: {image} is an image, not a web page: there is nothing to read aloud"
    run = speak(str(image), "-o", str(tmp_path / "x.mp3"), lang="zh_CN.UTF-8")
    assert run.stderr.strip() == f"a11y-proxy: {image} 是图片，不是网页，没有可以朗读的文字"


def test_a_pdf_is_read_from_its_text_layer_and_a_scan_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "plan.mp3"
    run = speak(SAMPLE_PDF, "-o", str(target))
    assert run.returncode == 0, run.stderr
    assert mp3_info(target.read_bytes())["seconds"] > 2  # "a11y-proxy sample attachment: 2026 work plan"
    scan = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)  # a page with no text on it, as a scanned notice has
    with scan.open("wb") as f:
        writer.write(f)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(MINI_PDF)
    run = speak(str(scan), str(broken), "-o", str(tmp_path / "out"))
    assert run.returncode == 1
    assert [line for line in run.stderr.splitlines() if line.startswith("a11y-proxy:")] == [
        f"a11y-proxy: {scan} is a PDF without a text layer (a scan): there is nothing to read aloud",
        f"a11y-proxy: {broken} is a PDF that cannot be read"]


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "data.bin"
    blob.write_bytes(bytes(range(256)) * 64)
    run = speak(str(blob), "-o", str(tmp_path / "x.mp3"))
    assert run.returncode == 1
    assert run.stderr.strip() == f"a11y-proxy: {blob} is not a web page (application/octet-stream): there is " \
        "nothing to read aloud"


def test_an_unreachable_site_is_one_line_in_the_users_language(tmp_path: Path) -> None:
    """A name that resolves (a real DNS server on 127.0.0.1) to a port where nothing listens."""
    dns = DNSServer(0).start()
    closed = free_port()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"upstream: {{allowed_hosts: ['*.test.gov.cn'], allowed_ports: [{closed}], "
                   f"allow_private_addresses: ['127.0.0.1/32'], dns_servers: ['{dns.address}']}}\n"
                   "sample: {enabled: false}\n", encoding="utf-8")
    url = f"http://www.test.gov.cn:{closed}/art/1.html"
    try:
        zh = speak(url, "-o", str(tmp_path / "x.mp3"), "--config", str(cfg), lang="zh_CN.UTF-8")
        en = speak(url, "-o", str(tmp_path / "x.mp3"), "--config", str(cfg))
    finally:
        dns.stop()
    assert zh.returncode == 1 and en.returncode == 1
    assert zh.stderr.strip() == f"a11y-proxy: 无法连接到 {url}（连接失败）"
    assert en.stderr.strip() == f"a11y-proxy: cannot reach {url} (the connection failed)"
    for line in (zh.stderr, en.stderr):
        assert line.count(url) == 1 and "Error" not in line and "Traceback" not in line


def sample_sentences() -> list:
    """What `speak` says for the sample article (the same extraction and speech text, in this process)."""
    import asyncio

    from proxy import config
    from proxy.cli.loading import article_of, load_document
    from transforms.speech.text import speech_text

    cfg = config.load()
    article = article_of(cfg, asyncio.run(load_document(cfg, SAMPLE, None)), SAMPLE)
    return speech_text(article).sentences


def seconds(clock: str) -> float:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_the_mp3_carries_tags_chapters_and_a_timed_transcript(tmp_path: Path) -> None:
    target = tmp_path / "meeting.mp3"
    run = speak(SAMPLE, "-o", str(target), "--captions", "vtt", "--captions", "lrc")
    assert run.returncode == 0, run.stderr
    data = target.read_bytes()
    tags = audio_tags(data)
    assert tags["TIT2"].text == ["示例省科技厅召开2026年科技成果转化工作推进会"]
    assert tags["TPE1"].text == ["成果转化处"]  # the 来源
    assert tags["TALB"].text == ["示例省科学技术厅 · 工作动态"]
    assert str(tags["TDRC"].text[0]) == "2026-11-20" and tags["TLAN"].text == ["zho"]
    assert tags.getall("COMM")[0].text == [SAMPLE] and tags["WOAS"].url == SAMPLE
    sentences = sample_sentences()
    headings = [s.text for s in sentences if s.heading]
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == headings  # the title, then each heading
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]
    cues = list(webvtt.read(str(target.with_suffix(".vtt"))))
    assert len(cues) == len(sentences)  # one cue per spoken sentence
    assert [html.unescape(c.text) for c in cues] == [s.text for s in sentences]
    starts = [seconds(c.start) for c in cues]
    assert starts == sorted(starts) and seconds(cues[-1].end) <= mp3_info(data)["seconds"]
    heading_starts = [seconds(c.start) for c, s in zip(cues, sentences, strict=True) if s.heading]
    assert [c.start_time / 1000 for c in chapters] == pytest.approx(heading_starts, abs=0.002)
    assert chapters[-1].end_time == pytest.approx(mp3_info(data)["seconds"] * 1000, abs=100)
    lrc_lines = target.with_suffix(".lrc").read_text(encoding="utf-8").splitlines()
    assert lrc_lines[0] == "[ti:示例省科技厅召开2026年科技成果转化工作推进会]" and len(lrc_lines) == len(sentences) + 2


def test_loudness_is_normalised_and_null_turns_it_off(tmp_path: Path) -> None:
    target = tmp_path / "loud.mp3"
    run = speak(SAMPLE, "-o", str(target))
    assert run.returncode == 0, run.stderr
    lufs, peak = measure(target.read_bytes())
    assert abs(lufs - (-16.0)) <= 1.0, lufs  # −16 LUFS integrated, within 1 LU
    assert peak <= -1.0, peak  # true peak at most −1 dBTP, after MP3 encoding
    off = tmp_path / "off.yaml"
    off.write_text("speech: {loudness_lufs: null}\n", encoding="utf-8")
    raw = tmp_path / "raw.mp3"
    run = speak(SAMPLE, "-o", str(raw), "--config", str(off))
    assert run.returncode == 0, run.stderr
    raw_lufs, raw_peak = measure(raw.read_bytes())
    assert abs(raw_lufs - lufs) > 1.0 or raw_peak > -1.0, (raw_lufs, raw_peak)  # the engine's own level


def test_jobs_makes_several_articles_at_once(tmp_path: Path) -> None:
    out = tmp_path / "batch"
    column = [f"https://sample.a11y-proxy.invalid/art/2026/list/art_{n}.html" for n in (10, 11, 12)]
    run = speak(*column, "-o", str(out), "--jobs", "2", "--captions", "vtt")
    assert run.returncode == 0, run.stderr
    assert len(list(out.glob("*.mp3"))) == 3 and len(list(out.glob("*.vtt"))) == 3
    run = speak(SAMPLE, "-o", str(tmp_path / "x.mp3"), "--jobs", "0")
    assert run.returncode == 2 and run.stderr.strip() == "a11y-proxy: --jobs must be between 1 and 64"
