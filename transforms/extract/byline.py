"""The 来源/发布日期/作者 line under a Chinese headline, split into labelled fields."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from .dates import parse_date
from .script import squash
from .textnodes import BodyText, texts_with

# label -> field; the value runs to the next label (pages put several on one line).
LABELS: dict[str, str] = {
    "文章来源": "source", "信息来源": "source", "稿件来源": "source", "来源": "source", "发布机构": "source",
    "发文机关": "source", "作者": "author", "撰稿": "author", "文字": "author",
    "发布日期": "date", "发布时间": "date", "发表时间": "date", "成文日期": "date", "更新时间": "date",
    "日期": "date", "时间": "date",
    "Published": "date", "Last updated": "date", "Updated": "date", "Posted": "date", "Date": "date",
    "By": "author", "Source": "source",
    "浏览次数": "", "阅读次数": "", "点击数": "", "访问量": "", "责任编辑": "", "编辑": "", "字体": "",
    "字号": "", "分享": "", "打印": "", "当前时间": "", "当前日期": "", "今天是": "", "截止时间": "",
    "报名时间": "", "开始时间": "", "结束时间": "", "会议时间": "", "活动时间": "",
}
_LABEL_RE = re.compile(
    "(" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")\s*[:：]\s*"
)
_TRIM = " \t|丨/｜·•【】[]"
WORDS = (  # the labels' distinctive parts: only text holding one can be a byline
    "来源", "发布", "日期", "Published", "pdated", "Posted", "Date", "时间", "作者")
MAX_LINE = 240


def parse_line(line: str) -> dict[str, str]:
    """`来源：科技厅  发布日期：2021-02-10` -> {"source": "科技厅", "date": "2021-02-10"}."""
    out: dict[str, str] = {}
    matches = list(_LABEL_RE.finditer(line))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        field = LABELS[m.group(1)]
        value = line[m.end():end].strip(_TRIM)
        if field == "source" or field == "author":
            value = re.split(r"\s{2,}|\s[|丨]\s", value)[0].strip(_TRIM)
            if len(value) > 40:
                continue
        if field and value and field not in out:
            out[field] = value
    return out


def _line_of(node: lxml_html.HtmlElement) -> str:
    """The smallest ancestor whose text reads as a whole line (labels are often in their own span)."""
    el = node
    best = squash(el.text_content())
    while el.getparent() is not None and el.tag in ("span", "font", "b", "strong", "em", "label", "i", "a"):
        el = el.getparent()
        text = squash(el.text_content())
        if len(text) > MAX_LINE:
            break
        best = text
    return best


def find_byline(scope: lxml_html.HtmlElement,
                texts: BodyText | None = None) -> tuple[dict[str, str], lxml_html.HtmlElement | None]:
    """Fields from the first short line in `scope` that carries a known label, and its element.
    `texts`, when given, is the body's shared text list and `scope` lies in the body."""
    try:
        nodes = (texts.within(scope, WORDS, MAX_LINE) if texts is not None
                 else texts_with(scope, WORDS, max_length=MAX_LINE))
    except Exception:  # noqa: BLE001 - a malformed tree has no byline
        return {}, None
    for node in nodes:
        if not _LABEL_RE.search(node):
            continue
        parent = node.getparent()
        if parent is not None and getattr(node, "is_tail", False):
            parent = parent.getparent()
        if parent is None:
            continue
        if parent.tag in ("script", "style", "title", "option", "textarea"):
            continue
        line = _line_of(parent)
        fields = parse_line(line)
        if fields and "date" not in fields and parse_date(line):
            fields["date"] = line  # `2004-12-10 11:55 来源：...`: the date is unlabelled
        if fields:
            return fields, parent
    return {}, None
