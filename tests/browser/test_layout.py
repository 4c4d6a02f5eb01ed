"""Computed styles against the design numbers: elder sizes, line height, paragraph spacing, measure,
target sizes, reflow at 320 px (and 250 % zoom) at the largest font step. Screenshots for people."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, PAGES, Report, set_settings

pytestmark = pytest.mark.browser

METRICS_JS = """() => {
  const px = v => parseFloat(v);
  const body = getComputedStyle(document.body);
  const paras = [...document.querySelectorAll('.content p')].filter(p => p.textContent.trim().length > 40);
  const p = paras[0];
  const ps = p ? getComputedStyle(p) : null;
  return {
    body: px(body.fontSize),
    lineHeight: px(ps ? ps.lineHeight : body.lineHeight) / px(ps ? ps.fontSize : body.fontSize),
    paragraphGap: ps ? px(ps.marginBottom) / px(ps.fontSize) : 0,
    measure: p ? (p.getBoundingClientRect().width - px(ps.paddingLeft) - px(ps.paddingRight)) / px(ps.fontSize) : 0,
    headings: [...document.querySelectorAll('main h1, main h2')].map(h => px(getComputedStyle(h).fontSize)),
  };
}"""

TARGETS_JS = """() => [...document.querySelectorAll("#a11y-tb button, #a11y-tb a, .page-main .prevnext a, .attachments a, .listen a")]
  .filter(el => el.getClientRects().length)
  .map(el => { const r = el.getBoundingClientRect(); return [el.textContent.trim().slice(0, 12), r.width, r.height]; })"""


def test_elder_numbers(page: Any, context: Any, proxy_url: str) -> None:
    page.goto(f"/elder/{PAGES['article']}")
    m = page.evaluate(METRICS_JS)
    assert m["body"] >= 24
    assert m["lineHeight"] >= 1.5
    assert m["paragraphGap"] >= 2
    assert 10 < m["measure"] <= 40.5, m
    assert min(m["headings"]) >= 40, m["headings"]
    set_settings(context, proxy_url, "f4.tdefault.l0.sserver.r2")
    page.reload()
    assert page.evaluate(METRICS_JS)["body"] >= 48


@pytest.mark.parametrize("mode", ["read", "a11y", "text"])
def test_other_modes_line_height_and_spacing(page: Any, mode: str) -> None:
    page.goto(f"/{mode}/{PAGES['article']}")
    m = page.evaluate(METRICS_JS)
    assert m["lineHeight"] >= 1.5 and m["paragraphGap"] >= 2 and m["measure"] <= 40.5, m


@pytest.mark.parametrize("mode,minimum", [("elder", 60), ("a11y", 44), ("read", 44), ("orig", 44)])
def test_toolbar_and_button_targets(page: Any, mode: str, minimum: int) -> None:
    page.goto(f"/{mode}/{PAGES['article']}")
    targets = page.evaluate(TARGETS_JS)
    assert len(targets) >= 6
    small = [t for t in targets if t[1] < minimum - 0.5 or t[2] < minimum - 0.5]
    assert not small, small


@pytest.mark.parametrize("width", [320, 512])  # 512 css px = a 1280 px window at 250 % zoom
def test_no_horizontal_scroll_at_largest_step(browser: Any, proxy_url: str, width: int) -> None:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800}, base_url=proxy_url)
    try:
        set_settings(ctx, proxy_url, "f5.tdefault.l2.sserver.r2")
        page = ctx.new_page()
        wide = []
        for mode in ("read", "elder", "a11y", "text"):
            for kind, url in PAGES.items():
                page.goto(f"/{mode}/{url}")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    wide.append((mode, kind, scroll))
        page.goto("/settings")
        if page.evaluate("document.documentElement.scrollWidth") > width:
            wide.append(("settings", "-", page.evaluate("document.documentElement.scrollWidth")))
        assert not wide, wide
    finally:
        ctx.close()


@pytest.mark.parametrize("mode", ["elder", "a11y"])
def test_screenshots(page: Any, report: Report, mode: str) -> None:
    page.goto(f"/{mode}/{PAGES['article']}")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{mode}-article.png"
    page.screenshot(path=str(path), full_page=True)
    report.screenshots.append(path)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
