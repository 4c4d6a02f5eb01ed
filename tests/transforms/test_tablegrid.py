"""The one table grid the layouts and speech share: merged cells in every slot they cover, as browsers lay
tables out; a nested table is its own; hostile spans are capped."""

from __future__ import annotations

from lxml import html as lxml_html

from transforms.speech.text import table_paragraphs
from transforms.tablegrid import MAX_COLSPAN, grid, rows, span


def texts(table: lxml_html.HtmlElement) -> list[list[str]]:
    return [[cell.text_content() if cell is not None else "" for cell in row] for row in grid(table)]


def test_merged_cells_cover_their_slots() -> None:
    table = lxml_html.fragment_fromstring(
        "<table><tr><th rowspan='2'>地区</th><th colspan='2'>成交额</th></tr><tr><th>今年</th><th>去年</th></tr>"
        "<tr><td>东区</td><td>1</td><td>2</td></tr></table>")
    assert texts(table) == [["地区", "成交额", "成交额"], ["地区", "今年", "去年"], ["东区", "1", "2"]]


def test_a_short_row_left_of_a_carried_cell_has_an_empty_slot() -> None:
    table = lxml_html.fragment_fromstring(
        "<table><tr><td>a</td><td>b</td><td rowspan='2'>c</td></tr><tr><td>d</td></tr></table>")
    assert texts(table) == [["a", "b", "c"], ["d", "", "c"]]
    # speech says what the row has, the carried cell too, and nothing for the empty slot (rows counted)
    assert table_paragraphs(table)[1:] == ["第1行：a，b，c。", "第2行：d，c。"]


def test_a_nested_table_is_not_part_of_the_outer_grid() -> None:
    table = lxml_html.fragment_fromstring(
        "<table><tr><td><table><tr><td>x</td><td>y</td></tr></table></td><td>z</td></tr></table>")
    assert len(rows(table)) == 1 and len(grid(table)[0]) == 2


def test_spans_are_read_like_browsers_and_capped() -> None:
    cell = lxml_html.fragment_fromstring("<td colspan='3px' rowspan='0'>a</td>")
    assert (span(cell, "colspan"), span(cell, "rowspan")) == (3, 1)
    wide = lxml_html.fragment_fromstring("<table><tr><td colspan='100000'>a</td><td>b</td></tr></table>")
    assert len(grid(wide)[0]) == MAX_COLSPAN + 1
