"""Editor credits that end an article's body go (they are the CMS's workflow); anything else stays, an article's
own hotline too."""

from __future__ import annotations

import pytest

from transforms.extract.extract import extract
from transforms.parse import parse_document

BODY = ("<p>各有关单位：为进一步做好科技成果转化工作，现将有关事项通知如下，请各单位认真贯彻落实。</p>"
        "<p>一、工作目标。到2027年，全省技术合同成交额达到一千亿元，培育技术经理人三千名以上，建设中试基地五十家。</p>"
        "<p>二、主要任务。加强科技成果转化平台建设，完善技术转移服务体系，推动高校院所科技成果在省内转化落地。</p>")


def article_text(tail: str) -> str:
    page = ("<html><head><title>关于开展测试工作的通知_示例省科技厅</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/a'>机构概况</a> <a href='/b'>政务公开</a></div>"
            "<div class='article'><h1>关于开展测试工作的通知</h1><div class='info'>发布日期：2026-11-20 来源：办公室</div>"
            f"<div class='TRS_Editor'>{BODY}{tail}</div></div><div class='footer'>主办单位：示例省科技厅</div>"
            "</body></html>")
    return extract(parse_document(page), "https://kjt.example.gov.cn/art/1.html").text


@pytest.mark.parametrize("tail", [
    "<p style='text-align:right'>（责任编辑：刘欢）</p>",
    "<p>【编辑:刘欢】</p><p>责任编辑：</p>",
    "<div><p>（编辑：张三 审核：李四）</p></div>",
    "<p>审核：王五</p><p>校对：赵六</p>",
])
def test_trailing_credits_go(tail: str) -> None:
    text = article_text(tail)
    assert "推动高校院所科技成果在省内转化落地" in text
    assert not any(word in text for word in ("编辑", "审核", "校对", "刘欢", "张三"))


@pytest.mark.parametrize("tail, kept", [
    ("<p>（责任编辑：刘欢）</p><p>附件：1.申报表</p>", "（责任编辑：刘欢）"),  # not at the end: left alone
    ("<p>审核：材料提交后，由窗口受理并在五个工作日内完成审核，审核结果通过短信告知申请人。</p>", "由窗口受理"),
    ("<p>编辑部地址：示例市科技路1号</p>", "编辑部地址"),
    # an article's own hotline is content (only the site footer's 违法和不良信息举报 line is not)
    ("<p>举报电话：0571-87654321</p><p>举报邮箱：jubao@kjt.example.gov.cn</p>", "举报电话：0571-87654321"),
])
def test_other_lines_stay(tail: str, kept: str) -> None:
    assert kept in article_text(tail)
