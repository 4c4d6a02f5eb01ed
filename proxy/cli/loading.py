"""Loading pages for the command line: a URL (through the same sources, guard, allow-list and per-host limits
as the server: a `PageService` of its own), a file, or stdin. What is not a web page is said plainly: a PDF
is offered as a document (its text layer may be read), anything else is refused with one line."""

from __future__ import annotations

import sys
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from transforms.article import Article
from transforms.context import Context

from ..cache.memory import MemoryCache
from ..config import Config
from ..errors import ProxyError, UpstreamTimeout
from ..metrics import Metrics
from ..pages.render_pool import RenderPool
from ..pages.service import PageBytes, PageService
from ..upstream.client import Upstream, looks_like_html, media_type
from ..upstream.decode import decode
from ..upstream.guard import Guard
from ..upstream.sources import Response, make_sources
from .errors import CLIError

PDF_TYPES = ("application/pdf", "application/x-pdf")
# What a connection failure is called in a line about it (the page service's messages are for web pages).
CAUSES = {
    "原网站响应超时。": ("连接超时", "timed out"),
    "无法找到该网站。": ("找不到该网站的地址", "the name does not resolve"),
    "原网站的安全证书无效。": ("安全证书无效", "its TLS certificate is not valid"),
    "无法从原网站获取页面。": ("连接失败", "the connection failed"),
}
MAGIC = [(b"%PDF-", "application/pdf"), (b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
         (b"GIF8", "image/gif"), (b"RIFF", "audio/wav"), (b"ID3", "audio/mpeg"), (b"PK\x03\x04", "application/zip"),
         (b"\xd0\xcf\x11\xe0", "application/msword"), (b"\x1f\x8b", "application/gzip")]


@dataclass
class Document:
    """A page or file as bytes, with what it is: `media_type` "text/html" for a web page."""

    url: str
    media_type: str
    body: bytes
    content_type: str = ""  # the HTTP header, for the charset

    @property
    def is_html(self) -> bool:
        return self.media_type == "text/html"

    @property
    def is_pdf(self) -> bool:
        return self.media_type in PDF_TYPES

    def html(self) -> str:
        return decode(self.body, self.content_type)


class Fetcher:
    """Pages for the command line through a PageService of its own: the guard and allow-list, fetch slots and
    the per-host connection limit (`upstream.connections_per_host`) hold for a batch as for the server."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._stack = AsyncExitStack()
        self.pages: PageService | None = None

    async def __aenter__(self) -> Fetcher:
        guard = Guard(self.cfg.upstream)
        upstream = Upstream(self.cfg.upstream, guard)
        self._stack.push_async_callback(upstream.close)
        await upstream.start()
        pool = RenderPool(1, self.cfg.transform.page_timeout)  # never used: extraction runs in this process
        self._stack.callback(pool.close)
        cache = MemoryCache(self.cfg.cache)
        self.pages = PageService(self.cfg, make_sources(self.cfg, guard, upstream), cache, pool, Metrics())
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._stack.aclose()

    async def document(self, url: str) -> Document:
        """The page at `url`, or a CLIError that names it once."""
        assert self.pages is not None, "use Fetcher as an async context manager"
        cap = self.cfg.upstream.max_passthrough_bytes

        async def other(resp: Response, head: bytes) -> Document:
            body = head + await Upstream.read_capped(resp, cap - len(head))  # type: ignore[arg-type]
            ctype = resp.headers.get("Content-Type", "")
            return Document(str(resp.url), _sniff(media_type(ctype), body), body, ctype)

        try:
            got = await self.pages.source(self.pages.check(url), other)
        except ProxyError as e:
            raise failure(url, e) from None
        if isinstance(got, PageBytes):
            f = got.fetched
            return Document(f.url, "text/html", f.body, f.headers.get("content-type", ""))
        return got


def failure(url: str, e: ProxyError) -> CLIError:
    """One line about a fetch that failed: 无法连接到 URL（连接超时）, or URL：the page service's reason."""
    cause = CAUSES.get(e.zh)
    if cause is not None or isinstance(e, UpstreamTimeout):
        zh, en = cause or CAUSES["原网站响应超时。"]
        return CLIError(f"cannot reach {url} ({en})", f"无法连接到 {url}（{zh}）")
    return CLIError(f"{url}: {e.en}", f"{url}：{e.zh}")


def _sniff(declared: str, body: bytes) -> str:
    """What the bytes are: their magic number first (sites label PDFs application/octet-stream), else the
    declared type, else HTML when they look like it."""
    for magic, kind in MAGIC:
        if body.startswith(magic):
            return kind
    if looks_like_html(declared, body[:1024]):
        return "text/html"
    if declared in ("", "application/octet-stream", "text/plain") and _text_like(body):
        return "text/html"  # a page sent without a type: extraction copes with text
    return declared or "application/octet-stream"


def _text_like(body: bytes) -> bool:
    sample = body[:4096]
    return bool(sample.strip()) and sum(b < 9 or 13 < b < 32 for b in sample) < len(sample) * 0.01


def read_file(cfg: Config, source: str, base_url: str | None) -> Document:
    """A local file or standard input ("-") as a Document."""
    if source == "-":
        body = sys.stdin.buffer.read()
    else:
        try:
            body = Path(source).read_bytes()
        except OSError as e:
            raise CLIError(f"cannot read {source}: {e.strerror}", f"无法读取 {source}：{e.strerror}") from None
    if base_url and not base_url.lower().startswith(("http://", "https://")):
        raise CLIError(f"--base-url must be the page's http(s) address, not {base_url}",
                       f"--base-url 应为网页的 http(s) 网址，而不是 {base_url}")
    url = base_url or (Path(source).resolve().as_uri() if source != "-" else "about:blank")
    return Document(url, _sniff("", body), body)


async def load_document(cfg: Config, source: str, base_url: str | None, fetcher: Fetcher | None = None) -> Document:
    """A URL through `fetcher` (one of its own when None), else a file or standard input."""
    if not source.startswith(("http://", "https://")):
        return read_file(cfg, source, base_url)
    if fetcher is not None:
        return await fetcher.document(source)
    async with Fetcher(cfg) as own:
        return await own.document(source)


def not_a_page(source: str, kind: str) -> CLIError:
    """The line for a source that is not a web page (and not a PDF with text)."""
    if kind.startswith("image/"):
        return CLIError(f"{source} is an image, not a web page: there is nothing to read aloud",
                        f"{source} 是图片，不是网页，没有可以朗读的文字")
    if kind.startswith("audio/") or kind.startswith("video/"):
        return CLIError(f"{source} is already audio or video, not a web page",
                        f"{source} 是音频或视频文件，不是网页")
    return CLIError(f"{source} is not a web page ({kind}): there is nothing to read aloud",
                    f"{source} 不是网页（{kind}），无法朗读")


async def load_source(cfg: Config, source: str, base_url: str | None) -> tuple[str, str]:
    """(HTML text, its URL) for `render` and `extract`: what is not a web page is refused."""
    doc = await load_document(cfg, source, base_url)
    if not doc.is_html:
        raise not_a_page(source, doc.media_type)
    return doc.html(), doc.url


def offline_context(cfg: Config, url: str, mode: str) -> Context:
    return Context(url=url, mode=mode, host_allowed=make_sources(cfg, Guard(cfg.upstream)).host_allowed,
                   audio_available=False)


def article_of(cfg: Config, doc: Document, source: str) -> Article:
    """The Article of a web page (the `api` mode's extraction) or of a PDF's text layer; else a CLIError."""
    if doc.is_html:
        from transforms.pipeline import extract_article

        return extract_article(doc.html(), offline_context(cfg, doc.url, "read"), cfg.modes["api"])
    if doc.is_pdf:
        from .pdf import pdf_article

        return pdf_article(doc.body, doc.url, source)
    raise not_a_page(source, doc.media_type)
