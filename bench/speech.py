"""Speech speed and size: real-time factor cold and warm, time to the first segment, MP3 size per minute.

    .venv/bin/python bench/speech.py [--repeat N]

Real-time factor = seconds of audio per second of wall time (higher is faster; 1× is just keeping up).
"cold" is a fresh worker's first job right after start-up; "warm" is the median of the next N jobs.
The first-segment time goes through the real proxy app (in process, the built-in sample article, no
network): a warm server, an article it has never read aloud, sentence 0 as MP3 — what a reader waits for
after pressing 连读. Everything runs with the shipped config.yaml (speech.workers, speech.rate).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from proxy import config  # noqa: E402
from proxy.app.server import create_app  # noqa: E402
from proxy.cli.loading import load_source, offline_context  # noqa: E402
from proxy.speech.encode import MP3_KBPS  # noqa: E402
from proxy.speech.service import SpeechService  # noqa: E402
from proxy.upstream.sample import site as sample  # noqa: E402
from transforms.pipeline import extract_article  # noqa: E402
from transforms.speech.text import SpeechText, speech_text  # noqa: E402


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
    cfg.forward.enabled = False  # the browser proxy plays no part in speech
    client = TestClient(TestServer(create_app(cfg)))
    await client.start_server()
    try:
        q = quote(sample.SAMPLE_ARTICLE, safe="")
        for _ in range(50):  # warm: engine up, render pool up, page seen
            health = await (await client.get("/healthz")).json()
            if health["audio"]:
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
    width = max(len(k) for k, _ in rows)
    print(f"speech.workers={cfg.speech.workers}  speech.rate={cfg.speech.rate}  MP3 {MP3_KBPS} kbit/s mono")
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")


if __name__ == "__main__":
    asyncio.run(main())
