"""Paragraphs and headings as elements: a `<div>`, `<section>` or `<font>` holding a paragraph becomes a `<p>`;
runs of text split by `<br>` become one `<p>` each; a short numbered line (一、 （一） 1. 第一章) becomes a heading.
Screen readers then move by paragraph and heading, and the in-page 连读 reader (which reads `p`, `li`, headings …)
reads the same body the server's sentence list has."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from .script import squash

BLOCKS = frozenset({"p", "div", "section", "article", "center", "blockquote", "table", "ul", "ol", "dl", "figure",
                    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "form", "address", "main", "aside", "header",
                    "footer", "nav", "figcaption", "details", "fieldset"})
CONTAINERS = ("div", "section", "article", "center", "blockquote", "main", "font")
KEEP_INSIDE = ("li", "dd", "dt", "td", "th", "caption", "figcaption", "a", "h1", "h2", "h3", "h4", "h5", "h6", "pre")
# Numbering that starts a heading line, and the level it gives (a document's outline: 一、 over （一） over 1.).
_NUMBERED = [
    (re.compile(r"^第[一二三四五六七八九十百零〇]+[章编]"), 2),
    (re.compile(r"^[一二三四五六七八九十]+\s*、"), 2),
    (re.compile(r"^第[一二三四五六七八九十百零〇]+节"), 3),
    (re.compile(r"^[(（]\s*[一二三四五六七八九十]+\s*[)）]"), 3),
    (re.compile(r"^\d{1,2}\s*[.．、](?!\d)"), 4),
    (re.compile(r"^[(（]\s*\d{1,2}\s*[)）]"), 5),
]
MAX_HEADING = 40  # characters of a numbered heading line (longer is a numbered paragraph)
_STARTS = re.compile(r"^(?:第|[一二三四五六七八九十]|[(（]|\d)")  # what every numbering above starts with
_SENTENCE = re.compile(r"[。；;！？!?]")


def _inline(node: object) -> bool:
    return not isinstance(node.tag, str) or node.tag not in BLOCKS  # type: ignore[attr-defined]


def _has_block(el: lxml_html.HtmlElement) -> bool:
    return any(isinstance(c.tag, str) and c.tag in BLOCKS for c in el)


def _new_p(parts: list) -> lxml_html.HtmlElement | None:
    """A `<p>` from a run of text and inline elements (None when it holds no text and no picture)."""
    p = lxml_html.Element("p")
    for part in parts:
        if isinstance(part, str):
            if len(p):
                p[-1].tail = (p[-1].tail or "") + part
            else:
                p.text = (p.text or "") + part
        else:
            p.append(part)
    if squash(p.text_content()) or p.find(".//img") is not None:
        return p
    return None


def split_runs(el: lxml_html.HtmlElement, at_single_br: bool = True) -> None:
    """Group the inline content of `el` between its blocks (and its `<br>`s) into `<p>` elements."""
    runs: list[list] = [[]]
    out: list = []
    if el.text:
        runs[-1].append(el.text)
        el.text = None
    for child in list(el):
        tail, child.tail = child.tail, None
        if isinstance(child.tag, str) and child.tag == "br":
            runs.append([])
        elif _inline(child):
            runs[-1].append(child)
        else:
            out.append(runs)
            out.append(child)
            runs = [[]]
        if tail:
            runs[-1].append(tail)
        el.remove(child)
    out.append(runs)
    for item in out:
        if isinstance(item, list):
            for run in _join_single_breaks(item, at_single_br):
                p = _new_p(run)
                if p is not None:
                    el.append(p)
        else:
            el.append(item)


def _join_single_breaks(runs: list[list], at_single_br: bool) -> list[list]:
    """In a `<p>`, one `<br>` is a line break inside the paragraph; only an empty line (two) ends it."""
    if at_single_br:
        return runs
    joined: list[list] = [[]]
    for run in runs:
        if not any(squash(x) if isinstance(x, str) else True for x in run):
            joined.append([])
        else:
            if joined[-1]:
                joined[-1].append(lxml_html.Element("br"))
            joined[-1].extend(run)
    return joined


def paragraphs(root: lxml_html.HtmlElement) -> None:
    """Containers of running text become paragraphs (`root` itself stays the wrapper)."""
    for el in list(root.iter(*CONTAINERS)):
        if el.getparent() is None and el is not root:
            continue
        if any(a.tag in KEEP_INSIDE for a in el.iterancestors()):
            continue
        if el is not root and not _has_block(el) and el.find(".//br") is None:
            if squash(el.text_content()) or el.find(".//img") is not None:
                el.tag = "p"  # one paragraph (font and center wrappers too)
                el.attrib.clear()
            continue
        has_loose = bool((el.text or "").strip()) or any(
            _inline(c) or (c.tail or "").strip() for c in el)
        if has_loose or el.find("br") is not None:
            split_runs(el)
    for p in list(root.iter("p")):
        if sum(1 for _ in p.iter("br")) >= 2 and p.getparent() is not None:
            _split_paragraph(p)


def _split_paragraph(p: lxml_html.HtmlElement) -> None:
    """`<p>第一段<br><br>第二段</p>` -> two paragraphs; single line breaks stay."""
    holder = lxml_html.Element("div")
    holder.text, p.text = p.text, None
    for child in list(p):
        holder.append(child)
    split_runs(holder, at_single_br=False)
    parent, index = p.getparent(), p.getparent().index(p)
    tail = p.tail
    parent.remove(p)
    for i, new in enumerate(holder):
        parent.insert(index + i, new)
    if tail and len(holder):
        parent[index + len(holder) - 1].tail = tail


def heading_level(text: str, bold: bool) -> int:
    """The level of a numbered heading line, or 0 when `text` is a paragraph."""
    text = squash(text)
    if not text or len(text) > (MAX_HEADING * 1.5 if bold else MAX_HEADING) or _SENTENCE.search(text[:-1]):
        return 0
    if text[-1] in "。；;，,":
        return 0
    for pattern, level in _NUMBERED:
        if pattern.match(text):
            return level
    return 0


def numbered_headings(root: lxml_html.HtmlElement) -> None:
    """A paragraph that is only a numbered heading line (`一、禁捕范围`, bold `（二）工作要求`) becomes a heading."""
    for p in list(root.iter("p")):
        text = squash(p.text_content())
        if not _STARTS.match(text) or len(text) > MAX_HEADING * 1.5:
            continue
        if any(a.tag in ("table", "li", "blockquote") for a in p.iterancestors()) or p.find(".//a") is not None:
            continue  # a numbered 附件 link is no heading
        bold = bool(text) and squash("".join(b.text_content() for b in p.iter("b", "strong"))) == text
        level = heading_level(text, bold)
        if level:
            p.tag = f"h{level}"
            for b in list(p.iter("b", "strong")):
                b.drop_tag()  # a heading is bold already

