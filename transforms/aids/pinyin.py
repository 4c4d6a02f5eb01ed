"""拼音: ruby pinyin over Chinese text, for readers who recognise characters uncertainly.

pypinyin reads each run of Han characters whole, so its phrase dictionary picks the reading of a 多音字 from
its word (银行 háng, 行走 xíng, 重庆 chóng, 长辈 zhǎng). On our pages the pinyin is CSS generated content of
an empty, aria-hidden `<rt data-py>`: copying, the page's text (which 连读 and 指读 read) and screen readers
get the characters once and nothing else. Outputs for other programs (JSON) get standard `<rt>` text."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import html as lxml_html

from .script import inner_html, to_simplified

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
SKIP = frozenset({"script", "style", "textarea", "ruby", "rt", "rp", "title", "option", "select", "code",
                  "kbd", "samp"})
MAX_RUN = 200  # a run longer than this is read in pieces (pypinyin's phrase matching is per run)


@lru_cache(maxsize=4096)
def readings(run: str) -> tuple[str, ...]:
    """The tone-marked reading of each character of a run of Han characters ("" where none is known)."""
    from pypinyin import Style, pinyin  # loaded on first use: its dictionaries take a moment

    simplified = to_simplified(run)
    if len(simplified) == len(run):
        run = simplified  # the phrase dictionary is in simplified characters (銀行 is read as 银行)
    out: list[str] = []
    for start in range(0, len(run), MAX_RUN):
        piece = run[start:start + MAX_RUN]
        found = pinyin(piece, style=Style.TONE, errors=lambda s: [[""] for _ in s])
        if len(found) != len(piece):  # never expected; keep characters and readings aligned regardless
            found = [pinyin(c, style=Style.TONE, errors=lambda s: [[""] for _ in s])[0] for c in piece]
        out.extend(item[0] if item else "" for item in found)
    return tuple(out)


def pinyin_line(text: str) -> str:
    """Plain text with each run of Han characters replaced by its syllables ("国务院开会。" ->
    "guó wù yuàn kāi huì。"), for text outputs."""
    spaced = HAN.sub(lambda m: " " + " ".join(r or c for r, c in zip(readings(m.group()), m.group(), strict=True))
                     + " ", text)
    spaced = _NO_SPACE_BEFORE.sub("", _NO_SPACE_AFTER.sub("", spaced))
    return "\n".join(re.sub(" {2,}", " ", line).strip() for line in spaced.split("\n"))


_NO_SPACE_BEFORE = re.compile(r" +(?=[，。；：、！？）」』”’》,.;:!?)])")
_NO_SPACE_AFTER = re.compile(r"(?<=[（「『“‘《(，。；：、！？]) +")


def _ruby(run: str, visible: bool) -> lxml_html.HtmlElement:
    ruby = lxml_html.Element("ruby", {"class": "py"})
    last = None
    for char, reading in zip(run, readings(run), strict=True):
        if last is None:
            ruby.text = (ruby.text or "") + char
        else:
            last.tail = (last.tail or "") + char
        if visible:
            rp_open = lxml_html.Element("rp")
            rp_open.text = "("
            rt = lxml_html.Element("rt")
            rt.text = reading
            rp_close = lxml_html.Element("rp")
            rp_close.text = ")"
            ruby.extend([rp_open, rt, rp_close])
            last = rp_close
        else:
            rt = lxml_html.Element("rt", {"aria-hidden": "true", "data-py": reading})
            ruby.append(rt)
            last = rt
    return ruby


def _pieces(text: str, visible: bool) -> tuple[str, list[lxml_html.HtmlElement]]:
    """`text` as its leading plain part and the ruby elements that follow (each carrying the plain text
    after it as its tail)."""
    head, elements, pos = "", [], 0
    for m in HAN.finditer(text):
        plain = text[pos:m.start()]
        if elements:
            elements[-1].tail = plain
        else:
            head = plain
        elements.append(_ruby(m.group(), visible))
        pos = m.end()
    if elements:
        elements[-1].tail = text[pos:]
    else:
        head = text
    return head, elements


def annotate_tree(root: lxml_html.HtmlElement, visible: bool = False) -> None:
    """Ruby over every run of Han characters under `root`, in place."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag in SKIP or any(a.tag in SKIP for a in el.iterancestors() if isinstance(a.tag, str)):
            continue
        if el.text and HAN.search(el.text):
            head, elements = _pieces(el.text, visible)
            el.text = head
            for i, new in enumerate(elements):
                el.insert(i, new)
        _annotate_tail(el, visible)


def _annotate_tail(el: lxml_html.HtmlElement, visible: bool) -> None:
    parent = el.getparent()
    if parent is None or not el.tail or not HAN.search(el.tail):
        return
    if parent.tag in SKIP or any(a.tag in SKIP for a in parent.iterancestors() if isinstance(a.tag, str)):
        return
    head, elements = _pieces(el.tail, visible)
    el.tail = head
    at = parent.index(el)
    for i, new in enumerate(elements, 1):
        parent.insert(at + i, new)


def annotate_html(fragment: str, visible: bool = False) -> str:
    """An HTML fragment with ruby pinyin over its Chinese text."""
    if not fragment or not HAN.search(fragment):
        return fragment
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    annotate_tree(root, visible)
    return inner_html(root)
