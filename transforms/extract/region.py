"""The article as the page lays it out: what follows the headline in the smallest box that holds more than the
headline and its byline. On government pages that box holds the body, the 文号 and signature lines, tables and
the 附件 list, whatever markup they use; what else it holds (related-link lists, share bars, comments, statements)
is taken out here. Scoring cannot tell a disclaimer from a penalty table; position can."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import html as lxml_html

from .boilerplate import drop_boilerplate
from .byline import in_comments
from .furniture import attachment_type
from .script import squash, weighted_length
from .workcopy import MARK, copy_without, drop_hidden, drop_noise, drop_scripts

MIN_OWN = 40  # Latin-equivalent characters of the box's own text (not headline, byline or links)
HEAD_MARK = "data-a11y-head"
LIST_TAGS = ("ul", "ol", "dl", "table", "div", "section", "aside", "p", "nav")
MIN_LIST_LINKS = 3
LINK_SHARE = 0.6  # of a block's Chinese characters in links: a list of links, not prose
MAX_LIST_PROSE = 100  # Chinese characters outside links: more, and the block holds prose (its lists are inside)
MAX_LIST_HEADING = 12  # characters of the `相关阅读` line before a list
_CJK = re.compile(r"[\u3400-\u9fff]")
_ATTACHMENTS = re.compile(r"^(附\s*件|相关附件|附件下载)")
_SENTENCE_END = re.compile(r"[。！？；!?;]$")


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def find_region(heading: lxml_html.HtmlElement, marked: Iterable[lxml_html.HtmlElement | None]
                ) -> lxml_html.HtmlElement | None:
    """The smallest ancestor of the headline with content of its own, or None when the headline stands alone."""
    skip = [el for el in (heading, *marked) if el is not None]
    for anc in heading.iterancestors():
        if anc.tag == "html":
            return None
        own = weighted_length(squash(anc.text_content()))
        own -= sum(weighted_length(squash(el.text_content())) for el in skip
                   if el is anc or anc in el.iterancestors())
        own -= sum(weighted_length(squash(a.text_content())) for a in anc.iter("a"))
        if own >= MIN_OWN:
            return anc
    return None


def _drop_before(root: lxml_html.HtmlElement, target: lxml_html.HtmlElement) -> None:
    """Remove `target` and everything before it in document order (within `root`)."""
    node = target
    while node is not root and node.getparent() is not None:
        parent = node.getparent()
        for sibling in list(node.itersiblings(preceding=True)):
            sibling.drop_tree()
        parent.text = None
        node = parent
    target.drop_tree()


def is_link_list(el: lxml_html.HtmlElement) -> bool:
    """Mostly links (counted in Chinese characters, so dates do not count as prose), three or more, none a
    document (a 附件 list is content)."""
    links = [a for a in el.iter("a") if squash(a.text_content())]
    if len(links) < MIN_LIST_LINKS or _ATTACHMENTS.match(squash(el.text_content())):
        return False
    if any(attachment_type(a.get("href") or "", squash(a.text_content())) for a in links):
        return False
    total = _cjk(el.text_content())
    linked = sum(_cjk(a.text_content()) for a in links)
    return total > 0 and linked >= LINK_SHARE * total and total - linked < MAX_LIST_PROSE


def drop_link_lists(root: lxml_html.HtmlElement) -> None:
    """Remove lists of links (相关阅读, 推荐, rankings, tag clouds) and the short heading just before each."""
    for child in list(root):
        if not isinstance(child.tag, str):
            continue
        if child.tag in LIST_TAGS and is_link_list(child):
            before = child.getprevious()
            heading = squash(before.text_content()) if before is not None and isinstance(before.tag, str) else ""
            if 0 < len(heading) <= MAX_LIST_HEADING and before.find(".//a") is None \
                    and not _SENTENCE_END.search(heading):
                before.drop_tree()
            child.drop_tree()
        elif len(child):
            drop_link_lists(child)


def drop_comments(root: lxml_html.HtmlElement) -> None:
    for el in list(root.iter("div", "section", "ul", "dl", "table", "aside")):
        if el.getparent() is not None and el is not root and in_comments(el) and not in_comments(root):
            el.drop_tree()


def region_body(region: lxml_html.HtmlElement, heading: lxml_html.HtmlElement,
                marked: Iterable[lxml_html.HtmlElement | None]) -> lxml_html.HtmlElement:
    """A working copy of `region` holding only what follows the headline, without page furniture."""
    heading.set(HEAD_MARK, "1")
    try:
        body = copy_without(region, marked)
    finally:
        heading.attrib.pop(HEAD_MARK, None)
    alive = list(body.iter())  # noqa: F841 - proxies kept for the passes below (see extract._extract)
    head = next(iter(body.xpath(f"descendant-or-self::*[@{HEAD_MARK}]")), None)
    if head is not None:
        if head is body:
            return lxml_html.Element("div")
        _drop_before(body, head)
    for el in body.xpath(f"descendant-or-self::*[@{MARK}]"):
        el.attrib.pop(MARK, None)
    drop_scripts(body)
    drop_hidden(body)
    drop_noise(body)
    drop_comments(body)
    drop_link_lists(body)
    drop_boilerplate(body)
    return body
