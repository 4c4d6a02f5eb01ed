"""The article body made fit for our page layouts: one h1 (ours), headings in order, ids and a table of
contents for long articles, wide tables in their own scroll box, and for text mode a linearised copy with
images replaced by their alt text. Pure functions on the sanitised content HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html

from ..aids.pinyin import annotate_tree
from ..article import generic_alt
from ..parse import fragment
from ..tablegrid import Grid, grid

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^[¥￥$]?\s*[-+−]?\d[\d,，.]*\s*(%|‰|元|万元|亿元)?$")
MAX_NUMBER = 24  # characters of a cell read as one number
CARD_COLUMNS = 3  # a data table this wide becomes cards in 长辈版 and on narrow screens
TOC_MIN_HEADINGS = 3  # or 2 headings in an article longer than TOC_LONG_TEXT characters
TOC_LONG_TEXT = 1500


@dataclass
class TocEntry:
    id: str
    text: str
    level: int  # 2 or 3


def _text(el: lxml_html.HtmlElement) -> str:
    return _SPACES.sub(" ", el.text_content()).strip()


def _fragment(content_html: str) -> lxml_html.HtmlElement:
    return fragment(content_html or "<div></div>")


def normalise_headings(root: lxml_html.HtmlElement) -> None:
    """Our h1 is the title, so content headings start at h2 and never skip a level (h2 -> h4)."""
    previous = 1
    for el in root.iter(*HEADINGS):
        level = int(el.tag[1])
        level = max(2, min(level, previous + 1))
        el.tag = f"h{level}"
        previous = level


def add_toc(root: lxml_html.HtmlElement, text_length: int) -> list[TocEntry]:
    """Ids on h2/h3 and the entries of a table of contents, or [] when the article is short."""
    heads = [el for el in root.iter("h2", "h3") if _text(el)]
    if len(heads) < TOC_MIN_HEADINGS and not (len(heads) >= 2 and text_length > TOC_LONG_TEXT):
        return []
    toc = []
    for i, el in enumerate(heads, 1):
        if not el.get("id"):
            el.set("id", f"sec-{i}")
        toc.append(TocEntry(el.get("id", ""), _text(el), int(el.tag[1])))
    return toc


def column_labels(slots: Grid) -> tuple[int, list[str]]:
    """(header rows, each column's header text): the leading rows of column header cells, a two-level header
    read top-down (`处罚对象 名称`)."""
    head = 0
    for row in slots:
        cells = [c for c in row if c is not None]
        if cells and all(c.tag == "th" and c.get("scope") in ("col", "colgroup", None) for c in cells):
            head += 1
        else:
            break
    if head == len(slots):
        head = 0
    width = max((len(r) for r in slots), default=0)
    labels = []
    for col in range(width):
        parts: list[str] = []
        for row in slots[:head]:
            cell = row[col] if col < len(row) else None
            text = _text(cell) if cell is not None else ""
            if text and text not in parts:
                parts.append(text)
        labels.append(" ".join(parts))
    return head, labels


def label_table(table: lxml_html.HtmlElement) -> None:
    """Each data cell carries its column's name (`data-label`, shown before the value when the table is laid out
    as cards); numbers are kept on one line; a table of three or more columns with column headers becomes
    `cards`."""
    slots = grid(table)
    head, labels = column_labels(slots)
    done: set[lxml_html.HtmlElement] = set()
    for r, row in enumerate(slots):
        for col, cell in enumerate(row):
            if cell is None or cell in done:
                continue
            done.add(cell)
            if r < head:
                cell.getparent().set("class", "head-row")
                continue
            if cell.tag == "td" and col < len(labels) and labels[col]:
                cell.set("data-label", labels[col])
            text = _text(cell)
            if cell.tag == "td" and text and len(text) <= MAX_NUMBER and _NUMBER.match(text):
                cell.set("class", "num")
    if head and len(labels) >= CARD_COLUMNS:
        table.set("class", "cards")


def wrap_tables(root: lxml_html.HtmlElement, label: str) -> None:
    """A wide table scrolls inside a focusable, named box, so the page itself never scrolls sideways."""
    for i, table in enumerate(list(root.iter("table")), 1):
        parent = table.getparent()
        if parent is None or "table-wrap" in (parent.get("class") or ""):
            continue
        caption = table.find("caption")
        name = f"{label}{i}" + (f"：{_text(caption)}" if caption is not None and _text(caption) else "")
        wrap = lxml_html.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0",
                                         "aria-label": name})
        parent.replace(table, wrap)
        wrap.append(table)


_CHART_CAPTION = re.compile(r"^图\s*\d|图表|统计|增长|增速|走势|趋势|比重|构成|分布|指数")
_NOT_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    return _NOT_WORD.sub("", text)


def ensure_alt(root: lxml_html.HtmlElement, image_word: str = "", chart_word: str = "") -> None:
    """Every picture has an alt; in a figure, an alt that repeats the caption gives way to the kind of picture
    (图片, 图表), so a screen reader does not say the same words twice."""
    for img in root.iter("img"):
        if img.get("alt") is None:
            img.set("alt", "")
        figure = next(img.iterancestors("figure"), None)
        caption = figure.find(".//figcaption") if figure is not None else None
        if caption is None or not image_word:
            continue
        alt, said = _words(img.get("alt") or ""), _words(_text(caption))
        if said and (not alt or alt in said or said in alt):
            img.set("alt", chart_word if chart_word and _CHART_CAPTION.search(_text(caption)) else image_word)


def linearise(root: lxml_html.HtmlElement, image_word: str) -> None:
    """Text mode: images become `［图片：alt］`, tables become one line per row (`header：cell；...`),
    figures and layout wrappers lose their boxes; headings, paragraphs, lists and links stay."""
    for img in list(root.iter("img")):
        alt = (img.get("alt") or "").strip()
        if alt:
            span = lxml_html.Element("span", {"class": "img-alt"})
            # alt="图片" says only that it is one: ［图片］, not ［图片：图片］
            span.text = f"［{image_word}］" if generic_alt(alt) else f"［{image_word}：{alt}］"
            span.tail = img.tail
            img.getparent().replace(img, span)
        else:
            img.drop_tree()
    for table in list(root.iter("table")):
        table.getparent().replace(table, _table_as_rows(table))
    for el in list(root.iter("figure")):
        el.tag = "div"
    for el in list(root.iter("figcaption")):
        el.tag = "p"
    for el in list(root.iter("picture", "center", "font")):
        el.drop_tag()
    for el in root.iter():
        if isinstance(el.tag, str):
            for attr in ("style", "width", "height", "align"):
                el.attrib.pop(attr, None)


def _table_as_rows(table: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """One line per row: `header：cell；…` (a merged cell once, in the first row it covers)."""
    out = lxml_html.Element("div", {"class": "table-rows"})
    caption = table.find("caption")
    if caption is not None and _text(caption):
        p = lxml_html.Element("p")
        p.text = _text(caption)
        out.append(p)
    slots = grid(table)
    head, headers = column_labels(slots)
    seen: set[lxml_html.HtmlElement] = set()
    for row in slots[head:]:
        parts = []
        for i, cell in enumerate(row):
            if cell is None or cell in seen:
                continue
            seen.add(cell)
            t = _text(cell)
            if t:
                parts.append(f"{headers[i]}：{t}" if i < len(headers) and headers[i] and cell.tag == "td" else t)
        if not parts:
            continue
        p = lxml_html.Element("p", {"class": "row"})
        p.text = "；".join(parts)
        out.append(p)
    return out


def prepare_content(content_html: str, *, text_length: int, table_label: str, image_word: str,
                    text_mode: bool, chart_word: str = "", pinyin: bool = False) -> tuple[str, list[TocEntry]]:
    """The content HTML for a page layout, and its table of contents (pinyin goes on last, so that the table
    of contents, the column labels of table cards and text mode's rows are made from the characters alone)."""
    root = _fragment(content_html)
    normalise_headings(root)
    if text_mode:
        ensure_alt(root)
    else:
        ensure_alt(root, image_word, chart_word)
    if text_mode:
        linearise(root, image_word)
    else:
        for table in root.iter("table"):
            label_table(table)
        wrap_tables(root, table_label)
    toc = add_toc(root, text_length)
    if pinyin:
        annotate_tree(root)
    return lxml_html.tostring(root, encoding="unicode"), toc
