"""Article metadata: government meta tags first, then og:/article: tags, then what the page shows.

Chinese government CMSes (TRS, Hanweb, ...) write ArticleTitle, PubDate, ContentSource, SiteName,
ColumnName, Author, Keywords, Description and Url meta tags; they are more reliable than anything guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lxml import html as lxml_html

from .byline import find_byline
from .dates import parse_date
from .script import cjk_ratio, squash
from .textnodes import BodyText, elements_named

TITLE_KEYS = ("articletitle", "og:title", "twitter:title", "dc.title")
PUBLISHED_KEYS = ("pubdate", "publishdate", "publish_date", "publishtime", "firstpublishedtime",
                  "article:published_time", "og:article:published_time", "datepublished", "og:release_date",
                  "dcterms.issued", "dc.date.issued", "weibo:article:create_at", "cdc:first_published")
GENERIC_DATE_KEYS = ("dc.date", "dcterms.created", "date", "dc.date.created", "article:modified_time",
                     "datemodified", "og:updated_time")
SOURCE_KEYS = ("contentsource", "source", "mediaid", "dc.publisher")
SITE_KEYS = ("sitename", "og:site_name", "application-name")
AUTHOR_KEYS = ("author", "article:author", "dc.creator")
_TITLE_SPLIT = re.compile(r"\s+[-–—|｜]\s+|\s*[_|｜]+\s*|\s+-\s*|\s*-\s+")
_URL_DATE = re.compile(r"/(?:t|P0*)?((?:19|20)\d\d)[-_/]?([01]\d)[-_/]?([0-3]\d)(?:[_/.\-]|$)")
_NOT_ALNUM = re.compile(r"[\W_]+")  # exactly what `str.isalnum` rejects
SHORT_TITLE = 10  # a `<title>` this short is the site or column name, not a headline
HEADING_TAGS = frozenset({"h1", "h2", "h3"})


@dataclass
class Metadata:
    title: str = ""
    source: str = ""
    published: str = ""
    author: str = ""
    site: str = ""
    column: str = ""
    lang: str = ""
    keywords: list[str] = field(default_factory=list)
    description: str = ""
    heading: lxml_html.HtmlElement | None = None  # the visible headline, so content can leave it out
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


def norm(text: str) -> str:
    """Compare titles without spaces, punctuation or width differences."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text))


def title_parts(title: str) -> list[str]:
    return [p for p in (squash(x) for x in _TITLE_SPLIT.split(title)) if p]


def strip_site_suffix(title: str) -> str:
    """`标题_栏目_站名` -> `标题`: the longest part (the headline is longer than site and column names)."""
    parts = title_parts(title)
    return max(parts, key=len) if parts else squash(title)


def heading_candidates(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """What `//h1 | //h2 | //h3 | //*[contains(@class, 'title') or contains(@id, 'title') or
    contains(@class, 'Title') or contains(@class, 'headline')]` selects, in document order."""
    return elements_named(tree, ("title", "Title", "headline"), ("title",), HEADING_TAGS)


def find_heading(tree: lxml_html.HtmlElement, doc_title: str) -> lxml_html.HtmlElement | None:
    """The visible headline: the longest short heading whose text also appears in `<title>`."""
    target = norm(doc_title)
    best, best_len = None, 0
    if not target:
        return None
    for el in heading_candidates(tree):
        text = norm(el.text_content())
        if 4 <= len(text) <= 200 and text in target and len(text) > best_len:
            best, best_len = el, len(text)
    return best


def title_like(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The first element styled as a title (class or id `title`) that is text, not a link."""
    for el in tree.xpath("//body//*[contains(@class, 'title') or contains(@id, 'title')]"):
        text = squash(el.text_content())
        if 6 <= len(text) <= 100 and el.find(".//a") is None and not any(
                a.tag == "a" for a in el.iterancestors()):
            return el
    return None


def first_h1(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    for el in tree.iter("h1"):
        if 4 <= len(squash(el.text_content())) <= 200:
            return el
    return None


def url_date(url: str) -> str:
    """CMS article URLs carry the date: `/202102/t20210210_123.html`, `/2021-02/10/content_1.htm`."""
    m = _URL_DATE.search(url or "")
    return parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}") if m else ""


def _page_title(tree: lxml_html.HtmlElement) -> str:
    el = tree.find(".//title")
    return squash(el.text_content()) if el is not None else ""


def choose_title(tree: lxml_html.HtmlElement, meta: dict[str, str], site: str) -> tuple[str, object]:
    """(title, heading element or None): ArticleTitle, else the heading that `<title>` repeats, else
    `<title>` without its site suffix, else the first h1."""
    doc_title = _page_title(tree) or meta.get("og:title", "")
    stripped = strip_site_suffix(doc_title)
    article_title = meta.get("articletitle", "")
    heading = find_heading(tree, article_title or doc_title)
    if heading is not None and len(norm(heading.text_content())) < 0.5 * len(norm(article_title or stripped)):
        heading = None
    if article_title:
        return article_title, heading
    if heading is not None:
        return squash(heading.text_content()), heading
    og = strip_site_suffix(meta.get("og:title", ""))
    if og and len(og) > SHORT_TITLE:
        return og, None
    shown = first_h1(tree)
    shown = title_like(tree) if shown is None else shown
    if shown is not None and (len(stripped) <= SHORT_TITLE or norm(stripped) == norm(site)):
        text = squash(shown.text_content())
        if len(text) > len(stripped):
            return text, shown
    return (stripped or og), None


def _near_heading(heading: lxml_html.HtmlElement | None, limit: int = 40) -> str:
    """A date printed just under the headline (the unlabelled `2024年05月16日 10:22 央视新闻` line)."""
    if heading is None:
        return ""
    seen = 0
    for el in heading.itersiblings():
        for node in el.iter():
            seen += 1
            text = (node.text or "") + (node.tail or "") if isinstance(node.tag, str) else ""
            if len(text) < 80:
                found = parse_date(text)
                if found:
                    return found
            if seen > limit:
                return ""
    parent = heading.getparent()
    return _near_heading(parent, limit - seen) if parent is not None and seen < limit else ""


def _time_element(tree: lxml_html.HtmlElement) -> str:
    for el in tree.iter("time"):
        found = parse_date(el.get("datetime") or "") or parse_date(el.text_content())
        if found:
            return found
    return ""


def byline_fields(tree: lxml_html.HtmlElement, heading: lxml_html.HtmlElement | None,
                  texts: BodyText | None = None) -> tuple[dict, object]:
    """Look for the 来源/日期 line near the headline first, then anywhere in the body (`texts`: the
    body's shared text list, see `textnodes.BodyText`)."""
    scopes = []
    if heading is not None:
        scopes = [a for _, a in zip(range(3), heading.iterancestors(), strict=False) if a.tag != "html"]
    body = tree.find("body")
    scopes.append(body if body is not None else tree)
    for scope in scopes:
        shared = texts if body is not None and (scope is body or body in scope.iterancestors()) else None
        fields, el = find_byline(scope, shared)
        if fields:
            return fields, el
    return {}, None


def read_metadata(tree: lxml_html.HtmlElement, url: str, texts: BodyText | None = None) -> Metadata:
    meta = meta_tags(tree)
    doc_parts = title_parts(_page_title(tree))
    site = _first(meta, SITE_KEYS) or (doc_parts[-1] if len(doc_parts) > 1 else "")
    title, heading = choose_title(tree, meta, site)
    fields, byline = byline_fields(tree, heading, texts)
    published = (parse_date(_first(meta, PUBLISHED_KEYS), compact=True) or parse_date(fields.get("date", ""))
                 or _time_element(tree) or parse_date(_first(meta, GENERIC_DATE_KEYS), compact=True)
                 or _near_heading(heading) or url_date(url))
    keywords = [k for k in re.split(r"[,，;；、\s]+", meta.get("keywords", "")) if k]
    return Metadata(
        title=title, site=site, published=published, heading=heading, byline=byline,
        source=_first(meta, SOURCE_KEYS) or fields.get("source", ""),
        author=fields.get("author", "") or meta.get("author", ""),
        column=meta.get("columnname", ""),
        lang=declared_lang(tree, meta),
        keywords=keywords[:20], description=meta.get("description", ""),
    )


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
