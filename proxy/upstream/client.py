"""Fetching from government sites: one session, guarded connector, redirects by hand, capped bodies."""

from __future__ import annotations

import hashlib
import logging
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from yarl import URL

from ..config import UpstreamConfig
from ..errors import ProxyError, TooLarge, UpstreamFailed, UpstreamTimeout
from .guard import Guard, GuardedConnector

log = logging.getLogger("a11y_proxy.upstream")

REDIRECTS = {301, 302, 303, 307, 308}
USABLE = (200, 203)  # statuses whose body is the page (203: from a transforming proxy upstream)
# Sent upstream as fixed values: nothing of the user's (cookies, Authorization, Accept-Language) leaks there,
# so one cached copy serves everyone.
REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.6",
    "Accept-Encoding": "gzip, deflate, br",
}
KEPT_RESPONSE_HEADERS = ("content-type", "content-disposition", "cache-control", "last-modified", "etag",
                         "content-language")
# RFC 9110 Via: names this proxy (one token per machine, shared by its workers) so that a request that comes
# back to us, by whatever name or address, is recognised and refused instead of looping.
VIA_TOKEN = "a11y-proxy-" + hashlib.sha256(socket.gethostname().encode()).hexdigest()[:10]
HTML_TYPES = {"text/html", "application/xhtml+xml"}
# Codings aiohttp decodes (bounded, chunk by chunk). Anything else, or a list of codings, is refused:
# passing it through undecoded would hand the parsers (or the user) compressed bytes.
DECODED_ENCODINGS = {"", "identity", "gzip", "deflate", "br"}
_TEXT_CONTROLS = frozenset(range(0, 9)) | frozenset(range(14, 27)) | frozenset(range(28, 32)) | {127}


@dataclass
class Fetched:
    url: str  # final URL after redirects: the base for links
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def of(cls, resp: aiohttp.ClientResponse, body: bytes) -> Fetched:
        """The final response with its body read: only the headers that later stages (and the cache) need."""
        headers = {k: resp.headers[k] for k in KEPT_RESPONSE_HEADERS if k in resp.headers}
        return cls(url=str(resp.url), status=resp.status, headers=headers, body=body)

    @property
    def media_type(self) -> str:
        return media_type(self.headers.get("content-type", ""))

    @property
    def no_store(self) -> bool:
        cc = self.headers.get("cache-control", "").lower()
        return "no-store" in cc or "private" in cc


def media_type(content_type: str) -> str:
    """`text/html; charset=gbk` -> `text/html`."""
    return content_type.split(";")[0].strip().lower()


def check_encoding(headers: Any) -> None:
    coding = headers.get("Content-Encoding", "").strip().lower()
    if coding not in DECODED_ENCODINGS:
        raise UpstreamFailed("原网站使用了无法解码的压缩方式。", "The site used a content encoding we cannot decode.",
                             reason=f"content-encoding {coding[:40]!r}")


def check_page_body(body: bytes) -> None:
    """An HTML page must have text: an empty or binary body is the site's failure, not an empty article."""
    if not body.strip():
        raise UpstreamFailed("原网站返回了空白页面。", "The site returned an empty page.", reason="empty body")
    sample = body[:8192]
    if _utf16_pattern(sample):
        return
    controls = sum(1 for b in sample if b in _TEXT_CONTROLS)
    if controls > len(sample) * 0.05:
        raise UpstreamFailed("原网站返回的内容不是网页。", "The site's response is not a web page.",
                             reason="binary body labelled html")


def _utf16_pattern(sample: bytes) -> bool:
    """Mostly-ASCII UTF-16 without a BOM: NUL in every other byte."""
    if len(sample) < 64:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.3


def looks_like_html(media_type: str, head: bytes) -> bool:
    if media_type in HTML_TYPES:
        return True
    if media_type in ("", "text/plain", "application/octet-stream"):
        sample = head[:1024].lstrip().lower()
        return sample.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in sample
    return False


def dns_resolver(cfg: UpstreamConfig) -> aiohttp.abc.AbstractResolver:
    """Name lookups on c-ares (aiodns), bounded by a timeout: a slow DNS server holds no thread, so it can
    neither fill the event loop's executor (which other work shares) nor make other readers wait."""
    kwargs: dict[str, Any] = {"timeout": cfg.dns_timeout, "tries": 1}
    if cfg.dns_servers:
        kwargs["nameservers"] = list(cfg.dns_servers)
    return aiohttp.AsyncResolver(**kwargs)


class Upstream:
    def __init__(self, cfg: UpstreamConfig, guard: Guard, resolver: aiohttp.abc.AbstractResolver | None = None):
        self.cfg = cfg
        self.guard = guard
        self._resolver = resolver
        self.session: aiohttp.ClientSession | None = None
        self.connector: GuardedConnector | None = None

    async def start(self) -> None:
        t = self.cfg.timeout
        self.connector = GuardedConnector(
            self.guard,
            limit=self.cfg.connections_total,
            limit_per_host=self.cfg.connections_per_host,
            ssl=ssl.create_default_context(),
            ttl_dns_cache=60,
            resolver=self._resolver or dns_resolver(self.cfg),
        )
        self.session = aiohttp.ClientSession(
            connector=self.connector,
            timeout=aiohttp.ClientTimeout(total=t.total, connect=t.connect, sock_connect=t.sock_connect,
                                          sock_read=t.sock_read),
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": self.cfg.user_agent, "Via": f"1.1 {VIA_TOKEN}", **REQUEST_HEADERS},
            max_line_size=self.cfg.max_header_bytes,
            max_field_size=self.cfg.max_header_bytes,
            max_headers=self.cfg.max_headers,
            auto_decompress=True,
        )

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    def _ssl_for(self, url: URL) -> bool | None:
        return False if url.scheme == "https" and url.host in self.cfg.insecure_tls_hosts else None

    @asynccontextmanager
    async def open(self, raw_url: str | URL, client: str | None = None) -> AsyncIterator[aiohttp.ClientResponse]:
        """The final response after following (and re-checking) redirects; errors become ProxyErrors.
        `client` (the user's address) is sent as X-Forwarded-For only when the operator configured it."""
        assert self.session is not None, "Upstream.start() was not called"
        url = self.guard.check_url(raw_url)
        resp: aiohttp.ClientResponse | None = None
        try:
            for _hop in range(self.cfg.max_redirects + 1):
                kwargs: dict[str, Any] = {}
                if client and self.cfg.forward_x_forwarded_for:
                    kwargs["headers"] = {"X-Forwarded-For": client}
                ssl_opt = self._ssl_for(url)
                if ssl_opt is not None:
                    kwargs["ssl"] = ssl_opt
                resp = await self.session.get(url, allow_redirects=False, **kwargs)
                if resp.status not in REDIRECTS:
                    break
                location = resp.headers.get("Location", "")
                resp.release()
                if not location:
                    raise UpstreamFailed("原网站返回了无效的跳转。", "The site sent a redirect without a target.",
                                         reason="redirect without Location")
                target = self._redirect_target(url, location)
                url = self.guard.check_url(target)
                resp = None
            else:
                raise UpstreamFailed("原网站跳转次数过多。", "The site redirected too many times.",
                                     reason="too many redirects")
            check_encoding(resp.headers)
            yield resp
        except ProxyError:
            raise
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise UpstreamTimeout("原网站响应超时。", "The original site did not answer in time.",
                                  reason="upstream timeout") from None
        except aiohttp.ClientConnectorDNSError:
            raise UpstreamFailed("无法找到该网站。", "The site's name could not be resolved.",
                                 reason="dns failure") from None
        except aiohttp.ClientConnectorCertificateError:
            raise UpstreamFailed("原网站的安全证书无效。", "The site's TLS certificate is not valid.",
                                 reason="tls certificate") from None
        except (aiohttp.ClientError, OSError, ValueError) as e:
            raise UpstreamFailed("无法从原网站获取页面。", "The page could not be fetched from the site.",
                                 reason=f"upstream error: {e.__class__.__name__}") from None
        finally:
            if resp is not None:
                resp.release()

    @staticmethod
    def _redirect_target(current: URL, location: str) -> str:
        location = location.strip()
        if "\\" in location:
            raise UpstreamFailed("原网站返回了无效的跳转。", "The site sent an invalid redirect.",
                                 reason="backslash in Location")
        if location[:2] == "//":
            location = "//" + location.lstrip("/")  # `///host/` is `//host/` to a browser: read it the same way
        try:
            return str(current.join(URL(location)))
        except (ValueError, TypeError):
            raise UpstreamFailed("原网站返回了无效的跳转。", "The site sent an invalid redirect.",
                                 reason="unparseable Location") from None

    @staticmethod
    async def read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes:
        declared = resp.content_length
        if declared is not None and declared > cap:
            raise TooLarge("页面过大，无法处理。", "The page is too large to process.",
                           reason=f"content-length {declared} > {cap}")
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in resp.content.iter_chunked(65536):
                size += len(chunk)
                if size > cap:
                    raise TooLarge("页面过大，无法处理。", "The page is too large to process.",
                                   reason=f"body over {cap} bytes")
                chunks.append(chunk)
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise UpstreamTimeout("原网站响应超时。", "The original site did not answer in time.",
                                  reason="upstream read timeout") from None
        except (aiohttp.ClientError, OSError, ValueError) as e:
            raise UpstreamFailed("原网站的响应不完整。", "The site's response was broken.",
                                 reason=f"body error: {e.__class__.__name__}") from None
        return b"".join(chunks)
