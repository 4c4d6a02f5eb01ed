"""The article as the page lays it out: what follows the headline in the smallest box that holds more than the
headline and its byline. On government pages that box holds the body, the 文号 and signature lines, tables and
the 附件 list, whatever markup they use; what else it holds (related-link lists, share bars, comments, statements)
is taken out here. Scoring cannot tell a disclaimer from a penalty table; position can."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml import html as lxml_html

from .boilerplate import drop_boilerplate
from .byline import COMMENT_NAMES, in_comments
from .furniture import attachment_type
from .script import cjk_count, squash, weighted_length

MIN_OWN = 40  # Latin-equivalent characters of the box's own text (not headline, byline or links)
LIST_TAGS = ("ul", "ol", "dl", "table", "div", "section", "aside", "p", "nav")
MIN_LIST_LINKS = 3
LINK_SHARE = 0.6  # of a block's Chinese characters in links: a list of links, not prose
MAX_LIST_PROSE = 100  # Chinese characters outside links: more, and the block holds prose (its lists are inside)
MAX_LIST_HEADING = 12  # characters of the `相关阅读` line before a list
_ATTACHMENTS = re.compile(r"^(附\s*件|相关附件|附件下载)")
_SENTENCE_END = re.compile(r"[。！？；!?;]$")


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


# names of page pictures that are no content, at the start of a word of the src, class, id or alt (qrcode.png, ewm_1,
# icon-share): not anywhere in it (an "online" or "photo" picture is content)
_NOT_CONTENT_PICTURE = re.compile(r"(?:^|[\W_])(?:qr|ewm|erweima|share|fenxiang|icon|logo|print|weixin|wechat|weibo|"
                                  r"btn|button|arrow|spacer|blank|close|search|banner|二维码|分享)", re.I)
MIN_PICTURE = 100  # pixels: a declared width or height below this is an icon, not a picture of the article


def find_picture_region(heading: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """For an article that is pictures or files (一图读懂, a scanned notice, 详见附件 and a list to download): the
    smallest ancestor of the headline holding, after it, a picture that is no link, icon, logo or QR code, or an
    attachment link. Asked only when no box holds text of its own."""
    for anc in heading.iterancestors():
        if anc.tag in ("body", "html"):
            return None
        seen_heading = False
        for el in anc.iter(etree.Element):  # document order: only what follows the headline counts
            if el is heading:
                seen_heading = True
            elif seen_heading and heading not in el.iterancestors() and (
                    (el.tag == "img" and _content_picture(el))
                    or (el.tag == "a" and attachment_type(el.get("href") or "", squash(el.text_content())))):
                return anc
    return None


def _content_picture(img: lxml_html.HtmlElement) -> bool:
    if any(a.tag == "a" for a in img.iterancestors()):
        return False
    names = " ".join(img.get(k) or "" for k in ("src", "class", "id", "alt"))
    if _NOT_CONTENT_PICTURE.search(names):
        return False
    for k in ("width", "height"):
        size = (img.get(k) or "").strip().removesuffix("px")
        if size.isdigit() and int(size) < MIN_PICTURE:
            return False
    return True


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


def _link_text(a: lxml_html.HtmlElement, known: dict | None) -> tuple[str, int]:
    """A link's text and its Chinese characters, from `known` when there."""
    if known is None:
        text = a.text_content()
        return text, cjk_count(text)
    found = known.get(a)
    if found is None:
        text = a.text_content()
        found = known[a] = (text, cjk_count(text))
    return found


def is_link_list(el: lxml_html.HtmlElement, known: dict | None = None) -> bool:
    """Mostly links (counted in Chinese characters, so dates do not count as prose), three or more, none a
    document (a 附件 list is content). `known`: links' texts already read (see `drop_link_lists`)."""
    texts = [(a, *_link_text(a, known)) for a in el.iter("a")]
    texts = [(a, t, n) for a, t, n in texts if t.strip()]
    if len(texts) < MIN_LIST_LINKS:
        return False
    whole = el.text_content()
    total = cjk_count(whole)
    linked = sum(n for _, _, n in texts)
    if not (total > 0 and linked >= LINK_SHARE * total and total - linked < MAX_LIST_PROSE):
        return False
    if _ATTACHMENTS.match(whole.lstrip()):
        return False
    return not any(attachment_type(a.get("href") or "", squash(t)) for a, t, _ in texts)


def _link_counts(root: lxml_html.HtmlElement) -> dict[lxml_html.HtmlElement, int]:
    """How many links each element holds, in one pass from the leaves up."""
    counts: dict[lxml_html.HtmlElement, int] = {}
    for el in reversed(list(root.iter(etree.Element))):
        n = counts.get(el, 0) + (el.tag == "a")
        counts[el] = n
        parent = el.getparent()
        if parent is not None and n:
            counts[parent] = counts.get(parent, 0) + n
    return counts


def drop_link_lists(root: lxml_html.HtmlElement, counts: dict | None = None, known: dict | None = None) -> None:
    """Remove lists of links (相关阅读, 推荐, rankings, tag clouds) and the short heading just before each.
    Boxes are judged from the outside in, each before anything inside it goes, so a link's text read for an
    outer box (kept in `known`) is still its text when an inner box is judged."""
    counts = _link_counts(root) if counts is None else counts
    known = {} if known is None else known
    for child in list(root):
        if not isinstance(child.tag, str) or counts.get(child, 0) < MIN_LIST_LINKS:
            continue  # too few links to be, or to hold, a list of them
        if child.tag in LIST_TAGS and is_link_list(child, known):
            before = child.getprevious()
            heading = squash(before.text_content()) if before is not None and isinstance(before.tag, str) else ""
            if 0 < len(heading) <= MAX_LIST_HEADING and before.find(".//a") is None \
                    and not _SENTENCE_END.search(heading):
                before.drop_tree()
            child.drop_tree()
        elif len(child):
            drop_link_lists(child, counts, known)


def drop_comments(root: lxml_html.HtmlElement) -> None:
    """Reader comments (a box named comment, pinglun, reply …), unless the region itself is one."""
    if in_comments(root):
        return
    doomed = []
    for el in root.iter("div", "section", "ul", "dl", "table", "aside"):
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if el is not root and names.strip() and COMMENT_NAMES.search(names) \
                and not any(d in el.iterancestors() for d in doomed):
            doomed.append(el)
    for el in doomed:
        el.drop_tree()


def region_body(region: lxml_html.HtmlElement, head: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """`region` (in a cleaned working copy) reduced in place to what follows the headline `head`, without the
    furniture a working copy still has: comments, lists of links, boilerplate."""
    if head is region:
        return lxml_html.Element("div")
    _drop_before(region, head)
    drop_comments(region)
    drop_link_lists(region)
    drop_boilerplate(region)
    return region
