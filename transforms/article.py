"""The Article: the one structure every mode, the JSON API and the audio are built from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

PageType = Literal["article", "list", "search", "home", "js_only", "other"]
# How the content was found: an article body, a list's entries, search results, a home page's groups, a page whose
# content only a browser's scripts make (nothing to simplify), or the simplified whole page (no body found).
Extraction = Literal["article", "list", "search", "home", "js_only", "fallback"]


@dataclass
class Link:
    title: str
    url: str


@dataclass
class Attachment:
    name: str
    url: str
    type: str  # file extension in lower case: "pdf", "docx", ...


@dataclass
class Image:
    src: str
    alt: str = ""
    caption: str = ""


# alt texts that say only that an image is one (extraction's default is 图片): read and shown as just that
GENERIC_ALTS = frozenset({"图片", "图", "图表", "照片", "图像", "image", "picture", "photo", "img"})


def generic_alt(alt: str) -> bool:
    return alt.strip().strip("。.：:").lower() in GENERIC_ALTS


@dataclass
class ListEntry:
    title: str
    url: str
    date: str = ""  # ISO 8601 date or ""


@dataclass
class LinkGroup:
    name: str
    links: list[Link] = field(default_factory=list)
    level: int = 2  # 2: a section of the page; 3: a sub-section of the group before it


@dataclass
class InfoField:
    """One label/value pair of a document's 信息公开 header (索引号, 发文机关, 成文日期 …)."""

    label: str
    value: str


@dataclass
class Search:
    query: str = ""
    count: int | None = None  # results the site says it found (all pages), when it says


@dataclass
class Article:
    url: str
    title: str = ""
    source: str = ""
    published: str = ""  # ISO 8601: the date the page shows near the headline, else the CMS meta date
    meta_published: str = ""  # ISO 8601: the CMS meta tag's date (PubDate …), kept when it disagrees or stands alone
    issued: str = ""  # ISO 8601: 成文日期, the date the document was signed (信息公开 header, signature block)
    doc_number: str = ""  # 文号 (发文字号) or a 公告's number
    author: str = ""
    site: str = ""
    column: str = ""
    lang: str = "zh-CN"
    page_type: PageType = "other"
    breadcrumb: list[Link] = field(default_factory=list)
    content_html: str = ""  # sanitised, semantic HTML fragment (one <div>)
    text: str = ""  # paragraphs separated by blank lines, for speech
    attachments: list[Attachment] = field(default_factory=list)
    prev: Link | None = None  # 上一篇
    next: Link | None = None  # 下一篇
    prev_page: Link | None = None  # 上一页 of a list or search page
    next_page: Link | None = None  # 下一页
    images: list[Image] = field(default_factory=list)
    entries: list[ListEntry] = field(default_factory=list)  # list and search pages
    groups: list[LinkGroup] = field(default_factory=list)  # home pages
    info: list[InfoField] = field(default_factory=list)  # the 信息公开 header, also at the top of content_html
    search: Search | None = None  # search result pages
    footer: str = ""  # site name, contact line, ICP number
    extraction: Extraction = "article"
    method: str = ""  # where the content came from, e.g. "cms:#zoom", "readability", "headline", "table"
    confidence: float = 0.0  # 0-1: how sure extraction is that the content is what the page says
    keywords: list[str] = field(default_factory=list)
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
