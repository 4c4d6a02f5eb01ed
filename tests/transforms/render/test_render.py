"""Page layouts rendered from hand-made Articles: structure every mode promises, whatever extraction finds."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from transforms.article import Article, Attachment, Image, Link, LinkGroup, ListEntry
from transforms.context import Context, Settings
from transforms.parse import parse_document
from transforms.pipeline import get
from transforms.registry import Page
from transforms.render.layout import linearise

URL = "https://kjt.example.gov.cn/art/2026/11/20/art_1.html"
BODY = ("<div><h1>重复的标题</h1><p>第一段。</p><h4>跳级的小标题</h4><p>第二段。</p>"
        "<figure><img src='/asset?url=x' alt='会议现场'><figcaption>图注</figcaption></figure>"
        "<table><caption>名单</caption><tr><th>序号</th><th>名称</th></tr><tr><td>1</td><td>东湖研究院</td></tr>"
        "</table><p><img src='/asset?url=y'></p></div>")


def article(**kw: object) -> Article:
    base = dict(url=URL, title="示例文章标题", source="成果转化处", published="2026-11-20", site="示例省科学技术厅",
                breadcrumb=[Link("首页", "/elder/https://kjt.example.gov.cn/")], content_html=BODY, text="第一段。\n\n第二段。",
                attachments=[Attachment("名单.pdf", "/elder/https://kjt.example.gov.cn/a.pdf", "pdf")],
                prev=Link("上一篇文章", "/elder/p"), next=Link("下一篇文章", "/elder/n"),
                images=[Image("/asset?url=x", "会议现场")], footer="示ICP备05012345号", page_type="article")
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def render(mode: str, art: Article | None = None, **ctx_kw: object) -> lxml_html.HtmlElement:
    ctx_kw = {"proxy_url": lambda u, m: f"/{m}/{u}", **ctx_kw}  # the prefix door's links unless told otherwise
    ctx = Context(url=URL, mode=mode, **ctx_kw)  # type: ignore[arg-type]
    page = Page(tree=parse_document("<html><body><p>x</p></body></html>"), article=art or article())
    out = get(f"render_{mode}")(page, ctx).output
    assert out is not None
    return lxml_html.document_fromstring(out)


@pytest.mark.parametrize("mode", ["read", "elder", "a11y", "text"])
def test_every_mode_has_the_page_skeleton(mode: str) -> None:
    doc = render(mode)
    assert doc.get("lang") == "zh-CN"
    assert f"mode-{mode}" in doc.get("class", "")
    assert len(doc.xpath("//h1")) == 1 and doc.xpath("string(//h1)") == "示例文章标题"
    skip = doc.xpath("//body/*[1]")[0]
    assert skip.get("class") == "skip-link" and skip.get("href") == "#main" and skip.text == "跳到正文"
    assert doc.xpath("//header") and doc.xpath("//main[@id='main']") and doc.xpath("//footer")
    assert doc.xpath("//nav[@aria-label='当前位置']//a[text()='首页']")
    assert doc.xpath("//nav[@aria-label='上一篇和下一篇']//a[@rel='prev']")
    byline = doc.xpath("string(//p[@class='byline'])")
    assert "来源：成果转化处" in byline and "2026-11-20" in byline
    assert doc.xpath(f"//a[@href='{URL}' and text()='查看原网页']")
    assert "示例省科学技术厅" in doc.xpath("string(//p[@class='site-name'])")
    assert doc.xpath("//section[@aria-labelledby='att-h']//a[contains(., '名单.pdf')]")


@pytest.mark.parametrize("mode", ["read", "elder", "a11y", "text"])
def test_no_inline_style_or_script(mode: str) -> None:
    """The CSP forbids inline styles and scripts on our pages."""
    doc = render(mode)
    assert not doc.xpath("//*[@style]") and not doc.xpath("//style")
    for script in doc.xpath("//script"):
        assert script.get("src") or script.get("type") == "application/json"
    assert not [a for a in doc.xpath("//@*") if a.attrname.startswith("on")]


def test_content_headings_start_at_h2_and_do_not_skip() -> None:
    doc = render("a11y")
    levels = [int(h.tag[1]) for h in doc.xpath("//div[@class='content']//*[self::h1 or self::h2 or self::h3 or "
                                                "self::h4 or self::h5 or self::h6]")]
    assert levels == [2, 3]


def test_tables_scroll_in_a_named_focusable_region() -> None:
    wrap = render("read").xpath("//div[@class='table-wrap']")[0]
    assert wrap.get("role") == "region" and wrap.get("tabindex") == "0" and "名单" in wrap.get("aria-label")


def test_images_always_have_alt() -> None:
    assert all(img.get("alt") is not None for img in render("elder").xpath("//img"))


def test_text_mode_linearises() -> None:
    doc = render("text")
    assert not doc.xpath("//main//img") and not doc.xpath("//main//table")
    assert "［图片：会议现场］" in doc.xpath("string(//main)")
    rows = [r.text_content() for r in doc.xpath("//p[@class='row']")]
    assert rows == ["序号：1；名称：东湖研究院"]


def test_text_mode_says_a_generic_alt_once() -> None:
    root = lxml_html.fragment_fromstring("<div><img src='a.png' alt='图片'><img src='b.png' alt='会议现场'></div>")
    linearise(root, "图片")
    assert root.text_content() == "［图片］［图片：会议现场］"  # not ［图片：图片］


def test_toc_only_for_long_articles() -> None:
    assert not render("read").xpath("//nav[contains(@class,'toc')]")
    body = "".join(f"<h2>第{i}部分</h2><p>内容。</p>" for i in range(1, 5))
    doc = render("read", article(content_html=f"<div>{body}</div>"))
    links = doc.xpath("//nav[contains(@class,'toc')]//a")
    assert [a.text for a in links] == [f"第{i}部分" for i in range(1, 5)]
    for a in links:
        assert doc.xpath(f"//h2[@id='{a.get('href')[1:]}']")


def test_list_page_is_a_simple_list_with_dates() -> None:
    entries = [ListEntry(f"通知{i}", f"/elder/https://kjt.example.gov.cn/{i}.html", f"2026-11-{i:02d}")
               for i in range(1, 21)]
    doc = render("elder", article(title="通知公告", page_type="list", entries=entries, content_html="", prev=None,
                                  next=None, attachments=[]))
    items = doc.xpath("//ul[@class='entries']/li")
    assert len(items) == 20
    assert items[0].xpath("string(a)") == "通知1" and items[0].xpath("time/@datetime") == ["2026-11-01"]
    assert not doc.xpath("//section[@class='listen']")


def test_home_page_shows_link_groups() -> None:
    groups = [LinkGroup("政务公开", [Link("通知公告", "/a11y/x"), Link("政策文件", "/a11y/y")]),
              LinkGroup("办事服务", [Link("在线办理", "/a11y/z")])]
    doc = render("a11y", article(title="示例省人民政府", page_type="home", groups=groups, content_html=""))
    assert doc.xpath("//div[@class='groups']/section/h2/text()") == ["政务公开", "办事服务"]
    assert len(doc.xpath("//div[@class='groups']//a")) == 3


def test_audio_player_or_a_clear_note() -> None:
    doc = render("elder", audio_available=True, audio_url="/audio?url=x")
    assert doc.xpath("string(//h2[@id='listen-h'])") == "朗读全文"
    player = doc.xpath("//section[@class='listen']//div[@id='a11y-player']")[0]
    labels = [b.text_content() for b in player.xpath(".//button")]
    assert labels == ["播放", "后退15秒", "前进15秒", "语速中"]
    slider = player.xpath(".//*[@role='slider']")[0]
    assert slider.get("tabindex") == "0" and slider.get("aria-label") == "播放进度"
    assert player.xpath(".//a[@download and text()='下载']/@href") == ["/audio?url=x&format=mp3&download=1"]
    # without JavaScript: the browser's own player and a download link (lxml parses <noscript> as markup)
    audio = doc.xpath("//section[@class='listen']//noscript//audio")[0]
    assert audio.get("controls") is not None and audio.get("src") == "/audio?url=x&format=mp3"
    assert doc.xpath("//section[@class='listen']//noscript//a[@download and text()='下载音频']")
    doc = render("elder", audio_available=False, audio_url="")
    assert not doc.xpath("//audio")
    assert "暂时无法提供语音朗读" in doc.xpath("string(//section[@class='listen'])")


def tool_actions(doc: lxml_html.HtmlElement) -> list[str]:
    return doc.xpath("//section[@id='a11y-tb']//ul/li/button/@data-action")


def test_a11y_toolbar_is_complete_and_labelled() -> None:
    doc = render("a11y")
    assert tool_actions(doc) == ["sound", "rate", "point", "read", "bigger", "smaller", "theme", "cursor", "cross",
                                 "caption", "textonly", "pinyin", "script", "reset", "help"]
    for b in doc.xpath("//section[@id='a11y-tb']//ul/li/button[@data-action]"):
        assert b.get("type") == "button" and b.text_content().strip() and b.get("aria-keyshortcuts")
    toggles = doc.xpath("//section[@id='a11y-tb']//button[@aria-pressed]/@data-action")
    assert toggles == ["sound", "point", "read", "cursor", "cross", "caption", "textonly", "pinyin", "script"]
    assert doc.xpath("//*[@id='a11y-live' and @role='status']")
    assert doc.xpath("//dialog[@id='a11y-help']//kbd[text()='Alt+↑']")
    assert doc.xpath("//section[@id='a11y-tb']//a[starts-with(@href, '/settings?back=%2Fa11y%2F')]")


def test_elder_toolbar_is_reduced_with_a_big_read_button() -> None:
    doc = render("elder")
    assert tool_actions(doc) == ["read", "bigger", "smaller", "theme", "pinyin", "script", "help"]
    big = doc.xpath("//button[@data-action='read']")[0]
    assert big.get("class") == "a11y-tb-big" and big.text_content() == "朗读"


def test_first_paint_classes_come_from_the_settings() -> None:
    doc = render("a11y", settings=Settings(font_step=3, theme="blue", line_spacing=2))
    assert {"theme-blue", "font-3", "spacing-2"} <= set(doc.get("class").split())
    assert "深蓝底白字" in doc.xpath("string(//button[@data-action='theme'])")


def test_mode_switch_links_keep_the_page() -> None:
    doc = render("elder")
    links = doc.xpath("//nav[@aria-label='阅读模式']//a")
    assert [a.get("href") for a in links][:2] == [f"/elder/{URL}", f"/a11y/{URL}"]
    assert links[0].get("aria-current") == "page"


def test_orig_gets_toolbar_main_landmark_and_classes() -> None:
    ctx = Context(url=URL, mode="orig", settings=Settings(theme="dark", font_step=2))
    page = Page(tree=parse_document("<html><head><title>t</title></head><body><div class='nav'><a href='/'>首页</a>"
                                    "</div><div id='zoom'><h1>标题</h1><img src='a.png'></div></body></html>"))
    doc = lxml_html.document_fromstring(get("render_orig")(page, ctx).output or "")
    assert {"mode-orig", "theme-dark", "font-2"} <= set(doc.get("class").split())
    body = doc.find("body")
    assert body[0].get("class") == "skip-link" and body[0].get("href") == "#a11y-main"
    assert body[1].get("id") == "a11y-tb"
    assert doc.xpath("//main[@id='a11y-main']//div[@id='zoom']")
    assert doc.xpath("//img/@alt") == [""]
    assert doc.xpath("//head/link[@href='/static/toolbar.css']") and doc.xpath("//head/script[@src='/static/toolbar.js']")



def test_orig_without_h1_gets_one_inside_the_pages_own_main_whatever_its_id() -> None:
    ctx = Context(url=URL, mode="orig")
    page = Page(tree=parse_document("<html><head><title>通知</title></head><body><p>站点导航</p>"
                                    "<main id=\"it's-main\"><p>正文</p></main></body></html>"))
    doc = lxml_html.document_fromstring(get("render_orig")(page, ctx).output or "")
    main = doc.find(".//main")
    assert main.get("id") == "it's-main" and main[0].tag == "h1" and main[0].text == "通知"
    assert doc.find("body")[0].get("href") == "#it's-main"

def test_script_strings_are_json_not_code() -> None:
    doc = render("a11y")
    data = doc.xpath("//script[@id='a11y-strings']")[0]
    assert data.get("type") == "application/json" and re.search(r'"theme_dark"', data.text)


def test_pinyin_over_title_and_text_never_in_the_text_itself() -> None:
    doc = render("elder", settings=Settings(pinyin=True))
    h1 = doc.xpath("//h1")[0]
    assert h1.text_content() == "示例文章标题" and h1.xpath(".//rt/@data-py")[:2] == ["shì", "lì"]
    paragraph = doc.xpath("//div[@class='content']//p")[0]
    assert paragraph.text_content() == "第一段。" and paragraph.xpath(".//rt/@aria-hidden") == ["true"] * 3
    assert "pinyin-on" in doc.get("class").split()
    assert [a.text for a in doc.xpath("//nav[@aria-label='阅读模式']//a")][0] == "长辈版"  # the interface has none
    assert not render("elder").xpath("//ruby")


def test_text_mode_rows_keep_pinyin() -> None:
    doc = render("text", settings=Settings(pinyin=True))
    row = doc.xpath("//p[@class='row']")[0]
    assert row.text_content() == "序号：1；名称：东湖研究院" and row.xpath(".//rt")


def test_traditional_script_turns_the_page_and_the_interface() -> None:
    doc = render("a11y", settings=Settings(script="hant-hk"))
    assert doc.get("lang") == "zh-Hant-HK"
    assert doc.xpath("string(//h1)") == "示例文章標題"
    assert "第一段。" in doc.xpath("string(//div[@class='content'])")
    assert doc.xpath("string(//a[@class='skip-link'])") == "跳到正文"
    assert doc.xpath("//nav[@aria-label='當前位置']") and doc.xpath("//button[@data-action='theme' and contains(., '配色')]")
    assert doc.xpath("//button[@data-action='script']/@aria-pressed") == ["true"]
    assert "語速" in doc.xpath("string(//section[@id='a11y-tb'])")


def test_orig_allows_zoom_names_landmarks_and_takes_the_aids() -> None:
    ctx = Context(url=URL, mode="orig", settings=Settings(script="hant-tw", pinyin=True))
    page = Page(tree=parse_document(
        "<html><head><meta name='viewport' content='width=device-width, initial-scale=1, maximum-scale=1, "
        "user-scalable=no'><title>银行通知</title></head><body><nav><a href='/'>首页</a></nav>"
        "<nav aria-label='栏目'><h2>栏目导航</h2></nav><nav aria-label='栏目'><a href='/b'>b</a></nav>"
        "<main><h1>银行通知</h1><p>发布</p></main></body></html>"))
    doc = lxml_html.document_fromstring(get("render_orig")(page, ctx).output or "")
    assert doc.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert doc.xpath("//nav/@aria-label") == ["導航 1", "欄目", "欄目 3"]  # unique, the site's own name kept
    assert doc.get("lang") == "zh-Hant-TW" and doc.findtext(".//title") == "銀行通知"
    h1 = doc.xpath("//main/h1")[0]
    assert h1.text_content() == "銀行通知" and h1.xpath(".//rt/@data-py") == ["yín", "háng", "tōng", "zhī"]
    assert not doc.xpath("//section[@id='a11y-tb']//ruby")  # our toolbar is added after, as it is
