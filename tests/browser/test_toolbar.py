"""The toolbar in a real browser: each button and shortcut does what it says, state is announced and kept,
keyboard-only use reaches every control. UI state only: headless chromium has no voices."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PAGES, min_ratios

pytestmark = pytest.mark.browser
ARTICLE = f"/a11y/{PAGES['article']}"


def classes(page: Any) -> set[str]:
    return set((page.get_attribute("html", "class") or "").split())


def button(page: Any, action: str) -> Any:
    return page.locator(f"#a11y-tb button[data-action='{action}']")


def pressed(page: Any, action: str) -> str | None:
    return button(page, action).get_attribute("aria-pressed")


def announced(page: Any, text: str) -> None:
    page.wait_for_function("t => document.getElementById('a11y-live').textContent.includes(t)", arg=text)


def settings_cookie(context: Any) -> str:
    return next((c["value"] for c in context.cookies() if c["name"] == "a11y_settings"), "")


def body_px(page: Any) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")


def test_font_buttons_change_the_computed_size(page: Any, context: Any) -> None:
    page.goto(ARTICLE)
    start = body_px(page)
    button(page, "bigger").click()
    assert body_px(page) == pytest.approx(start * 1.25)
    assert "font-1" in classes(page) and settings_cookie(context).startswith("f1.")
    announced(page, "字号 125%")
    button(page, "smaller").click()
    assert body_px(page) == pytest.approx(start)


def test_theme_button_cycles_every_palette(page: Any) -> None:
    page.goto(ARTICLE)
    expected = [("dark", "rgb(0, 0, 0)", "黑底白字"), ("blue", "rgb(0, 41, 96)", "深蓝底白字"),
                ("chocolate", "rgb(98, 48, 16)", "巧克力底白字"), ("yellow", "rgb(0, 0, 0)", "黑底黄字"),
                ("default", "rgb(255, 255, 255)", "白底黑字")]
    for theme, background, name in expected:
        button(page, "theme").click()
        assert f"theme-{theme}" in classes(page)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
        assert name in button(page, "theme").inner_text()
        announced(page, name)
        worst = min(ratio for ratio, _ in min_ratios(page).values())
        assert worst >= 7, (theme, min_ratios(page))


def test_cross_hair_follows_the_pointer(page: Any) -> None:
    page.goto(ARTICLE)
    lines = page.locator(".a11y-cross-h")
    assert not lines.is_visible()
    button(page, "cross").click()
    assert pressed(page, "cross") == "true" and lines.is_visible() and page.locator(".a11y-cross-v").is_visible()
    page.mouse.move(300, 400)
    box = lines.bounding_box()
    assert box is not None and abs(box["y"] - 398) <= 2
    assert page.locator(".a11y-cross-v").bounding_box()["x"] == pytest.approx(298, abs=2)


def test_caption_bar_shows_the_text_pointed_at(page: Any) -> None:
    page.goto(ARTICLE)
    bar = page.locator("#a11y-caption")
    assert not bar.is_visible()
    button(page, "caption").click()
    assert bar.is_visible() and pressed(page, "caption") == "true"
    assert page.locator("h1").inner_text() in bar.inner_text()
    assert page.evaluate("parseFloat(getComputedStyle(document.getElementById('a11y-caption')).fontSize)") >= 40
    paragraph = page.locator(".content p").first
    paragraph.hover()
    page.wait_for_function("t => document.getElementById('a11y-caption-text').textContent === t",
                           arg=paragraph.inner_text().strip())


def test_text_only_hides_images_and_shows_alt(page: Any) -> None:
    page.goto(ARTICLE)
    image = page.locator("main img").first
    assert image.is_visible()
    button(page, "textonly").click()
    assert not image.is_visible() and "text-only" in classes(page)
    alt = image.get_attribute("alt")
    assert page.locator(".a11y-alt", has_text=alt).first.is_visible()


def test_big_cursor(page: Any) -> None:
    page.goto(ARTICLE)
    button(page, "cursor").click()
    assert "big-cursor" in classes(page) and pressed(page, "cursor") == "true"
    assert "cursor-arrow.svg" in page.evaluate("getComputedStyle(document.querySelector('main p')).cursor")
    assert "cursor-hand.svg" in page.evaluate("getComputedStyle(document.querySelector('main a')).cursor")


def test_sound_rate_and_point_reading(page: Any, context: Any) -> None:
    page.goto(ARTICLE)
    assert pressed(page, "sound") == "true"
    button(page, "sound").click()
    assert pressed(page, "sound") == "false"
    announced(page, "声音 已关闭")
    assert "中" in button(page, "rate").inner_text()
    for name, step in (("快", 3), ("很快", 4), ("很慢", 0)):
        button(page, "rate").click()
        assert name in button(page, "rate").inner_text() and settings_cookie(context).endswith(f".r{step}")
    button(page, "point").click()
    assert pressed(page, "point") == "true"
    page.locator(".content p").nth(1).hover()
    page.wait_for_selector(".content p.a11y-pointed")


def test_continuous_reading_highlights_and_skips(page: Any) -> None:
    page.goto(ARTICLE)
    button(page, "caption").click()
    button(page, "read").click()
    assert pressed(page, "read") == "true"
    first = page.wait_for_selector(".a11y-reading")
    first_text = first.inner_text()
    assert first.evaluate("el => el.tagName") == "H1"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("t => document.querySelector('.a11y-reading').innerText !== t", arg=first_text)
    assert page.locator(".a11y-reading").count() == 1
    # the caption follows: the sentence being read now (the server's wording when it has audio)
    page.wait_for_function("t => { const c = document.getElementById('a11y-caption-text').textContent;"
                           " return c && c !== t; }", arg=first_text)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("t => document.querySelector('.a11y-reading').innerText === t", arg=first_text)
    page.keyboard.press("Escape")
    assert page.locator(".a11y-reading").count() == 0 and pressed(page, "read") == "false"
    announced(page, "连读已停止")


def test_reset_restores_defaults(page: Any, context: Any) -> None:
    page.goto(ARTICLE)
    for action in ("bigger", "bigger", "theme", "cross", "textonly"):
        button(page, action).click()
    assert {"font-2", "theme-dark", "cross-on", "text-only"} <= classes(page)
    button(page, "reset").click()
    assert {"font-0", "theme-default"} <= classes(page) and not {"cross-on", "text-only"} & classes(page)
    assert settings_cookie(context) == "f0.tdefault.l0.sserver.r2"
    announced(page, "已恢复默认设置")


def test_help_dialog_lists_shortcuts_and_returns_focus(page: Any) -> None:
    page.goto(ARTICLE)
    button(page, "help").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#a11y-help")
    assert dialog.is_visible() and "Alt+X" in dialog.inner_text() and "Alt+↑" in dialog.inner_text()
    assert page.evaluate("document.activeElement.dataset.action") == "help-close"
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.dataset.action") == "help"


SHORTCUTS = [
    ("Alt+ArrowUp", "font-1"), ("Alt+ArrowDown", "font-0"), ("Alt+Backquote", "theme-dark"),
    ("Alt+KeyM", "big-cursor"), ("Alt+KeyC", "cross-on"), ("Alt+KeyB", "caption-on"), ("Alt+KeyT", "text-only"),
]


def test_shortcuts(page: Any) -> None:
    page.goto(ARTICLE)
    page.locator("main p").first.click()  # focus somewhere in the page, as a reader would
    for keys, cls in SHORTCUTS:
        page.keyboard.press(keys)
        assert cls in classes(page), keys
    page.keyboard.press("Alt+KeyV")
    assert pressed(page, "sound") == "false"
    page.keyboard.press("Alt+KeyS")
    assert "快" in button(page, "rate").inner_text()
    page.keyboard.press("Alt+KeyP")
    assert pressed(page, "point") == "true"
    page.keyboard.press("Alt+KeyX")
    page.wait_for_selector(".a11y-reading")
    page.keyboard.press("Alt+KeyX")
    assert pressed(page, "read") == "false"
    page.keyboard.press("Alt+Slash")
    assert page.locator("#a11y-help").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+Digit1")
    assert page.evaluate("document.activeElement.matches('nav.breadcrumb')")
    page.keyboard.press("Alt+Digit2")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Alt+KeyR")
    assert {"font-0", "theme-default"} <= classes(page) and "cross-on" not in classes(page)


def test_settings_survive_navigation_with_first_paint(page: Any, context: Any) -> None:
    page.goto(ARTICLE)
    for action in ("bigger", "bigger", "theme"):
        button(page, action).click()
    with page.expect_response(lambda r: r.url.endswith("/col/gzdt/")) as info:
        page.locator("nav.breadcrumb a", has_text="工作动态").click()
    html = info.value.text()
    assert 'class="mode-a11y theme-dark font-2 spacing-0"' in html  # rendered by the server: no flash
    page.wait_for_load_state()
    assert {"theme-dark", "font-2"} <= classes(page)
    stored = page.evaluate("JSON.parse(localStorage.getItem('a11y-proxy')).cookie")
    assert stored == settings_cookie(context) == "f2.tdark.l0.sserver.r2"


def test_keyboard_reaches_every_control_in_order(page: Any) -> None:
    page.goto(ARTICLE)
    total = page.evaluate("""() => {
      const all = [...document.querySelectorAll('a[href], button, audio[controls], [tabindex="0"]')]
        .filter(el => el.getClientRects().length && !el.closest('dialog'));
      all.forEach((el, i) => el.dataset.order = i);
      return all.length;
    }""")
    seen: list[int] = []
    for _ in range(total + 15):
        page.keyboard.press("Tab")
        order = page.evaluate("document.activeElement.dataset.order ?? null")
        if order is not None and seen and int(order) == seen[-1]:
            continue  # inside the audio player's own controls
        if order is None or (seen and int(order) < seen[-1]):
            break
        seen.append(int(order))
    assert seen == list(range(total)), seen
    first = page.evaluate("document.querySelector('[data-order=\"0\"]').className")
    assert first == "skip-link"
    toolbar = page.evaluate("[...document.querySelectorAll('#a11y-tb button, #a11y-tb a')]"
                            ".filter(el => el.getClientRects().length).map(el => +el.dataset.order)")
    assert toolbar == list(range(1, len(toolbar) + 1))


def test_skip_link_moves_focus_to_main(page: Any) -> None:
    page.goto(ARTICLE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_elder_big_read_button(page: Any) -> None:
    page.goto(f"/elder/{PAGES['article']}")
    big = button(page, "read")
    assert big.inner_text() == "朗读"
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.a11y-tb-big')).fontSize)") >= 40
    big.click()
    page.wait_for_selector(".a11y-reading")
    big.click()
    assert page.locator(".a11y-reading").count() == 0


def test_orig_mode_toolbar_forces_the_theme(page: Any) -> None:
    page.goto(f"/orig/{PAGES['article']}")
    button(page, "theme").click()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).color") == "rgb(255, 255, 255)"
    button(page, "bigger").click()
    assert page.evaluate("getComputedStyle(document.body).zoom") == "1.25"


def test_no_csp_violations(page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    for mode in ("read", "elder", "a11y", "text", "orig"):
        page.goto(f"/{mode}/{PAGES['article']}")
        button(page, "bigger").click()
    page.goto("/")
    assert not errors, errors
