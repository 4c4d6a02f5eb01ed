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
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)
_INVISIBLE = re.compile(r"<(script|style|template|noscript|svg|math)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|tr|h[1-6]|section|article|table|ul|ol|dd|dt)\b[^>]*>", re.I)
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
    title = _TITLE.search(text[:100_000])
    body = _INVISIBLE.sub(" ", text)
    body = _BLOCK_TAG.sub("\n", body)
    body = html_lib.unescape(_TAG.sub("", body))[:MAX_FALLBACK_CHARS]
    root = lxml_html.document_fromstring("<html><head><title></title></head><body></body></html>")
    root.find("head/title").text = html_lib.unescape(_TAG.sub("", title.group(1))).strip() if title else ""
    body_el = root.find("body")
    for line in (s.strip() for s in body.split("\n")):
        if line and len(body_el) < MAX_PARAGRAPHS:
            p = etree.SubElement(body_el, "p")
            p.text = line
    return root


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
