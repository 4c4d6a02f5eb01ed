"""Issue 12 in a real browser, on labelled government pages (tests/fixtures/govset) served by the test upstream:
a wide data table in 长辈版 on a phone shows each value under its column's name with numbers whole; the in-page
连读 reader reads every paragraph of an article written as `<div>`s; the pages new in this issue (table cards,
the fallback note, the script-only page) pass axe in every theme."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import axe_violations, describe, set_settings
from tests.browser.test_axe import check_themes

pytestmark = pytest.mark.browser
GOVSET = Path(__file__).resolve().parents[1] / "fixtures" / "govset"
PHONE = {"width": 390, "height": 844}
WIDE_TABLES = ("pen-02-wide-table-disclaimer-first", "pro-09-two-tables-bracket-date", "pen-08-thead-many-rows-tip")
# paragraphs as <div>s; as <br> runs in one <div> (DedeCMS); as <br> runs in a table cell (2010s layouts)
DIV_ARTICLES = ("art-04-bootstrap-divs", "art-13-dede-br-runs", "ntc-05-br-gbk-undeclared")

# Every value cell of every card table: its visible label (the ::before content), its column header as the
# table's header cells give it, whether the header row is out of sight, and for numbers, how many line boxes
# the number's text takes.
CARDS_JS = """() => Array.from(document.querySelectorAll('main table.cards')).map(table => {
  const head = table.querySelector('tr.head-row');
  const headBox = head ? head.getBoundingClientRect() : null;
  const cells = Array.from(table.querySelectorAll('td')).map(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    const box = td.getBoundingClientRect();
    return {text: td.innerText.trim(), label: getComputedStyle(td, '::before').content,
            header: td.dataset.label || '', display: getComputedStyle(td).display,
            number: td.classList.contains('num'), lines: range.getClientRects().length,
            left: box.left, right: box.right, top: box.top, bottom: box.bottom};
  });
  return {headHidden: !headBox || (headBox.width <= 1 && headBox.height <= 1), cells};
})"""


def upstream_path(site: str, name: str, mode: str) -> str:
    return f"/{mode}/{site}/govset/{name}"


def gold(name: str) -> dict:
    return json.loads((GOVSET / f"{name}.json").read_text("utf-8"))


@pytest.fixture
def phone(browser: Any, proxy_url: str) -> Any:
    ctx = browser.new_context(locale="zh-CN", viewport=PHONE, base_url=proxy_url)
    ctx.set_default_timeout(15000)
    yield ctx.new_page()
    ctx.close()


@pytest.mark.parametrize("name", WIDE_TABLES)
def test_elder_table_on_a_phone_shows_each_value_with_its_header(phone: Any, site: str, name: str) -> None:
    phone.goto(upstream_path(site, name, "elder"))
    tables = phone.evaluate(CARDS_JS)
    assert tables, "the wide data table is laid out as cards"
    width = phone.evaluate("document.documentElement.clientWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    for table in tables:
        assert table["headHidden"], "the header row is out of sight (each card names its values)"
        for cell in table["cells"]:
            if not cell["text"]:
                continue
            assert cell["display"] == "block", cell
            assert cell["header"] and cell["label"] == f'"{cell["header"]}："', cell  # shown before the value
            assert cell["left"] >= 0 and cell["right"] <= width, f"cut off: {cell}"
            if cell["number"]:
                assert cell["lines"] == 1, f"number split over lines: {cell}"  # label and number on one line


def test_table_stays_a_table_on_a_wide_screen(page: Any, site: str) -> None:
    page.goto(upstream_path(site, WIDE_TABLES[0], "read"))
    assert page.evaluate("getComputedStyle(document.querySelector('main table.cards td')).display") == "table-cell"
    assert page.locator("main table th[scope='col']").count() == 7


def test_a_large_font_step_on_a_wide_screen_lays_tables_out_as_cards(page: Any, context: Any, proxy_url: str,
                                                                    site: str) -> None:
    """Cards follow the text column's width in characters (as the toolbar's one row does), not the window's:
    无障碍 at the largest font step, dark theme, on a 1280 px window."""
    set_settings(context, proxy_url, "f5.tdark.l0.sserver.r2")
    page.goto(upstream_path(site, WIDE_TABLES[0], "a11y"))
    tables = page.evaluate(CARDS_JS)
    assert tables and all(t["headHidden"] for t in tables)
    cells = [cell for t in tables for cell in t["cells"] if cell["text"]]
    assert cells and all(c["display"] == "block" and c["label"] == f'"{c["header"]}："' for c in cells), cells[:3]
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("name", DIV_ARTICLES)
def test_continuous_reading_reads_every_paragraph_of_a_div_article(page: Any, site: str, name: str) -> None:
    """The body was `<div>`s or `<br>` runs on the page; the reader (which reads p, li, headings …) visits each
    paragraph."""
    page.goto(upstream_path(site, name, "a11y"))
    expected = [line for line in gold(name)["text"].split("\n") if line.strip()]
    page.locator("#a11y-tb button[data-action='read']").click()
    page.wait_for_selector(".a11y-reading")
    read: list[str] = []
    for _ in range(40):
        current = page.evaluate("(document.querySelector('.a11y-reading') || {}).innerText || ''")
        if not current or (read and read[-1] == current.strip()):
            break  # the reader has finished, or → stays on the last block
        read.append(current.strip())
        page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function("t => { const el = document.querySelector('.a11y-reading');"
                                   " return !el || el.innerText !== t; }", arg=current, timeout=4000)
        except PlaywrightTimeout:
            break
    missing = [line for line in expected if not any(line.strip() == r for r in read)]
    assert not missing, f"not read as a paragraph of its own: {missing}"


@pytest.mark.parametrize("name,path", [
    ("table cards", "govset/pen-02-wide-table-disclaimer-first"),
    ("fallback note", "pages/no_article.html"),
    ("script-only page", "govset/js-01-vue-cli-lang-en"),
    ("search page", "govset/srch-01-jsearch"),
    ("document header", "govset/xxgk-01-table4-head"),
])
def test_new_pages_pass_axe_in_every_theme(phone: Any, proxy_url: str, site: str, axe_script: str, report: Any,
                                          name: str, path: str) -> None:
    failures = check_themes(phone, phone.context, proxy_url, f"/elder/{site}/{path}", axe_script, report, name,
                            "elder")
    assert not failures, "\n".join(failures)


def test_script_only_page_offers_the_original_and_no_player(page: Any, site: str, axe_script: str) -> None:
    page.goto(upstream_path(site, "js-01-vue-cli-lang-en", "elder"))
    assert page.get_attribute("html", "lang") == "zh-CN"  # the page's language, not its template's "en"
    assert page.locator("audio").count() == 0 and page.locator(".listen").count() == 0
    link = page.locator("main a.big-link")
    assert link.inner_text() == "打开原网页"
    assert link.get_attribute("href").startswith("/orig/")
    assert "这个网页需要在浏览器里运行程序才能显示内容" in page.locator("main").inner_text()
    assert not axe_violations(page, axe_script), describe(axe_violations(page, axe_script))


def test_fallback_note_links_to_the_original(page: Any, site: str) -> None:
    page.goto(f"/elder/{site}/pages/no_article.html")
    note = page.locator("main .note")
    assert "未能准确识别正文，以下为整页内容" in note.inner_text()
    assert note.locator("a").get_attribute("href").endswith("/pages/no_article.html")
