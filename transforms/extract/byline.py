"""The 来源/发布日期/作者 line under a Chinese headline, split into labelled fields and checked: a 来源 is a name
(not a label, a button or a counter), an author is a person (not an editor code or an agency)."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from .dates import parse_date
from .docinfo import doc_number
from .script import squash
from .textnodes import BodyText, texts_with

# label -> field; the value runs to the next label (pages put several on one line). "" marks a label whose value
# is no byline field (counters, controls, other times), so it ends the value before it.
LABELS: dict[str, str] = {
    "文章来源": "source", "信息来源": "source", "稿件来源": "source", "来源": "source", "发布机构": "source",
    "作者": "author", "撰稿": "author", "文字": "author", "记者": "author",
    "发布日期": "date", "发布时间": "date", "发表时间": "date", "更新时间": "updated", "信息时间": "date",
    "日期": "date", "时间": "date",
    "成文日期": "issued", "生成日期": "issued", "印发日期": "issued", "发文日期": "issued",
    "文号": "doc_number", "发文字号": "doc_number",
    "Published": "date", "Last updated": "updated", "Updated": "updated", "Posted": "date", "Date": "date",
    "By": "author", "Source": "source",
    "浏览次数": "", "阅读次数": "", "点击数": "", "点击": "", "浏览": "", "阅读": "", "访问量": "", "责任编辑": "",
    "编辑": "", "字体": "", "字号": "", "分享": "", "打印": "", "当前时间": "", "当前日期": "", "今天是": "",
    "截止时间": "", "报名时间": "", "开始时间": "", "结束时间": "", "会议时间": "", "活动时间": "", "开标时间": "",
    "发文机关": "",
}
_LABEL_RE = re.compile(  # a label starts a word: `报名日期：` is no 日期
    r"(?<![\u4e00-\u9fffA-Za-z])(" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")\s*[:：]\s*"
)
_TRIM = " \t|丨/｜·•【】[]()（）"
WORDS = (  # the labels' distinctive parts: only text holding one can be a byline
    "来源", "发布", "日期", "Published", "pdated", "Posted", "Date", "时间", "作者", "文号", "记者")
MAX_LINE = 240
MAX_LINES = 3  # label lines merged into one byline (a header spreads 来源, 日期, 文号 over rows)
# A 来源 that is a page control or an empty label, and what follows a name but is not part of it.
_NOT_SOURCE = re.compile(r"^(打印|关闭|分享|收藏|纠错|字体|字号|[大中小](?:\s|$|[】\]|｜])|【|\[|来源|本站|本网|无(?:\s|$))|打印|关闭窗口|[:：]$")
_COUNTER = re.compile(r"[\s　]*\d+$")
_ORG = re.compile(r"(局|厅|处|科|办|委|部|中心|站|所|院|队|组|报|社|台|网|室|会|政府|公司|集团|总队|支队|大队)$")
_PERSON = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}|[A-Z][a-z]+(?: [A-Z][a-z.]+){1,3})$")
COMMENT_NAMES = re.compile(r"comment|pinglun|reply|liuyan|message|(^|[\s_-])pl([\s_-]|$)|discuss", re.I)


def person_names(value: str) -> str:
    """The person names in an 作者 value (`王晓明 李丽`), "" when it is an agency or an editor code."""
    names = [n for n in re.split(r"[\s　、,，/]+", value) if n]
    kept = [n for n in names if _PERSON.match(n) and not _ORG.search(n)]
    return " ".join(kept) if kept and len(kept) == len(names) else ""


def clean_source(value: str) -> str:
    value = _COUNTER.sub("", value).strip(_TRIM)
    if not value or _NOT_SOURCE.search(value) or not re.search(r"[\w\u4e00-\u9fff]", value):
        return ""
    return value


def parse_line(line: str) -> dict[str, str]:
    """`来源：科技厅  发布日期：2021-02-10` -> {"source": "科技厅", "date": "2021-02-10"}."""
    out: dict[str, str] = {}
    matches = list(_LABEL_RE.finditer(line))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        field = LABELS[m.group(1)]
        value = line[m.end():end].strip(_TRIM)
        if field in ("source", "author"):
            value = re.split(r"\s{2,}|\s[|丨]\s|　", value)[0].strip(_TRIM)
            value = clean_source(value) if field == "source" else person_names(value)
            if len(value) > 40:
                continue
        elif field in ("date", "issued", "updated"):
            value = parse_date(value)
        elif field == "doc_number":
            value = value.split()[0] if value.split() else ""
        if field and value and field not in out:
            out[field] = value
    updated = out.pop("updated", "")
    if updated and "date" not in out:
        out["date"] = updated  # an update time is the date only when the page gives no publishing date
    return out


def _line_of(node: lxml_html.HtmlElement) -> tuple[str, lxml_html.HtmlElement]:
    """The smallest ancestor whose text reads as a whole line (labels are often in their own span), and it."""
    el = best_el = node
    best = squash(el.text_content())
    while el.getparent() is not None and el.tag in ("span", "font", "b", "strong", "em", "label", "i", "a", "time"):
        el = el.getparent()
        text = squash(el.text_content())
        if len(text) > MAX_LINE or el.tag in ("body", "html"):
            break
        best, best_el = text, el
    return best, best_el


def in_comments(el: lxml_html.HtmlElement) -> bool:
    """Inside reader comments (their 发表时间 is no date of the page)."""
    for a in (el, *el.iterancestors()):
        names = f"{a.get('class') or ''} {a.get('id') or ''}"
        if names.strip() and COMMENT_NAMES.search(names):
            return True
    return False


def find_byline(scope: lxml_html.HtmlElement,
                texts: BodyText | None = None) -> tuple[dict[str, str], lxml_html.HtmlElement | None]:
    """Fields from the first short lines in `scope` that carry known labels (up to MAX_LINES), and the element
    of the first. `texts`, when given, is the body's shared text list and `scope` lies in the body."""
    try:
        nodes = (texts.within(scope, WORDS, MAX_LINE) if texts is not None
                 else texts_with(scope, WORDS, max_length=MAX_LINE))
    except Exception:  # noqa: BLE001 - a malformed tree has no byline
        return {}, None
    fields: dict[str, str] = {}
    first, seen = None, []
    for node in nodes:
        if not _LABEL_RE.search(node):
            continue
        parent = node.getparent()
        if parent is not None and getattr(node, "is_tail", False):
            parent = parent.getparent()
        if parent is None or parent.tag in ("script", "style", "title", "option", "textarea", "a"):
            continue
        if any(parent is s or s in parent.iterancestors() for s in seen) or in_comments(parent):
            continue
        line, holder = _line_of(parent)
        found = parse_line(line)
        if "date" not in found and "date" not in fields and not _LABEL_RE.match(line):
            found["date"] = parse_date(line)  # `2004-12-10 11:55 来源：...`: the date is unlabelled
        if "doc_number" not in found:
            found["doc_number"] = doc_number(line)  # `云卫办医发〔2021〕12号 | 发布日期：…`
        found = {k: v for k, v in found.items() if v}
        if not found:
            continue
        for key, value in found.items():
            fields.setdefault(key, value)
        first = holder if first is None else first
        seen.append(holder)
        if "date" in fields or len(seen) >= MAX_LINES:
            break
    return fields, first
