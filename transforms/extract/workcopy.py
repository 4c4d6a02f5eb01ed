"""The working copy extraction scores: a copy of the content subtree without furniture or hidden parts.

The shared tree is only read (metadata, breadcrumb, ...): the subtree is copied, and the copies of the elements
to leave out (or to find again) are reached by their originals' positions, which a deep copy keeps.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

from lxml import etree
from lxml import html as lxml_html

from .cms import is_noise_line, noise_named, rules
from .script import squash, weighted_length
from .textnodes import texts_with

KILL_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
             "select", "textarea", "button", "input", "map", "link", "meta", "canvas", "audio", "dialog")
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
MAX_NOISE_LENGTH = 800  # Latin-equivalent characters; a furniture block is short, an article is not
MAX_NOISE_BOX = 120  # characters of a box of page controls around a control line (【打印本页】【关闭窗口】)
MAX_BESIDE_NOISE = 8  # characters outside links a box may hold beside the control line (brackets, bars)


def _unlinked(el: lxml_html.HtmlElement) -> int:
    """Characters of `el`'s text outside its links (page controls are links; what else a box says is not)."""
    return len(squash(el.text_content())) - sum(len(squash(a.text_content())) for a in el.iter("a"))


def _path(el: lxml_html.HtmlElement, source: lxml_html.HtmlElement) -> tuple[int, ...] | None:
    """The child positions leading from `source` down to `el` (None when `el` is not inside `source`)."""
    path = []
    while el is not source:
        parent = el.getparent()
        if parent is None:
            return None
        path.append(parent.index(el))
        el = parent
    return tuple(reversed(path))


def _at(root: lxml_html.HtmlElement, path: tuple[int, ...]) -> lxml_html.HtmlElement:
    for i in path:
        root = root[i]
    return root


def copy_with(source: lxml_html.HtmlElement, marked: Iterable[lxml_html.HtmlElement | None],
              wanted: Iterable[lxml_html.HtmlElement] = ()) -> tuple[lxml_html.HtmlElement, list]:
    """A deep copy of `source` minus the copies of the `marked` elements, and the copies of the `wanted` ones (None
    for one outside `source`). A copy is found at its original's position (a deep copy has the same shape): no
    attribute set on the shared tree, and no XPath over the whole copy to find it again."""
    dup = copy.deepcopy(source)
    paths = [_path(el, source) for el in wanted]
    copies = [None if p is None else _at(dup, p) for p in paths]
    doomed = sorted({p for p in (_path(el, source) for el in marked if el is not None) if p})  # document order
    for el in [_at(dup, p) for p in doomed]:  # all found before the first drop moves any
        if el.getparent() is not None:
            el.drop_tree()
    return dup, copies


def copy_without(source: lxml_html.HtmlElement, marked: Iterable[lxml_html.HtmlElement | None]
                 ) -> lxml_html.HtmlElement:
    """A deep copy of `source` minus the `marked` elements (which stay untouched in the original)."""
    return copy_with(source, marked)[0]


def drop_scripts(root: lxml_html.HtmlElement) -> None:
    for el in list(root.iter(*KILL_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()


def _maybe_hidden(root: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """`.//*[@hidden or @aria-hidden='true' or contains(@style, 'none') or contains(@style, 'hidden')]`
    in one walk (libxml2's XPath is several times slower at testing attributes on every element)."""
    out = []
    for el in root.iterdescendants(etree.Element):
        style = el.get("style")
        if (el.get("hidden") is not None or el.get("aria-hidden") == "true"
                or (style is not None and ("none" in style or "hidden" in style))):
            out.append(el)
    return out


def drop_hidden(root: lxml_html.HtmlElement) -> None:
    """Hidden parts are menus and templates, except a big block that scripts reveal on load."""
    total = 0  # the whole text's length, measured when first needed (none of the elements is hidden, mostly)
    for el in _maybe_hidden(root):
        if el.getparent() is None:
            continue
        if el.get("hidden") is None and el.get("aria-hidden") != "true" and not _HIDDEN_STYLE.search(
                el.get("style") or ""):
            continue
        total = total or max(len(root.text_content()), 1)  # before any drop, as the first hidden one is here
        if len(el.text_content()) < max(200, total / 3):
            el.drop_tree()


def _protected(el: lxml_html.HtmlElement) -> bool:
    return el.tag in ("body", "html", "article", "main") or el.find(".//article") is not None


def drop_noise(root: lxml_html.HtmlElement) -> None:
    """Share bars, font-size and print controls, QR codes, breadcrumbs and footers (by name and by text)."""
    for el in noise_named(root):
        if el.getparent() is None:
            continue  # inside a block dropped already
        if not _protected(el) and weighted_length(squash(el.text_content())) < MAX_NOISE_LENGTH:
            el.drop_tree()
    for node in texts_with(root, rules().noise_words, max_length=80):
        if not is_noise_line(node):
            continue
        el = node.getparent()
        if el is None:
            continue
        if getattr(node, "is_tail", False):
            el = el.getparent()
        if el is None:
            continue
        own = _unlinked(el)
        while (el.getparent() is not None and el.getparent() is not root and not _protected(el.getparent())):
            parent = el.getparent()
            outer = _unlinked(parent)
            if len(squash(parent.text_content())) > MAX_NOISE_BOX or outer - own > MAX_BESIDE_NOISE:
                break  # the box holds more than page controls (a short notice, say)
            el, own = parent, outer
        if el is not root and el.getparent() is not None and not _protected(el):
            el.drop_tree()


def working_copy(source: lxml_html.HtmlElement, marked: Iterable[lxml_html.HtmlElement | None],
                 wanted: Iterable[lxml_html.HtmlElement] = ()) -> tuple[lxml_html.HtmlElement, list]:
    """The cleaned copy, and the copies of the `wanted` elements as `copy_with` gives them (maybe dropped since)."""
    dup, copies = copy_with(source, marked, wanted)
    alive = list(dup.iter())  # noqa: F841 - proxies kept for the passes below (see extract._extract)
    drop_scripts(dup)
    drop_hidden(dup)
    drop_noise(dup)
    return dup, copies


def _inside(el: lxml_html.HtmlElement, root: lxml_html.HtmlElement) -> bool:
    return el is root or any(a is root for a in el.iterancestors())


class Workspace:
    """One cleaned copy of the body (no furniture, scripts, hidden parts or page controls) that every candidate
    block is cut from, with the copies of chosen originals found again by name (None once dropped)."""

    def __init__(self, body: lxml_html.HtmlElement, marked: Iterable[lxml_html.HtmlElement | None],
                 named: dict[str, lxml_html.HtmlElement | None]) -> None:
        kept = [(name, el) for name, el in named.items() if el is not None]
        self.root, copies = working_copy(body, marked, [el for _, el in kept])
        self.found: dict[str, lxml_html.HtmlElement] = {
            name: dup for (name, _), dup in zip(kept, copies, strict=True) if dup is not None and _inside(dup, self.root)}

    def get(self, name: str) -> lxml_html.HtmlElement | None:
        return self.found.get(name)
