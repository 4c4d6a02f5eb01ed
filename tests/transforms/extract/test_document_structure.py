"""A government document keeps its structure (issue 12): the 信息公开 header as a definition list whatever its
markup, 文号 and 成文日期 apart from the publication date, numbered lines as headings, paragraphs as `<p>`,
data tables with header cells, pictures with alt text."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from transforms.article import Article
from transforms.context import Context
from transforms.extract.docinfo import doc_number, parse_header
from transforms.extract.paragraphs import heading_level
from transforms.pipeline import extract_article

URL = "https://www.example.gov.cn/zwgk/wj/202306/t20230602_1.html"
TITLE = "某省人民政府办公厅关于进一步优化营商环境的实施意见"
PAIRS = [("索引号", "002482870/2023-00123"), ("发文机关", "某省人民政府办公厅"), ("成文日期", "2023-05-26"),
         ("发文字号", "某政办发〔2023〕21号"), ("发布日期", "2023-06-02"), ("主题分类", "综合政务")]
PENALTY_PAIRS = [("当事人", "某某食品有限公司"), ("违法事实", "生产不合格食品"), ("处罚内容", "罚款96000元"),
                 ("处罚机关", "某市市场监督管理局")]
BODY = ("<p>各市、县（市、区）人民政府，省政府直属各单位：</p>"
        "<p>为持续激发市场主体活力，经省政府同意，提出如下实施意见。</p><p>一、破除隐性门槛</p>"
        "<p>（一）全面实施市场准入负面清单管理。清单之外的领域，各类市场主体皆可依法平等进入。</p>"
        "<p>二、规范涉企收费</p><p>（二）严格规范政府收费和罚款，严禁以罚款进行创收。</p>")


def run(html: str, url: str = URL) -> Article:
    return extract_article(html, Context(url=url), ["extract", "sanitize"])


def document(header: str, meta: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{TITLE}_某省人民政府</title>{meta}</head><body>"
            f"<div class='nav'><a href='/'>首页</a></div><div class='xxgk'>{header}"
            f"<h1>{TITLE}</h1><div class='content'>{BODY}</div></div></body></html>")


HEADERS = {
    "table of four": "<table class='xxgk_table'>" + "".join(
        f"<tr><td>{a}：</td><td>{b}</td><td>{c}：</td><td>{d}</td></tr>"
        for (a, b), (c, d) in zip(PAIRS[::2], PAIRS[1::2], strict=True)) + "</table>",
    "dl": "<dl>" + "".join(f"<dt>{k}：</dt><dd>{v}</dd>" for k, v in PAIRS) + "</dl>",
    "li spans, spaced labels": "<ul>" + "".join(f"<li><span>{' '.join(k)}：</span>{v}</li>" for k, v in PAIRS) + "</ul>",
    "p b": "<div>" + "".join(f"<p><b>{k}：</b><span>{v}</span></p>" for k, v in PAIRS) + "</div>",
}


@pytest.mark.parametrize("markup", sorted(HEADERS))
def test_information_header_becomes_a_definition_list(markup: str) -> None:
    art = run(document(HEADERS[markup], '<meta name="PubDate" content="2024-11-02 10:00">'))
    assert [(f.label, f.value) for f in art.info] == PAIRS
    assert art.content_html.count("<dt>") == len(PAIRS) and 'class="doc-info"' in art.content_html
    assert art.text.index("索引号") < art.text.index("各市、县")  # the header first, then the body
    assert "索引号：002482870/2023-00123\n\n发文机关：某省人民政府办公厅" in art.text  # read as label：value
    # the header's 发布日期 is shown on the page: it wins over the CMS's migration date, which is kept apart
    assert (art.published, art.meta_published, art.issued) == ("2023-06-02", "2024-11-02T10:00", "2023-05-26")
    assert art.doc_number == "某政办发〔2023〕21号"


def test_column_headers_of_a_data_table_are_no_document_header() -> None:
    table = ("<table><tr><th>名称</th><th>文号</th><th>发布日期</th></tr>"
             "<tr><td>关于某事的通知</td><td>某发〔2023〕1号</td><td>2023-01-02</td></tr>"
             "<tr><td>关于另一事的通知</td><td>某发〔2023〕2号</td><td>2023-02-03</td></tr></table>")
    fields = parse_header(lxml_html.fromstring(table))
    assert sum(1 for f in fields if f.value) < len(fields)  # labels without values: read() refuses it
    art = run(document("") .replace("<div class='content'>", f"<div class='content'>{table}"))
    assert art.info == [] and "<th scope=\"col\">文号</th>" in art.content_html


@pytest.mark.parametrize(("text", "expected"), [
    ("临政办发〔2023〕21号", "临政办发〔2023〕21号"), ("云卫办医发[2021]12号 | 发布日期", "云卫办医发[2021]12号"),
    ("2022年第15号", "2022年第15号"), ("第2021号文件", ""), ("2023年5月26日", ""),
])
def test_document_numbers(text: str, expected: str) -> None:
    assert doc_number(text) == expected


def test_numbered_lines_become_headings_and_numbered_paragraphs_stay() -> None:
    art = run(document(""))
    assert "<h2>一、破除隐性门槛</h2>" in art.content_html
    assert "<p>（一）全面实施市场准入负面清单管理。" in art.content_html


@pytest.mark.parametrize(("text", "bold", "level"), [
    ("一、禁捕范围", False, 2), ("（二）工作要求", False, 3), ("3.申报材料", False, 4), ("第一章　总则", False, 2),
    ("（一）市南区、市北区全部行政区域；", False, 0), ("1.全县中小学教职工8月28日到岗。", False, 0),
    ("特此通告。", False, 0), ("（三）进一步优化涉企服务推动降低市场主体办事成本和制度性交易成本的若干举措", True, 3),
])
def test_heading_levels_follow_the_numbering(text: str, bold: bool, level: int) -> None:
    assert heading_level(text, bold) == level


def test_div_and_br_runs_become_paragraphs() -> None:
    runs = "为切实保障人民群众生命财产安全，近日组成联合检查组开展排查。<br><br>截至目前，全市已排查农村自建房4.6万余幢。<br><br>下一步将建立常态化巡查机制。"
    divs = "".join(f"<div>　　第{i}段正文，内容足够长，用于检查段落是否成为真正的段落元素。</div>" for i in range(3))
    for body in (f"<div class='content'>{runs}</div>", f"<div class='article-body'>{divs}</div>"):
        art = run(f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>{body}</body></html>")
        paragraphs = lxml_html.fragment_fromstring(art.content_html).findall(".//p")
        assert len(paragraphs) == 3, art.content_html
        assert all(p.text and not p.text.startswith(("　", " ")) for p in paragraphs)  # indents are layout


def test_bold_first_row_and_label_column_become_header_cells() -> None:
    bold = ("<table border=1><tr><td><strong>序号</strong></td><td><strong>供应商名称</strong></td>"
            "<td><strong>中标金额（元）</strong></td></tr><tr><td>1</td><td>某某医疗器械有限公司</td><td>2,386,500.00</td></tr></table>")
    art = run(document("").replace("<div class='content'>", f"<div class='content'><p>表1　中标信息</p>{bold}"))
    assert '<th scope="col">中标金额（元）</th>' in art.content_html
    assert "<caption>表1 中标信息</caption>" in art.content_html  # whitespace squashed
    # a label column: its cells are row headers; with a document's own labels it is the 信息公开 header instead
    for pairs, row_headers, info in ((PENALTY_PAIRS, 4, []), (PAIRS[:4], 0, PAIRS[:4])):
        label = "<table>" + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in pairs) + "</table>"
        art = run(document("").replace("<div class='content'>", f"<div class='content'>{label}"))
        assert art.content_html.count('<th scope="row">') == row_headers
        assert [(f.label, f.value) for f in art.info] == info


def test_merged_header_cells_keep_their_spans() -> None:
    table = ("<table><tr><td rowspan='2'><b>案件名称</b></td><td colspan='2'><b>处罚对象</b></td></tr>"
             "<tr><td><b>名称</b></td><td><b>法定代表人</b></td></tr>"
             "<tr><td>某某案</td><td>某某公司</td><td>赵某</td></tr><tr><td>另一案</td><td>另一公司</td><td>钱某</td></tr></table>")
    art = run(document("").replace("<div class='content'>", f"<div class='content'>{table}"))
    assert '<th colspan="2" scope="colgroup">处罚对象</th>' in art.content_html
    assert '<th rowspan="2" scope="col">案件名称</th>' in art.content_html


def test_pictures_get_alt_text_from_caption_title_or_file_name() -> None:
    body = ("<p style='text-align:center'><img src='/tjgb/W0201903.png'></p>"
            "<p style='text-align:center'>图1　2014—2018年全省生产总值及其增长速度</p>"
            "<p><img src='/upload/2023年全省粮食产量.png'></p><p><img src='/images/spacer.gif' width='1' height='1'></p>"
            "<p>全年全省生产总值17881.12亿元，比上年增长8.9%。</p>")
    art = run(f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><div class='TRS_Editor'>{body}</div></body></html>")
    caption = "图1 2014—2018年全省生产总值及其增长速度"
    assert [(i.alt, i.caption) for i in art.images] == [(caption, caption), ("图表：2023年全省粮食产量", "")]
    assert "<figcaption>图1　2014—2018年全省生产总值及其增长速度</figcaption>" in art.content_html  # the spacer is gone
    assert 'alt=""' not in art.content_html
