"""Government document structure around the body: the 信息公开 header (索引号, 发文机关, 发文字号, 成文日期,
发布日期, 主题分类 …) in whatever markup (a table of label and value cells, a dl, li spans, p/b rows), the 文号,
and the date of the signature block. The header becomes a definition list at the top of the content."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from ..article import InfoField
from .dates import CN_DATE, parse_cn_date, parse_date
from .script import squash
from .textnodes import TEXTS, BodyText

# Header labels as pages print them, spaced or not (`索 引 号：`), and the field each one feeds.
LABELS = {
    "索引号": "", "名称": "", "标题": "", "文件名称": "", "发文机关": "", "发布机构": "", "发文单位": "", "主办单位": "",
    "发文字号": "doc_number", "文号": "doc_number", "成文日期": "issued", "生成日期": "issued", "印发日期": "issued",
    "发布日期": "published", "公开日期": "published", "主题分类": "", "信息分类": "", "体裁分类": "", "组配分类": "",
    "主题词": "", "关键词": "", "公开方式": "", "公开范围": "", "公开时限": "", "有效性": "", "效力状态": "",
    "实施日期": "", "废止日期": "", "信息来源": "", "统一编号": "", "登记号": "", "发布时间": "published",
}
_SPACED = {label: r"\s*".join(label) for label in LABELS}
_LABEL = re.compile(r"^\s*(" + "|".join(sorted(_SPACED.values(), key=len, reverse=True)) + r")\s*[:：]?\s*")
FIRST = frozenset(label[0] for label in LABELS)  # a label's first character: the cheap prefilter
MIN_LABELS = 3  # distinct labels that make a header
MAX_HEADER = 1200  # characters: a header is short
MAX_VALUE = 200  # characters of one value
VALUED = 2 / 3  # share of labels with a value: a table's column headers have none
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:〔|\[|［|【|\(|（)\s*(?:19|20)\d{2}\s*(?:〕|\]|］|】|\)|）)\s*第?\s*\d{1,5}\s*号"
    r"|(?:[\u4e00-\u9fff]{2,30}公告\s*)?(?:19|20)\d{2}\s*年第\s*\d{1,5}\s*号")
# an issuing body's name, as it signs a document (南屏市人民政府办公室, 青禾市第七次全国人口普查领导小组办公室)
ISSUER = re.compile(r"^[\u4e00-\u9fff（）()、·\s]{2,40}(?:人民政府|政府|办公厅|办公室|厅|局|委员会|委|中心|公司|院|所|会|处|队|站"
                    r"|部|署|集团|小组)$")
SIGNATURE_LINE = 40  # characters: a longer line is prose, not the issuing body or its date
DATE_LINE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


@dataclass
class DocInfo:
    element: lxml_html.HtmlElement | None = None
    fields: list[InfoField] = field(default_factory=list)

    def value(self, kind: str) -> str:
        """The first value of the labels feeding `kind` ("doc_number", "issued", "published")."""
        for f in self.fields:
            if LABELS.get(f.label) == kind and f.value:
                return f.value
        return ""


def label_of(text: str) -> tuple[str, str] | None:
    """(label, rest) when `text` starts with a header label."""
    m = _LABEL.match(text)
    if not m:
        return None
    return re.sub(r"\s+", "", m.group(1)), text[m.end():]


def _labelled(el: lxml_html.HtmlElement) -> set[str]:
    found = set()
    for text in el.itertext():
        hit = label_of(text)
        if hit:
            found.add(hit[0])
    return found


def find_header(tree: lxml_html.HtmlElement, texts: BodyText | None = None) -> lxml_html.HtmlElement | None:
    """The smallest element holding three or more distinct header labels (the one with most, if several)."""
    body = tree.find("body")
    if body is None:
        return None
    best, best_n = None, 0
    tried: set[lxml_html.HtmlElement] = set()
    nodes = texts.all if texts is not None else TEXTS(body)
    for node in nodes:
        if len(node) > 40 or node.lstrip()[:1] not in FIRST:
            continue
        if not label_of(node):
            continue
        holder = node.getparent()
        for anc in (holder, *holder.iterancestors()):
            if anc in tried or anc.tag in ("body", "html"):
                break
            tried.add(anc)
            if len(anc.text_content()) > MAX_HEADER:
                break
            n = len(_labelled(anc))
            if n >= MIN_LABELS:
                if n > best_n:
                    best, best_n = anc, n
                break
    return best


def parse_header(el: lxml_html.HtmlElement) -> list[InfoField]:
    """Label/value pairs in reading order: a label starts a pair, the text up to the next label is its value."""
    fields: list[InfoField] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if not isinstance(node.tag, str) or node.tag in ("script", "style"):
            continue
        piece = node.text if event == "start" else (node.tail if node is not el else None)
        text = squash(piece or "")
        if not text:
            continue
        hit = label_of(text)
        if hit:
            fields.append(InfoField(hit[0], squash(hit[1])))
        elif fields:
            last = fields[-1]
            last.value = squash(f"{last.value} {text}") if last.value else text
    return fields


def read(tree: lxml_html.HtmlElement, texts: BodyText | None = None) -> DocInfo:
    el = find_header(tree, texts)
    if el is None:
        return DocInfo()
    fields = parse_header(el)
    valued = [f for f in fields if f.value]
    if len(valued) < VALUED * len(fields) or any(len(f.value) > MAX_VALUE for f in fields):
        return DocInfo()  # column headers of a data table, not a document's header
    return DocInfo(el, fields)


def header_element(fields: list[InfoField]) -> lxml_html.HtmlElement:
    """The header as a definition list, for the top of the content."""
    dl = lxml_html.Element("dl", {"class": "doc-info"})
    for f in fields:
        dt = etree.SubElement(dl, "dt")
        dt.text = f.label
        dd = etree.SubElement(dl, "dd")
        dd.text = f.value
    return dl


def doc_number(text: str) -> str:
    m = DOC_NUMBER.search(text or "")
    return re.sub(r"\s+", "", m.group(0)) if m else ""


def leading_doc_number(block: lxml_html.HtmlElement, lines: int = 4) -> str:
    """A 文号 in the first short lines of the body."""
    for i, text in enumerate(t for t in (squash(x) for x in block.itertext()) if t):
        if i >= lines:
            break
        if len(text) <= 40:
            found = doc_number(text)
            if found:
                return found
    return ""


def signature_date(block: lxml_html.HtmlElement, last: int = 8) -> str:
    """The date line of the signature block: a line that is only a date, among the body's last lines below its
    last paragraph; or, when a cover letter comes before the document it issues (印发…方案), the first date line
    right under an issuing body's name."""
    lines = [t for t in (squash(x) for x in block.itertext()) if t]
    for text in reversed(lines[-last:]):
        found = _date_line(text)
        if found:
            return found
        if len(text) > SIGNATURE_LINE:
            break  # a paragraph: the signature is below the last one, and a date above it is something else
    for above, text in zip(lines, lines[1:], strict=False):
        if ISSUER.match(above) and len(above) <= SIGNATURE_LINE:
            found = _date_line(text)
            if found:
                return found
    return ""


def _date_line(text: str) -> str:
    if DATE_LINE.match(text):
        return parse_date(text)
    return parse_cn_date(text) if CN_DATE.match(text) else ""
