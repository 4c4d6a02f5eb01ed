"""A table as a browser lays it out: rows of slots, each slot holding the cell that covers it (colspan and rowspan
applied). One reading for every stage that needs a cell's column: the page layouts (column labels, table cards,
text mode's rows) and speech (a table read row by row with its headers). A core leaf: it imports nothing of the
project."""

from __future__ import annotations

import re

from lxml import html as lxml_html

MAX_COLSPAN = 100  # a wider span is taken as this (a hostile colspan would make every row that wide)
MAX_ROWSPAN = 500
_LEADING_DIGITS = re.compile(r"\s*(\d+)")

Cell = lxml_html.HtmlElement
Grid = list[list[Cell | None]]


def rows(table: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The table's own rows (thead, tbody, tfoot or bare), not those of a table nested in a cell."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def cells(tr: lxml_html.HtmlElement) -> list[Cell]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def span(cell: Cell, name: str) -> int:
    """colspan or rowspan as browsers read it (leading digits; 0, junk or none is 1), capped."""
    m = _LEADING_DIGITS.match(cell.get(name) or "")
    value = int(m.group(1)) if m else 1
    return max(1, min(value, MAX_COLSPAN if name == "colspan" else MAX_ROWSPAN))


def grid(table: lxml_html.HtmlElement) -> Grid:
    """One list per row of `rows(table)`, one slot per column: the cell covering it, or None where no cell does
    (a short row left of a cell carried down from above)."""
    out: Grid = []
    carried: dict[int, tuple[Cell, int]] = {}  # column -> (cell, rows still covered)
    for tr in rows(table):
        row: list[Cell | None] = []
        pending = iter(cells(tr))
        col = 0
        while True:
            if col in carried:
                cell, left = carried.pop(col)
                row.append(cell)
                if left > 1:
                    carried[col] = (cell, left - 1)
                col += 1
                continue
            cell = next(pending, None)
            if cell is None:
                if any(c >= col for c in carried):
                    row.append(None)
                    col += 1
                    continue
                break
            down = span(cell, "rowspan")
            for _ in range(span(cell, "colspan")):
                row.append(cell)
                if down > 1:
                    carried[col] = (cell, down - 1)
                col += 1
        out.append(row)
    return out
