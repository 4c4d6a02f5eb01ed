"""Which block is the article (issue 12): what follows the headline in its box, never a disclaimer, a
sidebar of dated links or a comment; the document parts around the scored block (文号, closing formula,
signature, 附件) kept; an honest fallback when nothing can be trusted."""

from __future__ import annotations

from transforms.article import Article
from transforms.context import Context
from transforms.extract.boilerplate import is_boilerplate
from transforms.pipeline import extract_article

URL = "https://scjg.example.gov.cn/xxgk/xzcf/202305/t20230522_1.html"
DISCLAIMER = ("<div class='bqsm'><h4>版权与免责声明</h4>"
              "<p>一、本网站所登载的各类信息，其版权均归本网站所有，未经书面许可，任何单位和个人不得转载、摘编或以其他方式使用。</p>"
              "<p>二、本网站转载的其他网站或媒体的信息，均注明了来源，其版权归原作者所有；如有侵权，请及时与本网站联系，我们将在核实后予以删除。</p>"
              "<p>三、本网站所提供的信息仅供参考，不构成任何法律意见；公众在使用本网站信息时，应以有关机关正式发布的纸质文件为准。</p></div>")
PENALTY_ROWS = [("行政处罚决定书文号", "示市监处罚〔2023〕112号"), ("当事人名称", "某某食品有限公司"),
                ("主要违法事实", "生产经营超范围使用食品添加剂的食品"), ("处罚内容", "没收违法所得2150元，并处罚款96000元"),
                ("处罚机关", "某省市场监督管理局")]
TABLE = "<table border='1'>" + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in PENALTY_ROWS) + "</table>"


def run(html: str, url: str = URL) -> Article:
    return extract_article(html, Context(url=url), ["extract", "sanitize"])


def page(title: str, main: str, before: str = "", after: str = "", head: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}_某省市场监督管理局</title>{head}</head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/xxgk/'>信息公开</a></div>"
            f"{before}<div class='art'><h1>{title}</h1><div class='info'>发布时间：2023-05-22　来源：执法稽查局</div>"
            f"{main}</div>{after}<div class='footer'>主办单位：某省市场监督管理局 某ICP备123号</div></body></html>")


def test_a_penalty_table_wins_over_the_disclaimer_after_it() -> None:
    art = run(page("行政处罚信息公开表（示市监处罚〔2023〕112号）", f"<div class='art-con'>{TABLE}</div>", after=DISCLAIMER))
    assert "并处罚款96000元" in art.text and "版权均归本网站所有" not in art.text
    assert (art.page_type, art.extraction) == ("article", "article")
    assert art.method.startswith("headline") and art.confidence >= 0.75
    assert '<th scope="row">处罚内容</th>' in art.content_html


def test_a_disclaimer_before_the_headline_is_never_the_body() -> None:
    art = run(page("某市场监督管理局行政处罚信息公示（第3期）", f"<div class='table-responsive'>{TABLE}</div>",
                   before=f"<div class='left'>{DISCLAIMER}</div>"))
    assert "某某食品有限公司" in art.text and "本网站" not in art.text


def test_boilerplate_is_told_by_its_stock_phrases() -> None:
    assert is_boilerplate("本网站所登载的各类信息，其版权均归本网站所有，未经书面许可，任何单位和个人不得转载。")
    assert is_boilerplate("温馨提示：本栏目公示的信息仅用于查询，未经许可，任何单位和个人不得用于商业用途。")
    assert not is_boilerplate("经查，当事人生产的香辣鸭脖苯甲酸项目不合格，依据食品安全法第一百二十四条处罚款96000元。")
    assert not is_boilerplate("会议强调，要进一步规范网站内容管理，依法保护版权。")  # one stock word is no statement


def test_a_decisions_own_legal_words_are_no_boilerplate() -> None:
    """未经许可, 侵权, 法律责任 are the law's words too: without a phrase about the site, a document's prose."""
    finding = "<p>经查，当事人未经许可擅自复制发行他人作品，构成侵权，依法应承担法律责任。</p>"
    assert not is_boilerplate("当事人侵权行为成立，应依法承担法律责任。")
    art = run(page("某市版权局行政处罚决定书（2023年第3号）",
                   "<p>当事人：某某文化传媒有限公司，住所某市某区某路1号，统一社会信用代码见附件。</p>"
                   f"{finding}<p>依据著作权法第五十三条之规定，本局决定没收违法所得并处罚款人民币五万元。</p>"))
    assert "构成侵权" in art.text and "五万元" in art.text


def test_a_short_article_beside_a_sidebar_of_dated_links_is_an_article() -> None:
    related = "".join(f"<li><a href='/n/{i}.html'>金水区召开第{i}次安全生产工作会议部署重点任务</a><span>2023-02-{10 + i:02d}</span></li>"
                      for i in range(12))
    body = "<div class='con'><p>2月21日，金水区首家社区老年助餐点在长江中路社区正式开放，老人每餐只需10元。</p></div>"
    art = run(page("金水区首家老年助餐点开放", body, after=f"<div class='side'><h3>大家都在看</h3><ul>{related}</ul></div>"))
    assert art.page_type == "article"
    assert "每餐只需10元" in art.text and "安全生产工作会议" not in art.text


def test_document_parts_around_the_body_are_kept_and_editor_lines_dropped() -> None:
    body = ("<p class='wh'>示政发〔2023〕9号</p>"
            "<div class='TRS_Editor'><p>为加强水生生物资源保护，维护生物多样性，根据有关法律法规，决定在重点水域实行禁捕管理。现就有关事项通告如下：</p>"
            "<p>一、自2023年5月1日起，上述水域实行常年禁捕，禁止天然渔业资源的生产性捕捞。</p>"
            "<p>二、违反本通告规定的，由有关部门依法予以处罚；构成犯罪的，依法追究刑事责任。</p></div>"
            "<p>特此通告。</p><p>附件：<a href='/f/fanwei.pdf'>禁捕范围示意图</a></p>"
            "<p style='text-align:right'>某省人民政府<br>2023年4月18日</p>"
            "<div class='editor'>（责任编辑：刘婷）</div><div class='back'><a href='/list/'>返回列表</a></div>")
    art = run(page("某省人民政府关于禁止在重点水域非法捕捞的通告", body))
    for part in ("示政发〔2023〕9号", "特此通告。", "禁捕范围示意图", "某省人民政府", "2023年4月18日"):
        assert part in art.text, part
    assert "责任编辑" not in art.text and "返回列表" not in art.text
    assert (art.doc_number, art.issued) == ("示政发〔2023〕9号", "2023-04-18")


def test_reader_comments_are_not_the_body_nor_its_date() -> None:
    comments = ("<div class='comment-box'><h4>网友留言</h4><p class='c-text'>希望多关注春耕期间的农资价格问题。</p>"
                "<p class='c-time'>发表时间：2023-03-05 10:21</p></div>")
    body = ("<div class='detail-body'><p>3月2日，全省春季农业生产工作会议召开，会议安排部署春季农业生产重点工作，要求抓好春耕备耕物资供应。</p></div>")
    html = page("全省春季农业生产工作会议召开", body, after=comments).replace("发布时间：2023-05-22", "发布时间：2023-03-03")
    art = run(html)
    assert "农资价格" not in art.text and art.published == "2023-03-03"


def test_nothing_to_trust_gives_the_whole_page_marked_as_such() -> None:
    art = run("<html><head><title>某市人民政府</title></head><body><div class='nav'><a href='/'>首页</a></div>"
              "<div class='box'><p>系统升级中</p><p>请稍后再试</p></div></body></html>")
    assert (art.extraction, art.page_type) == ("fallback", "other")
    assert art.confidence < 0.5 and "系统升级中" in art.text
