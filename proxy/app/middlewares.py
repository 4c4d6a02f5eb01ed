"""aiohttp middlewares, declared once in order (order is behaviour): access log, errors, admission (loop
refusal, rate limit); security headers go on every response as it is prepared (streamed ones too)."""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import lru_cache
from urllib.parse import urlsplit

from aiohttp import web

from transforms.context import Settings
from transforms.render.pages import ErrorPlace, render_error
from transforms.render.ui_text import preferred_lang

from ..errors import Forbidden, ProxyError, RateLimited
from ..pages.fairness import client_key
from ..upstream.client import VIA_TOKEN
from . import urlscheme
from .access_log import one_line
from .keys import ACCESS_LOG, METRICS, SERVICES

METRIC_SECTIONS = frozenset({"read", "elder", "a11y", "text", "orig", "home", "go", "static", "asset", "api",
                             "audio", "healthz", "metrics", "settings", "proxy.pac", "ca", "ca.pem", "ca.cer"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("a11y_proxy")

# Our origin runs only our own scripts: each page names them by a nonce made for that response, never by
# 'self' (which would also allow anything upstream that passes through under our origin).
CSP = ("default-src 'none'; script-src {scripts}; style-src 'self'{inline}; img-src 'self' data:; "
       "media-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
_CSP_PARTS = {orig: CSP.format(scripts="'nonce-{}'", inline=" 'unsafe-inline'" if orig else "")
              for orig in (False, True)}
NO_SCRIPT_CSP = CSP.format(scripts="'none'", inline="")


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def page_csp(nonce: str, orig: bool = False) -> str:
    return _CSP_PARTS[orig].replace("{}", nonce)


def ui_lang(request: web.Request) -> str:
    """English only when the browser prefers it over Chinese."""
    return preferred_lang(request.headers.get("Accept-Language", ""))


_parse_settings = lru_cache(maxsize=512)(Settings.decode)  # Settings is frozen: shareable


def settings_of(request: web.Request) -> Settings:
    """The reader's settings from their cookie (every page, error page and audio rate depends on them)."""
    return _parse_settings(request.cookies.get(urlscheme.SETTINGS_COOKIE))


def error_response(status: int, zh: str, en: str, request: web.Request, headers: dict[str, str] | None = None,
                   upstream_status: int | None = None) -> web.Response:
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.path.startswith("/api/") or (request.path.startswith("/audio/") and wants_json):
        body: dict[str, object] = {"error": en, "error_zh": zh, "status": status}
        if upstream_status is not None:
            body["upstream_status"] = upstream_status
        return web.json_response(body, status=status, headers=headers)
    nonce = new_nonce()
    # a flood of 429s is answered without looking at the address (one cached page per reader's settings)
    place = error_place(request) if status != 429 else ErrorPlace()
    body, marker = _error_page(status, zh, en, ui_lang(request), settings_of(request), upstream_status, place)
    return web.Response(body=body.replace(marker, nonce.encode()), status=status, content_type="text/html",
                        charset="utf-8",
                        headers={**html_headers(nonce), "Cache-Control": "no-store", **(headers or {})})


MAX_SHOWN_URL = 2000


def error_place(request: web.Request) -> ErrorPlace:
    """The page a failed request asked for (`/<mode>/<url>`, or the home page's `/go?url=&mode=`), so the
    error page can offer the original and, for a site we open, its home page in the reader's mode."""
    mode = request.match_info.get("mode") if request.match_info is not None else None
    if mode:
        raw = request.raw_path[len(mode) + 2:]
    elif request.path == "/go":
        raw, mode = request.query.get("url", ""), request.query.get("mode", "")
    else:
        return ErrorPlace()
    raw = raw[:MAX_SHOWN_URL]
    try:
        url = urlscheme.normalise_target(raw)
    except ProxyError:
        return ErrorPlace(url=raw, mode=mode)
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    allowed = bool(host) and request.app[SERVICES].sources.host_allowed(host)
    return ErrorPlace(url=url, mode=mode, allowed=allowed, retry_href=request.raw_path[:MAX_SHOWN_URL])


@lru_cache(maxsize=256)  # a flood of 429s and 503s costs a lookup each, not a template each
def _error_page(status: int, zh: str, en: str, lang: str, settings: Settings, upstream_status: int | None,
                place: ErrorPlace) -> tuple[bytes, bytes]:
    marker = secrets.token_urlsafe(24)
    page = render_error(status, zh, en, lang, settings, nonce=marker, upstream_status=upstream_status, place=place,
                        proxy_url=urlscheme.proxied)
    return page.encode("utf-8"), marker.encode()


def section_of(request: web.Request) -> str:
    """The metrics label of a request: its mode or first path segment, when known ("other" else: a client
    could otherwise mint series at will). Any request line at all, `OPTIONS *` and `CONNECT host:443` too."""
    mode = request.match_info.get("mode") if request.match_info is not None else None
    if mode:
        return mode
    parts = request.path.split("/", 2)
    first = (parts[1] or "home") if len(parts) > 1 and not parts[0] else "other"
    return first if first in METRIC_SECTIONS else "other"


@web.middleware
async def access(request: web.Request, handler: Handler) -> web.StreamResponse:
    start = time.perf_counter()
    status, size = 500, 0
    try:
        resp = await handler(request)
        # a streamed response has been written by now; a plain one is sent after we return
        status, size = resp.status, resp.body_length if resp.prepared else (resp.content_length or 0)
        return resp
    except web.HTTPException as e:  # a redirect raised by a handler (/go) is a 303, not an error
        status = e.status
        raise
    finally:
        metrics = request.app.get(METRICS)
        if metrics is not None:
            metrics.count_request(section_of(request), status, size)
        request.app[ACCESS_LOG].add(request.method, request.path, status, (time.perf_counter() - start) * 1000,
                                    request.get("reason", "-"))


# Upstream bytes we stream through (attachments) are never a page of ours: as a document they get no script,
# no plugin, no same-origin access. PDF is left without CSP so that the browser's viewer still opens it.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
NO_CSP_TYPES = ("application/pdf",)
FIXED_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                 "Cross-Origin-Opener-Policy": "same-origin"}


def html_headers(nonce: str, orig: bool = False) -> dict[str, str]:
    """Every header a page of ours gets: on_prepare then finds them set and adds nothing."""
    return {**_PAGE_HEADERS, "Content-Security-Policy": page_csp(nonce, orig)}


def add_security_headers(request: web.Request, resp: web.StreamResponse) -> None:
    if "Content-Security-Policy" in resp.headers:
        return  # a page response that came with all its headers (html_headers)
    for k, v in FIXED_HEADERS.items():
        resp.headers.setdefault(k, v)
    ctype = (resp.content_type or "").lower()
    if ctype == "text/html":
        resp.headers.setdefault("Content-Security-Policy", NO_SCRIPT_CSP)
    elif ctype not in NO_CSP_TYPES:
        resp.headers.setdefault("Content-Security-Policy", SANDBOX_CSP)


_PAGE_HEADERS = {**FIXED_HEADERS, "Cache-Control": "private, max-age=60", "Vary": "Cookie, Accept-Language"}


async def on_prepare(request: web.Request, resp: web.StreamResponse) -> None:
    """Runs for every response as its headers go out, streamed ones included (a middleware sees a streamed
    response only after its headers were sent)."""
    add_security_headers(request, resp)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ProxyError as e:
        request["reason"] = e.log_reason
        headers = {"Retry-After": "5"} if e.status in (429, 503) else None
        return error_response(e.status, e.zh, e.en, request, headers, e.upstream_status)
    except web.HTTPException as e:
        if e.status < 400:
            raise
        request["reason"] = e.reason
        zh, en = {404: ("找不到这个页面。", "There is no such page."),
                  405: ("不支持这种请求方法。", "That request method is not supported.")}.get(
            e.status, ("请求无法处理。", "The request could not be handled."))
        return error_response(e.status, zh, en, request)
    except Exception as e:
        log.error("unhandled %s at %s on %s %s", type(e).__name__, _where(e), one_line(request.method, 16),
                  one_line(request.path))
        log.debug("traceback of the unhandled error above", exc_info=True)
        request["reason"] = "internal error"
        return error_response(500, "代理出现内部错误，请稍后再试。", "The proxy hit an internal error; please try again.",
                              request)


def _where(e: BaseException) -> str:
    """file:line where an exception was raised (the innermost frame), for a one-line log."""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return "?"
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"


class TokenBuckets:
    """Per-client request budget: `burst` at once, refilled at `per_minute`. Clients are keyed by /32 or
    /64 (fairness.client_key); the least recently seen bucket goes first when there are too many, so a
    flood of new addresses forgets only the idlest clients, never everyone's history at once."""

    def __init__(self, per_minute: int, burst: int, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> bool:
        now = time.monotonic()
        tokens, last = self.buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        while len(self.buckets) >= self.max_clients:
            self.buckets.popitem(last=False)
        allowed = tokens >= 1
        self.buckets[client] = (tokens - 1 if allowed else tokens, now)
        return allowed


def admission(buckets: TokenBuckets, client_of: Callable[[web.Request], str]) -> Callable:
    """Who may come in: not our own upstream fetches come back (they carry our Via token), and no client
    over its rate (one middleware for both: each layer costs every request)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if VIA_TOKEN in request.headers.get("Via", ""):
            raise Forbidden("不能通过代理访问代理自身。", "The proxy cannot fetch its own pages.", reason="request loop")
        if request.path.startswith("/static/") or request.path in ("/healthz", "/metrics"):
            return await handler(request)
        if not buckets.take(client_key(client_of(request))):
            raise RateLimited("请求过于频繁，请稍后再试。", "Too many requests; please wait a moment.",
                              reason="rate limited")
        return await handler(request)

    return middleware
