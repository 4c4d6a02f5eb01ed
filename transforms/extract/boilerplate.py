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


def is_boilerplate(text: str) -> bool:
    text = squash(text)
    if not text:
        return False
    hits = phrases().findall(text)
    return len(set(hits)) >= MIN_DISTINCT and len(hits) * 100 / len(text) >= MIN_DENSITY


def drop_boilerplate(root: lxml_html.HtmlElement) -> None:
    """Remove the outermost blocks under `root` that are boilerplate (the root itself stays). Only the boxes
    around a text holding a stock phrase are looked at."""
    suspects: set[lxml_html.HtmlElement] = set()
    for node in TEXTS(root):
        if phrases().search(node):
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
