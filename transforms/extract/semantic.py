"""Turn the extracted block into clean semantic HTML: the page template prints the only h1, data tables
get header cells (tables.py), layout tables become plain blocks, paragraphs and numbered headings become
elements (paragraphs.py), images get alt text that does not repeat their caption and figure captions."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from ..article import Image
from .figures import figures
from .paragraphs import numbered_headings, paragraphs
from .tables import fix_tables

KEEP_ATTRS = {"href", "src", "alt", "title", "colspan", "rowspan", "scope", "datetime", "srcset", "lang"}
UNWRAP = ("font", "center", "o:p", "st1:chsdate", "nobr", "form", "label", "article", "main", "section")
EMPTY_OK = {"img", "br", "hr", "td", "th", "tr", "table", "tbody", "thead", "col", "colgroup"}


def demote_headings(root: lxml_html.HtmlElement) -> None:
    """The article has no h1 of its own; the whole outline shifts down one level when it had one."""
    levels = sorted({int(el.tag[1]) for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6")})
    if not levels:
        return
    shift = 2 - levels[0]
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        el.tag = f"h{min(6, max(2, int(el.tag[1]) + shift))}"


_INDENT = re.compile(r"^[\s\u3000\xa0]+")


def trim_indents(root: lxml_html.HtmlElement) -> None:
    """The full-width spaces that indent a paragraph's first line are layout, not text."""
    for el in root.iter("p", "li", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "th"):
        if el.text:
            el.text = _INDENT.sub("", el.text)
        elif len(el) and isinstance(el[0].tag, str) and el[0].text and el[0].tag in ("span", "b", "strong", "font"):
            el[0].text = _INDENT.sub("", el[0].text)


KEEP_CLASSES = {"doc-info"}  # our own marks (the header's definition list)


def strip_attributes(root: lxml_html.HtmlElement) -> None:
    for el in root.iter():
        if isinstance(el.tag, str):
            for attr in [a for a in el.attrib if a not in KEEP_ATTRS]:
                if attr != "class" or el.get("class") not in KEEP_CLASSES:
                    del el.attrib[attr]


def _filled(nodes: list) -> set[lxml_html.HtmlElement]:
    """The elements among `nodes` (a subtree in document order) with text that is not whitespace, or a picture or
    table inside: one pass from the leaves up instead of each element's `text_content()` and two searches."""
    filled: set[lxml_html.HtmlElement] = set()
    for node in reversed(nodes):  # each element after everything inside it
        parent = node.getparent()
        if isinstance(node.tag, str) and node.text and not node.text.isspace():
            filled.add(node)  # a comment's own text is no text content
        if parent is not None and (node in filled or node.tag in ("img", "table")
                                   or (node.tail and not node.tail.isspace())):
            filled.add(parent)
    return filled


def drop_empty(root: lxml_html.HtmlElement) -> None:
    """Elements with neither text nor a picture or table. Dropping one keeps its tail and takes only whitespace
    from its ancestors, so what is empty is known before the first drop."""
    nodes = list(root.iter())
    filled = _filled(nodes)
    for el in nodes:
        if el is root or not isinstance(el.tag, str) or el.getparent() is None or el.tag in EMPTY_OK:
            continue
        if el not in filled:
            el.drop_tree()


def drop_title_heading(root: lxml_html.HtmlElement, title: str) -> None:
    """The page template prints the title; a heading in the body that repeats it would be read twice."""
    wanted = _norm(title)
    if not wanted:
        return
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if _norm(el.text_content()) == wanted and el.getparent() is not None:
            el.drop_tree()
        return  # only the first heading can be the repeated title


def _norm(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def semantic(root: lxml_html.HtmlElement, title: str = "") -> list[Image]:
    """Clean `root` in place; return its images."""
    drop_title_heading(root, title)
    fix_tables(root)
    images = figures(root)  # before unwrapping: a centred line under a picture is its caption
    for el in list(root.iter(*UNWRAP)):
        if el is not root and el.getparent() is not None:
            el.drop_tag()
    demote_headings(root)
    paragraphs(root)
    numbered_headings(root)
    trim_indents(root)
    strip_attributes(root)
    drop_empty(root)
    root.tag = "div"
    return images
