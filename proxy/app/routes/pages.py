"""The page routes: a page in a mode (`/<mode>/<url>`), images (`/asset`) and the article as JSON
(`/api/article`), all through the page service; what is not HTML streams through unchanged (passthrough)."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from ...errors import TooLarge, UpstreamFailed
from ...pages.service import PageBytes, refuse_non_html
from ...upstream.sources import Response
from .. import urlscheme
from ..keys import CONFIG, SERVICES
from ..middlewares import page_headers, settings_of, ui_lang
from ..urlscheme import PREFIX_LINKS

log = logging.getLogger("a11y_proxy")
PASSTHROUGH_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified", "ETag")
NOT_AN_IMAGE = 404  # /asset serves images: at an address that holds something else there is no such image


def client_address(request: web.Request) -> str:
    peer = request.remote or "?"
    trusted = request.app[CONFIG].server.trusted_proxies
    if peer in trusted:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return peer


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
