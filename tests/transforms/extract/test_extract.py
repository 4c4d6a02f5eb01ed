"""Extraction on fixture pages written for these tests (tests/fixtures/pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.article import Article
from transforms.context import Context
from transforms.pipeline import extract_article

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
URL = "https://kjt.example.gov.cn/tzgg/202603/t20260305_1.html"


def load(name: str, encoding: str = "utf-8") -> str:
    return (PAGES / name).read_bytes().decode(encoding)


def run(html: str, url: str = URL) -> Article:
    return extract_article(html, Context(url=url), ["extract", "sanitize"])


@pytest.fixture(scope="module")
def kjt() -> Article:
    return run(load("kjt_article.html"))


def test_article_metadata_comes_from_government_meta_tags(kjt: Article) -> None:
    assert kjt.title == "关于组织申报2026年度省重点研发计划项目的通知"
    assert kjt.published == "2026-03-05T09:30"
    assert kjt.source == "资源配置与管理处"
    assert kjt.site == "某省科学技术厅"
    assert kjt.column == "通知公告"
    assert kjt.keywords == ["重点研发计划", "项目申报"]
    assert (kjt.page_type, kjt.extraction, kjt.lang) == ("article", "article", "zh-CN")


def test_article_body_is_complete(kjt: Article) -> None:
    assert kjt.text.startswith("各设区市科技局")
    assert "二、申报方式" in kjt.text
    assert kjt.text.rstrip().endswith("2026年3月5日")
    assert "\n\n" in kjt.text  # paragraphs separated by blank lines


@pytest.mark.parametrize("furniture", [
    "网站首页", "机构设置", "科技计划管理",  # the three navigation bars
    "当前位置", "字体", "分享到", "打印本页", "关闭窗口", "扫一扫",  # breadcrumb and page controls
    "上一篇", "下一篇", "关于公布2025年度科技奖励结果的通知",  # prev/next
    "浏览次数", "ICP备", "网站地图", "主办单位",  # byline counter and footer
    "tracking",  # document.write in a script
])
def test_navigation_controls_and_footer_are_not_in_the_text(kjt: Article, furniture: str) -> None:
    assert furniture not in kjt.text
    assert furniture not in kjt.content_html


def test_article_has_no_h1_and_demoted_headings(kjt: Article) -> None:
    assert "<h1" not in kjt.content_html
    assert "<h2>一、申报条件</h2>" in kjt.content_html


def test_attachments_breadcrumb_prev_next_footer(kjt: Article) -> None:
    assert [(a.name, a.type) for a in kjt.attachments] == [
        ("2026年度省重点研发计划项目申报指南.pdf", "pdf"), ("项目申报书模板", "docx")]
    assert kjt.attachments[0].url == "https://kjt.example.gov.cn/tzgg/202603/P020260305123456.pdf"
    assert [c.title for c in kjt.breadcrumb] == ["首页", "政务公开", "通知公告"]
    assert kjt.breadcrumb[1].url == "https://kjt.example.gov.cn/zwgk/"
    assert kjt.prev is not None and kjt.prev.title == "关于公布2025年度科技奖励结果的通知"
    assert kjt.prev.url.endswith("/t20260301_111.html")
    assert kjt.next is not None and kjt.next.title == "关于开展科技型中小企业评价工作的通知"
    assert "某ICP备12345678号-1" in kjt.footer
    assert "主办单位：某省科学技术厅" in kjt.footer
    assert "网站地图" not in kjt.footer
    assert len(kjt.footer) <= 300


def test_no_script_or_handler_survives_sanitize(kjt: Article) -> None:
    html = kjt.content_html.lower()
    for bad in ("<script", "onload", "onclick", "javascript:", "<style", "<form", "<input"):
        assert bad not in html


def test_gbk_page_decoded_as_gb18030() -> None:
    raw = (PAGES / "gbk_notice.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is GBK on disk
    art = run(raw.decode("gb18030"), "http://www.example-county.gov.cn/zwgk/tzgg/202512/t20251201_9.html")
    assert art.title == "县人民政府关于做好冬季安全生产工作的通知"
    assert art.published == "2025-12-01T10:20"
    assert art.source == "县应急管理局"
    assert "三、加强应急值守" in art.text
    assert "政务公开" not in art.text and "备案号" not in art.text


def test_data_table_keeps_header_cells() -> None:
    art = run(load("mingdan_table.html"))
    assert art.title == "2026年度省级科技特派员拟认定名单公示"
    assert art.published == "2026-03-12T16:45"
    assert art.source == "农村科技处"
    assert '<th scope="col">姓名</th>' in art.content_html
    assert "<td>某农业大学</td>" in art.content_html
    assert art.content_html.count("<tr>") == 5
    assert "赵敏 某县农业农村局 蔬菜种植" in art.text
    assert "Copyright" not in art.text
    assert "联系电话" not in art.footer  # the article's own contact line is not the site footer


def test_images_get_alt_text_and_captions() -> None:
    art = run(load("images_article.html"))
    assert art.published == "2026-05-18T10:00:00"
    assert [(i.alt, i.caption) for i in art.images] == [
        ("启动仪式现场", "启动仪式现场"), ("青少年体验虚拟现实设备", "青少年体验虚拟现实设备")]
    assert art.content_html.count("<figure>") == 2
    assert "<figcaption>启动仪式现场</figcaption>" in art.content_html
    assert "政府信息公开" not in art.text


def test_list_page_yields_dated_entries() -> None:
    art = run(load("list_page.html"), "https://kjt.example.gov.cn/tzgg/")
    assert (art.page_type, art.extraction) == ("list", "list")
    assert len(art.entries) == 20
    assert art.entries[0].title == "关于第20批科技计划项目验收结果的公示"
    assert art.entries[0].date == "2026-03-20"
    assert art.entries[-1].date == "2026-03-01"
    assert all(e.url.startswith("https://kjt.example.gov.cn/tzgg/202603/t2026") for e in art.entries)
    assert art.column == "通知公告"
    assert "关于第1批科技计划项目验收结果的公示" in art.text  # speech reads the entries


def test_home_page_yields_link_groups() -> None:
    art = run(load("home_page.html"), "https://www.example.gov.cn/")
    assert (art.page_type, art.extraction) == ("home", "home")
    assert [g.name for g in art.groups] == ["要闻动态", "通知公告", "便民服务", "政策文件"]
    assert art.groups[1].links[0].title == "关于2026年元旦放假安排的通知"
    assert all("更多" not in lk.title for g in art.groups for lk in g.links)


def test_script_only_page_is_said_to_be_one() -> None:
    """Nothing to simplify: no body, no noscript plea as text; the page's own title and language."""
    art = run(load("js_only.html"), "https://zwfw.example.gov.cn/")
    assert (art.page_type, art.extraction) == ("js_only", "js_only")
    assert art.text == "" and "需要启用JavaScript" not in art.content_html
    assert "INITIAL_STATE" not in art.content_html and "<script" not in art.content_html
    assert (art.title, art.lang) == ("某市政务服务网", "zh-CN")


def test_english_page() -> None:
    art = run(load("english_page.html"), "https://kjt.example.gov.cn/en/services/permit.html")
    assert art.lang == "en"
    assert art.title == "Foreign Experts Work Permit Guide"
    assert art.published == "2026-03-20"
    assert art.text.startswith("Foreign experts who intend")
    assert "About Us" not in art.text and "Copyright" not in art.text
    assert [c.title for c in art.breadcrumb] == ["Home", "Services"]


def test_heading_repeating_the_og_title_is_not_read_twice() -> None:
    body = "<p>为深入实施创新驱动发展战略，现将有关事项通知如下，请各单位认真组织申报，按时报送材料。</p>" * 3
    art = run('<html><head><meta property="og:title" content="关于组织申报2026年度重点项目的通知"><title>某省科技厅</title></head>'
              f'<body><div class="TRS_Editor"><h1>关于组织申报2026年度重点项目的通知</h1><h2>一、要求</h2>{body}</div></body></html>')
    assert art.title == "关于组织申报2026年度重点项目的通知"
    assert "关于组织申报2026年度重点项目的通知" not in art.text
    assert "<h2>一、要求</h2>" in art.content_html


def test_grid_of_links_in_the_body_is_not_a_data_table() -> None:
    links = "".join(f'<tr>{"".join(f"<td><a href=/{i}{j}>推荐阅读的文章标题{i}{j}</a></td>" for j in range(3))}</tr>'
                    for i in range(3))
    body = "<p>为深入实施创新驱动发展战略，现将有关事项通知如下，请各单位认真组织申报，按时报送材料。</p>" * 3
    art = run(f'<html><body><h1>通知</h1><div id="zoom">{body}<table>{links}</table></div></body></html>')
    assert "推荐阅读的文章标题" not in art.text
    assert "创新驱动发展战略" in art.text


def test_list_with_summaries_is_still_a_list() -> None:
    items = "".join(
        f'<li><a href="/tzgg/t202603{d:02d}_{d}.html">关于第{d}批科技计划项目验收结果的公示</a>'
        f"<span>2026-03-{d:02d}</span><p>根据项目管理办法，经专家评审和现场核查，第{d}批项目验收结果现予公示，公示期五个工作日。</p></li>"
        for d in range(1, 13))
    art = run(f'<html><head><title>公示公告_某厅</title></head><body><div class="list"><ul>{items}</ul></div></body></html>',
              "https://kjt.example.gov.cn/gsgg/")
    assert art.page_type == "list"
    assert len(art.entries) == 12


def test_attachments_listed_outside_the_body_container() -> None:
    body = "<p>为深入实施创新驱动发展战略，现将有关事项通知如下，请各单位认真组织申报，按时报送材料。</p>" * 3
    art = run(f'<html><body><h1>关于申报的通知</h1><div class="TRS_Editor">{body}</div>'
              '<div class="fj">附件下载：<ul><li><a href="/f/汇总表.xlsx">申报汇总表</a></li>'
              '<li><a href="/f/a.ofd">申报指南</a></li></ul></div>'
              '<div class="footer"><a href="/help.pdf">网站使用帮助</a></div></body></html>')
    assert [(a.name, a.type) for a in art.attachments] == [("申报汇总表", "xlsx"), ("申报指南", "ofd")]
