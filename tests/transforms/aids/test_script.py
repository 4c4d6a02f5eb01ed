"""繁體: characters converted with the region's forms, never the words; URLs, dates and markup untouched."""

from __future__ import annotations

from lxml import html as lxml_html

from transforms.aids.script import convert, convert_article, convert_tree, lang_tag
from transforms.article import Article, Attachment, Link, ListEntry


def test_region_forms_differ_and_words_stay() -> None:
    text = "里面的软件信息发现了头发"
    assert convert(text, "hant-tw") == "裡面的軟件信息發現了頭髮"  # 台灣 forms; 软件/信息 keep their words
    assert convert(text, "hant-hk") == "裏面的軟件信息發現了頭髮"  # 香港 forms
    assert convert(text, "hans") == text
    assert convert("已是繁體的文字", "hant-tw") == "已是繁體的文字"


def test_lang_tag_follows_the_script_for_chinese_only() -> None:
    assert lang_tag("zh-CN", "hant-tw") == "zh-Hant-TW" and lang_tag("zh", "hant-hk") == "zh-Hant-HK"
    assert lang_tag("en", "hant-tw") == "en" and lang_tag("zh-CN", "hans") == "zh-CN"


def test_article_fields_converted_links_and_dates_kept() -> None:
    art = Article(url="https://kjt.example.gov.cn/软件/1.html", title="软件发布", source="发展改革委",
                  published="2026-11-20", breadcrumb=[Link("首页", "/elder/https://x.gov.cn/里/")],
                  content_html='<div><p>头发<a href="/elder/https://x.gov.cn/发">链接</a></p>'
                               '<img src="/asset?url=x" alt="会议现场"></div>',
                  attachments=[Attachment("附件.pdf", "/a/附件.pdf", "pdf")],
                  entries=[ListEntry("通知发布", "/elder/https://x.gov.cn/通知", "2026-11-01")])
    out = convert_article(art, "hant-tw")
    assert (out.title, out.source, out.lang) == ("軟件發佈", "發展改革委", "zh-Hant-TW")
    assert out.url == art.url and out.published == "2026-11-20"
    assert out.breadcrumb == [Link("首頁", "/elder/https://x.gov.cn/里/")]
    assert out.attachments[0].name == "附件.pdf" and out.attachments[0].url == "/a/附件.pdf"
    assert out.entries[0].title == "通知發佈" and out.entries[0].url == art.entries[0].url
    doc = lxml_html.fragment_fromstring(out.content_html, create_parent="div")
    assert doc.text_content() == "頭髮鏈接"
    assert doc.xpath("//img/@alt") == ["會議現場"]
    assert doc.xpath("//a/@href") == ["/elder/https://x.gov.cn/%E5%8F%91"]  # the same address, never 發
    assert art.title == "软件发布"  # the original is not changed


def test_tree_skips_scripts_and_converts_readable_attributes() -> None:
    root = lxml_html.fromstring('<div title="发布"><script>var s = "发";</script><input type="submit" value="发送">'
                                '<input name="q" value="发"><p aria-label="说明">头发</p></div>')
    convert_tree(root, "hant-tw")
    assert root.get("title") == "發佈" and root.findtext("script") == 'var s = "发";'
    assert root.xpath("//input[@type='submit']/@value") == ["發送"]
    assert root.xpath("//input[@name='q']/@value") == ["发"]  # what a reader typed is theirs
    assert root.xpath("//p/@aria-label") == ["說明"] and root.findtext("p") == "頭髮"
