"""Parse decoded HTML into one lxml tree that every later stage shares.

The parse is bounded: libxml2 stops nesting at 256 levels (dropping what lies deeper) and a page of a
million elements makes every later stage slow. Both get a simplified document built from the page's text,
so the reader still gets the words and the work stays within the per-page bound.
"""

from __future__ import annotations

import html as html_lib
import re

from lxml import etree
from lxml import html as lxml_html

# libxml2 stops adding content after `</body>` or `</html>`; some CMS templates emit them early (an
# included header that closes the document), so the article would vanish. They carry no meaning: drop them.
_PREMATURE_END = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# Characters lxml refuses in text (XML-incompatible); form feed is HTML whitespace, so it becomes a space.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_TAG_NAME = re.compile(r"/?\s*([a-zA-Z][a-zA-Z0-9]*)")
INVISIBLE = frozenset({"script", "style", "template", "noscript", "svg", "math", "title"})
RAW_TEXT = frozenset({"script", "style", "noscript", "title"})  # unclosed, they swallow the rest of the page
BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                    "table", "ul", "ol", "dd", "dt"})
_CLOSERS = {name: re.compile("</" + name, re.I) for name in INVISIBLE}
MAX_ELEMENTS = 200_000
MAX_PARAGRAPHS = 5_000
MAX_FALLBACK_CHARS = 2_000_000


def neutralise(text: str) -> str:
    text = _XML_DECL.sub("", text, count=1)
    text = _CONTROL.sub("", text).replace("\x0c", " ")
    return _PREMATURE_END.sub("", text)


def parse_document(text: str, max_elements: int = MAX_ELEMENTS) -> lxml_html.HtmlElement:
    """Never raises on bad markup: an empty or unparseable page becomes an empty document, a too deep or
    too large one a simplified document of its text."""
    text = neutralise(text)
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    if text.strip():
        try:
            root = lxml_html.document_fromstring(text, parser=parser)
        except (etree.ParserError, ValueError):
            root = None
        if root is not None:
            if _hit_limit(parser) or _count_over(root, max_elements):
                return text_document(text)
            _frames_to_links(root)
            return root
    return lxml_html.document_fromstring("<html><head></head><body></body></html>")


def _hit_limit(parser: etree.HTMLParser) -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def _count_over(root: lxml_html.HtmlElement, limit: int) -> bool:
    for n, _ in enumerate(root.iter(), 1):
        if n > limit:
            return True
    return False


def text_document(text: str) -> lxml_html.HtmlElement:
    """The page's text in paragraphs, for pages whose structure is beyond the bound."""
    title, body = page_text(text)
    root = lxml_html.document_fromstring("<html><head><title></title></head><body></body></html>")
    root.find("head/title").text = title
    body_el = root.find("body")
    for line in (s.strip() for s in body[:MAX_FALLBACK_CHARS].split("\n")):
        if line and len(body_el) < MAX_PARAGRAPHS:
            p = etree.SubElement(body_el, "p")
            p.text = line
    return root


def page_text(text: str) -> tuple[str, str]:
    """(title, visible text with block boundaries as newlines) in one pass over the markup, linear in its
    length whatever it holds (unclosed tags, scripts or comments end the scan, as they end a browser's)."""
    out: list[str] = []
    title = ""
    unclosed: set[str] = set()
    pos, size = 0, len(text)
    while pos < size:
        lt = text.find("<", pos)
        if lt < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:lt])
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            pos = size if end < 0 else end + 3
            continue
        gt = text.find(">", lt + 1)
        if gt < 0:
            break
        m = _TAG_NAME.match(text, lt + 1, gt)
        pos = gt + 1
        if m is None:
            continue
        name = m.group(1).lower()
        closing = text[lt + 1:m.start(1)].startswith("/")
        if name in BLOCKS:
            out.append("\n")
        elif name in INVISIBLE and not closing and not text[gt - 1] == "/":
            found = None if name in unclosed else _CLOSERS[name].search(text, pos)
            close = found.start() if found else -1
            if found is None:
                unclosed.add(name)  # none further on either: never search the rest again
            if name == "title" and not title:
                title = _inline(text[pos:close if close >= 0 else min(size, pos + 1000)])
            if close >= 0:
                pos = close
            elif name in RAW_TEXT:
                break
    return title, html_lib.unescape("".join(out))


def _inline(fragment: str) -> str:
    return " ".join(html_lib.unescape(fragment).split())


def _frames_to_links(root: lxml_html.HtmlElement) -> None:
    """A frameset page has no body to read: offer its frames as a list of links instead."""
    frameset = root.find("frameset")
    if frameset is None:
        return
    body = lxml_html.Element("body")
    ul = etree.SubElement(body, "ul")
    for frame in frameset.iter("frame"):
        src = (frame.get("src") or "").strip()
        if not src:
            continue
        a = etree.SubElement(etree.SubElement(ul, "li"), "a", href=src)
        a.text = frame.get("title") or frame.get("name") or src
    frameset.getparent().replace(frameset, body)


def serialise(el: lxml_html.HtmlElement) -> str:
    return lxml_html.tostring(el, encoding="unicode", method="html")
