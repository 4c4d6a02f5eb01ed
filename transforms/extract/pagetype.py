"""Page type from the whole page: an article is a headline with a body after it, whatever lists of dated links sit
beside it (相关阅读, 大家都在看); a list page (栏目页) is many dated links in one container with no article
headline; a home page is many sections of links; search pages and script-only shells are told apart first
(search.py, shell.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lxml import html as lxml_html

from ..article import ListEntry
from .dates import parse_date, strip_date
from .script import squash, weighted_length
from .textnodes import LinkNames

MIN_ENTRIES = 8  # dated links in one container that make a list page
MIN_TITLE = 4  # characters of a link text that can be an entry
ITEM_TAGS = ("li", "tr", "dd", "dt", "p", "div", "span", "td", "dl", "article")
MAX_ITEM_TEXT = 300
MAX_ITEM_LINKS = 3  # links in one item: its title, maybe a picture and a 详情 link


@dataclass(frozen=True)
class Thresholds:
    """An article found without a headline needs this much prose (Latin-equivalent characters) to win over a
    list; a portal needs this many sections."""

    article_length: float = 600
    home_groups: int = 3


@dataclass
class Listing:
    entries: list[ListEntry]
    size: float  # text in the list's items (summaries included)
    container: lxml_html.HtmlElement | None


class _Items:
    """Texts, dates and link counts of the elements looked at, each worked out once (links share items)."""

    def __init__(self) -> None:
        self.texts: dict[lxml_html.HtmlElement, str] = {}
        self.dates: dict[lxml_html.HtmlElement, str] = {}
        self.links: dict[lxml_html.HtmlElement, int] = {}

    def text(self, el: lxml_html.HtmlElement) -> str:
        text = self.texts.get(el)
        if text is None:
            text = self.texts[el] = squash(el.text_content())
        return text

    def date(self, el: lxml_html.HtmlElement) -> str:
        date = self.dates.get(el)
        if date is None:
            text = self.text(el)
            date = self.dates[el] = parse_date(text) if "19" in text or "20" in text else ""
        return date

    def link_count(self, el: lxml_html.HtmlElement) -> int:
        n = self.links.get(el)
        if n is None:
            n = self.links[el] = sum(1 for _ in el.iter("a"))
        return n

    def item(self, a: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
        """The list item holding link `a`: the link itself when its date is inside it (`<a><span>日期</span>
        标题</a>`), else its nearest short li, tr, ... holding the date: a cell or title box without it gives way
        to the row or card holding it (`<tr><td><a>标题</a></td><td>[日期]</td></tr>`, a picture card)."""
        own = self.text(a)  # squashed: whitespace never joins or splits a "19", and date() reads it anyway
        if ("19" in own or "20" in own) and self.date(a):
            return a
        first = None
        for el in a.iterancestors(*ITEM_TAGS):
            if first is not None and self.link_count(el) > MAX_ITEM_LINKS:
                break  # holding other entries: the item is the box below
            if len(self.text(el)) > MAX_ITEM_TEXT:
                break
            first = el if first is None else first
            if self.date(el):
                return el
        return first


def dated_entries(tree: lxml_html.HtmlElement, names: LinkNames | None = None) -> Listing:
    """The largest group of dated links sharing one container (a list's `ul`, `table`, ...), and how much
    text its items hold (summaries included). `names` keeps the links' names for later readers."""
    names = names or LinkNames()
    groups: dict[lxml_html.HtmlElement, list[ListEntry]] = defaultdict(list)
    sizes: dict[lxml_html.HtmlElement, float] = defaultdict(float)
    seen: set[lxml_html.HtmlElement] = set()  # elements, not id()s: lxml reuses proxy ids
    items = _Items()
    undated: set[lxml_html.HtmlElement] = set()
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith("javascript:"):
            continue
        title = names(a)
        if len(title) < MIN_TITLE:
            continue  # menu items and pagers: no entry, and no need to look for their item
        item = items.item(a)
        if item is None or item in seen or item in undated or item.getparent() is None:
            continue
        item_text = items.text(item)
        date = items.date(item)
        if not date:
            undated.add(item)
            continue
        seen.add(item)
        sizes[item.getparent()] += weighted_length(item_text)
        title = squash(a.get("title") or "") if title.endswith(("...", "…")) and a.get("title") else title
        title = strip_date(title) if item is a else title
        groups[item.getparent()].append(ListEntry(title=title, url=href, date=date[:10]))
    if not groups:
        return Listing([], 0.0, None)
    container = max(groups, key=lambda c: len(groups[c]))
    best = groups[container]
    return Listing(best, sizes[container], container) if len(best) >= MIN_ENTRIES else Listing([], 0.0, None)


def holds(container: lxml_html.HtmlElement | None, text: str) -> bool:
    """Whether `text` (a body's first words) is inside the list container: then the 'body' is the list."""
    if container is None or not text:
        return False
    return squash(text)[:30] in squash(container.text_content())
