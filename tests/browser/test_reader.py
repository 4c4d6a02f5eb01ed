"""The reader's first screen, our audio player, kind error pages and the reading aids, in a real browser.

Positions are measured (getBoundingClientRect), never judged from a screenshot; the screenshots written to
test-artifacts/ are for people. The numbers go to test-artifacts/first-screen.md."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import (
    ARTIFACTS,
    PAGES,
    Report,
    axe_violations,
    describe,
    min_ratios,
    set_settings,
)
from tests.browser.test_axe import check_themes
from tests.browser.wcag import contrast
from transforms.context import THEMES

pytestmark = pytest.mark.browser
ARTICLE = PAGES["article"]
TITLE = "示例省科技厅召开2026年科技成果转化工作推进会"

FIRST_SCREEN_JS = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  const p = document.querySelector('main .content p');
  const lh = parseFloat(getComputedStyle(p).lineHeight);
  const bar = [...document.querySelectorAll('#a11y-tb .a11y-tb-buttons > li')].filter(li => li.getClientRects().length);
  return {width: innerWidth, height: innerHeight, toolbar: box(document.getElementById('a11y-tb')),
          barTops: [...new Set(bar.map(li => Math.round(li.getBoundingClientRect().top)))],
          barLabels: bar.map(li => li.querySelector('button, a').innerText.trim()),
          h1: box(document.querySelector('main h1')), p: box(p), lineHeight: lh,
          bodyLines: Math.max(0, Math.floor((innerHeight - p.getBoundingClientRect().top) / lh)),
          scrollWidth: document.documentElement.scrollWidth};
}"""
_FIRST_SCREEN: list[str] = []


def _write_first_screen(row: str) -> None:
    _FIRST_SCREEN.append(row)
    ARTIFACTS.mkdir(exist_ok=True)
    head = ["| screen | mode | toolbar rows | toolbar bottom | h1 top–bottom | body text top | body lines visible |",
            "|---|---|---|---|---|---|---|"]
    (ARTIFACTS / "first-screen.md").write_text("\n".join(head + _FIRST_SCREEN) + "\n", encoding="utf-8")


@pytest.mark.parametrize("label,width,height,scale,mode,lines", [
    ("phone 390×844", 390, 844, 3, "elder", 2),
    ("phone 390×844", 390, 844, 3, "a11y", 2),
    ("1280×900 at 250 % zoom", 512, 360, 2.5, "elder", 0),
    ("1280×900 at 250 % zoom", 512, 360, 2.5, "a11y", 0),
])
def test_first_screen_is_the_article(browser: Any, proxy_url: str, report: Report, label: str, width: int,
                                     height: int, scale: float, mode: str, lines: int) -> None:
    """The toolbar keeps one row; the headline is wholly on the first screen, and on a phone at least two
    lines of the text too. (250 % zoom of a 1280×900 window is a 512×360 CSS viewport.)"""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height},
                              device_scale_factor=scale, base_url=proxy_url)
    try:
        page = ctx.new_page()
        page.goto(f"/{mode}/{ARTICLE}")
        m = page.evaluate(FIRST_SCREEN_JS)
        _write_first_screen(f"| {label} | {mode} | {len(m['barTops'])} ({' '.join(m['barLabels'])}) | "
                            f"{m['toolbar']['bottom']:.0f} | {m['h1']['top']:.0f}–{m['h1']['bottom']:.0f} | "
                            f"{m['p']['top']:.0f} | {m['bodyLines']} |")
        assert len(m["barTops"]) == 1, m  # one row: 朗读/连读, 大字, 小字, 配色, 更多
        assert m["barLabels"][-1] == "更多" and len(m["barLabels"]) == 5, m
        assert 0 <= m["h1"]["top"] and m["h1"]["bottom"] <= m["height"], m
        assert m["bodyLines"] >= lines, m
        assert m["scrollWidth"] <= width, m
        shot = ARTIFACTS / f"first-screen-{mode}-{width}x{height}.png"
        page.screenshot(path=str(shot))
        report.screenshots.append(shot)
    finally:
        ctx.close()


def test_wide_screen_keeps_every_tool_in_the_bar(page: Any) -> None:
    page.goto(f"/a11y/{ARTICLE}")
    visible = page.evaluate("[...document.querySelectorAll('#a11y-tb .a11y-tb-buttons > li > button')]"
                            ".filter(b => b.getClientRects().length).map(b => b.dataset.action || 'more')")
    assert visible[:3] == ["sound", "rate", "point"] and visible[-1] == "more" and len(visible) == 16
    page.click("#a11y-more")  # on a wide screen the menu holds the page's links only
    items = page.evaluate("[...document.querySelectorAll('#a11y-menu [role^=menuitem]')]"
                          ".filter(el => el.getClientRects().length).map(el => el.textContent.trim())")
    assert items == ["长辈版", "无障碍", "阅读视图", "纯文本", "原版（已清理）", "查看原网页", "设置"]


def test_more_menu_by_keyboard(browser: Any, proxy_url: str) -> None:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=proxy_url)
    try:
        page = ctx.new_page()
        page.goto(f"/a11y/{ARTICLE}")
        more = page.locator("#a11y-more")
        assert more.get_attribute("aria-haspopup") == "menu" and more.get_attribute("aria-expanded") == "false"
        assert page.locator("#a11y-menu").get_attribute("aria-label") == "更多功能"
        more.focus()
        page.keyboard.press("Enter")
        assert more.get_attribute("aria-expanded") == "true"
        focused = "document.activeElement.textContent.trim()"
        assert page.evaluate(focused) == "声音"
        page.keyboard.press("End")
        assert page.evaluate(focused) == "设置"
        page.keyboard.press("ArrowDown")  # wraps round
        assert page.evaluate(focused) == "声音"
        for _ in range(4):  # 语速, 指读, 大鼠标, 十字线
            page.keyboard.press("ArrowDown")
        assert page.evaluate(focused) == "十字线"
        assert page.evaluate("document.activeElement.getAttribute('role')") == "menuitemcheckbox"
        page.keyboard.press("Enter")  # the tool works from the menu, and the focus goes back to 更多
        assert "cross-on" in (page.get_attribute("html", "class") or "")
        assert page.evaluate("document.activeElement.id") == "a11y-more"
        page.keyboard.press("ArrowDown")
        assert page.locator("[data-menu-action='cross']").get_attribute("aria-checked") == "true"
        page.keyboard.press("Escape")
        assert page.locator("#a11y-menu").is_hidden() and page.evaluate("document.activeElement.id") == "a11y-more"
    finally:
        ctx.close()


@pytest.mark.parametrize("keys,target", [("Alt+Digit1", "nav.breadcrumb"), ("Alt+Digit2", "main")])
def test_region_jumps_show_the_focus(page: Any, keys: str, target: str) -> None:
    page.goto(f"/a11y/{ARTICLE}")
    page.locator("main p").first.click()
    page.keyboard.press(keys)
    assert page.evaluate(f"document.activeElement.matches('{target}')")
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; })()")
    assert style[0] == "solid" and style[1] >= 3, style
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert contrast(style[2], background) >= 3, style
    page.keyboard.press("Tab")  # the ring goes when the focus moves on
    assert page.locator(".a11y-region-focus").count() == 0


PLAYER_COLOURS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.listen .player button, .listen .player a, .player-time, .player-now')) {
    if (!el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    let bg = 'rgba(0, 0, 0, 0)';
    for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
      if (c !== 'rgba(0, 0, 0, 0)') { bg = c; break; } }
    out.push([el.textContent.trim().slice(0, 8), cs.color, bg]);
  }
  const fill = getComputedStyle(document.querySelector('.player-fill')).backgroundColor;
  return {text: out, fill, page: getComputedStyle(document.body).backgroundColor};
}"""


@pytest.mark.parametrize("theme", THEMES)
def test_player_by_keyboard_in_every_theme(browser: Any, proxy_url: str, theme: str) -> None:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=proxy_url)
    try:
        set_settings(ctx, proxy_url, f"f0.t{theme}.l0.sserver.r2")
        page = ctx.new_page()
        page.goto(f"/elder/{ARTICLE}")
        play = page.locator("[data-player='play']")
        assert play.inner_text() == "播放" and page.locator("[data-player='back']").is_hidden()  # narrow, not started
        play.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('.player').classList.contains('playing')")
        assert play.inner_text() == "暂停"
        slider = page.locator(".player-slider")
        page.wait_for_function("() => +document.querySelector('.player-slider').getAttribute('aria-valuemax') > 30")
        now = page.locator(".player-now")
        page.wait_for_function("t => document.querySelector('.player-now').textContent === t", arg=TITLE)
        assert page.locator("h1.a11y-reading").count() == 1  # the sentence read is marked in the page
        # every control is reachable in order: 播放 → 后退 → 前进 → 语速 → 下载 → the slider
        order = []
        for _ in range(5):
            page.keyboard.press("Tab")
            order.append(page.evaluate("document.activeElement.dataset.player || document.activeElement.className"))
        assert order == ["back", "forward", "rate", "button player-download", "player-slider"], order
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => +document.querySelector('.player-slider').getAttribute('aria-valuenow') >= 15")
        text = slider.get_attribute("aria-valuetext") or ""
        assert "秒" in text and "共" in text, text
        page.keyboard.press("Home")
        page.wait_for_function("() => +document.querySelector('.player-slider').getAttribute('aria-valuenow') <= 1")
        page.keyboard.press("End")  # the last sentence, then the end: announced, and back to the start
        page.wait_for_function("() => document.getElementById('a11y-live').textContent.includes('已播放完毕')")
        assert page.evaluate("document.querySelector('.player').classList.contains('playing')") is False
        assert slider.get_attribute("aria-valuenow") == "0" and play.inner_text() == "播放"
        play.focus()
        page.keyboard.press("Space")
        page.wait_for_function("() => document.querySelector('.player').classList.contains('playing')")
        page.keyboard.press("Space")
        page.wait_for_function("() => !document.querySelector('.player').classList.contains('playing')")
        assert now.is_visible()
        # contrast: every label and the time >= 7:1, the progress fill >= 3:1 against the page
        colours = page.evaluate(PLAYER_COLOURS_JS)
        low = [(t, round(contrast(fg, bg), 2)) for t, fg, bg in colours["text"] if contrast(fg, bg) < 7]
        assert not low, (theme, low)
        assert contrast(colours["fill"], colours["page"]) >= 3
        # targets: 60 px in 长辈版
        sizes = page.evaluate("[...document.querySelectorAll('.player button, .player a, .player-slider')]"
                              ".map(el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; })")
        assert all(w >= 59.5 and h >= 59.5 for w, h in sizes), sizes
        if theme == "dark":
            shot = ARTIFACTS / "player-dark-390x844.png"
            page.locator(".listen").screenshot(path=str(shot))
    finally:
        ctx.close()


def test_player_remembers_the_position(page: Any) -> None:
    page.goto(f"/a11y/{ARTICLE}")
    page.locator("[data-player='play']").click()
    page.wait_for_function("() => document.querySelector('.player').classList.contains('playing')")
    page.locator(".player-slider").focus()
    page.keyboard.press("PageUp")
    page.wait_for_function("() => +document.querySelector('.player-slider').getAttribute('aria-valuenow') >= 55")
    page.locator("[data-player='play']").click()
    sentence = page.locator(".player-now").inner_text()
    kept = int(page.locator(".player-slider").get_attribute("aria-valuenow") or 0)
    page.reload()
    page.wait_for_function("() => !document.querySelector('.player-resume').hidden")
    assert "上次听到" in page.locator(".player-resume").inner_text()
    assert page.locator(".player-now").inner_text() == sentence  # the same sentence, the same point in it
    # the clock is the same up to the lengths of segments not heard again yet (estimated until then)
    assert abs(int(page.locator(".player-slider").get_attribute("aria-valuenow") or 0) - kept) <= 8


def test_without_javascript_the_native_player_remains(browser: Any, proxy_url: str) -> None:
    ctx = browser.new_context(locale="zh-CN", java_script_enabled=False, base_url=proxy_url)
    try:
        page = ctx.new_page()
        page.goto(f"/elder/{ARTICLE}")
        assert page.locator(".listen audio[controls]").is_visible()
        assert page.locator(".player").is_hidden()
    finally:
        ctx.close()


ERROR_PAGES = [("upstream-404", "/elder/{site}/status/404", 404), ("upstream-500", "/a11y/{site}/status/500", 502),
               ("not-allowed", "/read/http://www.example.com/", 403), ("bad-url", "/elder/http://[::1", 400),
               ("no-such-page", "/nothing-here/", 404)]


@pytest.mark.parametrize("name,path,status", ERROR_PAGES)
def test_error_pages_under_axe_in_every_theme(page: Any, context: Any, proxy_url: str, site: str, axe_script: str,
                                              report: Report, name: str, path: str, status: int) -> None:
    failures = check_themes(page, context, proxy_url, path.format(site=site), axe_script, report,
                            f"error {name}", "-", status)
    assert not failures, "\n".join(failures)
    assert page.locator("#a11y-tb").is_visible() and page.locator("main h1").count() == 1
    page.locator("details summary").click()  # 技术信息 open: still clean
    assert "HTTP" in page.locator("details").inner_text()
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)


def paragraph_reading(page: Any, selector: str) -> str:
    """What a screen reader gets from an element: the text of the accessibility tree under it (Chromium's)."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    backend = cdp.send("DOM.describeNode", {"nodeId": node})["node"]["backendNodeId"]
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}
    start = next(n for n in nodes if n.get("backendDOMNodeId") == backend)
    texts: list[str] = []

    def walk(n: dict) -> None:
        if n.get("ignored"):
            return
        if n.get("role", {}).get("value") == "StaticText":
            texts.append(n.get("name", {}).get("value", ""))
            return
        for child in n.get("childIds", []):
            walk(by_id[child])

    walk(start)
    cdp.detach()
    return "".join(texts)


@pytest.mark.parametrize("mode", ["elder", "a11y", "text", "orig"])
def test_pinyin_reads_once_and_stays_clean(page: Any, context: Any, proxy_url: str, axe_script: str,
                                           mode: str) -> None:
    set_settings(context, proxy_url, "f0.tdefault.l0.sserver.r2.p1")
    page.goto(f"/{mode}/{ARTICLE}")
    paragraph = "main .content p" if mode != "orig" else "main #zoom p"
    assert page.locator(f"{paragraph} rt").count() > 20
    assert page.evaluate(f"getComputedStyle(document.querySelector('{paragraph} rt'), '::before').content") == '"yuè"'
    text = page.locator(paragraph).first.evaluate("el => el.textContent")
    assert text.startswith("11月19日，示例省科技厅") and "yuè" not in text
    assert paragraph_reading(page, paragraph) == text  # read once, characters only
    copied = page.evaluate(f"""() => {{ const r = document.createRange();
        r.selectNodeContents(document.querySelector('{paragraph}'));
        getSelection().removeAllRanges(); getSelection().addRange(r); return getSelection().toString(); }}""")
    assert copied == text
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
    worst = min(ratio for ratio, _ in min_ratios(page).values())
    assert worst >= 7


def test_pinyin_and_traditional_from_the_toolbar(page: Any, context: Any, axe_script: str) -> None:
    page.goto(f"/elder/{ARTICLE}")
    assert page.locator("rt").count() == 0
    with page.expect_navigation():
        page.locator("#a11y-tb button[data-action='pinyin']").click()
    assert page.locator("main h1 rt").count() == len("示例省科技厅召开") + 1 + len("科技成果转化工作推进会")
    assert page.locator("#a11y-tb button[data-action='pinyin']").get_attribute("aria-pressed") == "true"
    with page.expect_navigation():
        page.keyboard.press("Alt+KeyJ")
    assert page.get_attribute("html", "lang") == "zh-Hant-TW"
    assert page.locator("main h1").evaluate("el => el.textContent") == "示例省科技廳召開2026年科技成果轉化工作推進會"
    assert page.locator("main h1 rt").first.get_attribute("data-py") == "shì"
    assert page.locator(".player-play").inner_text() == "播放" and page.locator(".listen h2").inner_text() == "朗讀全文"
    assert any(c["name"] == "a11y_settings" and c["value"].endswith(".chant-tw.p1") for c in context.cookies())
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
    shot = ARTIFACTS / "elder-hant-pinyin.png"
    page.screenshot(path=str(shot))


@pytest.mark.parametrize("mode", ["read", "elder", "a11y", "text", "orig"])
def test_traditional_in_every_mode(page: Any, context: Any, proxy_url: str, axe_script: str, mode: str) -> None:
    set_settings(context, proxy_url, "f0.tdefault.l0.sserver.r2.chant-hk")
    page.goto(f"/{mode}/{ARTICLE}")
    assert page.get_attribute("html", "lang") == "zh-Hant-HK"
    assert "科技廳" in page.locator("main").inner_text() and "科技厅" not in page.locator("main").inner_text()
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
