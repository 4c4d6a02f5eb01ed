"""The settings page works with the keyboard and without JavaScript; the home page's bookmarklets."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import PAGES

pytestmark = pytest.mark.browser


def test_settings_form_without_javascript_by_keyboard(browser: Any, proxy_url: str) -> None:
    ctx = browser.new_context(locale="zh-CN", java_script_enabled=False, base_url=proxy_url)
    try:
        page = ctx.new_page()
        back = f"/a11y/{PAGES['article']}"
        page.goto("/settings?back=" + quote(back, safe=""))
        for control in ("#s-theme-blue", "#s-font-3", "#s-spacing-1", "#s-mode-a11y"):
            page.focus(control)
            page.keyboard.press("Space")
        page.keyboard.press("Enter")  # submits the form
        page.wait_for_url(f"**{back}")
        html_class = page.get_attribute("html", "class") or ""
        assert {"mode-a11y", "theme-blue", "font-3", "spacing-1"} <= set(html_class.split())
        cookies = {c["name"]: c["value"] for c in ctx.cookies()}
        assert cookies["a11y_settings"] == "f3.tblue.l1.sserver.r2" and cookies["a11y_mode"] == "a11y"
        page.goto("/")
        assert page.is_checked("#mode-a11y")
        page.goto("/settings")
        assert page.is_checked("#s-theme-blue") and page.is_checked("#s-font-3")
        page.click("button[name='reset']")
        page.wait_for_url("**/settings?saved=1")
        assert page.locator("[role='status']").inner_text() == "设置已保存。"
        assert page.is_checked("#s-theme-default")
    finally:
        ctx.close()


def test_settings_link_from_the_toolbar_comes_back(page: Any) -> None:
    page.goto(f"/elder/{PAGES['article']}")
    page.locator("#a11y-more").click()  # the page's links are in the toolbar's 更多 menu
    page.locator("#a11y-menu a", has_text="设置").click()
    page.check("#s-theme-yellow")
    page.click("button[type='submit']:not([name])")
    page.wait_for_url(f"**/elder/{PAGES['article']}")
    assert "theme-yellow" in (page.get_attribute("html", "class") or "")
    # the toolbar agrees with what the server rendered
    assert "黑底黄字" in page.locator("#a11y-tb button[data-action='theme']").inner_text()


def test_bookmarklet_is_offered_not_run(page: Any, proxy_url: str) -> None:
    page.goto("/")
    link = page.locator("a[data-bookmarklet]").first
    assert link.get_attribute("href").startswith(f"javascript:(function(){{location.href='{proxy_url}/elder/'")
    link.click()
    page.wait_for_function("() => document.getElementById('bm-status').textContent.includes('书签栏')")
    assert page.url.rstrip("/") == proxy_url
    assert proxy_url in page.locator("#bm-code-elder").input_value()
