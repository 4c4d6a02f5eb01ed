"""What issue 12 adds to the pages: tables named cell by cell (cards in 长辈版 and on phones), pictures whose alt
does not repeat their caption, the honest fallback note, the script-only page, search and list pagers, the
site's own name."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import html as lxml_html

from tests.transforms.render.test_render import URL, article, render
from transforms.article import Article, InfoField, Link, LinkGroup, ListEntry, Search
from transforms.context import Settings
from transforms.render.layout import column_labels, label_table
from transforms.tablegrid import grid as table_grid

TWO_LEVEL = ("<table><tr><th rowspan='2' scope='col'>序号</th><th colspan='2' scope='colgroup'>中标供应商</th>"
             "<th rowspan='2' scope='col'>中标金额（元）</th></tr><tr><th scope='col'>名称</th><th scope='col'>地址</th></tr>"
             "<tr><td>1</td><td>某某医疗器械有限公司</td><td>江城市滨江区江南大道3850号</td><td>2,386,500.00</td></tr></table>")


def test_two_level_header_labels_every_cell() -> None:
    table = lxml_html.fragment_fromstring(TWO_LEVEL)
    head, labels = column_labels(table_grid(table))
    assert (head, labels) == (2, ["序号", "中标供应商 名称", "中标供应商 地址", "中标金额（元）"])
    label_table(table)
    cells = table.findall(".//td")
    assert [c.get("data-label") for c in cells] == labels
    assert cells[-1].get("class") == "num" and cells[1].get("class") is None
    assert table.get("class") == "cards" and all(tr.get("class") == "head-row" for tr in table.findall(".//tr")[:2])


def test_label_value_tables_stay_two_columns() -> None:
    table = lxml_html.fragment_fromstring("<table>" + "".join(
        f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in [("处罚内容", "罚款5000元"), ("处罚日期", "2024-03-04"),
                                                                        ("处罚机关", "某局")]) + "</table>")
    label_table(table)
    assert table.get("class") is None  # no column headers: not cards, the row headers say it all


@pytest.mark.parametrize("mode", ["elder", "read", "a11y"])
def test_data_tables_are_named_cell_by_cell_in_every_mode(mode: str) -> None:
    doc = render(mode, article(content_html=f"<div>{TWO_LEVEL}</div>"))
    assert doc.xpath("//table[@class='cards']//td[@data-label='中标供应商 名称']")
    assert doc.xpath("//div[@class='table-wrap' and @role='region' and @tabindex='0']/table")


def test_text_mode_reads_rows_with_both_header_levels() -> None:
    doc = render("text", article(content_html=f"<div>{TWO_LEVEL}</div>"))
    assert doc.xpath("string(//p[@class='row'])") == (
        "序号：1；中标供应商 名称：某某医疗器械有限公司；中标供应商 地址：江城市滨江区江南大道3850号；中标金额（元）：2,386,500.00")


def test_a_figure_alt_does_not_repeat_its_caption() -> None:
    body = ("<div><figure><img src='/a.jpg' alt='与会人员参观服务中心'><figcaption>与会人员参观服务中心</figcaption></figure>"
            "<figure><img src='/b.png' alt='图1　全省生产总值'><figcaption>图1　全省生产总值及其增长速度</figcaption></figure>"
            "<figure><img src='/c.jpg' alt='会场全景'><figcaption>推进会现场</figcaption></figure></div>")
    doc = render("a11y", article(content_html=body))
    assert [img.get("alt") for img in doc.xpath("//main//figure/img")] == ["图片", "图表", "会场全景"]


def test_fallback_note_says_so_and_links_to_the_original() -> None:
    doc = render("elder", article(extraction="fallback", page_type="other", method="whole page", confidence=0.2))
    note = doc.xpath("//main//p[@class='note']")[0]
    assert "未能准确识别正文，以下为整页内容" in note.text_content()
    assert note.xpath(".//a/@href") == [URL]


def test_script_only_page_has_a_kind_message_a_big_link_and_no_player() -> None:
    art = Article(url=URL, title="某省政务服务网", site="某省政务服务网", extraction="js_only", page_type="js_only",
                  content_html="<div></div>")
    doc = render("elder", art, audio_url="/audio?url=x")
    main = doc.xpath("//main")[0]
    assert "这个网页需要在浏览器里运行程序才能显示内容，本代理无法为您简化。" in main.text_content()
    assert main.xpath(".//a[contains(@class, 'big-link')]/@href") == [f"/orig/{URL}"]
    assert not doc.xpath("//audio") and not doc.xpath("//*[@class='listen']")


def _search_page() -> Article:
    return article(page_type="search", extraction="search", title="搜索结果", content_html="", prev=None, next=None,
                   search=Search("营商环境", 1235), entries=[ListEntry("临江省优化营商环境条例", "/elder/x", "2022-11-30")],
                   next_page=Link("下一页", "/elder/p2"))


def test_search_page_says_what_was_searched_and_pages_on() -> None:
    doc = render("elder", _search_page())
    assert doc.xpath("string(//p[@class='search-info'])") == "搜索“营商环境”，共找到 1,235 条结果"
    pager = doc.xpath("//nav[@aria-label='翻页']")[0]
    assert pager.xpath(".//a[@rel='next']/@href") == ["/elder/p2"] and "下一页" in pager.text_content()
    assert not doc.xpath("//nav[@aria-label='上一篇和下一篇']")


def test_home_sub_sections_are_level_three() -> None:
    groups = [LinkGroup("政务公开", [], 2), LinkGroup("省政府文件", [Link("关于某事的通知", "/elder/a")], 3)]
    doc = render("a11y", article(page_type="home", extraction="home", groups=groups, content_html=""))
    assert [h.tag for h in doc.xpath("//div[@class='groups']//h2 | //div[@class='groups']//h3")] == ["h2", "h3"]


def test_the_site_name_is_never_the_proxy_s() -> None:
    doc = render("elder", article(site=""))
    assert doc.xpath("string(//p[@class='site-name'])") == "kjt.example.gov.cn"
    assert "无障碍阅读代理" not in doc.xpath("string(//title)")


def test_document_header_is_a_definition_list_on_the_page() -> None:
    body = '<div><dl class="doc-info"><dt>索引号</dt><dd>002482870/2023-00123</dd><dt>文号</dt><dd>某发〔2023〕1号</dd></dl></div>'
    art = article(content_html=body, info=[InfoField("索引号", "002482870/2023-00123"), InfoField("文号", "某发〔2023〕1号")])
    doc = render("elder", art)
    assert doc.xpath("//main//dl[@class='doc-info']/dt[text()='文号']")


def test_search_page_in_traditional_characters_with_pinyin() -> None:
    """The reading aids reach what issue 12 shows: the query (the UI string around it too), the entries, the pager."""
    doc = render("elder", _search_page(), settings=Settings(script="hant-tw", pinyin=True))
    info = doc.xpath("//p[@class='search-info']")[0]
    assert info.text_content() == "搜索“營商環境”，共找到 1,235 條結果"  # ruby adds no text: its rt is empty
    assert [rt.get("data-py") for rt in info.xpath(".//rt")] == ["yíng", "shāng", "huán", "jìng"]  # the query only
    entry = doc.xpath("//ul[@class='entries']/li/a")[0]
    assert entry.text_content() == "臨江省優化營商環境條例" and entry.xpath(".//rt")
    assert doc.xpath("string(//nav[@class='pager']//a[@rel='next'])") == "下一頁"


def test_search_query_is_escaped_with_and_without_pinyin() -> None:
    for pinyin in (False, True):
        art = dataclasses.replace(_search_page(), search=Search("<b>营商</b>", None))
        doc = render("read", art, settings=Settings(pinyin=pinyin))
        info = doc.xpath("//p[@class='search-info']")[0]
        assert info.text_content() == "搜索“<b>营商</b>”的结果" and not info.xpath(".//b")


@pytest.mark.parametrize("mode", ["elder", "text"])
def test_document_header_with_the_reading_aids(mode: str) -> None:
    body = '<div><dl class="doc-info"><dt>发文机关</dt><dd>临江省人民政府办公厅</dd></dl><p>正文。</p></div>'
    art = article(content_html=body, info=[InfoField("发文机关", "临江省人民政府办公厅")], doc_number="临政办发〔2023〕21号")
    doc = render(mode, art, settings=Settings(script="hant-hk", pinyin=True))
    dl = doc.xpath("//main//dl[@class='doc-info']")[0]
    assert dl.xpath("string(dt)") == "發文機關" and dl.xpath("string(dd)") == "臨江省人民政府辦公廳"
    assert dl.xpath("dd//rt")


def test_on_a_sites_origin_the_script_only_page_and_the_fallback_note_lead_to_the_live_page() -> None:
    """Through the forward door (our files under own_base, orig is the live page with our toolbar) the script-only
    page's big link and the fallback note's link go to the site's own page, where its scripts run."""
    from proxy.forward.links import FORWARD_LINKS, OWN_BASE

    links = FORWARD_LINKS["elder"]
    ctx = dict(proxy_url=links.proxy_url, own_base=OWN_BASE, original_url=links.original_url(URL))
    js_only = Article(url=URL, title="某省政务服务网", extraction="js_only", page_type="js_only", content_html="<div></div>")
    doc = render("elder", js_only, **ctx)
    assert doc.xpath("//main//a[contains(@class, 'big-link')]/@href") == [f"{URL}?a11y-mode=overlay"]
    assert not doc.xpath("//*[@class='listen']")
    doc = render("elder", article(extraction="fallback", page_type="other"), **ctx)
    assert doc.xpath("//main//p[@class='note']//a/@href") == [f"{URL}?a11y-mode=overlay"]
    assert doc.xpath("//link[@rel='stylesheet']/@href")[0].startswith(OWN_BASE + "/static/")


@pytest.mark.parametrize(("own_base", "audio_url"), [("", "/audio?url=x"), ("/.well-known/a11y-proxy",
                                                                             "/.well-known/a11y-proxy/audio?url=x")])
def test_our_routes_about_the_page_honour_own_base(own_base: str, audio_url: str) -> None:
    """The native player's captions track (the transcript, WebVTT) and a column's 订阅音频 (the live feed) are our
    routes: under own_base on a site's origin, as the player's audio is; the transcript in the reader's script."""
    from urllib.parse import quote

    q = quote(URL, safe="")
    doc = render("elder", article(), own_base=own_base, audio_url=audio_url, settings=Settings(script="hant-tw"))
    track = doc.xpath("//noscript//audio/track")[0]  # the native player, without JavaScript
    assert (track.get("kind"), track.get("srclang")) == ("captions", "zh")
    assert track.get("src") == f"{own_base}/audio/captions?url={q}&script=hant-tw"
    assert not doc.xpath("//*[@class='subscribe']")  # an article is no column
    entries = [ListEntry(f"第{i}篇通知", f"https://kjt.example.gov.cn/art/{i}.html", "2026-11-20") for i in range(8)]
    listing = Article(url=URL, title="通知公告", page_type="list", extraction="list", entries=entries,
                      next_page=Link("下一页", "/elder/p2"))
    doc = render("elder", listing, own_base=own_base, audio_url=audio_url)
    assert doc.xpath("//*[@class='subscribe']//a/@href") == [f"{own_base}/feed?url={q}"]
    main = lxml_html.tostring(doc.xpath("//main")[0], encoding="unicode")
    assert main.index('class="entries"') < main.index('class="pager"') < main.index('class="subscribe"')
    assert not render("elder", listing, own_base=own_base, audio_available=False).xpath("//*[@class='subscribe']")
