"""Page furniture readers need as context (breadcrumb, 附件, 上一篇/下一篇, footer line), read-only."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urldefrag, urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..article import Attachment, Link
from .script import squash
from .textnodes import BodyText, LinkNames, elements_named, texts_with

ATTACHMENT_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "zip", "rar", "ofd", "et", "ppt", "pptx",
                    "txt", "7z", "csv")
_EXT_IN_TEXT = re.compile(r"\.(" + "|".join(ATTACHMENT_TYPES) + r")\s*$", re.I)
_EXT_IN_URL = re.compile(r"\.(?:" + "|".join(ATTACHMENT_TYPES) + ")", re.I)
_CRUMB_LABEL = re.compile(r"^\s*(当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置|当前页面|位置)\s*[:：]")
_PREV_NEXT = re.compile(r"^\s*[【\[]?\s*(上一篇|下一篇|上一条|下一条|上篇|下篇|Previous|Next)\s*[】\]]?\s*[:：]?\s*", re.I)
# A list's or search page's pager: the link that is the label itself (下一页 is no next article).
_PAGE_LINK = re.compile(r"^[<>《》«»‹›\s]*(上一页|上页|前一页|下一页|下页|后一页|Previous page|Next page|Prev|Next)[<>《》«»‹›\s]*$", re.I)
_ARROWS = re.compile(r"[<>《》«»‹›\s]+")
_PAGE_WORDS = {"prev": "上一页", "next": "下一页"}
_NONE = re.compile(r"^(没有了|无|暂无|没有|none)?[!！。.]?$", re.I)
_ATTACHMENT_LABEL = re.compile(r"附件|相关下载|附件下载|文件下载|Attachment", re.I)
_ICP = re.compile(r"[\u4e00-\u9fff]ICP备\s*\d+号(?:-\d+)?|ICP\s*证\s*[\u4e00-\u9fff]?\d+号?")
_POLICE = re.compile(r"[\u4e00-\u9fff]公网安备\s*\d+号?")
_FOOTER_PARTS = re.compile(r"(主办单位|主办|承办单位|承办|版权所有|地址|电话|联系电话|邮编|网站标识码|Copyright|©)")
CRUMB_WORDS = ("位置",)


def _links(el: lxml_html.HtmlElement) -> list[Link]:
    out = []
    for a in el.iter("a"):
        title, href = squash(a.text_content()), (a.get("href") or "").strip()
        if title and href and not href.lower().startswith("javascript:"):
            out.append(Link(title=title, url=href))
    return out


def _crumb_named(tree: lxml_html.HtmlElement, texts: BodyText | None = None) -> list[lxml_html.HtmlElement]:
    """`//*[contains(@class, 'crumb') or contains(@id, 'crumb') or contains(@class, 'Crumb')]`."""
    return elements_named(tree, ("crumb", "Crumb"), ("crumb",), named=texts.named() if texts is not None else None)


def document_order(texts: list, elements: list[lxml_html.HtmlElement]) -> list:
    """Text nodes (smart strings) and elements of one document, each list already in document order,
    merged as an XPath union orders them."""
    if not texts or not elements:
        return texts or elements
    pos = {el: i for i, el in enumerate(elements[0].getroottree().getroot().iter())}

    def key(node: object) -> tuple[int, int]:
        if isinstance(node, etree._Element):
            return pos[node], 0
        holder = node.getparent()  # type: ignore[attr-defined]
        if not node.is_tail:  # type: ignore[attr-defined]
            return pos[holder], 1  # after its element, before the first child
        while len(holder):  # a tail follows the last element of its element's subtree
            holder = holder[-1]
        return pos[holder], 2

    return sorted([*texts, *elements], key=key)  # stable: nested tails keep their order


def breadcrumb(tree: lxml_html.HtmlElement, texts: BodyText | None = None
               ) -> tuple[list[Link], lxml_html.HtmlElement | None]:
    """(links, element) of the 当前位置 trail (or a class-marked breadcrumb)."""
    for node in document_order(_body_texts(tree, CRUMB_WORDS, texts), _crumb_named(tree, texts)):
        el = node if isinstance(node, lxml_html.HtmlElement) else node.getparent()
        if el is None or (not isinstance(node, lxml_html.HtmlElement) and not _CRUMB_LABEL.match(node)):
            continue
        for _ in range(3):  # the label often sits in its own span, the links in the parent
            links = _links(el)
            if links or el.getparent() is None:
                break
            el = el.getparent()
        if links and len(squash(el.text_content())) < 200:
            return links, el
    return [], None


def attachment_type(url: str, text: str) -> str:
    if "%" in url or _EXT_IN_URL.search(url):  # else no path can end in a document type: skip urlsplit
        path = unquote(urlsplit(url).path).lower()
        ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        if ext in ATTACHMENT_TYPES:
            return ext
    m = _EXT_IN_TEXT.search(text)
    return m.group(1).lower() if m else ""


def _labelled(a: lxml_html.HtmlElement) -> bool:
    """A link under a 附件/下载 label (CMSes often list attachments outside the body container)."""
    for _, el in zip(range(4), a.iterancestors(), strict=False):
        if el.tag in ("body", "html"):
            return False
        if _ATTACHMENT_LABEL.search(el.text_content()[:200]):
            return True
    return False


def page_attachments(tree: lxml_html.HtmlElement, names: LinkNames | None = None) -> list[Attachment]:
    """Documents linked from a 附件 block anywhere in the page (`names`: the page's links' names, if known)."""
    return attachments(tree, _labelled, names)


def attachments(root: lxml_html.HtmlElement, accept: Callable[[lxml_html.HtmlElement], bool] | None = None,
                names: LinkNames | None = None) -> list[Attachment]:
    """Links to documents (附件) in `root`, deduplicated by URL."""
    names = names or LinkNames()
    seen: set[str] = set()
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href in seen or href.lower().startswith(("javascript:", "mailto:")):
            continue
        name = names(a)
        kind = attachment_type(href, name)
        if kind and (accept is None or accept(a)):
            seen.add(href)
            name = re.sub(r"^附件\s*\d*\s*[:：.、]?\s*", "", name) or unquote(urlsplit(href).path.rsplit("/", 1)[-1])
            out.append(Attachment(name=name, url=href, type=kind))
    return out


PREV_NEXT_WORDS = ("上一", "下一", "上篇", "下篇")
FOOTER_WORDS = ("ICP",)


def _body_texts(tree: lxml_html.HtmlElement, words: tuple[str, ...], texts: BodyText | None) -> list:
    return texts.with_words(words) if texts is not None else texts_with(tree, words, body=True)


def prev_next(tree: lxml_html.HtmlElement, texts: BodyText | None = None
              ) -> tuple[Link | None, Link | None, list[lxml_html.HtmlElement]]:
    """上一篇/下一篇 links and the elements that hold them (so content can leave them out)."""
    found: dict[str, Link] = {}
    holders = []
    for node in _body_texts(tree, PREV_NEXT_WORDS, texts):
        m = _PREV_NEXT.match(node)
        if not m or len(node) > 200:
            continue
        el = node.getparent()
        if getattr(node, "is_tail", False) and el is not None:
            el = el.getparent()
        key = "prev" if m.group(1).startswith("上") or m.group(1).lower() == "previous" else "next"
        for _ in range(2):
            links = [lk for lk in _links(el) if not _PREV_NEXT.fullmatch(lk.title)] if el is not None else []
            if links or el is None or el.getparent() is None:
                break
            el = el.getparent()
        rest = node[m.end():].strip()
        if key in found or el is None or (not links and _NONE.match(rest)):
            continue
        link = links[0] if links else None
        if link is not None:
            link.title = _PREV_NEXT.sub("", link.title) or link.title
            found[key] = link
            holders.append(el)
    return found.get("prev"), found.get("next"), holders


def pager(tree: lxml_html.HtmlElement, url: str = "") -> tuple[Link | None, Link | None]:
    """(上一页, 下一页) links of a list or search page: a link that is the label itself, an arrow whose title
    says it, or a link marked rel=prev/next (in the page, else in its head). A label without a link (the first
    page) is None, and so is one back to this very page `url` (the last page's 下一页), so that following the
    pager always ends."""
    found: dict[str, Link] = {}
    here = urldefrag(url)[0]
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "#")) or urldefrag(href)[0] == here:
            continue
        text = squash(a.text_content())
        label = text if _ARROWS.sub("", text) else squash(a.get("title") or "")  # an arrow alone: its title says
        m = _PAGE_LINK.match(label) if len(label) <= 12 else None
        rel = (a.get("rel") or "").lower().split()
        if m:
            key = "prev" if m.group(1).startswith(("上", "前")) or m.group(1).lower().startswith("prev") else "next"
            found.setdefault(key, Link(title=m.group(1), url=href))
        elif "next" in rel or "prev" in rel:
            key = "next" if "next" in rel else "prev"
            found.setdefault(key, Link(title=_PAGE_WORDS[key], url=href))
    for link in tree.iter("link"):
        rel, href = (link.get("rel") or "").lower().split(), (link.get("href") or "").strip()
        for key in ("prev", "next"):
            if key in rel and href and urldefrag(href)[0] != here:
                found.setdefault(key, Link(title=_PAGE_WORDS[key], url=href))
    return found.get("prev"), found.get("next")


def _joined_labels(parts: list[str]) -> list[str]:
    """`主办单位：` and its value are often separate text nodes: join a label with what follows."""
    out: list[str] = []
    for part in parts:
        if out and out[-1].endswith((":", "：")):
            out[-1] += part
        else:
            out.append(part)
    return out


def footer_line(tree: lxml_html.HtmlElement, texts: BodyText | None = None
                ) -> tuple[str, lxml_html.HtmlElement | None]:
    """Site name, contact and ICP number from the block that carries the ICP备 number, kept short."""
    for node in _body_texts(tree, FOOTER_WORDS, texts):
        el = node.getparent()
        for _ in range(4):
            parent = el.getparent()
            if parent is None or parent.tag in ("body", "html") or len(squash(parent.text_content())) > 400:
                break
            el = el.getparent()
        parts = _joined_labels([squash(t) for t in el.itertext() if squash(t)])
        keep = [p for p in parts if _FOOTER_PARTS.search(p) or _ICP.search(p) or _POLICE.search(p)]
        text = " ".join(dict.fromkeys(keep))
        if text:
            return text[:300], el
    return "", None
