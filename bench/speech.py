"""Speech speed and size: real-time factor cold and warm, time to the first segment, MP3 size per minute,
and what a listener waits for on a long article.

    .venv/bin/python bench/speech.py [--repeat N]

Real-time factor = seconds of audio per second of wall time (higher is faster; 1× is just keeping up).
"cold" is a fresh worker's first job right after start-up; "warm" is the median of the next N jobs.
The first-segment time goes through the real proxy app (in process, the built-in sample article, no
network): a warm server, an article it has never read aloud, sentence 0 as MP3 — what a reader waits for
after pressing 连读.

The long-article rows go through the real app over HTTP too, against a local upstream serving a
20,000-character article (tests/support/upstream_app.py, on 127.0.0.1): the first byte and the first audio
of `/audio` (an article never read before), a one-sentence `/audio/segment` request of another article while
that article is being made, and seeks into the finished file (the speech service's job count proves that no
synthesis happened). Everything runs with the shipped config.yaml (speech.workers, speech.rate), with
speech.max_chars raised to fit the page when its written length is over it.

The podcast rows run `a11y-proxy podcast` on the built-in sample column (20 articles, the first list page)
into an empty folder (cold: every article synthesised), then again (warm: nothing changed, nothing
synthesised), and report the wall time per article, and the loudness measured on the 20 MP3 files.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from proxy import config  # noqa: E402
from proxy.app.keys import AUDIO_FILES, SPEECH  # noqa: E402
from proxy.app.server import create_app  # noqa: E402
from proxy.cli.loading import load_source, offline_context  # noqa: E402
from proxy.speech.encode import MP3_KBPS  # noqa: E402
from proxy.speech.service import SpeechService  # noqa: E402
from proxy.upstream.sample import site as sample  # noqa: E402
from tests.conftest import test_config, test_resolver  # noqa: E402
from tests.support.servers import ThreadServer  # noqa: E402
from tests.support.upstream_app import make_upstream_app  # noqa: E402
from transforms.pipeline import extract_article  # noqa: E402
from transforms.speech.text import SpeechText, speech_text  # noqa: E402

LONG_CHARS = 20000


async def sample_text(cfg: config.Config) -> SpeechText:
    html, url = await load_source(cfg, sample.SAMPLE_ARTICLE, None)
    return speech_text(extract_article(html, offline_context(cfg, url, "read"), cfg.modes["api"]))


def longer(text: SpeechText, times: int) -> SpeechText:
    """The sample article's body repeated, for a text the size of a long notice."""
    body = [s for s in text.sentences if s.paragraph > 1]
    out = SpeechText(text.lang, text.title, list(text.sentences))
    for n in range(1, times):
        out.sentences.extend(type(s)(s.text, s.spoken, s.paragraph + 1000 * n) for s in body)
    return out


async def rtf(cfg: config.Config, text: SpeechText, fmt: str, repeat: int) -> dict[str, float]:
    speech = SpeechService(cfg.speech)
    t0 = time.perf_counter()
    await speech.start()
    started = time.perf_counter() - t0
    if not speech.available:
        raise SystemExit(f"speech unavailable: {speech.reason}")
    try:
        t0 = time.perf_counter()
        first = await speech.speak(text, cfg.speech.rate, fmt)
        cold = first.seconds / (time.perf_counter() - t0)
        warm = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            audio = await speech.speak(text, cfg.speech.rate, fmt)
            warm.append(audio.seconds / (time.perf_counter() - t0))
        return {"start": started, "cold": cold, "warm": statistics.median(warm), "seconds": first.seconds,
                "bytes": len(first.data)}
    finally:
        await speech.close()


async def first_segment(cfg: config.Config) -> tuple[float, float, float]:
    """(first segment of a new article, the same segment again from cache, whole article) in seconds."""
    cfg.transform.workers = 1
    cfg.cache.audio_dir = tempfile.mkdtemp(prefix="a11y-bench-audio-")  # nothing read aloud before
    cfg.forward.enabled = False  # the browser proxy plays no part in speech
    client = TestClient(TestServer(create_app(cfg)))
    await client.start_server()
    try:
        q = quote(sample.SAMPLE_ARTICLE, safe="")
        for _ in range(300):  # warm: engine up, render pool up, page seen
            health = await (await client.get("/healthz")).json()
            if health["audio"].get("available"):  # (the speech details are a dict even while it starts)
                break
            await asyncio.sleep(0.1)
        await (await client.get(f"/elder/{sample.SAMPLE_ARTICLE}")).read()
        t0 = time.perf_counter()
        resp = await client.get(f"/audio/segment?url={q}&i=0")
        await resp.read()
        new = time.perf_counter() - t0
        assert resp.status == 200, resp.status
        t0 = time.perf_counter()
        await (await client.get(f"/audio/segment?url={q}&i=0")).read()
        cached = time.perf_counter() - t0
        t0 = time.perf_counter()
        await (await client.get(f"/audio?url={q}")).read()
        whole = time.perf_counter() - t0
        return new, cached, whole
    finally:
        await client.close()
        shutil.rmtree(cfg.cache.audio_dir, ignore_errors=True)


async def long_article(seeks: int = 20) -> dict[str, float]:
    """First byte and first audio of /audio on a 20,000-character article, a segment request while it is
    made, and seeks into the finished file, in seconds; "jobs during seeks" counts synthesis jobs."""
    upstream = ThreadServer(lambda: make_upstream_app({})).start()
    cfg = test_config(upstream.port)
    cfg.speech.max_chars = max(cfg.speech.max_chars, LONG_CHARS + 2000)
    app = create_app(cfg, resolver=test_resolver())
    client = TestClient(TestServer(app))
    await client.start_server()
    site = f"http://kjt.test.gov.cn:{upstream.port}"
    seed = f"bench{time.time_ns()}"  # words no cache has seen
    page, other = f"{site}/long/{LONG_CHARS}/{seed}", f"{site}/long/2000/{seed}-other"
    out: dict[str, float] = {}
    try:
        for _ in range(300):
            if (await (await client.get("/healthz")).json())["audio"]["available"]:
                break
            await asyncio.sleep(0.1)
        await (await client.get(f"/audio/sentences?url={quote(page, safe='')}")).read()  # page fetched, text made
        await (await client.get(f"/audio/sentences?url={quote(other, safe='')}")).read()
        t0 = time.perf_counter()
        resp = await client.get(f"/audio?url={quote(page, safe='')}")
        out["first byte"] = time.perf_counter() - t0
        first = await resp.content.readany()
        out["tag bytes"] = tag = 10 + ((first[6] << 21) | (first[7] << 14) | (first[8] << 7) | first[9]) \
            if first[:3] == b"ID3" else 0
        while len(first) <= tag:  # the ID3 tag comes first: wait for the first MPEG frame
            first += await resp.content.readany()
        out["first audio"] = time.perf_counter() - t0
        out["first chunk bytes"] = len(first) - tag
        t1 = time.perf_counter()
        seg = await client.get(f"/audio/segment?url={quote(other, safe='')}&i=3")
        await seg.read()
        out["segment during"] = time.perf_counter() - t1
        files = app[AUDIO_FILES]
        prod = next(iter(files.running.values()), None)
        out["article sentences made when segment answered"] = len(prod.timeline.cues) if prod else -1
        out["article sentences"] = len(prod.audio.text.sentences) if prod else -1
        body = first + await resp.read()
        out["whole article made"] = time.perf_counter() - t0
        out["audio seconds"] = mp3_seconds(body)
        speech = app[SPEECH]
        jobs = speech.jobs
        resp = await client.get(f"/audio?url={quote(page, safe='')}", headers={"Range": "bytes=0-0"})
        await resp.read()
        size = int(resp.headers["Content-Range"].rsplit("/", 1)[1])
        times = []
        for n in range(seeks):
            start = size * (n + 1) // (seeks + 1)
            t = time.perf_counter()
            r = await client.get(f"/audio?url={quote(page, safe='')}", headers={"Range": f"bytes={start}-{start + 65535}"})
            await r.read()
            assert r.status == 206, r.status
            times.append(time.perf_counter() - t)
        out["seek median"] = statistics.median(times)
        out["seek max"] = max(times)
        out["jobs during seeks"] = speech.jobs - jobs
        return out
    finally:
        await client.close()
        upstream.stop()


def podcast_times(articles: int = 20) -> dict[str, float]:
    """Seconds per article of `a11y-proxy podcast` on the sample column, cold then warm, and the measured
    loudness range of what it made."""
    out: dict[str, float] = {}
    folder = Path(tempfile.mkdtemp(prefix="a11y-bench-podcast-"))
    try:
        for run in ("cold", "warm"):
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "proxy", "podcast", sample.SAMPLE_COLUMN, "-o", str(folder),
                                   "--limit", str(articles)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
            out[run] = (time.perf_counter() - t0) / articles
            if done.returncode != 0:
                raise SystemExit(f"podcast failed: {done.stderr[-500:]}")
            print(f"# podcast {run}: {done.stderr.strip().splitlines()[-1]}", file=sys.stderr)
        try:
            from tests.support.audio import measure
        except ImportError:  # miniaudio is a test extra
            return out
        levels = [measure(p.read_bytes()) for p in folder.glob("*.mp3")]
        out["files"] = len(levels)
        out["lufs min"] = min(lufs for lufs, _ in levels)
        out["lufs max"] = max(lufs for lufs, _ in levels)
        out["peak max"] = max(peak for _, peak in levels)
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def mp3_seconds(data: bytes) -> float:
    from proxy.speech.encode import mp3_info

    return mp3_info(data)["seconds"]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per measurement (median)")
    args = parser.parse_args()
    cfg = config.load()
    text = await sample_text(cfg)
    long_text = longer(text, 6)
    rows: list[tuple[str, str]] = []
    for label, t, fmt in [("sample article", text, "mp3"), ("sample article", text, "wav"),
                          ("long notice", long_text, "mp3")]:
        r = await rtf(cfg, t, fmt, args.repeat)
        what = f"{label}, {t.chars} chars, {r['seconds']:.0f} s audio, {fmt}"
        rows.append((f"real-time factor cold ({what})", f"{r['cold']:.0f}×"))
        rows.append((f"real-time factor warm ({what})", f"{r['warm']:.0f}×"))
        if fmt == "mp3":
            rows.append((f"MP3 size per minute ({label})", f"{r['bytes'] / 1024 / (r['seconds'] / 60):.0f} KB"))
        if label == "sample article" and fmt == "mp3":
            rows.insert(0, ("engine start-up (spawn + init + probe)", f"{r['start']:.2f} s"))
            rows.append(("Mandarin pace (sample, incl. pauses)", f"{text.chars / r['seconds']:.1f} chars/s"))
    new, cached, whole = await first_segment(config.load())
    rows.append(("first segment, warm server, article not yet spoken (HTTP)", f"{new * 1000:.0f} ms"))
    rows.append(("first segment again (cached)", f"{cached * 1000:.0f} ms"))
    rows.append(("whole sample article MP3 over HTTP (after segment 0)", f"{whole * 1000:.0f} ms"))
    la = await long_article()
    minutes = la["audio seconds"] / 60
    rows.append((f"/audio first byte, {LONG_CHARS:,}-character page never read (target < 1 s)",
                 f"{la['first byte'] * 1000:.0f} ms"))
    rows.append((f"/audio first audio (first {la['first chunk bytes']:.0f} MP3 bytes after the {la['tag bytes']:.0f}-byte "
                 "tag), same page", f"{la['first audio'] * 1000:.0f} ms"))
    rows.append(("/audio/segment of another article during that job (target < 1 s)",
                 f"{la['segment during'] * 1000:.0f} ms (article at sentence "
                 f"{la['article sentences made when segment answered']:.0f} of {la['article sentences']:.0f})"))
    rows.append((f"whole {LONG_CHARS:,}-character article made ({minutes:.0f} min of audio)",
                 f"{la['whole article made']:.1f} s"))
    rows.append(("seek into the finished file, 64 KB range, median / max (target < 50 ms)",
                 f"{la['seek median'] * 1000:.1f} / {la['seek max'] * 1000:.1f} ms"))
    rows.append(("synthesis jobs during the seeks (target 0)", f"{la['jobs during seeks']:.0f}"))
    pod = podcast_times()
    # the command's whole wall time over its articles: interpreter and speech start-up and the list fetch included
    rows.append(("podcast, sample column, 20 articles: whole run / 20, cold (all synthesised)", f"{pod['cold']:.2f} s"))
    rows.append(("podcast, same folder again: whole run / 20, warm (nothing changed)", f"{pod['warm']:.2f} s"))
    if "lufs min" in pod:
        rows.append((f"loudness of those {pod['files']} MP3s, measured (target -16 LUFS, peak <= -1 dBTP)",
                     f"{pod['lufs min']:.1f} to {pod['lufs max']:.1f} LUFS, true peak max {pod['peak max']:.1f} dBTP"))
    width = max(len(k) for k, _ in rows)
    from proxy.config import speech_workers

    print(f"speech.workers={cfg.speech.workers} ({speech_workers(cfg.speech)} processes)  "
          f"speech.rate={cfg.speech.rate}  MP3 {MP3_KBPS} kbit/s mono")
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")


if __name__ == "__main__":
    asyncio.run(main())
