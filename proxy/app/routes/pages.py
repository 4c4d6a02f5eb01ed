"""The page routes: a page in a mode (`/<mode>/<url>`), images (`/asset`) and the article as JSON
(`/api/article`), all through the page service; what is not HTML streams through unchanged (passthrough)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from aiohttp import web

from transforms.aids.outputs import article_json
from transforms.context import script_of

from ...errors import TooLarge, UpstreamFailed
from ...pages.fairness import client_key
from ...pages.service import PageBytes, View, refuse_non_html
from ...upstream.client import Upstream, media_type
from ...upstream.sources import Response
from .. import content_policy, urlscheme
from ..keys import CONFIG, SERVICES
from ..middlewares import html_headers, new_nonce, settings_of, ui_lang
from ..urlscheme import PREFIX_LINKS

log = logging.getLogger("a11y_proxy")
PASSTHROUGH_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified", "ETag")
CSS_MAX_BYTES = 2 * 1024 * 1024  # a site's stylesheet; over it the sheet is refused (413)


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
        return page_response(view, orig=orig)
    client = client_address(request)
    src = await svc.source(url, lambda resp, head: passthrough(request, resp, head, cfg.upstream.max_passthrough_bytes),
                           client)
    if not isinstance(src, PageBytes):
        return src
    return page_response(await svc.render(src, mode, settings, lang, PREFIX_LINKS, key, client_key(client)),
                         orig=orig)


def page_response(view: View, orig: bool) -> web.Response:
    nonce = new_nonce()
    return web.Response(body=view.with_nonce(nonce), content_type=view.media_type, charset="utf-8",
                        headers=html_headers(nonce, orig))


async def passthrough(request: web.Request, resp: Response, head: bytes, cap: int,
                      policy_of: Callable[[str], str] = content_policy.attachment_policy) -> web.StreamResponse:
    """Stream a non-HTML upstream body (attachment, image) to the client under a size cap, as passive
    content only (content_policy)."""
    ctype = resp.headers.get("Content-Type", "application/octet-stream")
    policy = _policy(policy_of, ctype)
    if policy == content_policy.STYLESHEET:
        return await stylesheet(request, resp, head)
    if resp.content_length is not None and resp.content_length > cap:
        raise TooLarge("文件过大。", "The file is too large.", reason=f"passthrough {resp.content_length} > {cap}")
    out = web.StreamResponse(status=200)
    for h in PASSTHROUGH_HEADERS:
        if h in resp.headers:
            out.headers[h] = resp.headers[h]
    if policy == content_policy.ATTACHMENT:
        out.headers["Content-Disposition"] = "attachment"
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


def _policy(policy_of: Callable[[str], str], content_type: str) -> str:
    policy = policy_of(media_type(content_type))
    if policy == content_policy.REFUSE:
        raise UpstreamFailed("不能通过代理打开这种文件。", "This kind of file cannot be opened through the proxy.",
                             status=415, reason=f"refused type {media_type(content_type)[:60]!r}")
    return policy


async def stylesheet(request: web.Request, resp: Response, head: bytes) -> web.Response:
    """A site's stylesheet, sanitised (its url()s through /asset) before it reaches the browser."""
    svc = request.app[SERVICES]
    body = head + await Upstream.read_capped(resp, CSS_MAX_BYTES - len(head))
    css = await svc.stylesheet(str(resp.url), body, resp.headers.get("Content-Type", ""), PREFIX_LINKS,
                               client_key(client_address(request)))
    return css_response(css)


def css_response(css: bytes) -> web.Response:
    return web.Response(body=css, content_type="text/css", charset="utf-8",
                        headers={"Cache-Control": "public, max-age=300"})


async def asset(request: web.Request) -> web.StreamResponse:
    """A page's sub-resource (image, stylesheet, font, media), as passive content only."""
    svc = request.app[SERVICES]
    cfg = request.app[CONFIG]
    url = svc.check(urlscheme.target(request.query.get("url", ""), cfg.server.max_url_length))
    cached = await svc.cached_stylesheet(str(url))
    if cached is not None:
        return css_response(cached)
    result = await svc.source(url, lambda resp, head: passthrough(request, resp, head, cfg.upstream.max_image_bytes,
                                                                  content_policy.asset_policy),
                              client_address(request))
    if isinstance(result, PageBytes):
        raise UpstreamFailed("该地址不是图片。", "That address is not an image.", status=415, reason="asset is html")
    return result


async def api_article(request: web.Request) -> web.Response:
    svc = request.app[SERVICES]
    url = svc.check(urlscheme.target(request.query.get("url", ""), svc.cfg.server.max_url_length))
    src = await svc.source(url, refuse_non_html("该地址不是网页。", "That address is not a web page.", "api non-html"))
    article = await svc.article(src, ui_lang(request), PREFIX_LINKS)
    # reading aids when asked: ?script=hant (or hant-tw, hant-hk), ?pinyin=1
    body = article_json(article, script_of(request.query.get("script")), request.query.get("pinyin") == "1")
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False))
