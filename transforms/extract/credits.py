"""Editor credits at the end of a body: （责任编辑：刘洋）, 【编辑:刘欢】, 审核：李四. CMS templates put them inside
the article's container, after the last paragraph; they are the site's workflow, not the article, and a reader
hears them as if the document ended with a name."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from .script import squash

CREDIT_LINE = re.compile(
    r"^[（(【\[]?\s*(?:(?:责任|值班|网络|文字|图片|视频)?编辑|责编|编审|审核|审校|审签|校对|终审|复审|初审|二审|三审|监制|签发)"
    r"\s*[:：]\s*[^。；;！？!?]{0,40}?[）)】\]]?$")
MAX_CREDIT = 60  # characters of a credit line
LEAF_BLOCKS = ("p", "div", "section", "center", "span", "font", "strong", "b", "em")


def drop_trailing_credits(block: lxml_html.HtmlElement) -> None:
    """Drop the credit lines that end `block` (only at its end: a credit in the middle is something else)."""
    while True:
        last = _last_line(block)
        if last is None or last is block:
            return
        text = squash(last.text_content())
        if len(text) > MAX_CREDIT or not CREDIT_LINE.match(text):
            return
        last.drop_tree()


def _last_line(block: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The innermost element holding the block's last non-empty text, climbed to the outermost element that
    holds only that text (so an empty wrapper goes with it); None when text follows it as a tail."""
    for el in reversed(list(block.iter(LEAF_BLOCKS))):
        text = squash(el.text_content())
        if not text:
            continue
        if el.find(".//table") is not None or el.find(".//img") is not None:
            return None
        if _text_after(el, block):
            return None
        while el.getparent() is not None and el.getparent() is not block and \
                squash(el.getparent().text_content()) == text:
            el = el.getparent()
        return el
    return None


def _text_after(el: lxml_html.HtmlElement, block: lxml_html.HtmlElement) -> bool:
    """Whether any text of `block` comes after `el` (its tail, or a following sibling's, up to `block`)."""
    node = el
    while node is not None and node is not block:
        if squash(node.tail or ""):
            return True
        for sib in node.itersiblings():
            if squash(sib.text_content()) or sib.tag in ("img", "table"):
                return True
        node = node.getparent()
    return False
