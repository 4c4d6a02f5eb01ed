"""Getting a page to the user: bytes from its source (cached, stale-if-error), then the mode's pipeline
(cached). Shared by every door: a door hands in its link policy, the service knows no URL scheme."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from transforms.article import Article
from transforms.context import Context, Settings

from .. import __version__
from ..cache.entry import Cache, Entry
from ..config import Config
from ..errors import Busy, ProxyError, UpstreamFailed, UpstreamTimeout
from ..metrics import Metrics
from ..upstream.client import USABLE, Fetched, Upstream, check_page_body, looks_like_html, media_type
from ..upstream.sources import Response, Sources
from . import jobs
from .fairness import LOCAL, FairLimiter, KeyedLimiters, client_key
from .render_pool import RenderPool

PassThrough = Callable[[Response, bytes], Awaitable[Any]]

log = logging.getLogger("a11y_proxy.pages")
CHECKED_URLS, CHECKED_MAX_LENGTH = 2048, 1024  # remembered guard verdicts (cleared when full): a few MB at most
MAX_WAITING_PER_CLIENT = 256  # one client's requests queued behind its own fetches; over it: 503


@dataclass
class View:
    """A rendered page: its bytes, and the marker that stands where each response's script nonce goes."""

    body: bytes
    media_type: str
    marker: str = ""

    def with_nonce(self, nonce: str) -> bytes:
        return self.body.replace(self.marker.encode(), nonce.encode()) if self.marker else self.body


@dataclass(frozen=True)
class LinkPolicy:
    """How a door addresses what a rendered page links to: other pages in a mode, images, the page's audio.
    The prefix door routes all three through itself (`proxy.app.urlscheme.PREFIX_LINKS`)."""

    name: str  # part of the view cache key: two doors never share a rendered page
    proxy_url: Callable[[str, str], str]  # (absolute url, mode) -> link; module-level functions (they pickle)
    asset_url: Callable[[str], str]
    audio_url: Callable[[str], str]
    own_base: str = ""  # where our own files and endpoints are on the page's origin (transforms.context)
    original_url: Callable[[str], str] | None = None  # "the original page"; None: the page's own URL


@dataclass
class PageBytes:
    """An upstream HTML page as bytes. (A URL that is not HTML never becomes PageBytes: `source()` returns
    what its passthrough callback made of it instead.)"""

    fetched: Fetched
    stale_since: float | None = None  # set when served from cache because upstream failed


class PageService:
    def __init__(self, cfg: Config, sources: Sources, cache: Cache, pool: RenderPool, metrics: Metrics) -> None:
        self.cfg = cfg
        self.sources = sources
        self.cache = cache
        self.pool = pool
        self.metrics = metrics
        # One client gets at most its share of the fetches, and a site's few connections go round the clients
        # waiting for them in turn (aiohttp's own per-host queue would serve them in arrival order).
        self.fetch_slots = FairLimiter(cfg.upstream.max_concurrent_fetches, cfg.upstream.max_fetches_per_client)
        self.site_slots = KeyedLimiters(cfg.upstream.connections_per_host)
        self.audio_available = False
        self._checked: dict[str, URL] = {}  # URL string -> checked URL: the guard's verdict depends on nothing else
        self._count = {(kind, result): metrics.cache.labels(kind, result)
                       for kind in ("page", "output") for result in ("hit", "miss")}

    def check(self, url: str) -> URL:
        """The source's verdict (for HTTP the guard's; DNS is checked again at connect time), remembered for
        URLs that passed:
        on a cached page this parse was the largest cost of the request."""
        known = self._checked.get(url)
        if known is not None:
            return known
        checked = self.sources.check_url(url)
        if len(url) <= CHECKED_MAX_LENGTH:
            if len(self._checked) >= CHECKED_URLS:
                self._checked.clear()
            self._checked[url] = checked
        return checked

    def context(self, url: str, mode: str, settings: Settings, ui_lang: str, links: LinkPolicy,
                note: str = "", nonce: str = "") -> Context:
        return Context(
            url=url, mode=mode, settings=settings, ui_lang=ui_lang,
            proxy_url=links.proxy_url, asset_url=links.asset_url,
            host_allowed=self.sources.host_allowed,
            audio_available=self.audio_available,
            audio_url=links.audio_url(url) if self.audio_available else "",
            cached_note=note, version=__version__, options={"max_elements": self.cfg.transform.max_elements},
            nonce=nonce, own_base=links.own_base,
            original_url=links.original_url(url) if links.original_url is not None else "",
        )

    async def source(self, url: URL, passthrough: PassThrough, client: str | None = None) -> PageBytes | Any:
        """HTML bytes for `url` from cache or its source. Anything that is not HTML is handed to `passthrough`
        while the source's response is open (streamed, never cached) and its result returned instead."""
        key = "page:" + str(url)
        cached = await self.cache.get(key)
        if cached is not None and cached.fresh:
            self._count["page", "hit"].inc()
            return PageBytes(_fetched_from(cached))
        self._count["page", "miss"].inc()
        async with self.cache.lock(key):
            again = await self.cache.get(key)
            if again is not None and again.fresh:
                return PageBytes(_fetched_from(again))
            try:
                result = await self._fetch(url, passthrough, client)
            except ProxyError as e:
                if cached is not None and e.status in (502, 503, 504):
                    log.info("serving stale copy of %s: %s", url, e.log_reason)
                    return PageBytes(_fetched_from(cached), stale_since=cached.stored_at)
                raise
            if not isinstance(result, Fetched):
                return result
            if not result.no_store:
                await self.cache.set(key, Entry(result.body, {"url": result.url, "headers": result.headers,
                                                               "status": result.status},
                                                ttl=self.cfg.cache.ttl))
            return PageBytes(result)

    async def _fetch(self, url: URL, passthrough: PassThrough, client: str | None) -> Fetched | Any:
        who = client_key(client)
        slots = self.fetch_slots
        # All slots taken: busy. One client over its share: its request waits for that client's own earlier
        # ones (costing nothing meanwhile), up to a bound, so a greedy client slows only itself.
        if slots.locked() or slots.waiting(who) >= MAX_WAITING_PER_CLIENT:
            raise Busy("代理当前繁忙，请稍后再试。", "The proxy is busy; please try again shortly.",
                       reason="too many upstream fetches" if slots.locked() else "client over its share of fetches")
        try:
            async with asyncio.timeout(self.cfg.upstream.timeout.total):
                await slots.acquire(who)
        except TimeoutError:
            raise Busy("代理当前繁忙，请稍后再试。", "The proxy is busy; please try again shortly.",
                       reason="waited too long for a fetch slot") from None
        try:
            start = time.perf_counter()
            self.metrics.in_flight.inc()
            try:
                async with asyncio.timeout(self.cfg.upstream.timeout.total + 1), \
                        self.site_slots.slot(url.host or "", who), self.sources.open(url, client) as resp:
                    _check_status(resp.status)
                    head = await resp.content.read(1024) if resp.content_length != 0 else b""
                    if not looks_like_html(media_type(resp.headers.get("Content-Type", "")), head):
                        return await passthrough(resp, head)
                    body = head + await Upstream.read_capped(resp, self.cfg.upstream.max_html_bytes - len(head))
                    check_page_body(body)
                    fetched = Fetched.of(resp, body)
            except TimeoutError:
                raise UpstreamTimeout("原网站响应超时。", "The original site did not answer in time.",
                                      reason="upstream total timeout") from None
            except (aiohttp.ClientError, OSError) as e:
                raise UpstreamFailed("原网站的响应不完整。", "The site's response was broken.",
                                     reason=f"upstream error: {e.__class__.__name__}") from None
            finally:
                self.metrics.in_flight.dec()
                self.metrics.upstream_latency.observe(time.perf_counter() - start)
        finally:
            self.fetch_slots.release(who)
        self.metrics.upstream_bytes.inc(len(fetched.body))
        return fetched

    def view_key(self, url: URL, mode: str, settings: Settings, ui_lang: str, links: LinkPolicy) -> str:
        """A rendered page: everything that changes the output is in the key, nothing of the user's else."""
        return f"out:{__version__}:{links.name}:{mode}:{settings.encode()}:{ui_lang}:{self.audio_available}:{url}"

    async def cached_view(self, key: str) -> View | None:
        """The rendered page while fresh: it lives no longer than the page it was made from (same TTL, made
        after it), so a hit needs no look at the page itself. This is the whole of a cached request."""
        hit = await self.cache.get(key)
        if hit is not None and hit.fresh:
            self._count["output", "hit"].inc()
            return View(hit.body, hit.meta["media_type"], hit.meta.get("marker", ""))
        self._count["output", "miss"].inc()
        return None

    async def render(self, src: PageBytes, mode: str, settings: Settings, ui_lang: str, links: LinkPolicy,
                     key: str | None, client: str = LOCAL) -> View:
        """`key` None: the page is someone's own (it came with their cookies): rendered, never cached."""
        f = src.fetched
        note = ""
        if src.stale_since:
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(src.stale_since))
            note = f"此页面为缓存版本，时间 {stamp}（原网站暂时无法访问）。" if ui_lang == "zh" else \
                f"This is a cached copy from {stamp}; the original site cannot be reached right now."
        # Unguessable by the page it marks (made after upstream wrote it); each response swaps in its own nonce.
        marker = secrets.token_urlsafe(24)
        ctx = self.context(f.url, mode, settings, ui_lang, links, note, nonce=marker)
        start = time.perf_counter()
        rendered = await self.pool.run(jobs.render_page, f.body, f.headers.get("content-type", ""), ctx,
                                       self.cfg.modes[mode], client=client)
        self.metrics.render_latency.observe(time.perf_counter() - start)
        body = rendered.body.encode("utf-8")
        if marker not in rendered.body:
            marker = ""
        if not note and key is not None:
            await self.cache.set(key, Entry(body, {"media_type": rendered.media_type, "marker": marker},
                                            ttl=self.cfg.cache.ttl))
        return View(body, rendered.media_type, marker)

    async def stylesheet(self, url: str, body: bytes, content_type: str, links: LinkPolicy,
                         client: str = LOCAL) -> bytes:
        """A site's stylesheet sanitised for /asset (in the render pool: big sheets are CPU work), cached."""
        ctx = self.context(url, "orig", Settings(), "zh", links)
        css = (await self.pool.run(jobs.sanitize_stylesheet, body, content_type, url, ctx, client=client)).encode()
        await self.cache.set("css:" + url, Entry(css, {}, ttl=self.cfg.cache.ttl))
        return css

    async def cached_stylesheet(self, url: str) -> bytes | None:
        hit = await self.cache.get("css:" + url)
        return hit.body if hit is not None and hit.fresh else None

    async def article(self, src: PageBytes, ui_lang: str, links: LinkPolicy, client: str = LOCAL) -> Article:
        f = src.fetched
        ctx = self.context(f.url, "read", Settings(), ui_lang, links)
        return await self.pool.run(jobs.extract_page, f.body, f.headers.get("content-type", ""), ctx,
                                   self.cfg.modes["api"], client=client)


def refuse_non_html(zh: str, en: str, reason: str) -> PassThrough:
    """The passthrough for routes that need a web page (the API, audio): anything else is a 415."""

    async def refuse(resp: Response, head: bytes) -> None:
        raise UpstreamFailed(zh, en, status=415, reason=reason)

    return refuse


def _fetched_from(entry: Entry) -> Fetched:
    return Fetched(url=entry.meta["url"], status=entry.meta.get("status", 200), headers=entry.meta["headers"],
                   body=entry.body)


def _check_status(status: int) -> None:
    """An upstream error ends the request; its status goes along for the error page. A page the site says is
    gone (404, 410) is answered with that status (it is not our failure, and no stale copy stands in for it);
    every other error is a 502 (never relaying a login prompt or the like)."""
    if status >= 400:
        raise UpstreamFailed(f"原网站返回错误（{status}）。", f"The site answered with an error ({status}).",
                             status=status if status in (404, 410) else None,
                             reason=f"upstream status {status}", upstream_status=status)
    if status not in USABLE:
        raise UpstreamFailed("原网站的响应无效。", "The site's response was not usable.",
                             reason=f"upstream status {status}")
