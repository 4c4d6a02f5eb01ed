"""Text nodes that contain any of several words, found with one XPath and one regular expression.

An XPath `text()[contains(., 'a') or contains(., 'b') ...]` makes libxml2 copy every text node once per
word; listing the text nodes once and matching a compiled alternation is 4-5 times cheaper from about
five words on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree

from .script import squash

TEXTS = etree.XPath("descendant::text()")  # smart strings: getparent(), is_tail
_BODY_TEXTS = etree.XPath("//body//text()")


@lru_cache(maxsize=32)
def words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


def texts_with(root: etree._Element, words: Iterable[str], *, max_length: int | None = None,
               body: bool = False) -> list:
    """Text nodes (smart strings: `getparent()`, `is_tail`) under `root` holding one of `words`, in
    document order; `body` limits them to the document's body as `//body//text()` does."""
    pattern = words_pattern(tuple(words))
    nodes = _BODY_TEXTS(root) if body else TEXTS(root)
    if max_length is None:
        return [s for s in nodes if pattern.search(s)]
    return [s for s in nodes if len(s) <= max_length and pattern.search(s)]


Named = tuple[etree._Element, str, "str | None", "str | None"]  # (element, tag, class, id)


def named_elements(root: etree._Element) -> list[Named]:
    """Every element under `root` (itself included) with its tag, class and id, in document order."""
    return [(el, el.tag, el.get("class"), el.get("id")) for el in root.iter(etree.Element)]


class BodyText:
    """The body's text nodes, listed once (an XPath over the whole page makes a proxy per node) and shared by
    every reader of short texts (byline, 上一篇/下一篇, footer, the 信息公开 header, a search page's count) instead
    of one scan of the whole page each. `words` prefilters what `with_words` usually asks for."""

    def __init__(self, tree: etree._Element, words: Iterable[str]) -> None:
        self.all = _BODY_TEXTS(tree)
        pattern = words_pattern(tuple(words))
        self.nodes = [s for s in self.all if pattern.search(s)]
        self.words = set(words)
        self._tree = tree
        self._named: list[Named] | None = None

    def named(self) -> list[Named] | None:
        """Every element of the document with its tag, class and id, in document order: listed once for the
        readers that look for names (CMS containers, breadcrumbs, headlines) instead of a tree walk each.
        None when the tree is not its document's root (those readers then walk what they always walked)."""
        if self._named is None and self._tree is self._tree.getroottree().getroot():
            self._named = named_elements(self._tree)
        return self._named

    def with_words(self, words: Iterable[str], max_length: int | None = None) -> list:
        """What `texts_with(tree, words, body=True, max_length=...)` returns, from the shared lists."""
        words = tuple(words)
        pattern = words_pattern(words)
        pool = self.nodes if self.words.issuperset(words) else self.all
        return [s for s in pool if (max_length is None or len(s) <= max_length) and pattern.search(s)]

    def within(self, scope: etree._Element, words: Iterable[str], max_length: int | None = None) -> list:
        """`with_words` limited to the text inside `scope`, an element of the body."""
        out = []
        for s in self.with_words(words, max_length):
            holder = s.getparent()  # a tail belongs to the holder's parent, so the holder must be inside
            if (holder is scope and not s.is_tail) or any(a is scope for a in holder.iterancestors()):
                out.append(s)
        return out


def elements_named(root: etree._Element, class_words: tuple[str, ...], id_words: tuple[str, ...],
                   tags: frozenset[str] = frozenset(), named: list[Named] | None = None) -> list:
    """Elements whose tag is in `tags`, or whose class contains one of `class_words`, or whose id one of
    `id_words`, in document order: the XPath `contains(@class, …) or contains(@id, …)` in one Python walk
    (libxml2's XPath is several times slower at testing attributes on every element), or in the document's
    `named` list when given (`BodyText.named`)."""
    if named is None:
        named = named_elements(root.getroottree().getroot())
    out = []
    for el, tag, cls, ident in named:
        if tag in tags:
            out.append(el)
        elif cls is not None and any(w in cls for w in class_words):
            out.append(el)
        elif ident is not None and any(w in ident for w in id_words):
            out.append(el)
    return out


class LinkNames:
    """Each link's name (its text, else its title attribute, whitespace squashed), worked out once per page: the
    list finder and the 附件 finder both read every link of the page. Lives for one extraction."""

    def __init__(self) -> None:
        self._names: dict[etree._Element, str] = {}

    def __call__(self, a: etree._Element) -> str:
        name = self._names.get(a)
        if name is None:
            name = self._names[a] = squash(a.text_content()) or squash(a.get("title") or "")  # type: ignore[attr-defined]
        return name


SNIPPET = 12  # characters of a block's first long text searched for
DISTINCT = 24  # characters of its last long text: shorter lines (a signature) repeat elsewhere on a page


def holder(node: object) -> etree._Element:
    """The element a text node (a smart string) belongs to: its parent's, for a tail."""
    parent = node.getparent()  # type: ignore[attr-defined]
    return parent.getparent() if node.is_tail and parent.getparent() is not None else parent  # type: ignore[attr-defined]


def find_span(nodes: Iterable, block: etree._Element) -> tuple[etree._Element, etree._Element] | None:
    """The elements holding `block`'s first long text and, after it, its last one (`block` is a copy of
    part of the page the `nodes` are the text of; whitespace is ignored)."""
    long = [t for t in map(squash, block.itertext()) if len(t) >= SNIPPET]
    if not long:
        return None
    distinctive = [t for t in long if len(t) >= DISTINCT] or long
    first, last = long[0][:SNIPPET], distinctive[-1][-DISTINCT:]
    start = end = None
    for node in nodes:
        if len(node) < 4 or (first[:4] not in node and last[-4:] not in node):
            continue  # cheap test first: most text nodes hold neither snippet
        text = squash(node)
        if start is None and first in text:
            start = holder(node)
        if start is not None and end is None and last in text:
            end = holder(node)
    return (start, end) if start is not None and end is not None else None
