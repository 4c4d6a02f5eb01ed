"""Where a page's bytes come from, behind one interface.

A source answers for some hosts (`handles`), checks a URL before anything is fetched (`check_url`) and opens
it (`open`: an async context manager yielding a response with `status`, `headers`, `url`, `content_length`
and `content.read(n)` / `content.iter_chunked(n)`, as aiohttp's ClientResponse has them). `Sources` picks
the source by host: each special source (the built-in sample site) for its own host, the guarded HTTP
upstream for everything else. The page service and the command line ask `Sources`, never which one answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from functools import partial
from typing import Protocol

from yarl import URL

from ..config import Config
from ..errors import UpstreamTimeout
from .client import Fetched, Upstream
from .guard import Guard
from .sample.site import SampleSource


class Body(Protocol):
    async def read(self, n: int = -1) -> bytes: ...
    def iter_chunked(self, n: int) -> AsyncIterator[bytes]: ...


class Response(Protocol):
    status: int
    headers: Mapping[str, str]  # case-insensitive
    url: URL
    content_length: int | None
    content: Body


class Source(Protocol):
    # host -> whether this source serves it. Picklable: it travels to the render workers in a Context.
    handles: Callable[[str], bool]

    def check_url(self, raw: str | URL) -> URL: ...
    def open(self, url: URL, client: str | None = None) -> AbstractAsyncContextManager[Response]: ...


class HttpSource:
    """The government sites, through the guard (allow-list, addresses, ports) and the guarded client."""

    def __init__(self, guard: Guard, upstream: Upstream | None) -> None:
        self.guard = guard
        self.upstream = upstream  # None where only URLs are checked (rendering a file on the command line)
        self.handles = guard.host_allowed
        self.check_url = guard.check_url

    def open(self, url: URL, client: str | None = None) -> AbstractAsyncContextManager[Response]:
        assert self.upstream is not None, "HttpSource without an upstream client only checks URLs"
        return self.upstream.open(url, client)


class Sources:
    def __init__(self, default: HttpSource, *special: Source) -> None:
        self.default = default
        self.special = special
        # picklable (a Context carries it to the render workers): the sources' own host checks, nothing more
        self.host_allowed: Callable[[str], bool] = partial(_any_handles, tuple(s.handles for s in (*special, default)))

    def for_url(self, url: str | URL) -> Source:
        if self.special:
            try:
                host = (URL(url) if isinstance(url, str) else url).host or ""
            except (ValueError, TypeError, UnicodeError):
                return self.default  # the guard says what is wrong with it
            for source in self.special:
                if source.handles(host):
                    return source
        return self.default

    def check_url(self, raw: str | URL) -> URL:
        return self.for_url(raw).check_url(raw)

    def open(self, url: URL, client: str | None = None) -> AbstractAsyncContextManager[Response]:
        return self.for_url(url).open(url, client)

    async def fetch(self, raw_url: str | URL, cap: int, timeout: float) -> Fetched:
        """Whole body (any type) under a cap, for the command line. The overall deadline ends as a ProxyError
        like every other failure, so the caller reports one line instead of a TimeoutError traceback."""
        url = self.check_url(raw_url)
        try:
            async with asyncio.timeout(timeout):
                async with self.open(url) as resp:
                    return Fetched.of(resp, await Upstream.read_capped(resp, cap))
        except TimeoutError:
            raise UpstreamTimeout("原网站响应超时。", "The original site did not answer in time.",
                                  reason="upstream total timeout") from None


def make_sources(cfg: Config, guard: Guard, upstream: Upstream | None = None) -> Sources:
    """The HTTP upstream, and the sample site for its own host when `sample.enabled`."""
    return Sources(HttpSource(guard, upstream), *([SampleSource()] if cfg.sample.enabled else []))


def _any_handles(checks: tuple[Callable[[str], bool], ...], host: str) -> bool:
    return any(check(host) for check in checks)
