"""The proxy's own pages and endpoints: home, the home page's form (`/go`), static assets, health and
metrics."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from aiohttp import web

from transforms.context import MODES
from transforms.render.pages import render_home
from transforms.render.render import ASSETS

from ... import __version__
from ...errors import BadURL
from ...upstream.sample.site import SAMPLE_ARTICLE, SAMPLE_COLUMN
from .. import urlscheme
from ..keys import CONFIG, FORWARD, METRICS, SERVICES, STATIC
from ..middlewares import html_headers, new_nonce, settings_of, ui_lang
from . import audio as routes_audio
from . import forward as routes_forward
from . import settings as routes_settings


async def home(request: web.Request) -> web.Response:
    cfg = request.app[CONFIG]
    links = [(m, urlscheme.proxied(SAMPLE_ARTICLE, m)) for m in MODES] if cfg.sample.enabled else []
    nonce = new_nonce()
    feed = f"/feed?url={quote(SAMPLE_COLUMN, safe='')}" if cfg.sample.enabled else ""
    forward = request.app[FORWARD]
    body = render_home(ui_lang(request), links, settings_of(request), origin=f"{request.scheme}://{request.host}",
                       default_mode=request.cookies.get(routes_settings.MODE_COOKIE, "elder"), nonce=nonce,
                       feed_example=feed,
                       forward=routes_forward.addresses(request, forward) if forward.running else None)
    # the bookmarklets name the Host the browser used: a shared cache must keep one copy per Host
    return web.Response(text=body, content_type="text/html",
                        headers={**html_headers(nonce), "Vary": "Host, Cookie, Accept-Language"})


async def go(request: web.Request) -> web.Response:
    """The home page's form: /go?url=...&mode=elder -> /elder/<url>."""
    mode = request.query.get("mode", "elder")
    if mode not in MODES:
        raise BadURL("未知的阅读模式。", "Unknown reading mode.", reason=f"mode {mode!r}")
    url = urlscheme.target(request.query.get("url", ""), request.app[CONFIG].server.max_url_length)
    request.app[SERVICES].check(url)
    raise web.HTTPSeeOther(urlscheme.proxied(url, mode))


def load_static() -> dict[str, tuple[bytes, str]]:
    """Our own assets, read once: a request names one of these or gets 404 (no path from a request ever
    reaches the file system)."""
    return {path.name: (path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream")
            for path in ASSETS.iterdir() if path.is_file()}


async def static(request: web.Request) -> web.StreamResponse:
    found = request.app[STATIC].get(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound()
    body, ctype = found
    return web.Response(body=body, content_type=ctype, headers={"Cache-Control": "public, max-age=3600"})


async def healthz(request: web.Request) -> web.Response:
    svc = request.app[SERVICES]
    return web.json_response({"status": "ok", "version": __version__, "audio": routes_audio.audio_status(request.app),
                              "cache": svc.cache.stats()})


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})
