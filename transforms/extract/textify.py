"""Plain text for speech: one paragraph per block, paragraphs separated by blank lines."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "dl",
                    "dt", "dd", "blockquote", "pre", "figure", "figcaption", "section", "article", "caption",
                    "br", "hr", "header", "footer", "address", "center", "main", "aside"})
CELLS = frozenset({"td", "th"})
_SPACES = re.compile(r"[ \t\r\n\u3000\xa0]+")


def _clean(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def _after_term(dd: lxml_html.HtmlElement) -> bool:
    before = dd.getprevious()
    return before is not None and before.tag == "dt"


def _before_definition(dt: lxml_html.HtmlElement) -> bool:
    after = dt.getnext()
    return after is not None and after.tag == "dd"


def to_text(root: lxml_html.HtmlElement) -> str:
    """Text of `root` with a paragraph break at every block boundary; table cells joined by spaces."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _clean("".join(current))
        if line:
            paragraphs.append(line)
        current.clear()

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "dd" and _after_term(el):
                current.append("：")  # a definition list reads `索引号：002482870/2023-00123`
            elif tag in BLOCKS:
                flush()
            elif tag in CELLS:
                current.append(" ")
            if el.text and tag and tag not in ("script", "style", "noscript"):
                current.append(el.text)
        else:
            if tag == "dt" and _before_definition(el):
                pass  # its definition follows on the same line
            elif tag in BLOCKS:
                flush()
            elif tag in CELLS:
                current.append(" ")
            if el.tail and el is not root:
                current.append(el.tail)
    flush()
    return "\n\n".join(paragraphs)
