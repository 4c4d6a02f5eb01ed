"""The forward door's mitmproxy hooks: who may connect, which hosts are touched, where connections go, and what
happens to a page on its way to the browser.

Only allow-listed hosts are touched: a CONNECT to any other host gets 403 before any TLS (so no certificate is
ever minted for it), and so does a request inside an allowed tunnel that names another host. Every upstream
connection is resolved here, each address goes through the prefix door's guard, and mitmproxy then dials exactly
the address that was checked (no DNS-rebinding gap). Only top-level pages (navigations) are changed; everything
else passes through as the site sent it, streamed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import Any

from mitmproxy import http
from mitmproxy.connection import Server
from mitmproxy.proxy import server_hooks
from yarl import URL

from ..errors import BadURL, ProxyError, UpstreamFailed
from ..upstream.client import HTML_TYPES, media_type
from . import own, respond
from .keys import CLIENT, GENERATED, NAV, OWN, PERSONAL, PREFS, SET_COOKIES, SITE_COOKIES
from .links import MODE_PARAM, MODES, OWN_BASE, without_mode
from .parts import Parts
from .prefs import Prefs

log = logging.getLogger("a11y_proxy.forward")

SETTINGS_COOKIE, SYNC_COOKIE = "a11y_settings", "a11y_sync"
OWN_COOKIES = frozenset({SETTINGS_COOKIE, SYNC_COOKIE, "a11y_mode", "a11y_form"})  # never reach a site
CONDITIONAL = ("if-none-match", "if-modified-since")  # a page we change must not be answered 304 from an old copy
STREAMED_MEDIA = ("video/", "audio/")  # media a page plays: streamed without the attachment cap


class ForwardAddon:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.started = asyncio.Event()
        self.pinned: dict[str, Any] = {}  # server connection id -> the address before we pinned the checked IP
        self.bad_upstream_tls: set[str] = set()  # client connection ids whose site's TLS failed

    # -- lifecycle and clients ------------------------------------------------------------------------------
    def running(self) -> None:
        self.started.set()

    def client_connected(self, client: Any) -> None:
        if not self.parts.client_allowed(client.peername[0]):
            log.warning("forward proxy: connection from %s refused (not in forward.allowed_clients)",
                        client.peername[0])
            client.error = "client not allowed"

    def client_disconnected(self, client: Any) -> None:
        self.bad_upstream_tls.discard(client.id)

    # -- which hosts: CONNECT, and every request (absolute-form or inside a tunnel) ---------------------------
    async def http_connect(self, flow: http.HTTPFlow) -> None:
        host, port = flow.request.host, flow.request.port
        try:
            self.allowed("https", host, port)
            await self.checked_address(host, port)  # early and readable; server_connect checks what it dials
        except ProxyError as e:
            await self.refuse(flow, host, e)

    async def requestheaders(self, flow: http.HTTPFlow) -> None:
        req = flow.request
        if flow.client_conn.id in self.bad_upstream_tls:
            # The site's https is broken (bad certificate, nothing on 443). A 502 inside a working tunnel would
            # stop Chrome's HTTPS-Upgrades from falling back to http://: fail at the network level, as the site.
            flow.kill()
            return
        try:
            self.allowed(req.scheme, req.host, req.port)
            if req.host_header and req.host_header.rsplit(":", 1)[0].strip("[]").lower() != req.host.lower():
                # a request inside an allowed tunnel that names another site: not ours to carry
                self.allowed(req.scheme, req.host_header.rsplit(":", 1)[0].strip("[]"), req.port)
            if req.scheme == "http":  # https was checked at CONNECT; server_connect checks what it dials
                await self.checked_address(req.host, req.port)
        except ProxyError as e:
            await self.refuse(flow, req.host, e)
            return
        client = flow.client_conn.peername[0]
        flow.metadata[CLIENT] = client
        ours = strip_own_cookies(req.headers)
        flow.metadata[PERSONAL] = bool(req.headers.get_all("cookie")) or "authorization" in req.headers
        if req.path == OWN_BASE or req.path.startswith(OWN_BASE + "/"):
            flow.metadata[OWN] = True
        nav = is_navigation(req) and not flow.metadata.get(OWN)
        flow.metadata[NAV] = nav
        prefs = await self.sync_prefs(flow, client, ours, nav)
        if flow.metadata.get(OWN):
            return  # answered in request(), with the body read
        if MODE_PARAM in req.query:
            await self.switch_mode(flow, client, prefs)
            return
        if nav and req.method == "GET":
            for name in CONDITIONAL:
                req.headers.pop(name, None)
            await respond.from_cache(self.parts, flow, prefs)

    async def request(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get(OWN) and flow.response is None:
            flow.metadata[GENERATED] = True
            flow.response = await own.answer(self.parts, flow, flow.metadata[PREFS])
            self.parts.pages.metrics.forward.labels("own").inc()

    def allowed(self, scheme: str, host: str, port: int) -> None:
        """The prefix door's rules for a URL: http(s), an allowed host (no IP literal), an allowed port."""
        try:
            url = URL.build(scheme=scheme, host=host, port=port, path="/")
        except (ValueError, TypeError):
            raise BadURL("网址格式不正确。", "The address is not a valid URL.", reason=f"bad host {host[:100]!r}") from None
        self.parts.guard.check_url(url)

    async def refuse(self, flow: http.HTTPFlow, host: str, why: ProxyError) -> None:
        log.info("forward proxy: refused %s:%s (%s)", host[:200], flow.request.port, why.log_reason)
        self.parts.pages.metrics.forward.labels("refused").inc()
        flow.metadata[GENERATED] = True
        prefs = await self.parts.prefs.get(flow.client_conn.peername[0]) or self.parts.prefs.default
        flow.response = respond.refusal(self.parts, flow, why, prefs.parsed)

    # -- the reader's settings and mode ---------------------------------------------------------------------
    async def sync_prefs(self, flow: http.HTTPFlow, client: str, ours: dict[str, str], nav: bool) -> Prefs:
        """The reader's prefs for this request; a change made on this site (its settings cookie differs from
        the value we last gave it) becomes the reader's. Cookies to set go out with the response."""
        store = self.parts.prefs
        prefs = await store.get(client)
        value, synced = ours.get(SETTINGS_COOKIE), ours.get(SYNC_COOKIE)
        cookies: list[str] = []
        if value is not None and value != synced:
            value = respond.settings_value(value)
            if prefs is None or prefs.settings != value:
                prefs = Prefs(value, (prefs or store.default).mode)
                await store.set(client, prefs)
            cookies.append(respond.cookie(SYNC_COOKIE, value))
        prefs = prefs or store.default
        if (nav or flow.metadata.get(OWN)) and not cookies and (value, synced) != (prefs.settings,) * 2:
            cookies += [respond.cookie(SETTINGS_COOKIE, prefs.settings), respond.cookie(SYNC_COOKIE, prefs.settings)]
        flow.metadata[PREFS] = prefs
        flow.metadata[SET_COOKIES] = cookies
        return prefs

    async def switch_mode(self, flow: http.HTTPFlow, client: str, prefs: Prefs) -> None:
        """`?a11y-mode=elder`: remembered for the reader (when it comes from this site or the address bar, not
        from another site's link), then back to the same address without it. The site never sees it."""
        clean, mode = without_mode(flow.request.pretty_url)
        site = flow.request.headers.get("sec-fetch-site", "none")
        if mode in MODES and site in ("same-origin", "none") and mode != prefs.mode:
            prefs = Prefs(prefs.settings, mode)
            await self.parts.prefs.set(client, prefs)
            flow.metadata[PREFS] = prefs
        flow.metadata[GENERATED] = True
        flow.response = http.Response.make(303, b"", {"location": clean, "cache-control": "no-store"})

    # -- where connections go: resolve here, check every address, dial the checked one --------------------
    async def checked_address(self, host: str, port: int) -> str:
        guard = self.parts.guard
        literal = guard.literal_ip(host)
        if literal is not None:
            guard.check_endpoint(literal, port)
            return str(literal)
        try:
            async with asyncio.timeout(self.parts.cfg.upstream.dns_timeout + 1):
                infos = await self.parts.resolve(host, port)
        except (OSError, ValueError, TimeoutError) as e:
            raise UpstreamFailed("无法找到该网站。", "The site's name could not be resolved.",
                                 reason=f"dns failure ({e.__class__.__name__})") from None
        if not infos:
            raise UpstreamFailed("无法找到该网站。", "The site's name could not be resolved.", reason="no addresses")
        for info in infos:
            guard.check_endpoint(ipaddress.ip_address(info["host"]), port)
        return str(infos[0]["host"])

    async def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        server: Server = data.server
        if server.via is not None or server.address is None:
            return
        host, port = server.address[:2]
        try:
            ip = await self.checked_address(host, port)
        except ProxyError as e:
            reason = e.log_reason
            log.info("forward proxy: connection to %s:%s refused at connect time (%s)", host[:200], port, reason)
            self.parts.pages.metrics.forward.labels("refused").inc()
            server.error = f"refused: {reason}"  # mitmproxy gives up the connection and answers 502
            return
        self.pinned[server.id] = server.address
        server.address = (ip, port)  # mitmproxy dials the address we checked, with no second lookup

    def server_connected(self, data: server_hooks.ServerConnectionHookData) -> None:
        # The name back: SNI and the certificate check use it, mitmproxy reuses a connection by comparing it
        # with a request's host, and in eager mode a tunnel's requests take their host from it. Server refuses
        # a new address on an open connection (RuntimeError, only logged), hence object.__setattr__.
        original = self.pinned.pop(data.server.id, None)
        if original is not None:
            object.__setattr__(data.server, "address", original)

    def server_connect_error(self, data: server_hooks.ServerConnectionHookData) -> None:
        original = self.pinned.pop(data.server.id, None)
        if original is not None:
            data.server.address = original

    def tls_failed_server(self, data: Any) -> None:
        self.bad_upstream_tls.add(data.context.client.id)

    # -- responses ------------------------------------------------------------------------------------------
    def responseheaders(self, flow: http.HTTPFlow) -> None:
        r = flow.response
        flow.metadata[SITE_COOKIES] = "set-cookie" in r.headers
        for cookie in flow.metadata.get(SET_COOKIES, ()):
            r.headers.add("set-cookie", cookie)
        if flow.metadata.get(GENERATED):
            return
        r.headers.pop("alt-svc", None)  # never send the browser to HTTP/3, around the proxy
        nav = flow.metadata.get(NAV, False)
        if nav and r.status_code == 304:
            # the browser keeps its stored page (already ours); a CSP here would replace its policy without our nonce
            for name in ("content-security-policy", "content-security-policy-report-only"):
                r.headers.pop(name, None)
            return
        length = _length(r.headers)
        cap = self.parts.cfg.upstream.max_html_bytes
        if (nav and media_type(r.headers.get("content-type", "")) in HTML_TYPES and flow.request.method != "HEAD"
                and (length is None or length <= cap)):
            return  # buffered (up to stream_large_bodies, past which mitmproxy streams it on its own)
        self.parts.pages.metrics.forward.labels("passthrough").inc()
        if not (nav or "attachment" in r.headers.get("content-disposition", "").lower()) or \
                r.headers.get("content-type", "").lower().startswith(STREAMED_MEDIA):
            r.stream = True
            return
        limit = self.parts.cfg.upstream.max_passthrough_bytes
        if length is not None and length > limit:
            log.info("forward proxy: %s is %d bytes, over upstream.max_passthrough_bytes", flow.request.pretty_url[:200],
                     length)
            flow.kill()  # before anything is sent: the browser reports a failed download
            return
        r.stream = respond.capped_stream(self.parts, flow, limit)

    async def response(self, flow: http.HTTPFlow) -> None:
        r = flow.response
        if r is None or r.stream or flow.metadata.get(GENERATED) or not flow.metadata.get(NAV):
            return
        if 300 <= r.status_code < 400 or r.status_code in (204, 205):
            return  # no page to show: the browser follows the redirect or keeps what it has
        if media_type(r.headers.get("content-type", "")) not in HTML_TYPES or r.raw_content is None:
            return
        await respond.page(self.parts, flow, flow.metadata[PREFS])


class InsecureUpstream:
    """upstream.insecure_tls_hosts: no certificate check for exactly those hosts. Connection-level on purpose:
    mitmproxy shares (lru_caches) one SSL context per option set, so changing a context would reach every host.
    Added after tlsconfig, whose work it edits."""

    def __init__(self, hosts: set[str]) -> None:
        self.hosts = hosts

    def tls_start_server(self, tls_start: Any) -> None:
        sni = tls_start.conn.sni or (tls_start.conn.address or ("",))[0]
        if sni in self.hosts and tls_start.ssl_conn is not None:
            from OpenSSL import SSL

            tls_start.ssl_conn.set_verify(SSL.VERIFY_NONE)


def strip_own_cookies(headers: Any) -> dict[str, str]:
    """Take our cookies out of the request (all `cookie` fields: HTTP/2 sends one per crumb) and return them."""
    fields = headers.get_all("cookie")
    if not fields:
        return {}
    ours: dict[str, str] = {}
    kept: list[str] = []
    for field in fields:
        for crumb in field.split(";"):
            name, sep, value = crumb.strip().partition("=")
            if not name and not sep:
                continue
            if name in OWN_COOKIES:
                ours.setdefault(name, value)
            else:
                kept.append(crumb.strip())
    if ours:
        if kept:
            headers.set_all("cookie", ["; ".join(kept)])
        else:
            del headers["cookie"]
    return ours


def is_navigation(req: http.Request) -> bool:
    """A top-level page load: the only thing the door changes (never a frame, a script's fetch of an HTML
    fragment, or an image). Browsers say so in Sec-Fetch-Dest; without it, a GET or POST that accepts HTML."""
    dest = req.headers.get("sec-fetch-dest")
    if dest is not None:
        return dest == "document"
    return (req.method in ("GET", "POST") and "text/html" in req.headers.get("accept", "")
            and "x-requested-with" not in req.headers)


def _length(headers: Any) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.isdigit() else None
