"""Search result pages: the query (from the address or the search box), the count the site reports (共找到 N 条,
检索到相关结果 N 个 …) and the results (repeated items with a title link, most with a date)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..article import ListEntry
from .dates import parse_date
from .script import squash
from .textnodes import BodyText, texts_with

QUERY_KEYS = ("q", "query", "keyword", "keywords", "kw", "wd", "word", "searchword", "sword", "qt", "key",
              "searchkey", "searchtext", "text", "search", "title")
_COUNT = re.compile(
    r"(?:共找到|共检索到|检索到相关结果|检索到|为您找到相关结果|共为您找到|为您找到|搜索到|找到约|找到|共有|相关结果约?)"
    r"\s*(?:共\s*)?(\d[\d,，]*)\s*(?:条|个|篇|项)"
    r"|共\s*(\d[\d,，]*)\s*条(?:结果|相关|检索结果|记录)")
COUNT_WORDS = ("找到", "检索到", "搜索到", "共有", "结果", "记录")
_SEARCH_WORDS = re.compile(r"搜索|检索|search|jsearch|/was\d?/|/so/|/s\?", re.I)
MIN_RESULT = 5  # characters of a result title
# Boxes whose links are no results (a pager's links are too short to be results: MIN_RESULT).
# Whole words of a name (`result-table`, `topic-list`, `hotel` hold none of them: results can be there).
_OUTSIDE = re.compile(r"(^|[\s_-])(nav|navbar|navigation|topnav|menu|menus|menubar|foot|footer|header|top|topbar|tab|tabs|sugg|suggest|related|hot|"
                      r"hotword|hotwords|hotsearch|xgss|rmss|filter|filters|sort|crumb|crumbs|bread|breadcrumb)"
                      r"(?=$|[\s_\d-])", re.I)
MAX_LINE = 120


@dataclass
class SearchPage:
    query: str = ""
    count: int | None = None
    entries: list[ListEntry] = field(default_factory=list)


def _decode(value: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return value.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def query_from_url(url: str) -> str:
    """The search words in the address (percent-encoded UTF-8 or, on older sites, GBK; or left unencoded, as an
    IRI). parse_qsl's latin-1 gives each escaped byte as one character; an unescaped ideograph stays itself."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=False, encoding="latin-1"):
        if key.lower() in QUERY_KEYS and value.strip():
            raw = b"".join(c.encode("latin-1") if ord(c) < 256 else c.encode("utf-8") for c in value)
            return squash(_decode(raw))
    return ""


def query_from_box(tree: lxml_html.HtmlElement) -> str:
    for el in tree.iter("input"):
        kind = (el.get("type") or "text").lower()
        value = squash(el.get("value") or "")
        if kind in ("text", "search") and value and len(value) <= 40:
            return value
    return ""


def result_count(tree: lxml_html.HtmlElement, texts: BodyText | None = None) -> int | None:
    nodes = (texts.with_words(COUNT_WORDS, max_length=MAX_LINE) if texts is not None
             else texts_with(tree, COUNT_WORDS, max_length=MAX_LINE))
    for node in nodes:
        holder = node.getparent()
        if getattr(node, "is_tail", False) and holder is not None:
            holder = holder.getparent()
        line = squash(holder.text_content()) if holder is not None else squash(node)
        m = _COUNT.search(line if len(line) <= MAX_LINE else squash(node))
        if m:
            return int(re.sub(r"[,，]", "", m.group(1) or m.group(2)))
    return None


def _outside(a: lxml_html.HtmlElement) -> bool:
    for el in a.iterancestors():
        if el.tag in ("nav", "header", "footer", "select", "form"):
            return True
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if names.strip() and _OUTSIDE.search(names):
            return True
    return False


def _item(a: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The result item holding link `a`: the outermost ancestor still holding only this one result."""
    item = a
    for el in a.iterancestors():
        if el.tag in ("body", "html") or sum(1 for x in el.iter("a") if len(squash(x.text_content())) >= MIN_RESULT) > 1:
            break
        item = el
    return item


def results(tree: lxml_html.HtmlElement, query: str) -> list[ListEntry]:
    """Titles of repeated items (two or more alike under one parent) with a result-length link, in page order."""
    groups: dict[lxml_html.HtmlElement, list[tuple[lxml_html.HtmlElement, ListEntry]]] = defaultdict(list)
    body = tree.find("body")
    for a in (body if body is not None else tree).iter("a"):
        href = (a.get("href") or "").strip()
        title = squash(a.text_content())
        if len(title) < MIN_RESULT or not href or href.lower().startswith(("javascript:", "#")) or _outside(a):
            continue
        item = _item(a)
        parent = item.getparent()
        if parent is None:
            continue
        date = parse_date(squash(item.text_content()))
        groups[parent].append((item, ListEntry(title=title, url=href, date=date[:10])))
    out: list[tuple[lxml_html.HtmlElement, ListEntry]] = []
    for members in groups.values():
        alike = {(it.tag, it.get("class")) for it, _ in members}
        hits = sum(1 for _, e in members if (query and query in e.title) or e.date)
        if len(members) >= 2 and len(alike) == 1 or hits * 2 >= len(members) > 0:
            out.extend(members)
    order = {el: i for i, el in enumerate(tree.iter(etree.Element))}
    return [e for _, e in sorted(out, key=lambda pair: order.get(pair[0], 0))]


def find(tree: lxml_html.HtmlElement, url: str, doc_title: str, texts: BodyText | None = None) -> SearchPage | None:
    """The search page's query, count and results, or None when the page is no search result page."""
    query = query_from_url(url)
    worded = bool(_SEARCH_WORDS.search(doc_title) or _SEARCH_WORDS.search(urlsplit(url).path + "?"))
    query = query or query_from_box(tree)
    if not (query or worded):
        return None  # no search words anywhere: the count phrase alone (共N条记录) is a list's
    count = result_count(tree, texts)
    if not ((count is not None and (query or worded)) or (query and worded)):
        return None
    entries = results(tree, query)
    if not entries and count:
        return None
    return SearchPage(query=query, count=count, entries=entries)
