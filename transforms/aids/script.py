"""繁體: simplified text shown in traditional characters, with OpenCC's character tables for 台灣 or 香港.

Characters only (s2tw, s2hk), never OpenCC's phrase rewriting (s2twp turns 信息 into 資訊, 软件 into 軟體):
a government text keeps its own words. A text already in traditional characters passes unchanged."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import lru_cache
from html import escape

from lxml import html as lxml_html

from ..article import Article

CONFIGS = {"hant-tw": "s2tw", "hant-hk": "s2hk"}  # transforms.context.SCRIPTS other than "hans"
LANG_TAGS = {"hans": "", "hant-tw": "zh-Hant-TW", "hant-hk": "zh-Hant-HK"}
# attributes whose text a reader sees or hears
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "aria-description")
SKIP = frozenset({"script", "style", "textarea"})


@lru_cache(maxsize=len(CONFIGS) + 1)
def _opencc(config: str) -> Callable[[str], str]:
    import opencc  # imported when first needed: most pages are read in simplified characters

    return opencc.OpenCC(config).convert


def converter(script: str) -> Callable[[str], str] | None:
    """The conversion for `script` (one of SCRIPTS), or None when the text stays as it is."""
    config = CONFIGS.get(script)
    return _opencc(config) if config else None


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones (OpenCC t2s), e.g. to look a reading up."""
    return _opencc("t2s")(text) if text else text


def convert(text: str, script: str) -> str:
    fn = converter(script)
    return fn(text) if fn and text else text


def lang_tag(lang: str, script: str) -> str:
    """The page's `lang` once converted: Chinese becomes zh-Hant-TW / zh-Hant-HK, other languages stay."""
    tag = LANG_TAGS.get(script, "")
    return tag if tag and (lang or "zh").lower().startswith("zh") else lang


def convert_tree(root: lxml_html.HtmlElement, script: str) -> None:
    """Every text node and readable attribute under `root`, in place (scripts and styles left alone)."""
    fn = converter(script)
    if fn is None:
        return
    for el in root.iter():
        if not isinstance(el.tag, str):
            if el.tail:
                el.tail = fn(el.tail)
            continue
        if el.tag not in SKIP and el.text:
            el.text = fn(el.text)
        if el.tail:
            el.tail = fn(el.tail)
        for name in TEXT_ATTRIBUTES:
            value = el.get(name)
            if value:
                el.set(name, fn(value))
        if el.tag == "input" and el.get("type", "").lower() in ("submit", "button", "reset") and el.get("value"):
            el.set("value", fn(el.get("value", "")))


def convert_html(fragment: str, script: str) -> str:
    """A sanitised HTML fragment (an Article's content_html) converted."""
    if converter(script) is None or not fragment:
        return fragment
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    convert_tree(root, script)
    return inner_html(root)


def inner_html(root: lxml_html.HtmlElement) -> str:
    """What `fragment_fromstring(..., create_parent="div")` wrapped, serialised back without the wrapper."""
    return escape(root.text or "", quote=False) + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in root)


def convert_article(article: Article, script: str) -> Article:
    """A copy of `article` with every field a reader sees converted; URLs and dates untouched."""
    fn = converter(script)
    if fn is None:
        return article
    converted = _convert_value(article, fn)
    assert isinstance(converted, Article)
    return dataclasses.replace(converted, content_html=convert_html(article.content_html, script),
                               lang=lang_tag(article.lang, script))


# addresses, ISO dates, codes and the extraction's own notes (method) stay as they are
_UNTOUCHED = frozenset({"url", "src", "published", "meta_published", "issued", "lang", "page_type", "extraction",
                        "method", "type", "date", "content_html"})


def _convert_value(original: object, fn: Callable[[str], str]) -> object:
    """Strings in a dataclass tree converted, except the fields named in _UNTOUCHED."""
    if isinstance(original, str):
        return fn(original)
    if isinstance(original, list):
        return [_convert_value(v, fn) for v in original]
    if dataclasses.is_dataclass(original) and not isinstance(original, type):
        changes = {f.name: _convert_value(getattr(original, f.name), fn) for f in dataclasses.fields(original)
                   if f.name not in _UNTOUCHED}
        return dataclasses.replace(original, **changes)
    return original
