"""Page types from the whole page (issue 12): search results with their query and count, home pages with
every section, script-only shells said to be such; and what each page calls itself and its site."""

from __future__ import annotations

import pytest

from transforms.article import Article
from transforms.context import Context
from transforms.extract.search import query_from_url
from transforms.extract.site import canonical, from_footer, from_title
from transforms.extract.titles import clean, parts, strip_prefix
from transforms.pipeline import extract_article


def run(html: str, url: str) -> Article:
    return extract_article(html, Context(url=url), ["extract", "sanitize"])


RESULTS = "".join(f"<div class='item'><a href='/s/{i}.html'>关于<em>营商环境</em>的第{i}号政策文件解读</a>"
                  f"<p>摘要：优化营商环境的具体措施……</p><span>2023-0{i + 1}-1{i}</span></div>" for i in range(6))


def test_search_results_page() -> None:
    html = (f"<html><head><title>搜索结果_某省人民政府</title></head><body><div class='nav'><a href='/'>首页</a></div>"
            "<form><input name='q' value='营商环境'><button>搜索</button></form>"
            f"<p class='tip'>搜索“营商环境”，共找到 <span>1,235</span> 条结果</p>{RESULTS}"
            "<div class='paging'><a href='?p=1'>上一页</a><span>1</span><a href='?p=2'>2</a><a href='?p=2'>下一页</a></div>"
            "<div class='xgss'><h4>相关搜索</h4><a href='/s?q=1'>营商环境评价</a></div></body></html>")
    art = run(html, "https://www.example.gov.cn/jsearchfront/search.do?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")
    assert (art.page_type, art.extraction) == ("search", "search")
    assert art.search is not None and (art.search.query, art.search.count) == ("营商环境", 1235)
    assert [e.title for e in art.entries] == [f"关于营商环境的第{i}号政策文件解读" for i in range(6)]
    assert art.entries[0].date == "2023-01-10"
    assert art.next_page is not None and art.next_page.url.endswith("?p=2") and art.next is None
    assert art.title == "搜索结果" and art.site == "某省人民政府"


@pytest.mark.parametrize("box", ["result-table", "topic-results", "sortable"])
def test_search_results_in_a_box_whose_name_only_starts_like_furniture(box: str) -> None:
    """`tab`, `top`, `sort` are words of furniture names; `result-table` and `topic-results` hold results."""
    rows = "".join(f"<tr><td><a href='/art/{i}.html'>关于优化营商环境的第{i}号政策文件解读</a></td>"
                   f"<td>2023-0{i + 1}-1{i}</td></tr>" for i in range(6))
    html = (f"<html><head><title>搜索结果_某省人民政府</title></head><body><p>共找到 6 条结果</p>"
            f"<table class='{box}'>{rows}</table></body></html>")
    art = run(html, "https://www.example.gov.cn/search?q=%E8%90%A5%E5%95%86")
    assert art.page_type == "search" and len(art.entries) == 6


def test_a_list_with_a_record_count_is_no_search_page() -> None:
    rows = "".join(f"<li><a href='/zc/{i}.html'>某市人民政府关于第{i}项工作的通知</a><span>2023-05-{i + 1:02d}</span></li>"
                   for i in range(10))
    art = run(f"<html><head><title>政策文件-某市人民政府</title></head><body><ul class='list'>{rows}</ul>"
              "<div class='page'>共 10 条记录 <a href='?page=2'>下一页</a></div></body></html>",
              "https://www.example.gov.cn/zcwj/index.html")
    assert art.page_type == "list" and art.search is None and len(art.entries) == 10
    assert art.title == "政策文件" and art.next_page is not None


@pytest.mark.parametrize(("url", "query"), [
    ("https://x.gov.cn/s?q=%E7%A4%BE%E4%BF%9D", "社保"),
    ("https://x.gov.cn/was5/web/search?searchword=%C9%E7%B1%A3%BF%A8", "社保卡"),  # GBK-encoded
    ("https://x.gov.cn/list/index.html?page=2", ""),
    ("https://x.gov.cn/s?q=社保", "社保"),  # an IRI's query, left unencoded (was a UnicodeEncodeError)
    ("https://x.gov.cn/s?q=%2541", "%41"),  # unescaped once, not twice (was "A")
])
def test_query_from_the_address(url: str, query: str) -> None:
    assert query_from_url(url) == query


def test_home_page_sections_with_their_headings() -> None:
    def box(name: str, links: list[str], heading: str = "h2") -> str:
        items = "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(links))
        return f"<div class='box'><div class='box-hd'><{heading}>{name}</{heading}><a href='/more'>更多</a></div><ul>{items}</ul></div>"
    html = ("<html><head><title>某市人民政府门户网站</title></head><body>"
            "<div class='nav'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a><a href='/zwfw/'>政务服务</a></div>"
            + box("要闻动态", ["市政府召开常务会议研究经济工作", "全市重点项目建设观摩会举行", "市领导调研民生实事进展"])
            + "<div class='tabs'><ul class='tab-nav'><li>通知公告</li><li>政策解读</li></ul>"
              "<div class='pane'><a href='/t/1'>关于元旦放假安排的通知</a><a href='/t/2'>关于征兵工作的公告</a></div>"
              "<div class='pane'><a href='/j/1'>一图读懂稳就业政策</a><a href='/j/2'>最低工资标准调整解读</a></div></div>"
            + box("政务服务", ["社保查询", "公积金查询", "不动产登记"], "h3")
            + "<div class='footer'><a href='/map'>网站地图</a> 主办单位：某市人民政府办公室</div></body></html>")
    art = run(html, "https://www.example.gov.cn/")
    assert (art.page_type, art.extraction) == ("home", "home")
    assert [(g.name, [lk.title for lk in g.links]) for g in art.groups] == [
        ("要闻动态", ["市政府召开常务会议研究经济工作", "全市重点项目建设观摩会举行", "市领导调研民生实事进展"]),
        ("通知公告", ["关于元旦放假安排的通知", "关于征兵工作的公告"]),
        ("政策解读", ["一图读懂稳就业政策", "最低工资标准调整解读"]),
        ("政务服务", ["社保查询", "公积金查询", "不动产登记"])]
    assert art.title == "某市人民政府门户网站" and art.site == "某市人民政府"


@pytest.mark.parametrize("html", [
    '<html lang="en"><head><title>某省人民政府</title></head><body><noscript>We\'re sorry but portal doesn\'t work '
    'properly without JavaScript enabled.</noscript><div id="app"></div><script src="/app.js"></script></body></html>',
    '<html><head><title>某市网上办事大厅</title></head><body><div class="loading">页面加载中，请稍候……</div>'
    '<div id="main-app"></div><script src="/require.js"></script></body></html>',
    '<html lang="en"><head><title></title></head><body><div id="__nuxt"></div><script>window.__NUXT__={config:'
    '{siteName:"某省文化和旅游厅"}}</script></body></html>',
])
def test_script_only_shells(html: str) -> None:
    art = run(html, "https://zwfw.example.gov.cn/")
    assert (art.page_type, art.extraction) == ("js_only", "js_only")
    assert art.text == "" and art.lang == "zh-CN" and art.site  # the page's real language; its own name
    assert "JavaScript" not in art.content_html and "加载中" not in art.content_html


@pytest.mark.parametrize(("title", "expected"), [
    ("南屏市出台措施支持中小微企业稳岗扩岗--南屏市人民政府门户网站", ["南屏市出台措施支持中小微企业稳岗扩岗", "南屏市人民政府门户网站"]),
    ("清溪县举办第三届脐橙文化旅游节-清溪县人民政府", ["清溪县举办第三届脐橙文化旅游节", "清溪县人民政府"]),
    ("东陵市发展和改革委员会 » 工作动态 » 市发展改革委召开调度会", ["东陵市发展和改革委员会", "工作动态", "市发展改革委召开调度会"]),
    ("我省启动“服务百姓健康行动”义诊活动周|云川省卫生健康委员会", ["我省启动“服务百姓健康行动”义诊活动周", "云川省卫生健康委员会"]),
    ("2023-2025年规划_某局", ["2023-2025年规划", "某局"]),
    ("文旅消费持续升温——2023年国庆假期全省文化和旅游市场综述", ["文旅消费持续升温——2023年国庆假期全省文化和旅游市场综述"]),
])
def test_title_parts_split_at_every_usual_separator(title: str, expected: list[str]) -> None:
    assert parts(title) == expected


def test_titles_lose_markup_and_column_prefixes() -> None:
    assert clean("文旅消费持续升温<div>——2023年国庆假期综述</div>") == "文旅消费持续升温——2023年国庆假期综述"
    assert clean("关于&ldquo;三下乡&rdquo;活动的通知") == "关于“三下乡”活动的通知"
    assert strip_prefix("部门动态 ｜汉东省召开全省春季农业生产工作会议") == "汉东省召开全省春季农业生产工作会议"
    assert strip_prefix("数据解读：上半年我市居民收入稳步增长") == "数据解读：上半年我市居民收入稳步增长"


def test_headline_from_markup_meta_prefix_line_and_generic_title() -> None:
    art = run('<html><head><title>汉东省人民政府</title><meta name="ArticleTitle" content="文旅消费持续升温&lt;div&gt;——'
              '国庆假期综述&lt;/div&gt;"></head><body><div class="detail-title"><span class="column">部门动态 ｜</span>'
              '文旅消费持续升温</div><div class="sub">2023-10-08 来源：省文旅厅</div><div class="body"><p>国庆假期，全省共接待'
              '游客2860万人次，同比增长12.4%，实现旅游收入186亿元。</p></div></body></html>',
              "https://www.example.gov.cn/art/2023/10/8/art_1.html")
    assert art.title == "文旅消费持续升温——国庆假期综述"
    art = run('<html><head><title>汉东省人民政府</title></head><body><div class="detail-title"><span class="column">'
              '部门动态 ｜</span>汉东省召开全省春季农业生产工作会议</div><div class="sub">2023-03-03 来源：省农业农村厅</div>'
              '<div class="body"><p>3月2日，全省春季农业生产工作会议在京州召开，会议安排部署春季农业生产重点工作。</p></div>'
              '</body></html>', "https://www.example.gov.cn/art/2023/3/3/art_2.html")
    assert (art.title, art.site, art.source) == ("汉东省召开全省春季农业生产工作会议", "汉东省人民政府", "省农业农村厅")


def test_site_name_from_title_footer_and_logo() -> None:
    assert from_title("南屏市出台稳岗措施--南屏市人民政府门户网站", "南屏市出台稳岗措施") == "南屏市人民政府"
    assert from_title("东陵市发展和改革委员会 » 工作动态 » 调度会召开", "调度会召开") == "东陵市发展和改革委员会"
    assert from_footer("主办单位：临江省人民政府办公厅　　地址：江城市省府路8号") == "临江省人民政府"
    assert from_footer("Copyright © 2024 南溪市人民政府 版权所有 主办单位：南溪市人民政府办公室") == "南溪市人民政府"
    assert canonical("临江省政府采购网") == "临江省政府采购网"
    art = run('<html><head><title>我厅召开全省重点流域水污染防治工作调度会</title></head><body><div class="header">'
              '<a href="/"><img src="/logo.png" alt="汉东省生态环境厅"></a></div><td class="biaoti">我厅召开全省重点流域'
              '水污染防治工作调度会</td><p>8月20日，我厅召开全省重点流域水污染防治工作调度会，通报上半年水质状况。</p></body></html>',
              "https://sthjt.example.gov.cn/xwzx/201408/t20140821_1.html")
    assert art.site == "汉东省生态环境厅"


COLUMN = "https://kjt.example.gov.cn/col/gzdt/index.html"
COLUMN_ROWS = "".join(f"<li><a href='/art/2026/{i}.html'>关于开展第{i}项重点工作调研的通知</a><span>2026-11-{i + 1:02d}</span></li>"
                      for i in range(10))


@pytest.mark.parametrize(("pager", "expected"), [
    ('<div class="page">共60条 1/3页 <a href="/col/gzdt/index.html">首页</a> <a href="index_1.html">下一页</a> '
     '<a href="index_2.html">尾页</a></div>', "https://kjt.example.gov.cn/col/gzdt/index_1.html"),
    ('<a href="?page=2" title="下一页">&gt;</a>', "https://kjt.example.gov.cn/col/gzdt/index.html?page=2"),
    ('<a href="/col/gzdt/p2.html" rel="next">››</a>', "https://kjt.example.gov.cn/col/gzdt/p2.html"),
    ('<a href="index.html">下一页</a>', None),  # the last page links to itself: following the pager ends
    ('<a href="javascript:goPage(2)">下一页</a>', None),
    ('<a href="/art/1.html">下一篇：关于开展调研的通知</a>', None),  # an article's next article is no page
    ("", None),
])
def test_a_lists_next_page(pager: str, expected: str | None) -> None:
    """The list's 下一页 (what `a11y-proxy podcast` follows): the labelled link, an arrow titled so, rel=next."""
    art = run(f"<html><head><title>工作动态-某省科技厅</title></head><body><ul class='list'>{COLUMN_ROWS}</ul>"
              f"{pager}</body></html>", COLUMN)
    assert art.page_type == "list"
    assert (art.next_page.url if art.next_page else None) == expected


def test_a_next_page_in_the_head() -> None:
    art = run(f"<html><head><title>工作动态-某省科技厅</title><link rel='next' href='/col/gzdt/2.html'></head>"
              f"<body><ul class='list'>{COLUMN_ROWS}</ul></body></html>", COLUMN)
    assert art.next_page is not None and art.next_page.url == "https://kjt.example.gov.cn/col/gzdt/2.html"
