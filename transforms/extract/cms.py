"""Rules kept in data/cms_containers.yaml: CMS content containers and page-furniture markers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import html as lxml_html

from .script import squash, weighted_length
from .textnodes import named_elements

DATA = Path(__file__).resolve().parent / "data" / "cms_containers.yaml"
_SIMPLE = re.compile(r"^([a-zA-Z][\w-]*)?(?:([#.])([\w-]+)|\[([\w-]+)=([^\]]+)\])?$")
MIN_CONTAINER_LENGTH = 120  # Latin-equivalent characters: below that, a container is an empty shell


@dataclass(frozen=True)
class Selector:
    tag: str | None
    attr: str  # "id", "class" or any attribute name
    value: str

    def matches(self, el: lxml_html.HtmlElement) -> bool:
        if self.tag and el.tag != self.tag:
            return False
        got = el.get(self.attr)
        if got is None:
            return False
        return self.value in got.split() if self.attr == "class" else got.strip() == self.value


@dataclass(frozen=True)
class Rules:
    content: tuple[Selector, ...]
    content_names: tuple[str, ...]  # the selectors as written, for Article.method
    noise_tokens: tuple[str, ...]
    noise_lines: re.Pattern[str]
    noise_words: tuple[str, ...]
    headline_names: re.Pattern[str]
    headline_prefixes: tuple[str, ...]
    boilerplate: tuple[str, ...]
    boilerplate_legal: frozenset[str]


def parse_selector(selector: str) -> Selector:
    """`#id`, `.class`, `tag#id`, `tag.class`, `[attr=value]` (no cssselect needed, one tree walk)."""
    m = _SIMPLE.match(selector.strip())
    if not m or not (m.group(2) or m.group(4)):
        raise ValueError(f"unsupported selector {selector!r}")
    tag, kind, name, attr, value = m.groups()
    if kind:
        return Selector(tag, "id" if kind == "#" else "class", name)
    return Selector(tag, attr, value.strip("\"'"))


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return Rules(
        content=tuple(parse_selector(item["selector"]) for item in data["content"]),
        content_names=tuple(item["selector"] for item in data["content"]),
        noise_tokens=tuple(t.lower() for t in data["noise_tokens"]),
        noise_lines=re.compile("|".join(f"(?:{p})" for p in data["noise_lines"])),
        noise_words=tuple(data["noise_words"]),
        headline_names=re.compile("|".join(f"(?:{p})" for p in data["headline_names"]), re.I),
        headline_prefixes=tuple(data["headline_prefixes"]),
        boilerplate=tuple(data["boilerplate"]),
        boilerplate_legal=frozenset(data["boilerplate_legal"]),
    )


def find_container(root: lxml_html.HtmlElement, named: list | None = None) -> tuple[str, lxml_html.HtmlElement] | None:
    """(selector, element): the first CMS content container (in rule order) that holds real text; the fullest
    if repeated. `named`: the document's (element, tag, class, id) list when `root` is the document's root
    (`textnodes.BodyText.named`), read instead of the tree."""
    index = _index(rules().content)
    by_class, others = index.get("class", {}), [(a, v) for a, v in index.items() if a != "class"]
    hits: dict[int, list[lxml_html.HtmlElement]] = {}
    if named is None:  # comments and PIs have no attributes: elements only
        named = named_elements(root)
    for el, _tag, raw, ident in named:
        if raw:
            for value in raw.split():
                for i, sel in by_class.get(value, ()):
                    if sel.matches(el):
                        hits.setdefault(i, []).append(el)
        for attr, by_value in others:
            raw = ident if attr == "id" else el.get(attr)
            if raw:
                for i, sel in by_value.get(raw.strip(), ()):
                    if sel.matches(el):
                        hits.setdefault(i, []).append(el)
    for i in sorted(hits):
        found = [(weighted_length(squash(el.text_content())), el) for el in hits[i]]
        found = [(n, el) for n, el in found if n >= MIN_CONTAINER_LENGTH]
        if found:
            return rules().content_names[i], max(found, key=lambda pair: pair[0])[1]
    return None


@lru_cache(maxsize=4)
def _index(selectors: tuple[Selector, ...]) -> dict[str, dict[str, list[tuple[int, Selector]]]]:
    """attribute -> value -> selectors, so one walk over the tree checks every rule."""
    index: dict[str, dict[str, list[tuple[int, Selector]]]] = {}
    for i, sel in enumerate(selectors):
        index.setdefault(sel.attr, {}).setdefault(sel.value, []).append((i, sel))
    return index


@lru_cache(maxsize=4)
def _noise_name_re(tokens: tuple[str, ...]) -> re.Pattern[str]:
    """Short tokens (`ewm`, `sxp`) must be whole words; longer ones (`share`) may be part of a name."""
    short = [re.escape(t) for t in tokens if len(t) <= 4]
    long = [re.escape(t) for t in tokens if len(t) > 4]
    return re.compile("|".join([*long, *(rf"(?<![a-z0-9]){t}(?![a-z0-9])" for t in short)]))


def is_noise_name(el: lxml_html.HtmlElement) -> bool:
    """Class or id names a share bar, print link, QR code, breadcrumb, footer, ..."""
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:
        return False
    return bool(_noise_name_re(rules().noise_tokens).search(f"{cls or ''} {ident or ''}".lower()))


def noise_named(root: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Descendants of `root` that `is_noise_name`, in document order (one walk, one regex per name)."""
    out = []
    for el in root.iterdescendants():
        cls, ident = el.get("class"), el.get("id")
        if (cls or ident) and _noisy(f"{cls or ''} {ident or ''}"):
            out.append(el)
    return out


@lru_cache(maxsize=4096)
def _noisy(names: str) -> bool:
    """Pages repeat a few class names on many elements: each is matched once."""
    return bool(_noise_name_re(rules().noise_tokens).search(names.lower()))


def is_noise_line(text: str) -> bool:
    return bool(rules().noise_lines.match(squash(text)))
