"""The built-in sample site: a provincial 科技厅 written by the team, so a newcomer with no network sees
every mode work. It is a source like the HTTP upstream (see `..sources`): its pages, images and attachment go
through exactly the same page service, cache and passthrough as any upstream page.

Its column 工作动态 (/col/gzdt/) has three list pages of 20 articles each, so that a column's podcast
(`a11y-proxy podcast`, `/feed`) can be tried and tested offline: the first page is list.html, the other two
and the 60 articles are made from column.json with the templates column-list.html and column-article.html."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from multidict import CIMultiDict
from yarl import URL

from ...errors import BadURL

SAMPLE_HOST = "sample.a11y-proxy.invalid"  # .invalid is reserved: it can never be a real site
SAMPLE_ARTICLE = f"https://{SAMPLE_HOST}/art/2026/11/20/art_1.html"
SAMPLE_COLUMN = f"https://{SAMPLE_HOST}/col/gzdt/"  # a list page of 60 articles in three pages
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
HTML = "text/html; charset=utf-8"
COLUMN_ARTICLE = re.compile(r"^/art/2026/list/art_(\d+)\.html$")
COLUMN_PAGE = re.compile(r"^/col/gzdt/index_(\d+)\.html$")
PER_PAGE = 20


@cache
def _column() -> dict[str, Any]:
    return json.loads((_DIR / "column.json").read_text(encoding="utf-8"))


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_DIR), autoescape=True, keep_trailing_newline=True)


def column_page(path: str) -> bytes | None:
    """A list page after the first, or one of the column's articles; None for any other path."""
    column = _column()
    entries = column["entries"]
    if m := COLUMN_ARTICLE.match(path):
        entry = next((e for e in entries if e["n"] == int(m[1])), None)
        if entry is None:
            return None
        return _templates().get_template("column-article.html").render(
            e=entry, site=column["site"], column=column["column"]).encode()
    if m := COLUMN_PAGE.match(path):
        page = int(m[1])
        pages = -(-len(entries) // PER_PAGE)
        if not 0 < page < pages:
            return None
        prev = "/col/gzdt/index.html" if page == 1 else f"/col/gzdt/index_{page - 1}.html"
        return _templates().get_template("column-list.html").render(
            entries=entries[page * PER_PAGE:(page + 1) * PER_PAGE], site=column["site"], column=column["column"],
            total=len(entries), page=page, pages=pages, prev=prev).encode()
    return None


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
        if url.path in PAGES:
            name, ctype = PAGES[url.path]
            yield SampleResponse(url, ctype, (_DIR / name).read_bytes())
            return
        made = column_page(url.path)
        yield SampleResponse(url, HTML, made if made is not None else (_DIR / MISSING).read_bytes())


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
