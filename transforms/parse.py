"""Parse decoded HTML into one lxml tree that every later stage shares."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

# libxml2 stops adding content after `</body>` or `</html>`; some CMS templates emit them early (an
# included header that closes the document), so the article would vanish. They carry no meaning: drop them.
_PREMATURE_END = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def neutralise(text: str) -> str:
    text = _XML_DECL.sub("", text, count=1)
    text = _CONTROL.sub("", text)
    return _PREMATURE_END.sub("", text)


def parse_document(text: str) -> lxml_html.HtmlElement:
    """Never raises on bad markup: an empty or unparseable page becomes an empty document."""
    text = neutralise(text)
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    if text.strip():
        try:
            root = lxml_html.document_fromstring(text, parser=parser)
            if root is not None:
                return root
        except (etree.ParserError, ValueError):
            pass
    return lxml_html.document_fromstring("<html><head></head><body></body></html>")


def serialise(el: lxml_html.HtmlElement) -> str:
    return lxml_html.tostring(el, encoding="unicode", method="html")
