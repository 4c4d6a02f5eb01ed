"""The aiohttp application: routes, services built once at start-up, and the middleware stack."""

from __future__ import annotations

import contextlib
import json
import logging
import mimetypes
import socket
from pathlib import Path

import aiohttp
from aiohttp import web

from transforms.context import MODES
from transforms.render.pages import render_home

from .. import __version__
from ..cache.factory import make_cache
from ..config import Config
from ..errors import BadURL, TooLarge, UpstreamFailed
from ..metrics import Metrics
from ..pages.render_pool import RenderPool
from ..pages.service import PageBytes, PageService, refuse_non_html
from ..upstream.client import Upstream
from ..upstream.guard import Guard
from ..upstream.sample.site import SAMPLE_ARTICLE
from ..upstream.sources import Response, make_sources
from . import urlscheme
from .access_log import AccessLog
from .keys import ACCESS_LOG, CONFIG, METRICS, SERVICES
from .middlewares import (
    TokenBuckets,
    access,
    admission,
    errors,
    on_prepare,
    page_headers,
    settings_of,
    ui_lang,
)
from .routes import audio as routes_audio
from .routes import settings as routes_settings
from .urlscheme import PREFIX_LINKS

log = logging.getLogger("a11y_proxy")
ASSETS = Path(__file__).resolve().parents[2] / "transforms" / "render" / "assets"
PASSTHROUGH_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified", "ETag")
NOT_AN_IMAGE = 404  # /asset serves images: at an address that holds something else there is no such image


def own_addresses() -> set[str]:
    """Addresses of this machine, so that the proxy refuses to fetch itself."""
    found = {"127.0.0.1", "::1"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            found.add(str(info[4][0]))
    except OSError:
        pass
    return found


def client_address(request: web.Request) -> str:
    peer = request.remote or "?"
    trusted = request.app[CONFIG].server.trusted_proxies
    if peer in trusted:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return peer


async def home(request: web.Request) -> web.Response:
    cfg = request.app[CONFIG]
    links = [(m, urlscheme.proxied(SAMPLE_ARTICLE, m)) for m in MODES] if cfg.sample.enabled else []
    body = render_home(ui_lang(request), links, settings_of(request), origin=f"{request.scheme}://{request.host}",
                       default_mode=request.cookies.get(routes_settings.MODE_COOKIE, "elder"))
    return web.Response(text=body, content_type="text/html")


async def go(request: web.Request) -> web.Response:
    """The home page's form: /go?url=...&mode=elder -> /elder/<url>."""
    mode = request.query.get("mode", "elder")
    if mode not in MODES:
        raise BadURL("未知的阅读模式。", "Unknown reading mode.", reason=f"mode {mode!r}")
    url = urlscheme.target(request.query.get("url", ""), request.app[CONFIG].server.max_url_length)
    request.app[SERVICES].check(url)
    raise web.HTTPSeeOther(urlscheme.proxied(url, mode))


async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = (ASSETS / name).resolve()
    if path.parent != ASSETS or not path.is_file():
        raise web.HTTPNotFound()
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return web.Response(body=path.read_bytes(), content_type=ctype,
                        headers={"Cache-Control": "public, max-age=3600"})


async def page(request: web.Request) -> web.StreamResponse:
    mode = request.match_info["mode"]
    svc = request.app[SERVICES]
    cfg = request.app[CONFIG]
    url = svc.check(urlscheme.target_from_path(request.raw_path, mode, cfg.server.max_url_length))
    settings, lang, orig = settings_of(request), ui_lang(request), mode == "orig"
    key = svc.view_key(url, mode, settings, lang, PREFIX_LINKS)
    view = await svc.cached_view(key)
    if view is not None:
        return page_response(*view, orig=orig)
    src = await svc.source(url, lambda resp, head: passthrough(request, resp, head, cfg.upstream.max_passthrough_bytes),
                           client_address(request))
    if not isinstance(src, PageBytes):
        return src
    return page_response(*await svc.render(src, mode, settings, lang, PREFIX_LINKS, key), orig=orig)


def page_response(body: bytes, media_type: str, orig: bool) -> web.Response:
    return web.Response(body=body, content_type=media_type, charset="utf-8", headers=page_headers(orig))


async def passthrough(request: web.Request, resp: Response, head: bytes, cap: int,
                      only_images: bool = False) -> web.StreamResponse:
    """Stream a non-HTML upstream body (attachment, image) to the client under a size cap."""
    ctype = resp.headers.get("Content-Type", "application/octet-stream")
    if only_images and not ctype.lower().startswith(("image/", "text/css")):
        raise UpstreamFailed("该地址不是图片。", "That address is not an image.", status=NOT_AN_IMAGE,
                             reason=f"asset type {ctype}")
    if resp.content_length is not None and resp.content_length > cap:
        raise TooLarge("文件过大。", "The file is too large.", reason=f"passthrough {resp.content_length} > {cap}")
    out = web.StreamResponse(status=200)
    for h in PASSTHROUGH_HEADERS:
        if h in resp.headers:
            out.headers[h] = resp.headers[h]
    if resp.content_length is not None and not resp.headers.get("Content-Encoding"):
        out.content_length = resp.content_length
    await out.prepare(request)
    sent = len(head)
    await out.write(head)
    async for chunk in resp.content.iter_chunked(65536):
        sent += len(chunk)
        if sent > cap:
            log.warning("passthrough of %s cut at %d bytes", resp.url, cap)
            if request.transport is not None:
                request.transport.close()
            return out
        await out.write(chunk)
    await out.write_eof()
    return out


async def asset(request: web.Request) -> web.StreamResponse:
    svc = request.app[SERVICES]
    cfg = request.app[CONFIG]
    url = svc.check(urlscheme.target(request.query.get("url", ""), cfg.server.max_url_length))
    result = await svc.source(url, lambda resp, head: passthrough(request, resp, head, cfg.upstream.max_image_bytes,
                                                                  only_images=True))
    if isinstance(result, PageBytes):
        raise UpstreamFailed("该地址不是图片。", "That address is not an image.", status=NOT_AN_IMAGE,
                             reason="asset is html")
    return result


async def api_article(request: web.Request) -> web.Response:
    svc = request.app[SERVICES]
    url = svc.check(urlscheme.target(request.query.get("url", ""), svc.cfg.server.max_url_length))
    src = await svc.source(url, refuse_non_html("该地址不是网页。", "That address is not a web page.", "api non-html"))
    article = await svc.article(src, ui_lang(request), PREFIX_LINKS)
    return web.json_response(article.to_json(), dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def healthz(request: web.Request) -> web.Response:
    svc = request.app[SERVICES]
    return web.json_response({"status": "ok", "version": __version__, "audio": routes_audio.audio_status(request.app),
                              "cache": svc.cache.stats()})


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})


def create_app(cfg: Config, resolver: aiohttp.abc.AbstractResolver | None = None) -> web.Application:
    buckets = TokenBuckets(cfg.server.rate_limit_per_minute, cfg.server.rate_limit_burst)
    app = web.Application(
        middlewares=[access, errors, admission(buckets, client_address)],
        client_max_size=64 * 1024,
        handler_args={"max_line_size": cfg.server.max_url_length + 64, "max_field_size": 8190},
    )
    app[CONFIG] = cfg
    app[ACCESS_LOG] = AccessLog(logging.getLogger("a11y_proxy.access"))
    app[METRICS] = Metrics()

    async def services(app: web.Application):  # cleanup context: one of each for the app's lifetime
        # each one is closed from the moment it exists, so a failed start-up leaks no session or process
        async with contextlib.AsyncExitStack() as stack:
            guard = Guard(cfg.upstream, own_addresses(), own_ports={cfg.server.port})
            upstream = Upstream(cfg.upstream, guard, resolver)
            stack.push_async_callback(upstream.close)
            await upstream.start()
            sources = make_sources(cfg, guard, upstream)
            pool = RenderPool(cfg.transform.workers, cfg.transform.page_timeout)
            stack.callback(pool.close)
            cache = make_cache(cfg.cache)
            stack.push_async_callback(cache.close)
            app[SERVICES] = PageService(cfg, sources, cache, pool, app[METRICS])
            await pool.warm_up()
            async with app[ACCESS_LOG].running():
                yield

    app.cleanup_ctx.append(services)
    app.on_response_prepare.append(on_prepare)  # security headers on streamed responses too
    # the page route first: it is nearly every request, and aiohttp tries dynamic routes in order
    app.router.add_get(r"/{mode:(read|elder|a11y|text|orig)}/{url:.*}", page)
    app.router.add_get("/", home)
    app.router.add_get("/go", go)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/asset", asset)
    app.router.add_get("/api/article", api_article)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    routes_audio.setup(app)
    routes_settings.setup(app)
    return app
