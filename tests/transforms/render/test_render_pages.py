"""The proxy's own pages (home, settings, errors) and the settings form's server side."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from proxy.app.routes.settings import safe_back, settings_from_query
from transforms.context import MODES, Settings
from transforms.render.pages import bookmarklet, render_error, render_home, render_settings


def parse(text: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(text)


def test_home_offers_bookmarklets_and_home_page_steps() -> None:
    doc = parse(render_home("zh", [], Settings(), origin="http://127.0.0.1:8080", default_mode="a11y"))
    links = doc.xpath("//a[@data-bookmarklet]")
    assert [a.text for a in links] == ["一键长辈版", "一键无障碍"]
    assert links[0].get("href") == bookmarklet("http://127.0.0.1:8080", "elder")
    assert "location.href='http://127.0.0.1:8080/elder/'" in links[0].get("href")
    codes = doc.xpath("//textarea[@readonly]")
    assert len(codes) == 2 and all(doc.xpath(f"//label[@for='{c.get('id')}']") for c in codes)
    assert "http://127.0.0.1:8080/" in doc.xpath("string(//section[@aria-labelledby='hp-h'])")
    assert doc.xpath("//input[@id='mode-a11y']/@checked")


@pytest.mark.parametrize("origin", ["http://evil');alert(1);//", "javascript:x", "http://a b"])
def test_forged_origin_never_reaches_the_bookmarklet(origin: str) -> None:
    doc = parse(render_home("zh", [], Settings(), origin=origin))
    assert not doc.xpath("//a[@data-bookmarklet]") and "alert" not in render_home("zh", [], origin=origin)


def test_settings_page_is_a_plain_get_form() -> None:
    doc = parse(render_settings("zh", Settings(font_step=2, theme="yellow", rate=4), "text", back="/a11y/x"))
    form = doc.xpath("//form")[0]
    assert form.get("method") == "get" and form.get("action") == "/settings"
    legends = doc.xpath("//fieldset/legend/text()")
    assert legends == ["默认阅读模式", "字号", "配色", "行距", "朗读声音", "语速", "字形", "拼音"]
    for radio in doc.xpath("//input[@type='radio']"):
        assert doc.xpath(f"//label[@for='{radio.get('id')}']"), radio.get("id")
    checked = {r.get("name"): r.get("value") for r in doc.xpath("//input[@checked]")}
    assert checked == {"mode": "text", "font": "2", "theme": "yellow", "spacing": "0", "speech": "server",
                       "rate": "4", "script": "hans", "pinyin": "0"}
    assert doc.xpath("//input[@name='back' and @value='/a11y/x']")
    assert len(doc.xpath("//input[@name='mode']")) == len(MODES)


def test_error_page_is_a_whole_accessible_page() -> None:
    doc = parse(render_error(404, "找不到这个页面。", "There is no such page."))
    assert doc.get("lang") == "zh-CN" and len(doc.xpath("//h1")) == 1
    assert doc.xpath("//main[@id='main']") and doc.xpath("//a[@class='skip-link']")
    assert doc.xpath("//section[@lang='en']")


@pytest.mark.parametrize("value,expected", [
    ("/elder/https://www.gov.cn/", "/elder/https://www.gov.cn/"),
    ("//evil.example/", ""), ("/\\evil.example", ""), ("https://evil.example/", ""), ("", ""),
    ("/a\r\nSet-Cookie: x", ""),
])
def test_back_is_only_a_local_path(value: str, expected: str) -> None:
    assert safe_back(value) == expected


def test_settings_from_query_validates() -> None:
    s, mode = settings_from_query({"font": "5", "theme": "blue", "spacing": "1", "speech": "browser", "rate": "0",
                                   "mode": "a11y"})
    assert s == Settings(font_step=5, theme="blue", line_spacing=1, speech="browser", rate=0) and mode == "a11y"
    s, mode = settings_from_query({"font": "9", "theme": "pink", "mode": "evil"})
    assert s == Settings() and mode == "elder"
