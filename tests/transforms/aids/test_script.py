"""繁體: characters converted with the region's forms, never the words; URLs, dates and markup untouched."""

from __future__ import annotations

from lxml import html as lxml_html

from transforms.aids.script import convert, convert_article, convert_tree, lang_tag
from transforms.article import Article, Attachment, InfoField, Link, LinkGroup, ListEntry, Search


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


def test_issue_12_fields_converted_dates_and_notes_kept() -> None:
    """What issue 12 added to the Article: the 信息公开 header, 文号, the search query and the pager's links are
    read, so converted; the dates and the extraction's own note (method) are not."""
    art = Article(url="https://x.gov.cn/发/1.html", title="搜索结果", published="2023-05-26", meta_published="2023-05-27",
                  issued="2023-05-20", doc_number="临政办发〔2023〕21号", method="cms:#发文", confidence=0.8,
                  info=[InfoField("发文机关", "临江省人民政府办公厅")], search=Search("营商环境", 1235),
                  prev_page=Link("上一页", "/elder/https://x.gov.cn/发?p=1"),
                  next_page=Link("下一页", "/elder/https://x.gov.cn/发?p=3"),
                  groups=[LinkGroup("政务公开", [], 3)])
    out = convert_article(art, "hant-tw")
    assert out.info == [InfoField("發文機關", "臨江省人民政府辦公廳")] and out.doc_number == "臨政辦發〔2023〕21號"
    assert out.search == Search("營商環境", 1235)
    assert out.prev_page == Link("上一頁", art.prev_page.url) and out.next_page == Link("下一頁", art.next_page.url)
    assert out.groups == [LinkGroup("政務公開", [], 3)]
    assert (out.published, out.meta_published, out.issued) == ("2023-05-26", "2023-05-27", "2023-05-20")
    assert (out.method, out.confidence, out.url) == ("cms:#发文", 0.8, art.url)
