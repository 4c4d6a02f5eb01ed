"""拼音: readings from whole words (多音字), ruby that never adds to the text, copy or speech."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from transforms.aids.outputs import article_json, article_text
from transforms.aids.pinyin import annotate_html, pinyin_line, readings
from transforms.article import Article


@pytest.mark.parametrize("word,expected", [
    ("银行", ("yín", "háng")), ("行走", ("xíng", "zǒu")), ("重庆", ("chóng", "qìng")), ("重要", ("zhòng", "yào")),
    ("长辈", ("zhǎng", "bèi")), ("长度", ("cháng", "dù")), ("音乐", ("yīn", "yuè")), ("快乐", ("kuài", "lè")),
    ("銀行", ("yín", "háng")),  # traditional characters are read through their simplified form
])
def test_polyphones_are_read_by_their_word(word: str, expected: tuple[str, ...]) -> None:
    assert readings(word) == expected


def test_ruby_is_generated_content_hidden_from_the_accessibility_tree() -> None:
    html = annotate_html("<p>重庆<a href='/x'>银行</a>开门。ABC 2026年</p><script>var a = '中';</script>")
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    assert root.text_content() == "重庆银行开门。ABC 2026年var a = '中';"  # the text itself is unchanged
    rts = root.xpath("//rt")
    assert [rt.get("data-py") for rt in rts] == ["chóng", "qìng", "yín", "háng", "kāi", "mén", "nián"]
    assert all(rt.get("aria-hidden") == "true" and not rt.text for rt in rts)
    assert not root.xpath("//script//ruby") and root.xpath("//a/ruby")


def test_outputs_for_programs_get_standard_ruby_and_pinyin_lines() -> None:
    art = Article(url="https://x.gov.cn/", title="银行通知", text="今年1至10月。\n\n第二段。",
                  content_html="<div><p>银行通知</p></div>")
    data = article_json(art, "hant-tw", pinyin=True)
    assert data["title"] == "銀行通知" and data["lang"] == "zh-Hant-TW"
    assert "<rt>yín</rt>" in data["content_html"] and "<rp>(</rp>" in data["content_html"]
    assert data["pinyin"] == {"title": "yín háng tōng zhī", "text": "jīn nián 1 zhì 10 yuè。\n\ndì èr duàn。"}
    assert article_json(art) == art.to_json()
    assert article_text(art, pinyin=True).split("\n")[:2] == ["yín háng tōng zhī", "银行通知"]


def test_pinyin_line_spacing() -> None:
    assert pinyin_line("“三权”改革，（银行）") == "“sān quán” gǎi gé，（yín háng）"
