"""The built-in sample site: a provincial 科技厅 written by the team, so a newcomer with no network sees
every mode work. It is a source like the HTTP upstream (see `..sources`): its pages, images and attachment go
through exactly the same page service, cache and passthrough as any upstream page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from multidict import CIMultiDict
from yarl import URL

from ...errors import BadURL

SAMPLE_HOST = "sample.a11y-proxy.invalid"  # .invalid is reserved: it can never be a real site
SAMPLE_ARTICLE = f"https://{SAMPLE_HOST}/art/2026/11/20/art_1.html"
_DIR = Path(__file__).resolve().parent
PAGES: dict[str, tuple[str, str]] = {
    "/": ("list.html", "text/html; charset=utf-8"),
    "/art/2026/11/20/art_1.html": ("article.html", "text/html; charset=utf-8"),
    "/col/gzdt/": ("list.html", "text/html; charset=utf-8"),
    "/col/gzdt/index.html": ("list.html", "text/html; charset=utf-8"),
    "/art/2026/11/15/art_4.html": ("notice-gbk.html", "text/html; charset=gb2312"),
    "/images/2026/meeting.svg": ("meeting.svg", "image/svg+xml"),
    "/attach/2026/tzgg.pdf": ("tzgg.pdf", "application/pdf"),
}
MISSING = "missing.html"  # the sample site's own "page not found" page


class SampleSource:
    """The sample site as a source: registered for SAMPLE_HOST, its pages and files served from memory.

    A path it does not have gets its "page not found" page as a 200, the soft 404 of many government CMSes,
    so that every link of the sample opens in the reader's mode."""

    def handles(self, host: str) -> bool:
        return host.rstrip(".").lower() == SAMPLE_HOST

    def check_url(self, raw: str | URL) -> URL:
        url = URL(raw) if isinstance(raw, str) else raw
        if url.scheme not in ("http", "https"):
            raise BadURL("只支持 http 和 https 网址。", "Only http and https addresses are supported.",
                         reason=f"scheme {url.scheme!r}")
        return url

    @asynccontextmanager
    async def open(self, url: URL, client: str | None = None) -> AsyncIterator[SampleResponse]:
        name, ctype = PAGES.get(url.path, (MISSING, "text/html; charset=utf-8"))
        yield SampleResponse(url, ctype, (_DIR / name).read_bytes())


class SampleResponse:
    """What the page service reads of an upstream response, from bytes in memory."""

    def __init__(self, url: URL, content_type: str, body: bytes) -> None:
        self.url = url
        self.status = 200
        self.headers = CIMultiDict({"Content-Type": content_type, "Content-Length": str(len(body))})
        self.content_length: int | None = len(body)
        self.content = _Body(body)


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._at = 0

    async def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._at + n
        chunk, self._at = bytes(self._data[self._at:end]), min(end, len(self._data))
        return chunk

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        while chunk := await self.read(n):
            yield chunk
