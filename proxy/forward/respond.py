"""What the forward door does with a page on its way to the browser: the live page with our overlay, or the same
address rendered in the reader's mode by the page service (its cache and render pool), or a refusal.

Never a wrong cache hit: a rendered page is looked up and stored only when the request carried no Cookie and
no Authorization (after our own cookie is taken out) and the response has no Set-Cookie, no `private`, no
`no-store` and no `Vary: Cookie`. The live page is never cached at all: it is the user's own response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import unquote

from mitmproxy import http
from yarl import URL

from transforms.context import Settings
from transforms.render import csp
from transforms.render.overlay import guess_lang, overlay_document
from transforms.render.pages import ErrorPlace, render_error
from transforms.render.ui_text import preferred_lang

from ..errors import ProxyError
from ..pages.fairness import client_key
from ..pages.service import PageBytes, View
from ..upstream.client import KEPT_RESPONSE_HEADERS, USABLE, Fetched, check_page_body, media_type
from ..upstream.decode import decode
from .bodies import bounded_decode
from .keys import CLIENT, GENERATED, PERSONAL, SITE_COOKIES
from .links import FORWARD_LINKS, RENDERED
from .parts import Parts
from .prefs import Prefs

log = logging.getLogger("a11y_proxy.forward")
COOKIE_AGE = 365 * 24 * 3600
# a page we render runs only our code, like the prefix door's pages; its images stay where the site has them
PAGE_CSP = ("default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self'; img-src * data:; media-src 'self'; "
            "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'")
ERROR_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
REFUSAL_CSP = "default-src 'none'; style-src {origin}; img-src {origin} data:; base-uri 'none'; form-action 'none'"
MAX_SHOWN_URL = 2000
# headers of the site's response that describe the bytes it sent: a changed page gets its own
REPLACED = ("content-encoding", "content-length", "transfer-encoding", "etag", "last-modified", "expires",
            "content-md5", "digest", "content-range", "accept-ranges")


def settings_value(raw: str) -> str:
    """A settings cookie as the toolbar writes it, checked by the one parser (junk becomes the defaults)."""
    return Settings.decode(unquote(raw)).encode()


def cookie(name: str, value: str) -> str:
    return f"{name}={value}; Path=/; Max-Age={COOKIE_AGE}; SameSite=Lax"


def ui_lang(req: http.Request) -> str:
    return preferred_lang(req.headers.get("accept-language", ""))


def refusal(parts: Parts, flow: http.HTTPFlow, why: ProxyError, settings: Settings) -> http.Response:
    """The kind error page saying why, in the reader's settings (the browser shows it for http://; for https it
    reports a tunnel failure). Nothing of ours runs on a site we refuse, and our files are not on its origin:
    no toolbar, and the page's styles and links are this server's own."""
    origin = home_url(parts, flow).rstrip("/")
    body = render_error(why.status, why.zh, why.en, ui_lang(flow.request), settings,
                        place=ErrorPlace(url=flow.request.pretty_url[:MAX_SHOWN_URL]), own_base=origin, toolbar=False)
    return http.Response.make(why.status, body.encode(), {
        "content-type": "text/html; charset=utf-8", "cache-control": "no-store",
        "content-security-policy": REFUSAL_CSP.format(origin=origin), "x-content-type-options": "nosniff"})


def home_url(parts: Parts, flow: http.HTTPFlow) -> str:
    """The proxy's home page as this browser reaches it: the server's address, or the one the browser used to
    reach the door when the server listens on every address."""
    host = parts.cfg.server.host
    if host in ("", "0.0.0.0", "::"):
        host = flow.client_conn.sockname[0]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{parts.cfg.server.port}/"


def cacheable(flow: http.HTTPFlow) -> bool:
    """Whether a rendered copy of this response may be stored and served to anyone."""
    if flow.metadata.get(PERSONAL) or flow.request.method != "GET":
        return False
    r = flow.response
    if r is None or r.status_code != 200 or flow.metadata.get(SITE_COOKIES, True):
        return False
    control = r.headers.get("cache-control", "").lower()
    vary = r.headers.get("vary", "").lower()
    return not ("private" in control or "no-store" in control or "cookie" in vary or "*" in vary
                or "authorization" in vary)


def view_key(parts: Parts, flow: http.HTTPFlow, prefs: Prefs) -> str:
    return parts.pages.view_key(URL(flow.request.pretty_url, encoded=True), prefs.mode, prefs.parsed,
                                ui_lang(flow.request), FORWARD_LINKS[prefs.mode])


async def from_cache(parts: Parts, flow: http.HTTPFlow, prefs: Prefs) -> None:
    """A rendered page that someone without cookies asked for before: answered without asking the site."""
    if prefs.mode not in RENDERED or flow.metadata.get(PERSONAL):
        return
    view = await parts.pages.cached_view(view_key(parts, flow, prefs))
    if view is None:
        return
    flow.metadata[GENERATED] = True
    flow.response = http.Response.make(200, b"", {})
    _set_view(flow.response, view)
    parts.pages.metrics.forward.labels("cached").inc()


async def page(parts: Parts, flow: http.HTTPFlow, prefs: Prefs) -> None:
    r = flow.response
    body = bounded_decode(r.raw_content or b"", r.headers.get("content-encoding", ""), parts.cfg.upstream.max_html_bytes)
    if body is None:  # over the cap, or a coding we cannot decode: the page as the site sent it
        parts.pages.metrics.forward.labels("untouched").inc()
        return
    if prefs.mode in RENDERED and r.status_code in USABLE and media_type(r.headers.get("content-type", "")) == "text/html":
        try:
            await _rendered(parts, flow, body, prefs)
            parts.pages.metrics.forward.labels(prefs.mode).inc()
            return
        except ProxyError as e:  # busy, too slow, not a page: the live page is better than an error
            log.info("forward proxy: %s shown as the live page (%s)", flow.request.pretty_url[:200], e.log_reason)
    _overlay(parts, flow, body, prefs)
    parts.pages.metrics.forward.labels("overlay").inc()


async def _rendered(parts: Parts, flow: http.HTTPFlow, body: bytes, prefs: Prefs) -> None:
    r = flow.response
    check_page_body(body)
    headers = {k: r.headers[k] for k in KEPT_RESPONSE_HEADERS if k in r.headers}
    src = PageBytes(Fetched(url=flow.request.pretty_url, status=r.status_code, headers=headers, body=body))
    key = view_key(parts, flow, prefs) if cacheable(flow) else None
    view = await parts.pages.render(src, prefs.mode, prefs.parsed, ui_lang(flow.request), FORWARD_LINKS[prefs.mode],
                                    key, client_key(flow.metadata.get(CLIENT)))
    r.status_code = 200
    _set_view(r, view)


def _set_view(r: http.Response, view: View) -> None:
    nonce = csp.new_nonce()
    _drop(r.headers, (*REPLACED, "content-security-policy", "content-security-policy-report-only", "link",
                      "content-type", "refresh"))
    r.headers["content-type"] = f"{view.media_type}; charset=utf-8"
    r.headers["content-security-policy"] = PAGE_CSP.format(nonce=nonce)
    r.headers["x-content-type-options"] = "nosniff"
    r.headers["cache-control"] = "private, no-cache"  # it depends on the reader's mode and settings
    r.set_content(view.with_nonce(nonce))


def _overlay(parts: Parts, flow: http.HTTPFlow, body: bytes, prefs: Prefs) -> None:
    r = flow.response
    nonce = csp.new_nonce()
    content_type = r.headers.get("content-type", "")
    ctx = parts.pages.context(flow.request.pretty_url, "orig", prefs.parsed, ui_lang(flow.request),
                              FORWARD_LINKS["overlay"], nonce=nonce)
    out = overlay_document(body, ctx, nonce=nonce, lang=lambda: guess_lang(decode(body[:65536], content_type)),
                           csp_headers=r.headers.get_all("content-security-policy"),
                           csp_report_only=r.headers.get_all("content-security-policy-report-only"),
                           inline_asset=_asset_text(parts))
    for name, values in (("content-security-policy", out.csp), ("content-security-policy-report-only",
                                                                 out.csp_report_only)):
        if values:
            r.headers.set_all(name, values)
    if out.charset and "charset=" not in content_type.lower():
        # our edits before the page's <meta charset> must never push it out of the browser's first 1024 bytes
        r.headers["content-type"] = f"{content_type.split(';')[0].strip() or 'text/html'}; charset={out.charset}"
    no_store = "no-store" in r.headers.get("cache-control", "").lower()
    _drop(r.headers, REPLACED)
    r.headers["cache-control"] = "no-store" if no_store else "private, no-cache"
    r.set_content(out.body)


def _asset_text(parts: Parts) -> Callable[[str], str]:
    return lambda name: parts.static[name][0].decode("utf-8")


def _drop(headers: http.Headers, names: tuple[str, ...]) -> None:
    for name in names:
        if name in headers:
            del headers[name]


def capped_stream(parts: Parts, flow: http.HTTPFlow, limit: int) -> Callable[[bytes], bytes]:
    """An attachment of unknown length, counted as it streams; past the cap the client's connection is closed
    (the browser reports a failed download). Never raise here: mitmproxy 11 would log a crash for every later
    chunk; and flow.kill() does not work mid-stream (mitmproxy #4711), hence the transport."""
    seen = 0
    cut = False

    def chunk(data: bytes) -> bytes:
        nonlocal seen, cut
        if cut:
            return b""
        seen += len(data)
        if seen <= limit:
            return data
        cut = True
        log.info("forward proxy: %s cut at upstream.max_passthrough_bytes (%d)", flow.request.pretty_url[:200], limit)
        _close_client(flow)
        return b""

    return chunk


def _close_client(flow: http.HTTPFlow) -> None:
    from mitmproxy import ctx

    server = ctx.master.addons.get("proxyserver")
    handler = server.connections.get(flow.client_conn.id) if server is not None else None
    io = handler.transports.get(flow.client_conn) if handler is not None else None
    if io is not None and io.writer is not None:
        io.writer.close()
