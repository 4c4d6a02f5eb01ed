"""Metadata: dates, titles, the 来源/日期 line, language."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from transforms.extract.byline import clean_source, parse_line
from transforms.extract.dates import parse_cn_date, parse_date, strip_date
from transforms.extract.metadata import detect_lang, read_metadata, url_date
from transforms.extract.site import from_title
from transforms.extract.titles import headline_part
from transforms.parse import parse_document


@pytest.mark.parametrize(("text", "expected"), [
    ("2021-02-10", "2021-02-10"),
    ("发布日期：2021年2月10日", "2021-02-10"),
    ("2021/02/10 10:00", "2021-02-10T10:00"),
    ("2021.2.3", "2021-02-03"),
    ("发布时间：2024-05-16 10:22:33", "2024-05-16T10:22:33"),
    ("2020-11-26T08:04:00+08:00", "2020-11-26T08:04:00"),
    ("2021年02月10日 09时30分", "2021-02-10T09:30"),
    ("September 25, 2025", "2025-09-25"),
    ("15 November 2018", "2018-11-15"),
    ("Thu, 09/25/2025 - 11:38", "2025-09-25"),
    ("2021年13月40日", ""),  # not a date
    ("第2021号文件", ""),
    ("", ""),
])
def test_dates_in_common_forms(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("二〇二六年十一月二十日", "2026-11-20"), ("二○二六年一月五日", "2026-01-05"), ("一九九九年十月一日", "1999-10-01"),
    ("二〇二六年十二月三十一日", "2026-12-31"), ("二〇二六年二月三十日", ""), ("二〇二六年十一月", ""),
])
def test_signature_dates_in_chinese_numerals(text: str, expected: str) -> None:
    assert parse_cn_date(text) == expected


def test_compact_dates_only_when_asked() -> None:
    assert parse_date("20210210") == ""
    assert parse_date("20210210", compact=True) == "2021-02-10"


@pytest.mark.parametrize(("url", "expected"), [
    ("http://kjt.example.gov.cn/tzgg/202102/t20210210_123.html", "2021-02-10"),
    ("http://www.example.gov.cn/2021-02/10/content_55.htm", "2021-02-10"),
    ("http://www.example.gov.cn/zwgk/index.html", ""),
])
def test_dates_in_cms_urls(url: str, expected: str) -> None:
    assert url_date(url) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("关于开展安全生产大检查的通知_通知公告_某省人民政府", "关于开展安全生产大检查的通知"),
    ("关于开展安全生产大检查的通知 - 某省人民政府", "关于开展安全生产大检查的通知"),
    ("关于开展安全生产大检查的通知|某省人民政府", "关于开展安全生产大检查的通知"),
    ("新华全媒+丨积极因素不断增多——前4个月外贸向好", "新华全媒+丨积极因素不断增多——前4个月外贸向好"),
])
def test_site_suffix_is_stripped(title: str, expected: str) -> None:
    assert headline_part(title) == expected


def test_byline_fields_split_on_labels() -> None:
    line = "发布日期：2021-02-10 来源：某省科技厅 作者：张三 浏览次数：99 字体：[大 中 小]"
    assert parse_line(line) == {"date": "2021-02-10", "source": "某省科技厅", "author": "张三"}
    assert parse_line("当前时间：2026年11月25日") == {}  # today's date in the header is no byline


def meta(html: str, url: str = "https://www.example.gov.cn/a.html"):
    return read_metadata(parse_document(html), url)


@pytest.mark.parametrize(("line", "expected"), [
    ("更新时间：2026-11-25 发布时间：2026-11-20", {"date": "2026-11-20"}),  # the update is not the date
    ("Last updated: 2026-11-25 Published: 2026-11-20", {"date": "2026-11-20"}),
    ("更新时间：2026-11-25", {"date": "2026-11-25"}),  # unless it is the only one given
    ("发文日期：2026年11月18日 发布日期：2026年11月20日", {"issued": "2026-11-18", "date": "2026-11-20"}),
])
def test_publishing_date_wins_over_update_time(line: str, expected: dict[str, str]) -> None:
    assert parse_line(line) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("中国政府网", "中国政府网"), ("大众日报", "大众日报"), ("无锡市人民政府", "无锡市人民政府"),  # were dropped
    ("大 中 小", ""), ("中】", ""), ("无", ""), ("本网", ""), ("打印本页", ""),
])
def test_a_source_is_kept_unless_it_is_a_control(value: str, expected: str) -> None:
    """The font-size control (大 中 小) and "无" are no source; names starting with 中, 大 or 无 are."""
    assert clean_source(value) == expected


def test_government_meta_tags_win_over_og_and_title() -> None:
    md = meta('<html><head><title>站点首页</title><meta name="ArticleTitle" content="真正的标题">'
              '<meta property="og:title" content="社交标题"><meta name="PubDate" content="2022-01-02 08:00">'
              '<meta property="article:published_time" content="2020-01-01"></head><body><h1>别的</h1>'
              '<p>发布时间：2019-09-09</p></body></html>')
    assert md.title == "真正的标题"
    assert md.published == "2022-01-02T08:00"


def test_visible_heading_that_title_repeats_is_the_title() -> None:
    md = meta("<html><head><title>我市召开全市经济工作会议_要闻动态_某市政府</title></head><body>"
              "<div class='logo'>某市政府</div><h2 class='bt'>我市召开全市经济工作会议</h2>"
              "<div>来源：市政府办公室　发布时间：2025年12月3日</div><p>正文……</p></body></html>")
    assert md.title == "我市召开全市经济工作会议"
    assert md.heading is not None and md.heading.tag == "h2"
    assert (md.source, md.published, md.site) == ("市政府办公室", "2025-12-03", "某市政府")


def test_headline_absent_from_a_site_name_title() -> None:
    md = meta("<html><head><title>某县政府</title></head><body><div class='nav'><a href='/'>首页</a></div>"
              "<td class='news_title'>某县召开防汛工作部署会议</td><p>正文</p></body></html>")
    assert md.title == "某县召开防汛工作部署会议"


def test_unlabelled_date_under_the_headline() -> None:
    md = meta("<html><head><title>标题很长的一篇新闻报道_新闻</title></head><body><h1>标题很长的一篇新闻报道</h1>"
              "<div><span>2024年05月16日 10:22</span> <span>央视新闻</span></div><p>正文</p></body></html>")
    assert md.published == "2024-05-16T10:22"


@pytest.mark.parametrize(("declared", "text", "expected"), [
    ("en", "各设区市科技局，各有关高校、科研院所、企业：为深入实施创新驱动发展战略", "zh-CN"),
    ("", "Foreign experts who intend to work in the province must obtain a permit.", "en"),
    ("zh-CN", "Foreign experts who intend to work in the province must obtain a permit.", "en"),
    ("zh-Hant", "為深入實施創新驅動發展戰略，現將有關事項通知如下。", "zh-Hant"),
    ("", "", "zh-CN"),
])
def test_language_from_declaration_checked_against_script(declared: str, text: str, expected: str) -> None:
    assert detect_lang(declared, text) == expected


def test_meta_reading_does_not_change_the_tree() -> None:
    tree = parse_document("<html><head><title>甲_乙</title></head><body><h1>甲</h1><p>来源：丙</p></body></html>")
    before = lxml_html.tostring(tree)
    read_metadata(tree, "https://x.gov.cn/")
    assert lxml_html.tostring(tree) == before


# -- issue 12: visible dates over CMS meta, issued dates, bylines checked ------------------------------------

def article_page(byline: str, head: str = "", after: str = "") -> str:
    return (f"<html><head><title>全省经济运行情况新闻发布会召开_某省统计局</title>{head}</head><body>"
            f"<h1>全省经济运行情况新闻发布会召开</h1>{byline}<div class='con'><p>一季度全省生产总值同比增长5.2%，"
            f"主要指标好于预期，经济运行稳中向好。</p></div>{after}</body></html>")


def test_visible_date_beats_a_migrated_meta_date_and_both_are_kept() -> None:
    from transforms.context import Context
    from transforms.pipeline import extract_article

    html = article_page("<div class='info'>发布日期：2019-03-29　来源：某省统计局</div>",
                        '<meta name="PubDate" content="2023-06-30 15:42:18">')
    art = extract_article(html, Context(url="https://tjj.example.gov.cn/a.html"), ["extract"])
    assert (art.published, art.meta_published) == ("2019-03-29", "2023-06-30T15:42:18")


def test_same_day_in_meta_gives_the_time_of_day() -> None:
    md = meta(article_page("<div class='info'>发布日期：2023-06-12</div>", '<meta name="PubDate" content="2023-06-12 16:35">'))
    assert md.published == "2023-06-12T16:35"


@pytest.mark.parametrize(("byline", "after", "expected"), [
    ("<p class='time'>2023-12-06</p>", "<p>开标时间：2023年12月5日9时30分</p>", "2023-12-06"),
    ("<p class='time'>［2024-01-20］</p>", "", "2024-01-20"),
    ("<div class='date'>2023.08.15 · 市融媒体中心</div>", "", "2023-08-15"),
    ("<div class='info'>来源：市统计局</div>", "<div class='comment'><p>发表时间：2024-01-02</p></div>", ""),
])
def test_unlabelled_dates_next_to_the_headline_count_and_others_do_not(byline: str, after: str, expected: str) -> None:
    assert meta(article_page(byline, after=after)).visible_date == expected


def test_date_spans_and_mixed_separators_are_no_dates() -> None:
    assert parse_date("2024年1-2月全省规模以上工业生产情况") == ""
    assert parse_date("2023-1-2月") == ""
    assert parse_date("2023年5月30日至6月1日") == "2023-05-30"


@pytest.mark.parametrize(("text", "expected"), [
    ("2024年1-2月全省经济运行情况 2024-03-15", "2024年1-2月全省经济运行情况"),  # a span of months is the title's
    ("2024年1-2月全省经济运行情况", "2024年1-2月全省经济运行情况"),
    ("2023-05-30 关于开展调研的通知", "关于开展调研的通知"),
    ("关于开展调研的通知[2023-05-30]", "关于开展调研的通知"),
])
def test_a_list_entrys_date_is_stripped_by_the_date_grammar(text: str, expected: str) -> None:
    assert strip_date(text) == expected


def test_issued_date_and_document_number_from_the_byline() -> None:
    md = meta(article_page("<div class='info'>成文日期：2023-05-26　发布日期：2023-06-02　文号：某政办发〔2023〕21号</div>"))
    assert (md.issued, md.visible_date, md.doc_number) == ("2023-05-26", "2023-06-02", "某政办发〔2023〕21号")


@pytest.mark.parametrize(("line", "source", "author"), [
    ("来源：来源：临江日报 发布时间：2023-10-08", "临江日报", ""),
    ("发布时间：2020-07-21 来源： 【打印】 责任编辑：L_104485", "", ""),
    ("来源：省公路局 2341", "省公路局", ""),
    ("时间：2023.08.15 来源：省粮食和物资储备局 作者：王晓明 浏览：", "省粮食和物资储备局", "王晓明"),
    ("日期：2023-07-28　作者：综合科", "", ""),
    ("作者：张三 李四 来源：本报", "本报", "张三 李四"),
])
def test_bylines_are_checked(line: str, source: str, author: str) -> None:
    fields = parse_line(line)
    assert (fields.get("source", ""), fields.get("author", "")) == (source, author)


@pytest.mark.parametrize("doc_title", ["凝心聚力 开拓创新_示例省科技厅", "在全省科技工作会议上的讲话_示例省科技厅"])
def test_a_headline_and_its_dash_subtitle_read_as_one_title(doc_title: str) -> None:
    """A speech's title is both lines; the subtitle alone (what <title> often repeats) is no title."""
    m = meta(f"<html><head><title>{doc_title}</title></head><body><div class='article'>"
             "<h1>凝心聚力 开拓创新</h1><h2>——在全省科技工作会议上的讲话</h2><div>发布日期：2026-11-20</div>"
             "<p>同志们：今天召开全省科技工作会议，主要任务是总结去年工作，部署今年任务。</p></div></body></html>")
    assert m.title == "凝心聚力 开拓创新——在全省科技工作会议上的讲话"
    assert m.heading is not None and m.heading.tag == "h2"  # the content starts after the second line


@pytest.mark.parametrize(("doc_title", "expected"), [
    ("关于开展测试工作的通知 - 示例省科技厅 - 政务公开", "示例省科技厅"),  # title, site, column
    ("关于开展测试工作的通知 - 办公室 - 示例省科技厅", "示例省科技厅"),  # the suffix still wins
    ("关于开展测试工作的通知_通知公告_工作动态", ""),
])
def test_the_site_name_in_any_part_of_the_title(doc_title: str, expected: str) -> None:
    assert from_title(doc_title, "关于开展测试工作的通知") == expected
