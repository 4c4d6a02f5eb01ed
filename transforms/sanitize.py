"""Sanitising with real sanitisers: nh3 for the article fragment, lxml_html_clean for whole pages (orig)."""

from __future__ import annotations

import re

import nh3
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

from .context import Context
from .links import URL_ATTRIBUTE_NAMES, rewrite_styles
from .registry import Page, transform

ARTICLE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ARTICLE_ATTRIBUTES = {
    "*": {"lang", "dir", "title", "id"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "srcset"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "span": {"class"},
    "div": {"class"},
    "dl": {"class"},  # dl.doc-info: a document's 信息公开 header
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_fragment(html: str) -> str:
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "embed",
                            "svg", "math", "textarea", "select", "button"},
    )


@transform("sanitize")
def sanitize_article(page: Page, ctx: Context) -> Page:
    if page.article is not None:
        page.article.content_html = clean_fragment(page.article.content_html)
    return page


_DOCUMENT_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=False,
    inline_style=False,
    links=False,
    meta=False,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=False,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=False,
    kill_tags={"template", "noscript", "svg", "math", "portal", "base"},
)
# Any attribute that may hold a URL, on any element: a scheme that runs code goes before anything else looks.
_BAD_URL = re.compile(r"(?:^|,)(?:javascript|vbscript|livescript|data|file|blob|filesystem):", re.I)
_SPACE_CTRL = re.compile(r"[\x00-\x20\x7f]+")
_FORBIDDEN_LINK_RELS = {"import", "preload", "prefetch", "modulepreload", "dns-prefetch", "preconnect",
                        "manifest", "serviceworker"}
# Elements whose `name` becomes a property of `document` (and hides its methods: <img name=getElementById>)
_NAMED_ON_DOCUMENT = {"img", "form", "embed", "iframe", "object", "frame"}
# Our own ids (toolbar, strings, player, ...): the page's copies are renamed so that ours are the only ones
_OWN_ID_PREFIXES = ("a11y-", "bm-")


def clean_document(tree: lxml_html.HtmlElement, ctx: Context, base: str) -> lxml_html.HtmlElement:
    """The whole upstream page made inert: no script, handler, plugin or frame; CSS sanitised by its
    tokenizer with every url() through the proxy (links.rewrite_styles)."""
    _DOCUMENT_CLEANER(tree)
    for el in list(tree.iter("link")):
        rels = set((el.get("rel") or "").lower().split())
        if rels & _FORBIDDEN_LINK_RELS or "stylesheet" not in rels:
            el.drop_tree()
    for el in list(tree.iter("meta")):
        if (el.get("http-equiv") or "").lower() not in ("", "refresh", "content-type", "content-language"):
            el.drop_tree()
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in list(el.attrib):
            name = attr.lower()
            if name.startswith("on") or name in ("formaction", "srcdoc", "xlink:href"):
                del el.attrib[attr]
            elif name in URL_ATTRIBUTE_NAMES and _unsafe_url(el.tag, name, el.get(attr)):
                del el.attrib[attr]
        _unclobber(el)
    rewrite_styles(tree, ctx, base)
    return tree


def _unclobber(el: lxml_html.HtmlElement) -> None:
    """No DOM clobbering of our toolbar's script: the page's scripts are gone, so a name on these elements
    serves nothing but shadowing `document`'s methods, and an id in our namespace could stand in for ours."""
    if el.tag in _NAMED_ON_DOCUMENT:
        el.attrib.pop("name", None)
    own = el.get("id")
    if own and own.strip().lower().startswith(_OWN_ID_PREFIXES):
        el.set("id", f"site-{own.strip()}")


def _unsafe_url(tag: str, attr: str, value: str) -> bool:
    """A scheme that runs code or smuggles a document; `data:` stays only for a raster image's src."""
    squashed = _SPACE_CTRL.sub("", value)
    if tag == "img" and attr == "src" and squashed.lower().startswith("data:image/") and "svg" not in squashed.lower():
        return False
    return bool(_BAD_URL.search(squashed))


@transform("sanitize_document")
def sanitize_document(page: Page, ctx: Context) -> Page:
    page.tree = clean_document(page.tree, ctx, page.base)
    return page
