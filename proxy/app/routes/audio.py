"""Audio routes: the whole article (/audio), its sentences (/audio/sentences) and one sentence's audio
(/audio/segment) for the toolbar's 连读 and 大字幕.

Audio is only ever made from a page's extracted article, addressed by the page URL and a sentence index:
never from text in the query string, so the proxy is not a free text-to-speech service for the world.
Audio is cached by what is said (text hash, voice, rate, format), so two URLs of one article share it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from aiohttp import web

from transforms.aids.script import convert
from transforms.context import script_of
from transforms.speech.text import SpeechText, speech_text

from ... import __version__
from ...cache.entry import Entry
from ...errors import BadURL, ProxyError
from ...pages.service import refuse_non_html
from ...speech.encode import FORMATS, MEDIA_TYPES
from ...speech.service import RATE_MAX, RATE_MIN, SpeechFailed, SpeechService, audio_filename
from .. import urlscheme
from ..byteranges import Unsatisfiable, parse_range
from ..keys import CONFIG, SERVICES, SPEECH
from ..middlewares import settings_of, ui_lang
from ..urlscheme import PREFIX_LINKS

AUDIO_TTL = 24 * 3600  # audio depends only on the words, voice and rate: keep it as long as the cache allows


def setup(app: web.Application) -> None:
    """Register audio routes and the speech service's cleanup context on `app`."""
    app.cleanup_ctx.append(_speech_service)
    app.router.add_get("/audio", whole_article)
    app.router.add_get("/audio/sentences", sentences)
    app.router.add_get("/audio/segment", segment)


def audio_status(app: web.Application) -> dict[str, Any]:
    """Speech details for /healthz: available, driver, workers, voices by language, reason when unavailable."""
    speech = app.get(SPEECH)
    return speech.status() if speech is not None else {"available": False, "reason": "not started"}


async def _speech_service(app: web.Application):  # cleanup context
    speech = SpeechService(app[CONFIG].speech)
    app[SPEECH] = speech
    speech.start_soon()

    async def announce() -> None:
        await speech.up.wait()
        app[SERVICES].audio_available = True  # pages show the player from now on

    task = asyncio.create_task(announce())
    try:
        yield
    finally:
        task.cancel()
        await speech.close()


# -- handlers ---------------------------------------------------------------------------------------------


async def whole_article(request: web.Request) -> web.StreamResponse:
    speech, text, _ = await _article_speech(request)
    fmt, rate = _format(request), _rate(request, speech)
    speech.check_length(text.chars)
    key = f"audio:{text.digest()}:{_voices(speech, text.lang)}:{rate}:{fmt}"
    data = await _cached_audio(request, key, lambda: speech.speak(text, rate, fmt))
    filename = audio_filename(text.title, fmt)
    return _audio_response(request, data, fmt, key, filename)


async def sentences(request: web.Request) -> web.Response:
    _, text, page = await _article_speech(request)
    quoted = quote(page, safe="")
    # ?script=hant-tw|hant-hk: the sentences as the page shows them to a 繁體 reader (the audio is the same)
    script = script_of(request.query.get("script"))
    body = {"url": page, "title": convert(text.title, script), "lang": text.lang, "count": len(text.sentences),
            "audio": f"/audio?url={quoted}",
            "sentences": [{"i": i, "text": convert(s.text, script), "paragraph": s.paragraph,
                           "audio": f"/audio/segment?url={quoted}&i={i}"} for i, s in enumerate(text.sentences)]}
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False),
                             headers={"Cache-Control": "private, max-age=60"})


async def segment(request: web.Request) -> web.StreamResponse:
    speech, text, _ = await _article_speech(request)
    raw = request.query.get("i", "")
    if not raw.isdigit() or len(raw) > 6:
        raise BadURL("句子编号无效。", "The sentence index must be a whole number.", reason=f"segment i={raw[:20]!r}")
    i = int(raw)
    if i >= len(text.sentences):
        raise ProxyError("文章中没有这一句。", f"The article has {len(text.sentences)} sentences; there is no "
                         f"sentence {i}.", status=404, reason="segment out of range")
    fmt, rate = _format(request), _rate(request, speech)
    data = await _segment_audio(request, speech, text, i, rate, fmt)
    if i + 1 < len(text.sentences):
        _prefetch(request, speech, text, i + 1, rate, fmt)
    return _audio_response(request, data, fmt, _segment_key(speech, text, i, rate, fmt),
                           audio_filename(f"{text.title}-{i + 1}", fmt))


# -- the article's speech text ------------------------------------------------------------------------------


async def _article_speech(request: web.Request) -> tuple[SpeechService, SpeechText, str]:
    """The speech service (once it works) and the SpeechText of the page in ?url=, cached with the page."""
    speech = request.app[SPEECH]
    await speech.ready()
    if not speech.available:
        raise SpeechFailed("本服务器暂时无法提供语音朗读。", "Audio is not available on this server right now.",
                           reason=f"audio unavailable: {speech.reason}")
    svc = request.app[SERVICES]
    url = svc.check(urlscheme.target(request.query.get("url", ""), svc.cfg.server.max_url_length))
    src = await svc.source(url, refuse_non_html("该地址不是网页，无法朗读。",
                                                "That address is not a web page; it cannot be read aloud.",
                                                "audio non-html"))
    page = src.fetched.url
    key = f"speech:{__version__}:{page}:{hashlib.sha256(src.fetched.body).hexdigest()[:16]}"
    hit = await svc.cache.get(key)
    if hit is not None:
        return speech, SpeechText.from_json(json.loads(hit.body)), page
    article = await svc.article(src, ui_lang(request), PREFIX_LINKS)
    text = await svc.pool.run(speech_text, article)
    if not text.sentences:
        raise ProxyError("这个页面没有可以朗读的文字。", "There is no text on this page to read aloud.", status=422,
                         reason="nothing to say")
    await svc.cache.set(key, Entry(json.dumps(text.to_json(), ensure_ascii=False).encode(), {},
                                   ttl=svc.cfg.cache.ttl))
    return speech, text, page


def _format(request: web.Request) -> str:
    fmt = request.query.get("format", "mp3").lower()
    if fmt not in FORMATS:
        raise BadURL("音频格式只能是 mp3 或 wav。", "The audio format must be mp3 or wav.", reason=f"format {fmt[:10]!r}")
    return fmt


def _rate(request: web.Request, speech: SpeechService) -> int:
    """?rate= in words per minute, else the reader's 语速 step from the settings cookie."""
    raw = request.query.get("rate")
    if raw is None:
        return speech.rate_for(settings_of(request).rate)
    if not raw.isdigit() or not RATE_MIN <= int(raw) <= RATE_MAX:
        raise BadURL(f"语速应为 {RATE_MIN} 到 {RATE_MAX} 之间的整数。",
                     f"The rate must be a whole number from {RATE_MIN} to {RATE_MAX} (words per minute).",
                     reason="bad rate")
    return int(raw)


def _voices(speech: SpeechService, lang: str) -> str:
    """The voices that would speak this language's text (its own, and the one for the other script)."""
    other = "en" if lang != "en" else "zh"
    try:
        second = speech.voice_for(other)
    except ProxyError:
        second = "-"
    return f"{speech.voice_for(lang)}+{second}"


# -- audio and its cache ------------------------------------------------------------------------------------


async def _cached_audio(request: web.Request, key: str, make: Any) -> bytes:
    """Audio from the cache, or made once however many requests ask for it at the same time."""
    cache = request.app[SERVICES].cache
    hit = await cache.get(key)
    if hit is not None:
        return hit.body
    async with cache.lock(key):
        hit = await cache.get(key)
        if hit is not None:
            return hit.body
        audio = await make()
        await cache.set(key, Entry(audio.data, {"seconds": audio.seconds}, ttl=AUDIO_TTL))
        return audio.data


def _segment_key(speech: SpeechService, text: SpeechText, i: int, rate: int, fmt: str) -> str:
    said = hashlib.sha256(f"{text.lang}\x00{text.sentences[i].spoken}".encode()).hexdigest()[:32]
    return f"seg:{said}:{_voices(speech, text.lang)}:{rate}:{fmt}"


async def _segment_audio(request: web.Request, speech: SpeechService, text: SpeechText, i: int, rate: int,
                         fmt: str) -> bytes:
    key = _segment_key(speech, text, i, rate, fmt)
    return await _cached_audio(request, key, lambda: speech.speak(text, rate, fmt, [i]))


def _prefetch(request: web.Request, speech: SpeechService, text: SpeechText, i: int, rate: int, fmt: str) -> None:
    """Make the next sentence while this one plays, when a worker is free (never at another reader's cost)."""
    if speech.has_idle_worker():
        speech.background(_segment_audio(request, speech, text, i, rate, fmt))


def content_disposition(filename: str, attachment: bool) -> str:
    """RFC 6266 with an ASCII fallback and the real (Chinese) name as RFC 5987 filename*."""
    stem, _, ext = filename.rpartition(".")
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_.")
    if sum(c.isalpha() for c in ascii_stem) < 3:  # "2026" is no name: say what it is
        ascii_stem = "article" + ("-" + stem.rsplit("-", 1)[1] if stem.rsplit("-", 1)[-1].isdigit() else "")
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_stem}.{ext}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _audio_response(request: web.Request, data: bytes, fmt: str, key: str, filename: str) -> web.Response:
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:24] + '"'
    # the speaking rate comes from the reader's settings cookie: never one shared copy for everyone
    headers = {"Accept-Ranges": "bytes", "ETag": etag, "Cache-Control": "private, max-age=3600", "Vary": "Cookie",
               "Content-Disposition": content_disposition(filename, request.query.get("download") == "1")}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    if_range = request.headers.get("If-Range")
    wanted = request.headers.get("Range") if if_range in (None, etag) else None
    try:
        span = parse_range(wanted, len(data))
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{len(data)}"
        return web.Response(status=416, headers=headers)
    if span is None:
        return web.Response(body=data, content_type=MEDIA_TYPES[fmt], headers=headers)
    first, last = span
    headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    return web.Response(status=206, body=data[first:last + 1], content_type=MEDIA_TYPES[fmt], headers=headers)
