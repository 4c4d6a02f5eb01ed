"""The Article: the one structure every mode, the JSON API and the audio are built from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

PageType = Literal["article", "list", "home", "other"]
Extraction = Literal["article", "list", "home", "fallback"]


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


@dataclass
class ListEntry:
    title: str
    url: str
    date: str = ""  # ISO 8601 date or ""


@dataclass
class LinkGroup:
    name: str
    links: list[Link] = field(default_factory=list)


@dataclass
class Article:
    url: str
    title: str = ""
    source: str = ""
    published: str = ""  # ISO 8601
    author: str = ""
    site: str = ""
    column: str = ""
    lang: str = "zh-CN"
    page_type: PageType = "other"
    breadcrumb: list[Link] = field(default_factory=list)
    content_html: str = ""  # sanitised, semantic HTML fragment (one <div>)
    text: str = ""  # paragraphs separated by blank lines, for speech
    attachments: list[Attachment] = field(default_factory=list)
    prev: Link | None = None
    next: Link | None = None
    images: list[Image] = field(default_factory=list)
    entries: list[ListEntry] = field(default_factory=list)  # list pages
    groups: list[LinkGroup] = field(default_factory=list)  # home pages
    footer: str = ""  # site name, contact line, ICP number
    extraction: Extraction = "article"
    keywords: list[str] = field(default_factory=list)
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
