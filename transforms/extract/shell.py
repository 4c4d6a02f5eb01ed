"""Pages whose content only a browser's scripts make (Vue, React, Angular, Nuxt shells; a static frame around an
empty box filled by an XHR): nothing to simplify. Told by a script mount point, a noscript plea or a loading
placeholder, and next to no text of their own outside links and the footer."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from .boilerplate import phrases
from .script import weighted_length

MAX_TEXT = 30  # Latin-equivalent characters of the page's own text
MAX_PAGE_TEXT = 20000  # characters of all the body's text, inline scripts included: more is no empty shell
MOUNT_IDS = frozenset({"app", "root", "__nuxt", "__next", "main-app", "__layout", "react-root", "vue-app", "q-app"})
_LOADING = re.compile(r"(加载中|正在加载|载入中|loading)", re.I)
_NEEDS_SCRIPT = re.compile(r"javascript|脚本|JS", re.I)
INVISIBLE = frozenset({"script", "style", "noscript", "template", "title", "head", "svg", "option"})


def _signals(body: lxml_html.HtmlElement) -> bool:
    for el in body.iter(etree.Element):
        tag = el.tag
        if el.get("id") in MOUNT_IDS or tag.endswith("-root") or tag == "app-root" \
                or el.get("data-server-rendered") is not None:
            return True
        if tag == "noscript" and _NEEDS_SCRIPT.search(el.text_content()):
            return True
    return False


def own_length(body: lxml_html.HtmlElement, limit: float = MAX_TEXT) -> float:
    """Length of the visible text outside links, loading lines and footer phrases (counting stops at `limit`)."""
    total, hidden = 0.0, 0  # hidden: depth inside a link or an invisible element

    def count(text: str | None) -> float:
        text = (text or "").strip()
        if not text or _LOADING.search(text) or phrases().search(text):
            return 0.0
        return weighted_length(text)

    for event, el in etree.iterwalk(body, events=("start", "end")):
        skip = not isinstance(el.tag, str) or el.tag in INVISIBLE or el.tag == "a"
        if event == "start":
            hidden += skip
            if not hidden:
                total += count(el.text)
        else:
            hidden -= skip
            if not hidden and el is not body:
                total += count(el.tail)
        if total >= limit:
            break
    return total


def is_js_only(tree: lxml_html.HtmlElement) -> bool:
    body = tree.find("body")
    if body is None or len(body.text_content()) > MAX_PAGE_TEXT or own_length(body) >= MAX_TEXT:
        return False  # a page with text of its own (counting stops early on every real page)
    return _signals(body) or any(_LOADING.search(t) for t in body.itertext() if len(t) < 40)
