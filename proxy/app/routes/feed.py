"""The live podcast feed of any allowed list page: `/feed?url=<list page>` (RSS 2.0 with the iTunes and
Podcasting 2.0 namespaces, the same builder as `a11y-proxy podcast`), and its cover (`/feed/cover.png`).

Enclosures point at `/audio?url=<article>` (and transcripts at `/audio/captions`), so an episode streams at
once even before it was ever read aloud. An episode whose file is finished carries its exact byte length;
one not yet made carries length 0 (what RSS asks for when the size is unknown) and is queued to be made in
the background, one article at a time, behind every listener's audio. The feed is cached like a page
(`cache.ttl`); while some lengths are unknown, only for a short time, so they fill in.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

from aiohttp import web

from transforms.article import Article, ListEntry

from ... import __version__
from ...cache.entry import Entry
from ...errors import ProxyError
from ...pages.fairness import client_key
from ...pages.service import refuse_non_html
from ...podcast.cover import cover_png
from ...podcast.feed import Channel, Episode, build_feed, episode_summary, feed_title
from .. import urlscheme
from ..keys import AUDIO_FILES, SERVICES, SPEECH
from ..urlscheme import PREFIX_LINKS
from .audio import article_key, article_speech, production_of, speech_ready
from .pages import client_address

log = logging.getLogger("a11y_proxy.feed")
MAX_ITEMS = 20  # the list page's first entries: a podcast app shows the newest
INCOMPLETE_TTL = 30  # seconds a feed with lengths still unknown is cached
MEDIA_TYPE = "application/rss+xml"


def setup(app: web.Application) -> None:
    app.router.add_get("/feed", feed)
    app.router.add_get("/feed/cover.png", cover)


async def _list_article(request: web.Request) -> tuple[Article, str]:
    svc = request.app[SERVICES]
    url = svc.check(urlscheme.target(request.query.get("url", ""), svc.cfg.server.max_url_length))
    client = client_address(request)  # the list and its articles: the reader's fair share, as pages are
    src = await svc.source(url, refuse_non_html("该地址不是网页，无法生成订阅。",
                                                "That address is not a web page; there is no feed for it.",
                                                "feed non-html"), client)
    article = await svc.article(src, "zh", PREFIX_LINKS, client_key(client))
    if article.page_type != "list" or not article.entries:
        raise ProxyError("这个页面不是栏目列表页，无法生成音频订阅。请打开栏目（列有文章标题和日期的页面）后再订阅。",
                         "This page is not a list of articles (a column), so there is no audio feed for it.",
                         status=422, reason="feed of a non-list page")
    return article, src.fetched.url


def _origin(request: web.Request) -> str:
    """Absolute links for podcast apps (a feed's enclosures must be absolute), as the client addressed us."""
    return f"{request.scheme}://{request.host}"


async def feed(request: web.Request) -> web.Response:
    svc = request.app[SERVICES]
    origin = _origin(request)
    cache_key = f"feed:{__version__}:{origin}:{request.query.get('url', '')}"
    hit = await svc.cache.get(cache_key)
    if hit is not None and hit.fresh:
        return _response(hit.body, int(hit.ttl))
    listing, list_url = await _list_article(request)
    speech = await speech_ready(request)
    rate = speech.cfg.rate
    episodes = await asyncio.gather(*(_episode(request, origin, e, rate) for e in listing.entries[:MAX_ITEMS]))
    site, column = listing.site.strip(), (listing.column or listing.title).strip()
    title = feed_title(site, column, list_url)
    q = quote(list_url, safe="")
    channel = Channel(title=title, link=list_url, description=f"{title}：文章的朗读音频（a11y-proxy 提供）。",
                      language=(listing.lang or "zh-CN").lower(), author=site or column,
                      image_url=f"{origin}/feed/cover.png?url={q}", feed_url=f"{origin}/feed?url={q}")
    body = build_feed(channel, [e for e in episodes if e is not None])
    complete = all(e is not None and e.length > 0 for e in episodes)
    ttl = svc.cfg.cache.ttl if complete else INCOMPLETE_TTL
    await svc.cache.set(cache_key, Entry(body, {}, ttl=ttl))
    return _response(body, ttl)


def _response(body: bytes, max_age: int) -> web.Response:
    """A feed: the same for every client (no cookie changes it), so shared caches may keep it a while."""
    return web.Response(body=body, content_type=MEDIA_TYPE, charset="utf-8",
                        headers={"Cache-Control": f"public, max-age={max_age}"})


async def _episode(request: web.Request, origin: str, entry: ListEntry, rate: int) -> Episode | None:
    """An item for one list entry: its finished file's length, or 0 and a place in the background queue.
    An entry that cannot be read (gone, not a page) is left out of the feed."""
    app = request.app
    try:
        text, tags, page = await article_speech(app, entry.url, "zh", client_address(request))
    except ProxyError as e:
        log.info("feed: leaving out %s: %s", entry.url[:200], e.log_reason)
        return None
    speech = app[SPEECH]
    key = article_key(speech, text, rate, "mp3", tags)
    files = app[AUDIO_FILES]
    stored = await files.find(key, "mp3")
    if stored is None:
        files.queue(key, "mp3", production_of(speech, text, rate, "mp3", key, tags))
    q = quote(page, safe="")
    return Episode(guid=page, title=tags.title or entry.title, link=page, date=tags.date or entry.date,
                   description=episode_summary(text), audio_url=f"{origin}/audio?url={q}",
                   length=stored.size if stored else 0,
                   seconds=stored.meta["timeline"]["seconds"] if stored else 0.0,
                   transcript_url=f"{origin}/audio/captions?url={q}")


async def cover(request: web.Request) -> web.Response:
    """The feed's cover: the list page's site name on a square (only for allowed list pages: the proxy draws
    no picture of text it is handed)."""
    svc = request.app[SERVICES]
    key = f"cover:{__version__}:{request.query.get('url', '')}"
    hit = await svc.cache.get(key)
    if hit is None or not hit.fresh:
        listing, _ = await _list_article(request)
        png = await svc.pool.run(cover_png, listing.site or listing.column or listing.title)
        await svc.cache.set(key, Entry(png, {}, ttl=24 * 3600))
    else:
        png = hit.body
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "public, max-age=86400"})
