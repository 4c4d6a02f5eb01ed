"""Link policy: which (tag, attribute) holds a URL and what to do with it, as a table (after pywb)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from . import css
from .context import Context
from .parse import fragment
from .registry import Page, transform

EXTERNAL_LABEL = {"zh": "（外部链接）", "en": " (external link)"}

# Every (tag, attribute) that holds a URL a browser would fetch or follow, and what we do with it ("*": any
# tag). Kinds: navigate (same mode through the proxy), asset (through /asset), srcset (a list of assets),
# stylesheet (through /asset, which sanitises CSS), refresh (meta refresh within the proxy), drop (removed:
# nothing of ours needs it, and left alone it would reach our origin or the site directly).
URL_ATTRIBUTES: list[tuple[str, str, str]] = [
    ("a", "href", "navigate"),
    ("area", "href", "navigate"),
    ("form", "action", "navigate"),
    ("blockquote", "cite", "navigate"),
    ("q", "cite", "navigate"),
    ("del", "cite", "navigate"),
    ("ins", "cite", "navigate"),
    ("img", "longdesc", "navigate"),
    ("img", "src", "asset"),
    ("img", "srcset", "srcset"),
    ("source", "srcset", "srcset"),
    ("source", "src", "asset"),
    ("input", "src", "asset"),
    ("video", "src", "asset"),
    ("video", "poster", "asset"),
    ("audio", "src", "asset"),
    ("track", "src", "asset"),
    ("body", "background", "asset"),
    ("table", "background", "asset"),
    ("tr", "background", "asset"),
    ("td", "background", "asset"),
    ("th", "background", "asset"),
    ("link", "href", "stylesheet"),
    ("meta", "content", "refresh"),
    ("link", "imagesrcset", "drop"),
    ("*", "ping", "drop"),
    ("*", "formaction", "drop"),
    ("*", "srcdoc", "drop"),
    ("*", "xlink:href", "drop"),
    ("*", "lowsrc", "drop"),
    ("*", "dynsrc", "drop"),
    ("*", "manifest", "drop"),
    ("*", "codebase", "drop"),
    ("*", "archive", "drop"),
    ("*", "classid", "drop"),
    ("*", "icon", "drop"),
    ("*", "profile", "drop"),
    ("*", "action", "drop"),
    ("*", "background", "drop"),
    ("*", "poster", "drop"),
    ("*", "data", "drop"),
    ("*", "src", "drop"),
    ("*", "srcset", "drop"),
    ("*", "href", "drop"),
    ("*", "cite", "drop"),
    ("*", "longdesc", "drop"),
]
KINDS: dict[tuple[str, str], str] = {(tag, attr): kind for tag, attr, kind in URL_ATTRIBUTES}
URL_ATTRIBUTE_NAMES = frozenset(attr for _, attr, _ in URL_ATTRIBUTES)


def _resolved_by_tag() -> dict[str, list[tuple[str, str]]]:
    """What absolutize resolves, by tag (in URL_ATTRIBUTES' order): one walk over the tree instead of one per
    entry. Only named tags: an attribute resolved on every tag would need a walk of its own."""
    out: dict[str, list[tuple[str, str]]] = {}
    for tag, attr, kind in URL_ATTRIBUTES:
        if kind != "drop":
            if tag == "*":
                raise ValueError(f"absolutize resolves {attr} on named tags only")
            out.setdefault(tag, []).append((attr, kind))
    return out


_RESOLVED = _resolved_by_tag()
KEPT_SCHEMES = ("mailto:", "tel:")
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file|about|blob|filesystem):", re.I)
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REFRESH = re.compile(r"^\s*(\d+)\s*[;,]\s*(?:url\s*=\s*)?(['\"]?)(.*?)\2\s*$", re.I)


def kind_of(tag: str, attr: str) -> str | None:
    """What URL_ATTRIBUTES says of `attr` on `tag` (None: not a URL attribute)."""
    return KINDS.get((tag, attr)) or KINDS.get(("*", attr))


def document_base(tree: lxml_html.HtmlElement, url: str) -> str:
    """The first `<base href>` with an http(s) URL wins (as in browsers); others are ignored."""
    for base in tree.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            candidate = urljoin(url, href)
            if urlsplit(candidate).scheme in ("http", "https"):
                return candidate
            break
    return url


def absolutize(tree: lxml_html.HtmlElement, url: str) -> str:
    """Resolve the URLs of URL_ATTRIBUTES against the base, once, for every later stage; CSS url()s are left
    to the stage that serves CSS (orig mode), since nothing else reads them. Returns the base."""
    base = document_base(tree, url)
    for el in list(tree.iter("base")):
        el.drop_tree()
    for el in tree.iter(*_RESOLVED):  # each element's attributes are its own: the order of elements is free
        for attr, kind in _RESOLVED[el.tag]:
            _absolutize_attribute(el, attr, kind, base)
    return base


def _absolutize_attribute(el: lxml_html.HtmlElement, attr: str, kind: str, base: str) -> None:
    value = el.get(attr)
    if value is None:
        return
    if kind == "srcset":
        new = ", ".join(_join_candidate(base, c) for c in value.split(",") if c.strip())
    elif kind == "refresh":
        m = _REFRESH.match(value)
        if not m or (el.get("http-equiv") or "").lower() != "refresh":
            return
        new = f"{m.group(1)};url={resolve(base, m.group(3))}"
    else:
        new = resolve(base, value)
    try:
        el.set(attr, new)
    except ValueError:  # control characters (from entities like &#1;): no browser would follow it
        del el.attrib[attr]


def resolve(base: str, value: str) -> str:
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value  # most links on a page: no join needed
    return _join(base, value)


@lru_cache(maxsize=8192)
def _join(base: str, value: str) -> str:
    try:
        return urljoin(base, value)
    except ValueError:
        return ""


def _join_candidate(base: str, candidate: str) -> str:
    bits = candidate.split()
    return " ".join([resolve(base, bits[0]), *bits[1:]])


def _normalise(raw: str) -> str:
    # Browsers drop ASCII whitespace and control characters inside schemes: `java\tscript:` runs.
    return re.sub(r"[\x00-\x20\x7f]+", "", raw)


def browser_clean(raw: str) -> str:
    """The URL as a browser reads it: tabs and newlines removed anywhere, C0 and spaces trimmed at the ends."""
    return re.sub(r"[\t\n\r]", "", raw).strip("".join(map(chr, range(0x21))))


def classify(url: str, ctx: Context) -> str:
    """One of fragment, kept, dropped, proxied, external."""
    clean = _normalise(url)
    if not clean or clean.startswith("#"):
        return "fragment"
    low = clean.lower()
    if low.startswith(KEPT_SCHEMES):
        return "kept"
    if _BAD_SCHEME.match(clean):
        return "dropped"
    parts = urlsplit(clean)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "dropped"
    return "proxied" if ctx.host_allowed(parts.hostname) else "external"


def navigate_url(url: str, ctx: Context) -> str | None:
    page, _, fragment = url.partition("#")
    if fragment and page == ctx.url.partition("#")[0]:
        return "#" + fragment  # a link within this page stays within it
    kind = classify(url, ctx)
    if kind == "dropped":
        return None
    if kind == "proxied":
        return ctx.proxy_url(_normalise(url), ctx.mode)
    return browser_clean(url)


def asset_url(url: str, ctx: Context) -> str | None:
    kind = classify(url, ctx)
    if kind in ("dropped", "fragment", "kept"):
        return None
    return ctx.asset_url(_normalise(url))


def _srcset(value: str, ctx: Context) -> str | None:
    out = []
    for candidate in value.split(","):
        bits = candidate.strip().split()
        if not bits:
            continue
        new = asset_url(bits[0], ctx)
        if new:
            out.append(" ".join([new, *bits[1:]]))
    return ", ".join(out) or None


def _refresh(value: str, ctx: Context) -> str | None:
    """A refresh may only move the reader within the proxy (where the guard checks it); an automatic jump
    to another site or address is dropped."""
    m = _REFRESH.match(value or "")
    if not m:
        return value if (value or "").strip().isdigit() else None
    if classify(m.group(3), ctx) != "proxied":
        return None
    return f"{m.group(1)};url={navigate_url(m.group(3), ctx)}"


def _mark_external(a: lxml_html.HtmlElement, ctx: Context) -> None:
    a.set("rel", "noopener noreferrer external")
    a.set("class", ((a.get("class") or "") + " external").strip())
    label = lxml_html.Element("span")
    label.set("class", "visually-hidden")
    label.text = EXTERNAL_LABEL.get(ctx.ui_lang, EXTERNAL_LABEL["zh"])
    a.append(label)


def css_url_policy(ctx: Context, base: str) -> Callable[[str], str | None]:
    """How a URL inside CSS is written: resolved against the sheet's base and served through /asset; a
    fragment (`url(#clip)`) stays; anything else (javascript:, data: but raster images, our own paths) goes."""

    def policy(raw: str) -> str | None:
        value = raw.strip()
        if value.startswith("#"):
            return value
        if _normalise(value).lower().startswith("data:image/") and not _is_svg_data(value):
            return value
        return asset_url(resolve(base or ctx.url, value), ctx)

    return policy


def _is_svg_data(value: str) -> bool:
    return "svg" in _normalise(value).lower().split(",", 1)[0]


def rewrite_stylesheet(text: str, ctx: Context, base: str) -> str:
    """A linked stylesheet (served through /asset), sanitised with its URLs resolved against its own URL."""
    return css.sanitize_stylesheet(text, css_url_policy(ctx, base))


def rewrite_styles(root: lxml_html.HtmlElement, ctx: Context, base: str) -> None:
    """Every `<style>` element and `style` attribute, sanitised by the CSS tokenizer with its URLs rewritten."""
    policy = css_url_policy(ctx, base)
    for el in root.iter("style"):
        el.text = css.sanitize_stylesheet(el.text or "", policy) or None
        for child in list(el):
            el.remove(child)
    for el in root.iter():
        if isinstance(el.tag, str) and "style" in el.attrib:
            clean = css.sanitize_declarations(el.get("style") or "", policy)
            if clean:
                set_attribute(el, "style", clean)
            else:
                del el.attrib["style"]


def set_attribute(el: lxml_html.HtmlElement, attr: str, value: str) -> None:
    """Set a value from upstream; characters XML cannot hold (form feed, C0 controls) are left out."""
    try:
        el.set(attr, value)
    except ValueError:
        el.set(attr, _XML_UNSAFE.sub("", value))


HANDLERS: dict[str, Callable[[str, Context], str | None]] = {
    "navigate": navigate_url,
    "asset": asset_url,
    "srcset": _srcset,
    "stylesheet": asset_url,
    "refresh": _refresh,
}


def rewrite_tree(root: lxml_html.HtmlElement, ctx: Context) -> None:
    """Rewrite every URL attribute in the tree per URL_ATTRIBUTES, in one walk; links it cannot make safe,
    and every URL attribute the table drops, are removed."""
    for el in list(root.iter()):
        tag = el.tag
        if not isinstance(tag, str) or el.getparent() is None and el is not root:
            continue
        for attr in [a for a in el.attrib if a in URL_ATTRIBUTE_NAMES]:
            kind = kind_of(tag, attr)
            if kind is None:
                continue
            if kind == "drop":
                del el.attrib[attr]
                continue
            if tag == "meta" and (el.get("http-equiv") or "").lower() != "refresh":
                continue
            if tag == "form" and (el.get("method") or "get").lower() != "get":
                el.drop_tag()
                break
            value = el.get(attr) or ""
            new = HANDLERS[kind](value, ctx)
            if new is None:
                del el.attrib[attr]
                if tag == "meta":
                    el.drop_tree()
                    break
                continue
            set_attribute(el, attr, new)
            if kind == "navigate" and tag in ("a", "area") and classify(value, ctx) == "external":
                if tag == "a":
                    _mark_external(el, ctx)
                else:
                    el.set("rel", "noopener noreferrer external")


def _fragment(html: str) -> lxml_html.HtmlElement:
    return fragment(html or "<div></div>")


@transform("rewrite_links")
def rewrite_article_links(page: Page, ctx: Context) -> Page:
    """Links in the article and its link fields go to the same mode through the proxy."""
    art = page.article
    if art is None:
        return page
    root = _fragment(art.content_html)
    rewrite_tree(root, ctx)
    art.content_html = lxml_html.tostring(root, encoding="unicode")
    for link in [*art.breadcrumb, art.prev, art.next, art.prev_page, art.next_page, *art.attachments,
                 *art.entries, *[lk for g in art.groups for lk in g.links]]:
        if link is not None:
            link.url = navigate_url(link.url, ctx) or ""
    for img in art.images:
        img.src = asset_url(img.src, ctx) or ""
    return page


@transform("rewrite_document_links")
def rewrite_document_links(page: Page, ctx: Context) -> Page:
    rewrite_tree(page.tree, ctx)
    return page
