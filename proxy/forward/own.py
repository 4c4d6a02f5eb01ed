"""Our own files and endpoints on every site's origin, under links.OWN_BASE, answered by the door itself (never
forwarded to the site): the toolbar's files, the settings page, the settings beacon, speech and the live feed.

Speech is the prefix door's (its routes, its speech service, its cache): the door asks this same server over
loopback, with only the reader's settings cookie, so audio is made from the page as everyone sees it. So is a
column's podcast feed (订阅音频), whose absolute addresses (enclosures, transcripts, cover) are this server's
as the door reached it: they are given back under OWN_BASE on the site's origin, where the door answers them.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from mitmproxy import http

from transforms.context import Settings
from transforms.render import csp
from transforms.render.pages import render_settings

from .keys import CLIENT, SET_COOKIES
from .links import MODES, OWN_BASE, mode_of
from .parts import Parts
from .prefs import Prefs
from .respond import ERROR_CSP, cookie, home_url, ui_lang

log = logging.getLogger("a11y_proxy.forward")
SPEECH_PATHS = ("/audio", "/audio/sentences", "/audio/segment", "/audio/captions", "/feed", "/feed/cover.png")
SPEECH_REQUEST_HEADERS = ("range", "if-range", "if-none-match", "accept", "accept-language")
SPEECH_RESPONSE_HEADERS = ("content-type", "content-range", "accept-ranges", "etag", "cache-control",
                           "content-disposition", "vary", "retry-after")
SPEECH_MAX_BYTES = 64 * 1024 * 1024
SETTINGS_CSP = ("default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


async def answer(parts: Parts, flow: http.HTTPFlow, prefs: Prefs) -> http.Response:
    path = flow.request.path.split("?", 1)[0][len(OWN_BASE):] or "/"
    method = flow.request.method
    if path.startswith("/static/") and method in ("GET", "HEAD"):
        return _static(parts, path[len("/static/"):])
    if path == "/prefs" and method == "POST":
        return http.Response.make(204, b"", {"cache-control": "no-store"})  # the cookies said it (addon.sync_prefs)
    if path == "/settings" and method == "GET":
        return await _settings(parts, flow, prefs)
    if path in SPEECH_PATHS and method in ("GET", "HEAD"):
        return await _speech(parts, flow, path, prefs)
    if path == "/" and method == "GET":
        return http.Response.make(303, b"", {"location": home_url(parts, flow), "cache-control": "no-store"})
    return _plain(404, "找不到这个页面。 There is no such page.")


def _static(parts: Parts, name: str) -> http.Response:
    found = parts.static.get(name)
    if found is None:
        return _plain(404, "找不到这个文件。 There is no such file.")
    body, content_type = found
    if content_type.startswith("text/") or content_type.endswith(("javascript", "json", "svg+xml")):
        content_type += "; charset=utf-8"  # else a GBK site's page would read our UTF-8 script as GBK
    return http.Response.make(200, body, {"content-type": content_type, "cache-control": "public, max-age=3600",
                                          "x-content-type-options": "nosniff"})


def _origin(flow: http.HTTPFlow) -> str:
    """The site's origin as the browser addressed it (scheme://host[:port])."""
    return f"{flow.request.scheme}://{flow.request.host_header or flow.request.host}"


def _same_origin(flow: http.HTTPFlow) -> bool:
    """A change of settings comes from this site's pages or the address bar, not from another site."""
    site = flow.request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    return flow.request.headers.get("referer", "").startswith(_origin(flow) + "/")


def _back(flow: http.HTTPFlow) -> str:
    """Where the settings page returns to: a page of this same site, else its home page."""
    back = flow.request.query.get("back", "")
    if any(ord(c) < 33 or ord(c) == 127 for c in back) or "\\" in back:
        return "/"  # never a control character in a Location header
    if back.startswith("/") and not back.startswith("//"):
        return back
    here, there = urlsplit(flow.request.pretty_url), urlsplit(back)
    return back if (there.scheme, there.netloc) == (here.scheme, here.netloc) else "/"


async def _settings(parts: Parts, flow: http.HTTPFlow, prefs: Prefs) -> http.Response:
    """The settings page of the prefix door, for this door: saving sets the reader's prefs (every site)."""
    q = flow.request.query
    back = _back(flow)
    changing = "save" in q or "reset" in q
    submitted = parts.prefs.default if "reset" in q else _submitted(q, prefs)
    if changing and _same_origin(flow):
        await parts.prefs.set(flow.metadata[CLIENT], submitted)
        flow.metadata[SET_COOKIES] = [cookie("a11y_settings", submitted.settings),
                                      cookie("a11y_sync", submitted.settings)]
        return http.Response.make(303, b"", {"location": back, "cache-control": "no-store"})
    # from elsewhere a change is only offered: the form shows it, saving it is the reader's own click
    shown = submitted if changing else prefs
    nonce = csp.new_nonce()
    body = render_settings(ui_lang(flow.request), shown.parsed, "orig" if shown.mode == "overlay" else shown.mode,
                           back, nonce=nonce, confirm=changing, own_base=OWN_BASE)
    return http.Response.make(200, body.encode(), {
        "content-type": "text/html; charset=utf-8", "cache-control": "no-store",
        "content-security-policy": SETTINGS_CSP.format(nonce=nonce), "x-content-type-options": "nosniff"})


def _submitted(q: Any, prefs: Prefs) -> Prefs:
    """The form's fields (the prefix door's settings form) as Prefs, through the one settings parser."""
    mode = mode_of(q.get("mode", "orig"))
    return Prefs(Settings.from_form(q).encode(), mode if mode in MODES else prefs.mode)


async def _speech(parts: Parts, flow: http.HTTPFlow, path: str, prefs: Prefs) -> http.Response:
    query = flow.request.path.partition("?")[2]
    headers = {name: flow.request.headers[name] for name in SPEECH_REQUEST_HEADERS if name in flow.request.headers}
    headers["cookie"] = f"a11y_settings={prefs.settings}"  # the reader's 语速
    try:
        async with parts.http().request(flow.request.method, f"{parts.own_server}{path}?{query}",
                                        headers=headers, allow_redirects=False) as resp:
            body = await resp.content.read(SPEECH_MAX_BYTES + 1)
            if len(body) > SPEECH_MAX_BYTES:
                return _plain(413, "音频过大。 The audio is too large.")
            out = {name: resp.headers[name] for name in SPEECH_RESPONSE_HEADERS if name in resp.headers}
            if path == "/feed" and resp.status == 200:
                body = body.replace(f"{parts.own_server}/".encode(), f"{_origin(flow)}{OWN_BASE}/".encode())
            return http.Response.make(resp.status, body, {**out, "x-content-type-options": "nosniff"})
    except (aiohttp.ClientError, OSError, TimeoutError) as e:
        log.warning("forward proxy: speech from %s failed (%s)", parts.own_server, e.__class__.__name__)
        return _plain(502, "暂时无法朗读。 Audio is not available right now.")


def _plain(status: int, text: str) -> http.Response:
    return http.Response.make(status, text.encode(), {"content-type": "text/plain; charset=utf-8",
                                                      "cache-control": "no-store", "content-security-policy": ERROR_CSP,
                                                      "x-content-type-options": "nosniff"})

