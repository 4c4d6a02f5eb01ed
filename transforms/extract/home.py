"""Home and portal pages as their sections: each heading (h2-h4, a box's title bar, a tab) with the links that
follow it, in page order, until the next heading. Links before the first heading (the site's menus) and in
the header and footer belong to no section. Tabs listed together share out the link boxes after them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from ..article import Link, LinkGroup
from .script import squash

MIN_LINK, MAX_HEADING = 2, 12  # characters of a section link, and of a section heading
HEADING_TAGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
_BOX_TITLE = re.compile(r"(^|[\s_-])(hd|tit|title|header|head|heading|lm|mod-hd|card-header|box-t|blk-t|"
                        r"sec-title|lmmc|column|name)([\s_-]|\d|$)", re.I)
_TAB = re.compile(r"tab", re.I)
_FURNITURE = re.compile(r"(^|[\s_-])(nav|navbar|menu|foot|footer|bottom|copyright|topbar|top|header|logo|flink|"
                        r"yqlj|friend|friendlink|banner|search|so|breadcrumb|crumb)([\s_-]|$)", re.I)
_MORE = re.compile(r"^(更多|more|>>|»|\+|更多>>|more>>|更多»|查看更多)$", re.I)
BLOCKS = ("ul", "ol", "table", "div", "p", "dl", "section")


@dataclass
class _Group:
    name: str
    level: int
    tab: bool
    links: list[tuple[lxml_html.HtmlElement, Link]] = field(default_factory=list)


def _heading_level(el: lxml_html.HtmlElement) -> tuple[int, bool]:
    """(2 or 3, is a tab) when `el` reads as a section heading, else (0, False)."""
    if el.tag in ("a", "html", "body", "script", "style"):
        return 0, False
    text = squash(el.text_content())
    if not (2 <= len(text) <= MAX_HEADING) or _MORE.match(text):
        return 0, False
    parent = el.getparent()
    parent_class = (parent.get("class") or "") if parent is not None else ""
    if el.tag == "li" and _TAB.search(parent_class):
        return 2, True
    if el.tag in HEADING_TAGS:
        return HEADING_TAGS[el.tag], False
    if el.find(".//a") is not None or any(c.tag in BLOCKS for c in el):
        return 0, False
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if names.strip() and _BOX_TITLE.search(names):
        return 2, False
    if el.tag in ("b", "strong", "span") and parent is not None and (
            squash(parent.text_content()) == text or _BOX_TITLE.search(parent_class)):
        return 2, False
    return 0, False


def _furniture(el: lxml_html.HtmlElement) -> bool:
    if el.tag in ("nav", "select", "form"):
        return True
    if el.tag in ("header", "footer"):
        return not any(a.tag in ("section", "article", "aside") for a in el.iterancestors())
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(names.strip()) and bool(_FURNITURE.search(names)) and not _TAB.search(names)


def _walk(body: lxml_html.HtmlElement) -> list[_Group]:
    groups: list[_Group] = []
    skipping: set[lxml_html.HtmlElement] = set()
    depth = 0  # inside a skipped element (furniture, or a heading already read)
    for event, el in etree.iterwalk(body, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "end":
            if el in skipping:
                depth -= 1
            continue
        if depth:
            continue
        level, tab = _heading_level(el) if el is not body else (0, False)
        if level:
            groups.append(_Group(squash(el.text_content()), level, tab))
        elif el is not body and _furniture(el):
            pass
        else:
            if el.tag == "a" and groups:
                _add_link(groups[-1], el)
            continue
        skipping.add(el)
        depth += 1
    return groups


def _add_link(group: _Group, a: lxml_html.HtmlElement) -> None:
    title = squash(a.text_content()) or squash(a.get("title") or "")
    href = (a.get("href") or "").strip()
    if len(title) >= MIN_LINK and href and not href.lower().startswith("javascript:") and not _MORE.match(title):
        group.links.append((a, Link(title=title, url=href)))


def _share_tabs(groups: list[_Group]) -> None:
    """Tabs listed together, then one group of links from as many boxes: box i belongs to tab i."""
    i = 0
    while i < len(groups):
        j = i
        while j < len(groups) and groups[j].tab and not groups[j].links:
            j += 1
        if j > i and j < len(groups) and groups[j].tab and groups[j].links:
            run, links = groups[i:j + 1], groups[j].links
            panes = _panes([a for a, _ in links])
            if len(set(panes)) == len(run):
                order = list(dict.fromkeys(panes))
                for g in run:
                    g.links = []
                for (a, link), pane in zip(links, panes, strict=True):
                    run[order.index(pane)].links.append((a, link))
            i = j + 1
        else:
            i += 1


def _panes(links: list[lxml_html.HtmlElement]) -> list[lxml_html.HtmlElement]:
    """For each link, the child of the links' lowest common ancestor that holds it."""
    chains = [list(reversed(list(a.iterancestors()))) for a in links]
    common = 0
    while all(len(c) > common + 1 for c in chains) and len({id(c[common]) for c in chains}) == 1:
        common += 1
    return [c[common] if len(c) > common else a for c, a in zip(chains, links, strict=True)]


def sections(tree: lxml_html.HtmlElement) -> list[LinkGroup]:
    """Every section in page order, named by its heading; an empty one kept when a sub-section follows."""
    body = tree.find("body")
    if body is None:
        return []
    groups = _walk(body)
    _share_tabs(groups)
    out = []
    for i, g in enumerate(groups):
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if g.links or (nxt is not None and nxt.level > g.level and nxt.links):
            out.append(LinkGroup(name=g.name, links=[link for _, link in g.links], level=g.level))
    return out
