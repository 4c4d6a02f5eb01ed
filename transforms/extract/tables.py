"""Data tables with their header cells marked as such: a first row (or rows, with merged cells) of bold or shaded
cells becomes `th scope=col`; the label column of a label/value table (行政处罚信息公开表) and of a transposed
table becomes `th scope=row`; a `表1 …` line just before a table becomes its caption. Layout tables are
linearised into plain blocks."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from ..tablegrid import cells as _cells
from ..tablegrid import rows as _rows
from ..tablegrid import span
from .script import squash

MAX_HEADER_CELL = 30  # characters of a column header
MAX_LABEL = 24  # characters of a row label in a label/value table
_CAPTION = re.compile(r"^(?:附表|表)\s*[0-9一二三四五六七八九十]*\s*[\s　：:、.．]")
_SHADED = re.compile(r"background|bgcolor", re.I)
_NUMBER = re.compile(r"^[-+−]?[\d,，.]+%?$")
MAX_CAPTION = 60


def _link_share(el: lxml_html.HtmlElement) -> float:
    links = sum(len(squash(a.text_content())) for a in el.iter("a"))
    return links / max(len(squash(el.text_content())), 1)


def is_data_table(table: lxml_html.HtmlElement) -> bool:
    """A table of data (名单, 公示, 中标结果) rather than layout: header cells (th, or a first row of bold or
    shaded cells over rows as wide), or a regular grid of short cells."""
    if table.find(".//table") is not None or _link_share(table) > 0.5:
        return False  # nested tables are layout; a grid of links is a promotion box
    if table.find(".//th") is not None:
        return True
    rows = _rows(table)
    if len(rows) >= 2 and _header_rows(rows) and len(_cells(rows[-1])) >= 2:
        return True
    if len(rows) < 3:
        return False
    widths = {len(_cells(r)) for r in rows[1:]}
    return len(widths) <= 2 and max(widths, default=0) >= 2


def _header_like(cell: lxml_html.HtmlElement) -> bool:
    """A th, or a short cell whose text is all bold, or a shaded one."""
    text = squash(cell.text_content())
    if cell.tag == "th":
        return True
    if not text:
        return True  # an empty corner cell
    if len(text) > MAX_HEADER_CELL or _NUMBER.match(text):
        return False
    bold = squash("".join(b.text_content() for b in cell.iter("b", "strong")))
    shaded = bool(_SHADED.search(f"{cell.get('style') or ''} {' '.join(cell.attrib)}"))
    return bold == text or shaded


def _header_rows(rows: list[lxml_html.HtmlElement]) -> int:
    """How many leading rows are column headers (in a thead, or all cells header-like)."""
    thead = [tr for tr in rows if any(a.tag == "thead" for a in tr.iterancestors())]
    if thead:
        return len(thead)
    count = 0
    for tr in rows:
        cells = _cells(tr)
        if not cells or not all(_header_like(c) for c in cells) or not any(squash(c.text_content()) for c in cells):
            break
        count += 1
        if not any(span(c, "rowspan") > 1 or span(c, "colspan") > 1 for c in cells):
            break  # a plain header row: the rows after it are data
    return count if count < len(rows) else 0


def _plain_header(rows: list[lxml_html.HtmlElement]) -> bool:
    """A first row of short words over the data (序号 姓名 工作单位), even when not bold."""
    if len(rows) < 2:
        return False
    texts = [squash(c.text_content()) for c in _cells(rows[0])]
    return len(texts) >= 2 and all(0 < len(t) <= MAX_HEADER_CELL and not _NUMBER.match(t) for t in texts)


def _label_value(rows: list[lxml_html.HtmlElement]) -> bool:
    """Two cells a row, the first a short label: 行政处罚决定书文号 | 汉市监处罚〔2023〕112号."""
    pairs = [_cells(tr) for tr in rows]
    pairs = [p for p in pairs if len(p) == 2]
    if len(pairs) < 3 or len(pairs) < 0.8 * len(rows):
        return False
    labels = [squash(p[0].text_content()) for p in pairs]
    return all(0 < len(t) <= MAX_LABEL and not _NUMBER.match(t) for t in labels)


def mark_headers(table: lxml_html.HtmlElement) -> None:
    rows = _rows(table)
    head = _header_rows(rows)
    for tr in rows[:head]:
        for cell in _cells(tr):
            cell.tag = "th"
            cell.set("scope", "colgroup" if span(cell, "colspan") > 1 else "col")
    body = rows[head:]
    if not head and _label_value(body):
        for tr in body:
            cells = _cells(tr)
            if len(cells) == 2:
                cells[0].tag = "th"
                cells[0].set("scope", "row")
        return
    if not head and _plain_header(rows):
        head, body = 1, rows[1:]
        for cell in _cells(rows[0]):
            cell.tag = "th"
            cell.set("scope", "col")
    for tr in body:
        cells = _cells(tr)
        if cells and cells[0].tag == "th" and any(c.tag == "td" for c in cells[1:]):
            cells[0].set("scope", "row")  # a transposed table's label column
        for cell in cells:
            if cell.tag == "th" and not cell.get("scope"):
                cell.set("scope", "col")
    for th in table.iter("th"):
        for b in list(th.iter("b", "strong")):
            b.drop_tag()  # a header cell is bold already


def caption_before(table: lxml_html.HtmlElement) -> None:
    """`<p>表1　2018年主要工业产品产量</p><table>`: the line becomes the table's caption."""
    if table.find("caption") is not None:
        return
    before = table.getprevious()
    if before is None or before.tag not in ("p", "div", "center", "strong", "b"):
        return
    text = squash(before.text_content())
    if 0 < len(text) <= MAX_CAPTION and _CAPTION.match(text) and before.find(".//a") is None:
        caption = lxml_html.Element("caption")
        caption.text = text
        caption.tail = None
        table.insert(0, caption)
        parent = before.getparent()
        if before.tail and before.tail.strip():
            prev = before.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + before.tail
            else:
                parent.text = (parent.text or "") + before.tail
        parent.remove(before)


def linearise(table: lxml_html.HtmlElement) -> None:
    for el in list(table.iter("tbody", "thead", "tfoot")):
        el.drop_tag()
    for el in table.iter("tr", "td", "th", "caption"):
        el.tag = "div"
    table.tag = "div"


def fix_tables(root: lxml_html.HtmlElement) -> None:
    for table in list(root.iter("table")):
        if table.getparent() is None:
            continue
        if is_data_table(table) or _label_value(_rows(table)):
            mark_headers(table)
            caption_before(table)
        else:
            linearise(table)
