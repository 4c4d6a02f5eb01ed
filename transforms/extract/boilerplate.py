"""Site boilerplate (版权与免责声明, 网站声明, 温馨提示, copyright lines): prose that is on every page of a site and
never the article, however much punctuation it has. Recognised by the density of its stock phrases
(data/cms_containers.yaml: boilerplate)."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import html as lxml_html

from .cms import rules
from .script import squash
from .textnodes import TEXTS

MIN_DISTINCT = 2  # different stock phrases in one block
MIN_DENSITY = 1.5  # stock phrases per 100 characters
MAX_LENGTH = 2000  # characters: a longer block is no statement (its parts are still checked)
BLOCKS = frozenset({"div", "p", "section", "table", "tbody", "tr", "td", "ul", "ol", "li", "dl", "aside", "footer",
                    "center", "font", "span", "article", "main", "form"})


@lru_cache(maxsize=1)
def phrases() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, rules().boilerplate)), re.I)


_IDEOGRAPHS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")  # no case: re.I matches them only as written
_FOLDS_TO_ASCII = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}  # re.I's non-ASCII matches (re docs)


def _without_flag(phrase: str) -> re.Pattern[str]:
    """`phrase` matched as re.I matches it, by a pattern without the flag: each ASCII letter a class of the
    characters it matches (`[Cc]opyright`); ideographs and ASCII non-letters have no case. Another phrase keeps
    re.I."""
    if not all(c.isascii() or _IDEOGRAPHS.match(c) for c in phrase):
        return re.compile(re.escape(phrase), re.I)
    parts = [f"[{c.lower()}{c.upper()}{_FOLDS_TO_ASCII.get(c.lower(), '')}]" if c.isascii() and c.isalpha()
             else re.escape(c) for c in phrase]
    return re.compile("".join(parts))


@lru_cache(maxsize=1)
def _searchers() -> tuple[re.Pattern[str], ...]:
    """`phrases().search` as several searches without re.I, one for all phrases of ideographs and one per other
    phrase: with re.I (or a character class first in an alternative) the regex engine tries every phrase at
    every position; without it, it jumps to the phrases' first characters, several times faster."""
    plain = [p for p in rules().boilerplate if _IDEOGRAPHS.fullmatch(p)]
    others = [p for p in rules().boilerplate if not _IDEOGRAPHS.fullmatch(p)]
    return (*([re.compile("|".join(map(re.escape, plain)))] if plain else []), *map(_without_flag, others))


def has_phrase(text: str) -> bool:
    """`bool(phrases().search(text))`, faster (see `_searchers`)."""
    return any(pattern.search(text) for pattern in _searchers())


def is_boilerplate(text: str) -> bool:
    text = squash(text)
    if not text:
        return False
    hits = phrases().findall(text)
    return (len(set(hits)) >= MIN_DISTINCT and len(hits) * 100 / len(text) >= MIN_DENSITY
            and not rules().boilerplate_legal.issuperset(hits))  # the law's words alone: a document's own prose


def drop_boilerplate(root: lxml_html.HtmlElement) -> None:
    """Remove the outermost blocks under `root` that are boilerplate (the root itself stays). Only the boxes
    around a text holding a stock phrase are looked at."""
    suspects: set[lxml_html.HtmlElement] = set()
    for node in TEXTS(root):
        if has_phrase(node):
            holder = node.getparent()
            for el in (holder, *holder.iterancestors()):
                if el is root or el in suspects:
                    break
                suspects.add(el)
    if suspects:
        _drop(root, suspects)


def _drop(root: lxml_html.HtmlElement, suspects: set[lxml_html.HtmlElement]) -> None:
    for child in list(root):
        if child not in suspects or child.tag not in BLOCKS:
            continue
        text = child.text_content()
        if len(text) <= MAX_LENGTH and is_boilerplate(text):
            child.drop_tree()
        elif len(child):
            _drop(child, suspects)
