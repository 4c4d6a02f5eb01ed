"""Titles: clean text from every source (meta tags may hold markup), `<title>` split into its headline, column
and site parts, the headline element found by CMS class patterns (data/cms_containers.yaml) and its column
prefix (`工作动态 | 标题`) cut off."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from functools import lru_cache

from lxml import html as lxml_html

from .cms import rules
from .script import squash

# Separators between a headline and its column or site name. A hyphen separates only between CJK text (in
# `2023-2025年` or `COVID-19` it belongs to the title); a dash run `——` joins a headline and its sub-title.
_SEPARATORS = re.compile(
    r"\s+[-–—|｜»«:]\s+"  # spaced: ` - `, ` — `, ` | `, ` » `
    r"|\s*(?:_+|\||｜|»|«|::|--+|\s>\s)\s*"  # unspaced `_`, `|`, `｜`, `»`, `--`
    r"|(?<=[\u4e00-\u9fff）)》”%])-(?=[\u4e00-\u9fff（(《“])"  # `标题-站名`, `上涨0.3%-站名`
)
_TAG = re.compile(r"<[^>]+>")
_NOT_ALNUM = re.compile(r"[\W_]+")
MIN_HEADLINE = 6  # characters: shorter is a column or site name
MAX_HEADLINE = 150


def clean(text: str | None) -> str:
    """Plain text of a title from any source: tags removed (a CMS meta may hold `<div>` markup), entities
    decoded, whitespace squashed."""
    text = text or ""
    if "<" in text and ">" in text:
        try:
            text = lxml_html.fragment_fromstring(text, create_parent="div").text_content()
        except Exception:  # noqa: BLE001 - unparseable markup: drop anything tag-shaped
            text = _TAG.sub("", text)
    if "&" in text:
        text = html_lib.unescape(text)
    return squash(text)


def norm(text: str) -> str:
    """Compare titles without spaces, punctuation or width differences."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text))


def parts(title: str) -> list[str]:
    """`标题_栏目_站名` -> ["标题", "栏目", "站名"]."""
    return [p for p in (squash(x) for x in _SEPARATORS.split(clean(title))) if p]


def headline_part(title: str, site: str = "") -> str:
    """The headline in a `<title>`: the longest part that is not the site's name."""
    found = [p for p in parts(title) if not site or norm(p) != norm(site)]
    return max(found, key=len) if found else ""


@lru_cache(maxsize=1)
def _prefix_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in rules().headline_prefixes))


def strip_prefix(text: str) -> str:
    """`工作动态 | 标题` -> `标题`: a column name before the headline in the same element."""
    m = _prefix_re().match(text)
    if m and len(text) - m.end() >= MIN_HEADLINE:
        return text[m.end():].strip()
    return text


def is_headline_name(el: lxml_html.HtmlElement) -> bool:
    """Class or id names a headline (`art-title`, `xl-bt`, `biaoti`, ...; data/cms_containers.yaml)."""
    cls, ident = el.get("class"), el.get("id")
    return bool(cls or ident) and headline_names(f"{cls or ''} {ident or ''}")


@lru_cache(maxsize=4096)
def headline_names(names: str) -> bool:
    """`"class id"` names a headline (pages repeat a few names on many elements: each is matched once)."""
    return bool(rules().headline_names.search(names))
