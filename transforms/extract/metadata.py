"""Article metadata: what the page shows near its headline first, the government CMS meta tags (ArticleTitle,
PubDate, ContentSource, SiteName, ColumnName …) and og:/article: tags next, then the URL.

The visible date wins over the CMS's PubDate when they disagree (a site migration rewrites PubDate for every
page); both are kept. Dates in comments, sidebars and footers never count: only the byline near the headline, a
date printed just under it, or the meta tags do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import html as lxml_html

from . import site as site_mod
from . import titles
from .byline import find_byline, in_comments, person_names
from .dates import parse_date
from .headline import Headline, following
from .headline import find as find_headline
from .script import cjk_ratio, squash
from .textnodes import BodyText

PUBLISHED_KEYS = ("pubdate", "publishdate", "publish_date", "publishtime", "firstpublishedtime",
                  "article:published_time", "og:article:published_time", "datepublished", "og:release_date",
                  "dcterms.issued", "dc.date.issued", "weibo:article:create_at", "cdc:first_published")
GENERIC_DATE_KEYS = ("dc.date", "dcterms.created", "date", "dc.date.created", "article:modified_time",
                     "datemodified", "og:updated_time")
SOURCE_KEYS = ("contentsource", "source", "mediaid", "dc.publisher")
AUTHOR_KEYS = ("author", "article:author", "dc.creator")
_URL_DATE = re.compile(r"/(?:t|P0*)?((?:19|20)\d\d)[-_/]?([01]\d)[-_/]?([0-3]\d)(?:[_/.\-]|$)")
NEAR_HEADLINE = 12  # elements after the headline where an unlabelled date still belongs to it
MAX_DATE_LINE = 60  # characters: a longer text node is prose, and the byline is over
_SENTENCE = re.compile(r"[。！？；]")
_LABELLED = re.compile(r"[\u4e00-\u9fffA-Za-z]\s*[:：]")  # `开标时间：`, not a time of day


@dataclass
class Metadata:
    title: str = ""  # the headline (article pages); see `page_title` for the others
    doc_title: str = ""  # `<title>`, cleaned
    source: str = ""
    published: str = ""  # the best date this module knows (see `choose_published`)
    visible_date: str = ""  # the date shown near the headline, "" when none
    fallback_dates: list[str] = field(default_factory=list)  # <time>, a byline elsewhere, generic metas, the URL
    meta_published: str = ""
    issued: str = ""
    doc_number: str = ""
    author: str = ""
    site: str = ""
    column: str = ""
    lang: str = ""
    keywords: list[str] = field(default_factory=list)
    description: str = ""
    heading: lxml_html.HtmlElement | None = None  # the visible headline, so content can leave it out
    headline_matched: bool = False  # the headline agrees with the ArticleTitle meta or the `<title>`
    byline: lxml_html.HtmlElement | None = None  # the 来源/日期 line, likewise


def meta_tags(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """name/property/itemprop (lower case) -> first non-empty content."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = squash(el.get("content") or "")
        if key and value and key not in out:
            out[key] = value
    return out


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((meta[k] for k in keys if meta.get(k)), "")


def url_date(url: str) -> str:
    """CMS article URLs carry the date: `/202102/t20210210_123.html`, `/2021-02/10/content_1.htm`."""
    m = _URL_DATE.search(url or "")
    return parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}") if m else ""


def page_title(tree: lxml_html.HtmlElement) -> str:
    el = tree.find(".//title")
    return titles.clean(el.text_content()) if el is not None else ""


def without_site(title: str, site: str) -> str:
    """`站内搜索_东陵市人民政府` -> `站内搜索`; `临江省人民政府 搜索结果` -> `搜索结果`."""
    parts = [p for p in titles.parts(title)
             if not site or titles.norm(site_mod.canonical(p)) != titles.norm(site_mod.canonical(site))]
    text = " ".join(parts) if parts else title
    for name in {site, site_mod.canonical(site)} - {""}:
        if text.startswith(name) and len(text) > len(name):
            text = text[len(name):].strip(" -_|｜»·:：")
        elif text.endswith(name) and len(text) > len(name):
            text = text[:-len(name)].strip(" -_|｜»·:：")
    return text or title


def choose_title(meta: dict[str, str], doc_title: str, head: Headline | None) -> str:
    """ArticleTitle (markup stripped) when it agrees with the visible headline or there is none; else the
    headline; else `<title>` without its site and column parts."""
    article_title = titles.clean(meta.get("articletitle", ""))
    if head is not None:
        if article_title and titles.norm(head.text) in titles.norm(article_title):
            return article_title
        return head.text
    if article_title:
        return article_title
    og = titles.clean(meta.get("og:title", ""))
    return titles.headline_part(og or doc_title)


def _near_heading(heading: lxml_html.HtmlElement | None) -> str:
    """A date printed just under the headline with no label (`2024年05月16日 10:22 央视新闻`): in the first
    elements after it, before any paragraph of prose."""
    if heading is None:
        return ""
    seen = 0
    for node in following(heading):
        seen += 1
        if seen > NEAR_HEADLINE:
            return ""
        own = squash(node.text or "") + " " + squash(node.tail or "")
        if len(squash(node.text or "")) > MAX_DATE_LINE or _SENTENCE.search(own):
            return ""  # the body has begun
        if _LABELLED.search(own) or in_comments(node):
            continue  # a labelled line is the byline's (开标时间, 发表时间); comments are not the page's
        found = parse_date(own) if len(own) <= MAX_DATE_LINE else ""
        if found:
            return found
    return ""


def _close_after(heading: lxml_html.HtmlElement, el: lxml_html.HtmlElement, limit: int = NEAR_HEADLINE) -> bool:
    """`el` is among the first elements after the headline."""
    for i, node in enumerate(following(heading)):
        if node is el:
            return True
        if i >= limit:
            return False
    return False


def _time_element(tree: lxml_html.HtmlElement) -> str:
    for el in tree.iter("time"):
        found = parse_date(el.get("datetime") or "") or parse_date(el.text_content())
        if found:
            return found
    return ""


def byline_fields(tree: lxml_html.HtmlElement, heading: lxml_html.HtmlElement | None,
                  texts: BodyText | None = None) -> tuple[dict, object, bool]:
    """(fields, element, near): the 来源/日期 line near the headline first (`near`), then anywhere in the body
    (`texts`: the body's shared text list, see `textnodes.BodyText`)."""
    scopes = []
    if heading is not None:
        scopes = [a for _, a in zip(range(3), heading.iterancestors(), strict=False) if a.tag not in ("html", "body")]
    body = tree.find("body")
    near = len(scopes)
    scopes.append(body if body is not None else tree)
    for i, scope in enumerate(scopes):
        shared = texts if body is not None and (scope is body or body in scope.iterancestors()) else None
        fields, el = find_byline(scope, shared)
        if fields:
            return fields, el, i < near or (heading is not None and el is not None and _close_after(heading, el))
    return {}, None, False


def same_day(a: str, b: str) -> bool:
    return bool(a) and a[:10] == b[:10]


def choose_published(visible: str, meta_date: str, fallbacks: list[str]) -> str:
    """The visible date wins; with the same day in the meta tag, the one with the time of day."""
    if visible:
        return meta_date if same_day(visible, meta_date) and len(meta_date) > len(visible) else visible
    return meta_date or next((d for d in fallbacks if d), "")


def read_metadata(tree: lxml_html.HtmlElement, url: str, texts: BodyText | None = None,
                  footer: str = "") -> Metadata:
    meta = meta_tags(tree)
    doc_title = page_title(tree) or titles.clean(meta.get("og:title", ""))
    site_hint = site_mod.from_meta(meta)
    head = find_headline(tree, titles.clean(meta.get("articletitle", "") or meta.get("og:title", "")), doc_title,
                         site_hint, texts.named() if texts is not None else None)
    heading = head.element if head is not None else None
    title = choose_title(meta, doc_title, head)
    fields, byline, near = byline_fields(tree, heading, texts)
    meta_date = parse_date(_first(meta, PUBLISHED_KEYS), compact=True)
    visible = (fields.get("date", "") if near else "") or _near_heading(heading)
    fallbacks = [_time_element(tree), fields.get("date", ""), parse_date(_first(meta, GENERIC_DATE_KEYS), compact=True),
                 url_date(url)]
    published = choose_published(visible, meta_date, fallbacks)
    keywords = [k for k in re.split(r"[,，;；、\s]+", meta.get("keywords", "")) if k]
    return Metadata(
        title=title, doc_title=doc_title, published=published, meta_published=meta_date,
        visible_date=visible, fallback_dates=fallbacks,
        issued=fields.get("issued", ""), doc_number=fields.get("doc_number", ""),
        heading=heading, headline_matched=bool(head and head.matched), byline=byline,
        site=site_mod.site_name(tree, meta, doc_title, head.text if head is not None else
                                titles.clean(meta.get("articletitle", "")), footer),
        source=titles.clean(_first(meta, SOURCE_KEYS)) or fields.get("source", ""),
        author=fields.get("author", "") or _meta_author(meta),
        column=titles.clean(meta.get("columnname", "")),
        lang=declared_lang(tree, meta),
        keywords=keywords[:20], description=meta.get("description", ""),
    )


def _meta_author(meta: dict[str, str]) -> str:
    return person_names(titles.clean(_first(meta, AUTHOR_KEYS)))


def declared_lang(tree: lxml_html.HtmlElement, meta: dict[str, str]) -> str:
    return (tree.get("lang") or tree.get("xml:lang") or meta.get("content-language")
            or meta.get("language") or "").strip()


def detect_lang(declared: str, text: str) -> str:
    """Trust the declared language unless the script contradicts it (templates often say `en`)."""
    ratio = cjk_ratio(text[:4000])
    low = declared.lower()
    if ratio >= 0.15:
        return declared if low.startswith("zh") else "zh-CN"
    if ratio < 0.02 and re.search(r"[A-Za-z]{3}", text[:4000]):
        return declared if declared and not low.startswith("zh") else "en"
    return declared or "zh-CN"
