"""Page type from the page itself: a list page (栏目页) is many dated links in one container; a home page
is many link groups and little prose; anything with a body of prose is an article."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import html as lxml_html

from ..article import Link, LinkGroup, ListEntry
from .dates import parse_date
from .script import squash, weighted_length

MIN_ENTRIES = 8  # dated links in one container that make a list page
MIN_TITLE = 4  # characters of a link text that can be an entry or a home-page link
ITEM_TAGS = ("li", "tr", "dd", "dt", "p", "div", "span", "td")
MAX_ITEM_TEXT = 300
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
MIN_GROUP_TITLE = 7  # median link text in a content group; menu items are shorter
_MORE = re.compile(r"(更多|more|>>|»|\+)\s*$", re.I)
_NAV_NAMES = re.compile(r"nav|menu|header|topbar|top-bar|footer|friend|links|yqlj", re.I)


@dataclass(frozen=True)
class Thresholds:
    """An article needs at least this much prose (Latin-equivalent characters) to win over a list."""

    article_length: float = 600
    home_groups: int = 3  # link groups that make a portal page
    group_links: int = 4  # content links that make a group


def _item(a: lxml_html.HtmlElement, texts: dict | None = None) -> lxml_html.HtmlElement | None:
    """The list item holding link `a` (its nearest li, tr, ... if short); `texts` caches item texts."""
    el = next(a.iterancestors(*ITEM_TAGS), None)
    if el is None:
        return None
    text = texts.get(el) if texts is not None else None
    if text is None:
        text = squash(el.text_content())
        if texts is not None:
            texts[el] = text
    return el if len(text) <= MAX_ITEM_TEXT else None


def dated_entries(tree: lxml_html.HtmlElement) -> tuple[list[ListEntry], float]:
    """The largest group of dated links sharing one container (a list's `ul`, `table`, ...), and how much
    text its items hold (summaries included)."""
    groups: dict[lxml_html.HtmlElement, list[ListEntry]] = defaultdict(list)
    sizes: dict[lxml_html.HtmlElement, float] = defaultdict(float)
    seen: set[lxml_html.HtmlElement] = set()  # elements, not id()s: lxml reuses proxy ids
    texts: dict[lxml_html.HtmlElement, str] = {}  # item -> squashed text; links share items
    undated: set[lxml_html.HtmlElement] = set()
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith("javascript:"):
            continue
        item = _item(a, texts)  # before the title: most links sit in an item already decided
        if item is None or item in seen or item in undated or item.getparent() is None:
            continue
        title = squash(a.text_content()) or squash(a.get("title") or "")
        if len(title) < MIN_TITLE:
            continue
        item_text = texts[item]
        date = parse_date(item_text)
        if not date:
            undated.add(item)
            continue
        seen.add(item)
        sizes[item.getparent()] += weighted_length(item_text)
        title = squash(a.get("title") or "") if title.endswith(("...", "…")) and a.get("title") else title
        groups[item.getparent()].append(ListEntry(title=title, url=href, date=date[:10]))
    if not groups:
        return [], 0.0
    container = max(groups, key=lambda c: len(groups[c]))
    best = groups[container]
    return (best, sizes[container]) if len(best) >= MIN_ENTRIES else ([], 0.0)


def _heading_text(el: lxml_html.HtmlElement | None) -> str:
    if el is None or not isinstance(el.tag, str):
        return ""
    heading = el if el.tag in HEADING_TAGS else next(el.iter("h2", "h3", "h4"), None)
    text = squash((heading if heading is not None else el).text_content())
    text = _MORE.sub("", text).strip()
    return text if 0 < len(text) <= 20 else ""


def _group_name(container: lxml_html.HtmlElement) -> str:
    """The heading just before or at the top of a link group (`<h3>通知公告</h3><a>更多</a><ul>...`)."""
    for el in (container, *list(container.iterancestors())[:2]):
        name = _heading_text(el.getprevious())
        if name:
            return name
        inner = next((h for h in el.iter(*HEADING_TAGS)), None)
        if inner is not None:
            return _heading_text(inner)
    return ""


def _is_nav(container: lxml_html.HtmlElement, links: list[Link]) -> bool:
    """Navigation bars: marked as such, or links as short as menu items."""
    if container.tag in ("nav", "header", "footer") or any(a.tag == "nav" for a in container.iterancestors()):
        return True
    if _NAV_NAMES.search(f"{container.get('class') or ''} {container.get('id') or ''}"):
        return True
    lengths = sorted(len(lk.title) for lk in links)
    return lengths[len(lengths) // 2] < MIN_GROUP_TITLE


def link_groups(tree: lxml_html.HtmlElement, limits: Thresholds) -> list[LinkGroup]:
    """Containers (ul, div, table) holding several content links, in page order; nav bars excluded."""
    by_parent: dict[lxml_html.HtmlElement, list[Link]] = {}
    for a in tree.iter("a"):
        title, href = squash(a.text_content()), (a.get("href") or "").strip()
        if len(title) < MIN_TITLE or not href or href.lower().startswith("javascript:"):
            continue
        item = _item(a)
        item = a if item is None else item
        parent = item.getparent()
        if parent is not None:
            by_parent.setdefault(parent, []).append(Link(title=title, url=href))
    groups = []
    for container, links in by_parent.items():
        if len(links) >= limits.group_links and not _is_nav(container, links):
            groups.append(LinkGroup(name=_group_name(container), links=links))
    return groups


def classify(text: str, tree: lxml_html.HtmlElement,
             limits: Thresholds | None = None) -> tuple[str, list[ListEntry], list[LinkGroup]]:
    """("article"|"list"|"home"|"other", entries, groups) from the main block's text and the page."""
    limits = limits or Thresholds()
    prose_length = weighted_length(text)
    entries, listed = dated_entries(tree)
    if entries:
        if prose_length < limits.article_length or listed >= 0.5 * prose_length:
            return "list", entries, []
    if prose_length >= limits.article_length:
        return "article", [], []
    groups = link_groups(tree, limits)
    if len(groups) >= limits.home_groups:
        return "home", [], groups
    return "other", [], []
