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
INVISIBLE = ("script", "style", "template", "noscript", "svg", "math", "title")
RAW_TEXT = frozenset({"script", "style", "noscript", "title"})  # unclosed, they swallow the rest of the page
_HIDDEN_START = re.compile(r"<!--|<(" + "|".join(INVISIBLE) + r")(?![a-zA-Z0-9])", re.I)
_CLOSERS = {name: re.compile(r"</" + name + r"[^>]*>", re.I) for name in INVISIBLE}
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|tr|h[1-6]|section|article|table|ul|ol|dd|dt)(?![a-zA-Z0-9])[^>]*>",
                        re.I)
_TAG = re.compile(r"<[^>]*>")
MAX_ELEMENTS = 200_000
TAGS_PER_ELEMENT = 4  # start and end tag, with room for comments and stray `<`: more means far too many elements
MAX_PARAGRAPHS = 5_000
MAX_FALLBACK_CHARS = 2_000_000


def _element_classes() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (FormElement, InputElement, ... and HtmlElement for the rest), looked up in C.

    lxml.html's own `HtmlElementClassLookup` is a Python method that runs each time an element gets a Python
    proxy, and extraction walks and copies the tree many times: a tenth of a page's time went into it. libxml2's
    HTML parser lowercases every tag, so the lookup by exact name finds the same classes."""
    fallback = etree.ElementDefaultClassLookup(element=_fast_text(lxml_html.HtmlElement),
                                               comment=lxml_html.HtmlComment,
                                               pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity)
    lookup = etree.ElementNamespaceClassLookup(fallback)
    tags = lookup.get_namespace(None)
    for name, cls in lxml_html.HtmlElementClassLookup._default_element_classes.items():
        tags[name] = _fast_text(cls)
    return lookup


class FastText:
    """`text_content()` without an XPath evaluation: extraction asks for element texts some hundred thousand
    times a corpus, and `string()`'s context set-up cost more than the text. libxml2 gives the same string
    either way (the text and CDATA of every descendant, in document order)."""

    __slots__ = ()

    def text_content(self) -> str:
        if not len(self):  # type: ignore[arg-type] - no child element, comment or PI: the text is all
            return self.text or ""  # type: ignore[attr-defined]
        return etree.tostring(self, method="text", encoding="unicode", with_tail=False)  # type: ignore[call-overload]


def _fast_text(cls: type) -> type:
    """`cls` (an lxml.html element class) with `FastText.text_content`; same name, so it reads the same."""
    return type(cls.__name__, (FastText, cls), {"__module__": __name__})


_CLASSES = _element_classes()


def html_parser() -> lxml_html.HTMLParser:
    """A parser of our own per page (its error log tells of the resource limit), classes looked up in C."""
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    parser.set_element_class_lookup(_CLASSES)
    return parser


# lxml.html's own parser (its options), with the classes looked up in C: the stages that parse the article's
# HTML again (links, layout) make a proxy for every element of it.
_FRAGMENT_PARSER = lxml_html.HTMLParser()
_FRAGMENT_PARSER.set_element_class_lookup(_CLASSES)


def fragment(html: str) -> lxml_html.HtmlElement:
    """`lxml.html.fragment_fromstring(html, create_parent="div")`, same parse, faster element proxies."""
    return lxml_html.fragment_fromstring(html, create_parent="div", parser=_FRAGMENT_PARSER)


def neutralise(text: str) -> str:
    text = _XML_DECL.sub("", text, count=1)
    text = _CONTROL.sub("", text).replace("\x0c", " ")
    return _PREMATURE_END.sub("", text)


def parse_document(text: str, max_elements: int = MAX_ELEMENTS) -> lxml_html.HtmlElement:
    """Never raises on bad markup: an empty or unparseable page becomes an empty document, a too deep or
    too large one a simplified document of its text."""
    text = neutralise(text)
    if text.count("<") > TAGS_PER_ELEMENT * max_elements:
        return text_document(text)  # certainly over the bound: not worth a second of parsing to find out
    parser = html_parser()
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
    """(title, visible text with block boundaries as newlines), linear in the markup's length whatever it
    holds: a Python step per comment or invisible element only (unclosed ones end the scan, as they end a
    browser's), the ordinary tags by two regular-expression passes."""
    # An unterminated tag at the end is dropped (as browsers do), so every `<` left has a `>` after it and
    # no tag pattern below can run to the end of the page and back.
    tail = text.find("<", text.rfind(">") + 1)
    if tail >= 0:
        text = text[:tail]
    kept: list[str] = []
    title = ""
    unclosed: set[str] = set()
    pos, size = 0, len(text)
    while pos < size:
        m = _HIDDEN_START.search(text, pos)
        if m is None:
            kept.append(text[pos:])
            break
        kept.append(text[pos:m.start()])
        if m.group(0) == "<!--":
            end = text.find("-->", m.end())
            pos = size if end < 0 else end + 3
            continue
        name = m.group(1).lower()
        gt = text.find(">", m.end())
        if text[gt - 1] == "/":  # self-closing (an icon's `<svg/>`): nothing hidden, no closer to look for
            pos = gt + 1
            continue
        found = None if name in unclosed else _CLOSERS[name].search(text, gt + 1)
        if found is None:
            unclosed.add(name)  # none further on either: never search the rest again
        if name == "title" and not title:
            title = _inline(_TAG.sub("", text[gt + 1:found.start() if found else min(size, gt + 1000)]))
        if found is not None:
            pos = found.end()
        elif name in RAW_TEXT:
            break
        else:
            pos = gt + 1  # an element that is only hidden while open: its content counts
    visible = _TAG.sub("", _BLOCK_TAG.sub("\n", "".join(kept)))
    return title, html_lib.unescape(visible)


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
