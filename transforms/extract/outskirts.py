"""Around the scored block, only document parts. Inside the headline's box, the text readability or a CMS container
found is kept whole; before and after it, a block stays only when it is part of a government document: a 文号,
a closing formula (特此通告。此复。), the signature (issuing body, date), 附件 lines and links, a data table, a
picture and its caption, a note (注：), a contact line, a numbered heading. Editor lines, 返回列表, recommended
reading and the like, which the box also holds on news sites, go."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from .docinfo import DATE_LINE, DOC_NUMBER, ISSUER
from .furniture import attachment_type
from .script import squash
from .tables import is_data_table
from .textnodes import TEXTS, find_span

SHORT = 80  # characters of a one-line document part
NOTE = 300  # characters of a note
BLOCK_TAGS = frozenset({"p", "div", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "center", "section",
                        "blockquote", "table", "ul", "ol", "dl", "figure", "pre", "article", "tr", "td", "th"})
_PART = re.compile(
    rf"^[(（]?(?:{DOC_NUMBER.pattern})[)）]?$"  # 文号, 公告 number
    r"|^(?:特此(?:通告|公告|通知|批复|函告|函复|说明|证明)|此复|专此报告|妥否，请批示)[。.！!]?$"  # closing formula
    rf"|{DATE_LINE.pattern}"  # the signature's date
    rf"|{ISSUER.pattern}"  # the issuing body
    r"|^[(（](?![^()（）]*(?:编辑|责编|审核|校对|审校|来源|作者|记者|摄影|通讯员))[^()（）]{2,30}[)）]$"  # （此件公开发布）
    r"|^附\s*件\s*\d*\s*[:：]?"  # 附件 lines
    r"|^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.．、]|[(（]\d{1,2}[)）]|第[一二三四五六七八九十]+[章条节])"
    r"|^(?:联系人|联系电话|咨询电话|电话|地址|邮编|邮箱|传真|监督电话|举报电话)\s*[:：]"
    r"|^(?:图|表)\s*\d*[\s　：:.、]"  # a figure's or table's title
    r"|^[(（]?(?:单位|计量单位)\s*[:：]")
_NOTE = re.compile(r"^[(（]?(?:注|说明|备注)\s*\d*\s*[:：]")
_SENTENCE = re.compile(r"[。！？；：.!?;:]$")


def is_document_part(el: lxml_html.HtmlElement) -> bool:
    if el.tag == "table":
        return is_data_table(el)
    if el.find(".//table") is not None:
        return any(is_data_table(t) for t in el.iter("table"))
    text = squash(el.text_content())
    pictured = el.tag in ("img", "figure") or el.find(".//img") is not None
    if pictured and len(text) <= SHORT and not any(squash(a.text_content()) for a in el.iter("a")):
        return True  # a picture and its caption (a linked thumbnail with a title is a teaser)
    if any(attachment_type(a.get("href") or "", squash(a.text_content())) for a in el.iter("a")):
        return True
    if not text:
        return False
    if _NOTE.match(text):
        return len(text) <= NOTE
    if el.find(".//br") is not None:  # `机关<br>机关<br>日期`: every line a part
        lines = _lines(el)
        return bool(lines) and all(len(line) <= SHORT and _PART.match(line) for line in lines)
    return len(text) <= SHORT and bool(_PART.match(text))


def _lines(el: lxml_html.HtmlElement) -> list[str]:
    """The text of `el` cut at its `<br>`s."""
    lines, current = [], [el.text or ""]
    for node in el.iterdescendants():
        if node.tag == "br":
            lines.append("".join(current))
            current = [node.tail or ""]
        else:
            current.append((node.text or "") if isinstance(node.tag, str) else "")
            current.append(node.tail or "")
    lines.append("".join(current))
    return [t for t in (squash(x) for x in lines) if t]


def _boxes(root: lxml_html.HtmlElement) -> set[lxml_html.HtmlElement]:
    """The elements holding a block, found in one pass from the leaves up."""
    boxes: set[lxml_html.HtmlElement] = set()
    for el in reversed(list(root.iter(etree.Element))):
        parent = el.getparent()
        if parent is not None and (el.tag in BLOCK_TAGS or el in boxes):
            boxes.add(parent)
    return boxes


def _unit(el: lxml_html.HtmlElement, boxes: set[lxml_html.HtmlElement]) -> bool:
    """A unit judged whole: a table, a picture, or any element with no block inside (a line, or an inline
    element directly in a box: a link, a counter)."""
    return el.tag in ("table", "img", "figure") or el not in boxes


def _kept_inside(el: lxml_html.HtmlElement, core_text: str) -> bool:
    """Inside the core's span: what the core kept, document parts, and sentences (not the labels, counters and
    buttons between a page's editor blocks)."""
    text = squash(el.text_content())
    return (not text and el.tag not in ("a", "button")) or text in core_text or is_document_part(el) \
        or bool(_SENTENCE.search(text))


def _kept_outside(el: lxml_html.HtmlElement, core_text: str) -> bool:
    """Before and after the core's span: document parts, and what the core itself kept there."""
    text = squash(el.text_content())
    return bool(text) and text in core_text or is_document_part(el)


def trim(root: lxml_html.HtmlElement, core: lxml_html.HtmlElement) -> bool:
    """Drop the blocks of `root` before and after the core's span that are no document parts, and inside it
    the short bits the core left out. False (and nothing changed) when the core cannot be found in `root`."""
    span = find_span(TEXTS(root), core)
    if span is None:
        return False
    start, end = span
    holds_start = {start, *start.iterancestors()}
    core_text = squash(core.text_content())
    boxes = _boxes(root)
    zone, doomed, inside = "before", [], 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        unit = _unit(el, boxes)
        if event == "start":
            if el is start or (zone == "before" and unit and el in holds_start):
                zone = "core"
            if not inside and el is not root and unit and not (
                    _kept_inside(el, core_text) if zone == "core" else _kept_outside(el, core_text)):
                doomed.append(el)
            if unit:
                inside += 1
        else:
            if unit:
                inside -= 1
            if el is end:
                zone = "after"
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return True
