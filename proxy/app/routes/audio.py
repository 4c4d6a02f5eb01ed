"""Audio routes: the whole article (/audio), its transcript (/audio/captions, WebVTT), its sentences
(/audio/sentences) and one sentence's audio (/audio/segment) for the toolbar's 连读 and 大字幕.

Audio is only ever made from a page's extracted article, addressed by the page URL and a sentence index:
never from text in the query string, so the proxy is not a free text-to-speech service for the world.

A whole article streams as it is made (the first sentence is heard within a second, however long the
article), while the file is written to the disk cache (`proxy.cache.audio`); a finished file is served from
disk with byte ranges and a strong ETag that names its exact bytes, so seeking never synthesises again. A
response streamed before the file is finished carries no ETag and no Accept-Ranges: nothing a client could
later match against different bytes. Segments are small: they live in the page cache, keyed by what is said,
and are made in the speech service's segment lane, ahead of any whole-article job.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web

from transforms.aids.script import convert
from transforms.context import script_of
from transforms.speech.captions import vtt_cue, vtt_header, webvtt
from transforms.speech.text import SpeechText, speech_text

from ... import __version__
from ...cache.audio import AudioStore, RedisShare, Stored
from ...cache.entry import Entry
from ...cache.redis import RedisCache
from ...errors import BadURL, ProxyError
from ...pages.fairness import client_key
from ...pages.service import refuse_non_html
from ...speech.article import ArticleAudio
from ...speech.encode import FORMATS, MEDIA_TYPES
from ...speech.service import RATE_MAX, RATE_MIN, Audio, SpeechFailed, SpeechService, audio_filename
from ...speech.tags import TagInfo, id3
from ...speech.timeline import Cue, Timeline
from .. import urlscheme
from ..audio_files import AudioFiles, Production
from ..byteranges import Unsatisfiable, parse_range
from ..keys import AUDIO_FILES, CONFIG, SERVICES, SPEECH
from ..middlewares import settings_of, ui_lang
from ..urlscheme import PREFIX_LINKS
from .pages import client_address

AUDIO_TTL = 24 * 3600  # audio depends only on the words, voice and rate: keep it as long as the cache allows
FILE_BLOCK = 1 << 16
AUDIO_FORMAT_VERSION = "4"  # bump when the same words would give other bytes (encoder, pauses, tags)


def setup(app: web.Application) -> None:
    """Register audio routes and the speech service's cleanup context on `app`."""
    app.cleanup_ctx.append(_speech_service)
    app.router.add_get("/audio", whole_article)
    app.router.add_get("/audio/sentences", sentences)
    app.router.add_get("/audio/segment", segment)
    app.router.add_get("/audio/captions", captions)


def audio_status(app: web.Application) -> dict[str, Any]:
    """Speech details for /healthz: available, driver, workers, voices by language, reason when unavailable."""
    speech = app.get(SPEECH)
    return speech.status() if speech is not None else {"available": False, "reason": "not started"}


async def _speech_service(app: web.Application):  # cleanup context
    cfg = app[CONFIG]
    speech = SpeechService(cfg.speech)
    app[SPEECH] = speech
    store = AudioStore(cfg.cache.audio_dir or None, cfg.cache.audio_max_bytes)
    cache = app[SERVICES].cache
    share = RedisShare(cache, cfg.cache.audio_share_max_bytes, cfg.cache.audio_share_ttl) \
        if isinstance(cache, RedisCache) else None
    files = AudioFiles(store, share)
    app[AUDIO_FILES] = files
    speech.start_soon()
    if cfg.speech.enabled:
        await asyncio.to_thread(store.dir.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(store.scan)

    async def announce() -> None:
        await speech.up.wait()
        app[SERVICES].audio_available = True  # pages show the player from now on

    task = asyncio.create_task(announce())
    try:
        yield
    finally:
        task.cancel()
        await files.close()
        await speech.close()


# -- handlers ---------------------------------------------------------------------------------------------


async def whole_article(request: web.Request) -> web.StreamResponse:
    speech, text, tags, _ = await _article_speech(request)
    fmt, rate = _format(request), _rate(request, speech)
    speech.check_length(text.chars)
    key = article_key(speech, text, rate, fmt, tags)
    filename = audio_filename(text.title, fmt)
    files = request.app[AUDIO_FILES]
    stored = await files.find(key, fmt)
    if stored is not None:
        return await _serve_file(request, stored, fmt, filename)
    prod = files.production(key, fmt, production_of(speech, text, rate, fmt, key, tags))
    return await _serve_stream(request, files, prod, fmt, filename)


async def captions(request: web.Request) -> web.StreamResponse:
    """The article's WebVTT transcript: one cue per spoken sentence, timed from the audio as made. From the
    finished file's timeline, or followed while the audio is made (the same production /audio streams).
    ?script= as for /audio/sentences: the cues in the script the page shows (the audio is the same)."""
    speech, text, tags, _ = await _article_speech(request)
    rate = _rate(request, speech)
    script = script_of(request.query.get("script"))

    def shown(cue: Cue) -> Cue:
        return dataclasses.replace(cue, text=convert(cue.text, script))

    title = convert(text.title, script)
    speech.check_length(text.chars)
    key = article_key(speech, text, rate, "mp3", tags)
    files = request.app[AUDIO_FILES]
    headers = {"Content-Type": "text/vtt; charset=utf-8", "Cache-Control": "private, max-age=3600",
               "Vary": "Cookie", "Access-Control-Allow-Origin": "*"}
    stored = await files.find(key, "mp3")
    if stored is not None:
        body = webvtt([shown(c) for c in Timeline.from_json(stored.meta["timeline"]).cues], title)
        return web.Response(body=body.encode(), headers=headers)
    prod = files.production(key, "mp3", production_of(speech, text, rate, "mp3", key, tags))
    cues = files.cues(prod)
    first = await anext(cues, None)  # an error before the first sentence is an error page
    resp = web.StreamResponse(headers={**headers, "Cache-Control": "private, no-store"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    try:
        await resp.write(vtt_header(title).encode())
        n = 0
        if first is not None:
            n += 1
            await resp.write(vtt_cue(n, shown(first)).encode())
        async for cue in cues:
            n += 1
            await resp.write(vtt_cue(n, shown(cue)).encode())
    except ProxyError as e:
        request["reason"] = e.log_reason
        if request.transport is not None:
            request.transport.close()
        return resp
    except ConnectionError:
        return resp
    finally:
        await cues.aclose()
    await resp.write_eof()
    return resp


def article_key(speech: SpeechService, text: SpeechText, rate: int, fmt: str, tags: TagInfo) -> str:
    """Names a whole article's audio file by everything that decides its bytes."""
    said = json.dumps([AUDIO_FORMAT_VERSION, text.digest(), _voices(speech, text.lang), rate, fmt,
                       speech.cfg.loudness_lufs, tags.to_json()], ensure_ascii=False)
    return hashlib.sha256(said.encode()).hexdigest()[:40]


def production_of(speech: SpeechService, text: SpeechText, rate: int, fmt: str, key: str,
                  tags: TagInfo) -> Callable[[], ArticleAudio]:
    return lambda: ArticleAudio(speech, text, rate, fmt, stream=key, tags=tags if fmt == "mp3" else None)


async def sentences(request: web.Request) -> web.Response:
    speech, text, tags, page = await _article_speech(request)
    quoted = quote(page, safe="")
    spans = await _sentence_spans(request, speech, text, tags)
    # ?script=hant-tw|hant-hk: the sentences as the page shows them to a 繁體 reader (the audio is the same)
    script = script_of(request.query.get("script"))
    body = {"url": page, "title": convert(text.title, script), "lang": text.lang, "count": len(text.sentences),
            "audio": f"/audio?url={quoted}", "captions": f"/audio/captions?url={quoted}",
            "sentences": [{"i": i, "text": convert(s.text, script), "paragraph": s.paragraph, "heading": s.heading,
                           "audio": f"/audio/segment?url={quoted}&i={i}", **spans.get(i, {})}
                          for i, s in enumerate(text.sentences)]}
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False),
                             # the times are at the reader's rate (a cookie) and appear once the file is made
                             headers={"Cache-Control": "private, no-cache", "Vary": "Cookie"})


async def _sentence_spans(request: web.Request, speech: SpeechService, text: SpeechText,
                          tags: TagInfo) -> dict[int, dict[str, float]]:
    """Each sentence's `start` and `end` in the whole article's audio at the reader's rate, once that file is
    made (the player's exact timeline; until then it estimates): from the start of its words to the start of
    the next sentence's, the last one to the end, so that the spans add up to the file and a position in the
    player is the same position in the downloaded MP3. Only from this machine's disk: asked on every page
    with a player, it never copies a file from the share."""
    if text.chars > speech.cfg.max_chars:
        return {}
    key = article_key(speech, text, _rate(request, speech), "mp3", tags)
    stored = await request.app[AUDIO_FILES].find_local(key, "mp3")
    if stored is None:
        return {}
    timeline = Timeline.from_json(stored.meta["timeline"])
    cues = timeline.cues
    ends = [c.start for c in cues[1:]] + [timeline.seconds]
    return {c.index: {"start": round(c.start, 3), "end": round(end, 3)} for c, end in zip(cues, ends, strict=True)}


async def segment(request: web.Request) -> web.StreamResponse:
    speech, text, tags, page = await _article_speech(request)
    raw = request.query.get("i", "")
    if not raw.isdigit() or len(raw) > 6:
        raise BadURL("句子编号无效。", "The sentence index must be a whole number.", reason=f"segment i={raw[:20]!r}")
    i = int(raw)
    if i >= len(text.sentences):
        raise ProxyError("文章中没有这一句。", f"The article has {len(text.sentences)} sentences; there is no "
                         f"sentence {i}.", status=404, reason="segment out of range")
    fmt, rate = _format(request), _rate(request, speech)
    data = await _segment_audio(request, speech, text, tags, i, rate, fmt)
    if i + 1 < len(text.sentences):
        _prefetch(request, speech, text, tags, i + 1, rate, fmt)
    return _audio_response(request, data, fmt, audio_filename(f"{text.title}-{i + 1}", fmt))


# -- the article's speech text ------------------------------------------------------------------------------


async def speech_ready(request: web.Request) -> SpeechService:
    """The speech service once it works, or a clear 503."""
    speech = request.app[SPEECH]
    await speech.ready()
    if not speech.available:
        raise SpeechFailed("本服务器暂时无法提供语音朗读。", "Audio is not available on this server right now.",
                           reason=f"audio unavailable: {speech.reason}")
    return speech


async def _article_speech(request: web.Request) -> tuple[SpeechService, SpeechText, TagInfo, str]:
    """The speech service, and the SpeechText, tags and address of the page in ?url=."""
    speech = await speech_ready(request)
    text, tags, page = await article_speech(request.app, request.query.get("url", ""), ui_lang(request),
                                            client_address(request))
    return speech, text, tags, page


async def article_speech(app: web.Application, raw_url: str, ui: str,
                         client: str | None = None) -> tuple[SpeechText, TagInfo, str]:
    """What the page at `raw_url` says and the tags of its audio, cached with the page's bytes. `client` (the
    reader's address) takes its fair share of fetches and render workers, as its pages do."""
    svc = app[SERVICES]
    url = svc.check(urlscheme.target(raw_url, svc.cfg.server.max_url_length))
    src = await svc.source(url, refuse_non_html("该地址不是网页，无法朗读。",
                                                "That address is not a web page; it cannot be read aloud.",
                                                "audio non-html"), client)
    who = client_key(client)
    page = src.fetched.url
    key = f"speech:{__version__}:{page}:{hashlib.sha256(src.fetched.body).hexdigest()[:16]}"
    hit = await svc.cache.get(key)
    if hit is not None:
        data = json.loads(hit.body)
        return SpeechText.from_json(data["text"]), TagInfo(**data["tags"]), page
    article = await svc.article(src, ui, PREFIX_LINKS, who)
    if article.extraction == "js_only":  # its words are made by the site's scripts: a title alone is no audio
        raise ProxyError("这个页面的内容要由网页里的脚本显示，无法朗读。请打开原网页。",
                         "This page's content is made by its scripts, so it cannot be read aloud; open the original "
                         "page.", status=422, reason="nothing to say: script-only page")
    text = await svc.pool.run(speech_text, article, client=who)
    if not text.sentences:
        raise ProxyError("这个页面没有可以朗读的文字。", "There is no text on this page to read aloud.", status=422,
                         reason="nothing to say")
    tags = TagInfo.of(article, text.lang)
    data = {"text": text.to_json(), "tags": tags.to_json()}
    await svc.cache.set(key, Entry(json.dumps(data, ensure_ascii=False).encode(), {}, ttl=svc.cfg.cache.ttl))
    return text, tags, page


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


def _segment_key(speech: SpeechService, text: SpeechText, tags: TagInfo, i: int, rate: int, fmt: str) -> str:
    said = json.dumps([AUDIO_FORMAT_VERSION, text.lang, text.sentences[i].spoken, i, len(text.sentences),
                       speech.cfg.loudness_lufs, tags.to_json()], ensure_ascii=False)
    return f"seg:{hashlib.sha256(said.encode()).hexdigest()[:32]}:{_voices(speech, text.lang)}:{rate}:{fmt}"


async def _segment_audio(request: web.Request, speech: SpeechService, text: SpeechText, tags: TagInfo, i: int,
                         rate: int, fmt: str) -> bytes:
    """One sentence's audio, tagged like the article's (its title says which sentence it is)."""
    key = _segment_key(speech, text, tags, i, rate, fmt)

    async def make() -> Audio:
        audio = await speech.speak(text, rate, fmt, [i])
        if fmt == "mp3":
            title = f"{tags.title}（{i + 1}/{len(text.sentences)}）"
            audio.data = id3(dataclasses.replace(tags, title=title), []) + audio.data
        return audio

    return await _cached_audio(request, key, make)


def _prefetch(request: web.Request, speech: SpeechService, text: SpeechText, tags: TagInfo, i: int, rate: int,
              fmt: str) -> None:
    """Make the next sentence while this one plays, when a worker is free (never at another reader's cost)."""
    if speech.has_idle_worker():
        speech.background(_segment_audio(request, speech, text, tags, i, rate, fmt))


def content_disposition(filename: str, attachment: bool) -> str:
    """RFC 6266 with an ASCII fallback and the real (Chinese) name as RFC 5987 filename*."""
    stem, _, ext = filename.rpartition(".")
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_.")
    if sum(c.isalpha() for c in ascii_stem) < 3:  # "2026" is no name: say what it is
        ascii_stem = "article" + ("-" + stem.rsplit("-", 1)[1] if stem.rsplit("-", 1)[-1].isdigit() else "")
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_stem}.{ext}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _headers(request: web.Request, fmt: str, filename: str) -> dict[str, str]:
    # the speaking rate comes from the reader's settings cookie: never one shared copy for everyone
    return {"Content-Type": MEDIA_TYPES[fmt], "Cache-Control": "private, max-age=3600", "Vary": "Cookie",
            "Content-Disposition": content_disposition(filename, request.query.get("download") == "1")}


def strong_etag(data: bytes) -> str:
    """An ETag that names these exact bytes (made again with other bytes, it changes)."""
    return '"' + hashlib.sha256(data).hexdigest()[:40] + '"'


def _wanted_range(request: web.Request, etag: str, size: int) -> tuple[int, int] | None:
    """The one byte range to send (None: all of it); Unsatisfiable for a range outside the body."""
    if_range = request.headers.get("If-Range")
    return parse_range(request.headers.get("Range") if if_range in (None, etag) else None, size)


def _audio_response(request: web.Request, data: bytes, fmt: str, filename: str) -> web.Response:
    """A small audio body from memory (a segment), with Range and a strong ETag of its bytes."""
    etag = strong_etag(data)
    headers = {**_headers(request, fmt, filename), "Accept-Ranges": "bytes", "ETag": etag}
    del headers["Content-Type"]
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    try:
        span = _wanted_range(request, etag, len(data))
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{len(data)}"
        return web.Response(status=416, headers=headers)
    if span is None:
        return web.Response(body=data, content_type=MEDIA_TYPES[fmt], headers=headers)
    first, last = span
    headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    return web.Response(status=206, body=data[first:last + 1], content_type=MEDIA_TYPES[fmt], headers=headers)


async def _serve_file(request: web.Request, stored: Stored, fmt: str, filename: str) -> web.StreamResponse:
    """A finished file from disk: its bytes, or the one range asked for, read in blocks (never all at once)."""
    headers = {**_headers(request, fmt, filename), "Accept-Ranges": "bytes", "ETag": stored.etag}
    if stored.etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    try:
        span = _wanted_range(request, stored.etag, stored.size)
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{stored.size}"
        return web.Response(status=416, headers=headers)
    first, last = span or (0, stored.size - 1)
    if span is not None:
        headers["Content-Range"] = f"bytes {first}-{last}/{stored.size}"
    try:
        fd = os.open(stored.path, os.O_RDONLY)
    except OSError:  # evicted a moment ago: made again on the next request
        raise SpeechFailed("音频暂时不可用，请重试。", "The audio is not available right now; please try again.",
                           reason="audio file vanished") from None
    try:
        resp = web.StreamResponse(status=206 if span else 200, headers=headers)
        resp.content_length = last - first + 1
        await resp.prepare(request)
        if request.method == "HEAD":
            return resp
        pos = first
        try:
            while pos <= last:
                block = await asyncio.to_thread(os.pread, fd, min(FILE_BLOCK, last + 1 - pos), pos)
                if not block:
                    break
                await resp.write(block)
                pos += len(block)
            await resp.write_eof()
        except ConnectionError:  # the player seeked elsewhere or left: nothing to answer
            pass
        return resp
    finally:
        os.close(fd)


async def _serve_stream(request: web.Request, files: AudioFiles, prod: Production, fmt: str,
                        filename: str) -> web.StreamResponse:
    """The file as it is made. Errors before the first sentence are answered as errors; a failure later can
    only cut the stream, which closes the connection (a truncated body, never a complete-looking one)."""
    chunks = files.follow(prod)
    try:
        first = await anext(chunks)
    except StopAsyncIteration:
        first = b""
    headers = {**_headers(request, fmt, filename), "Cache-Control": "private, no-store", "Accept-Ranges": "none",
               "X-Audio-Status": "streaming"}
    resp = web.StreamResponse(headers=headers)
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    try:
        if request.method != "HEAD":
            await resp.write(first)
            async for chunk in chunks:
                await resp.write(chunk)
    except ProxyError as e:
        request["reason"] = e.log_reason
        if request.transport is not None:
            request.transport.close()
        return resp
    except ConnectionError:  # the listener left; the production goes on for the next request
        return resp
    finally:
        await chunks.aclose()
    await resp.write_eof()
    return resp
