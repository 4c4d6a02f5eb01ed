"""An article that is pictures or files (一图读懂, a scanned notice, 详见附件) is an article: its pictures and files, not
the whole page. A QR code, a share icon or a logo after the headline makes no such article."""

from __future__ import annotations

from transforms.extract.extract import extract
from transforms.parse import parse_document


def page(pictures: str) -> str:
    return ("<html><head><title>一图读懂：2026年科技成果转化工作要点_示例省科技厅</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/a'>政策解读</a></div>"
            "<div class='article'><h1>一图读懂：2026年科技成果转化工作要点</h1>"
            "<div class='info'>发布日期：2026-11-20 来源：政策法规处</div>"
            f"<div class='TRS_Editor'>{pictures}</div></div>"
            "<div class='footer'>版权所有 © 示例省科技厅</div></body></html>")


def test_an_article_of_pictures_is_its_pictures() -> None:
    art = extract(parse_document(page("<p><img src='/img/1.jpg'></p><p><img src='/img/2.jpg' alt='图解第二部分'></p>")),
                  "https://kjt.example.gov.cn/art/1.html")
    assert art.page_type == "article" and art.extraction == "article"
    assert [i.src for i in art.images] == ["/img/1.jpg", "/img/2.jpg"]
    assert "首页" not in art.content_html and "版权所有" not in art.content_html
    assert art.published == "2026-11-20"


def test_icons_and_codes_after_the_headline_make_no_article() -> None:
    art = extract(parse_document(page("<img src='/images/qrcode.png' class='ewm'><a href='/s'><img src='/img/wx.png'></a>"
                                      "<img src='/img/p.gif' width='16' height='16'>")),
                  "https://kjt.example.gov.cn/art/1.html")
    assert art.extraction != "article"  # the honest fallback, not a QR code served as the article


def test_a_notice_that_is_its_attachment_is_an_article() -> None:
    art = extract(parse_document(page("<p>详见附件。</p><p>附件：<a href='/att/mingdan.xlsx'>2026年第一批名单.xlsx</a></p>")),
                  "https://kjt.example.gov.cn/art/1.html")
    assert art.extraction == "article" and art.method == "headline+pictures/files"
    assert [a.name for a in art.attachments] == ["2026年第一批名单.xlsx"]
    assert art.text.startswith("详见附件。") and "首页" not in art.text and "版权所有" not in art.text

