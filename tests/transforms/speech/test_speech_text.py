"""Text for speech: the normaliser table (tests/data/speech_normalise.tsv), the sentence splitter, and the
speech text built from an Article (title, 来源 and date, tables with headers, image alt text, language runs)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from transforms.article import Article, Attachment
from transforms.speech.normalise import normalise
from transforms.speech.split import split_sentences
from transforms.speech.text import SpeechText, html_paragraphs, runs, speech_text, voice_lang

TABLE = Path(__file__).resolve().parents[2] / "data" / "speech_normalise.tsv"
RULES = {"number", "decimal", "ordinal", "year", "date", "time", "phone", "code", "range", "percent", "fraction",
         "list", "unit", "currency", "address", "symbol", "negative", "latin", "ratio", "service", "zeropad", "roman",
         "fullwidth", "enum", "per", "temperature", "sentence"}


def cases() -> list[tuple[str, str, str]]:
    out = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rule, text, expected = line.split("\t")
            out.append((rule, text, expected))
    return out


@pytest.mark.parametrize(("rule", "text", "expected"), cases(), ids=[f"{c[0]}-{c[1]}" for c in cases()])
def test_normalise(rule: str, text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_the_table_covers_every_rule() -> None:
    counts = Counter(rule for rule, _, _ in cases())
    assert len(cases()) >= 250
    assert set(counts) == RULES
    assert all(n >= 2 for n in counts.values()), counts


def test_no_digit_survives_in_chinese_text() -> None:
    for _, text, _ in cases():
        said = normalise(text)
        assert not any(c.isdigit() for c in said), (text, said)


@pytest.mark.parametrize(("text", "expected"), [
    ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
    ("他说：“今天开会。”然后走了。", ["他说：“今天开会。”", "然后走了。"]),
    ("成交额1040.5亿元，增长12.3%；合同10400项。", ["成交额1040.5亿元，增长12.3%；", "合同10400项。"]),
    ("1. 坚持需求导向。2. 优化服务体系。", ["1. 坚持需求导向。", "2. 优化服务体系。"]),
    ("附件：1. 工作要点", ["附件：1. 工作要点"]),
    ("详见www.gov.cn网站。", ["详见www.gov.cn网站。"]),
    ("等等……然后呢", ["等等……", "然后呢"]),
    ("第一行\n第二行", ["第一行", "第二行"]),
    ("Mr. Li visited in 2021. He left.", ["Mr. Li visited in 2021.", "He left."]),
    ("。！", []),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_long_sentences_are_cut_at_a_comma_never_inside_a_number() -> None:
    text = "，".join(["各地各单位要围绕产业链部署创新链"] * 8) + "。"
    parts = split_sentences(text, limit=40)
    assert len(parts) > 2 and all(len(p) <= 40 for p in parts)
    assert "".join(parts) == text
    digits = "1234567890" * 10
    assert "".join(split_sentences(digits, limit=40)) == digits


def sample_article(**kw: object) -> Article:
    html = """<div><p>11月19日，示例省科技厅召开推进会。厅长出席会议并讲话。</p>
      <h2>一、坚持需求导向</h2>
      <figure><img src="a.jpg" alt="推进会现场，与会人员听取工作汇报"><figcaption>推进会现场</figcaption></figure>
      <p>正文中有一张<img src="b.png" alt="示意图">插图。</p>
      <table><caption>2026年1—10月技术合同成交情况</caption>
        <thead><tr><th>市州</th><th>合同数（项）</th><th>成交额（亿元）</th></tr></thead>
        <tbody><tr><td>东湖市</td><td>4200</td><td>512.3</td></tr>
               <tr><td>南山市</td><td></td><td>218.6</td></tr></tbody></table>
      <ul><li>第一条</li><li>第二条</li></ul>
      <p>联系电话：027-87654321。</p></div>"""
    fields = {"url": "https://kjt.example.gov.cn/art/1.html", "title": "示例省科技厅召开2026年推进会",
              "source": "成果转化处", "published": "2026-11-20T09:30", "content_html": html}
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def test_speech_text_reads_title_then_source_and_date_then_body() -> None:
    st = speech_text(sample_article())
    texts = [s.text for s in st.sentences]
    assert st.lang == "zh"
    assert texts[0] == "示例省科技厅召开2026年推进会"
    assert st.sentences[0].spoken == "示例省科技厅召开二零二六年推进会"
    assert texts[1] == "来源：成果转化处，发布日期：2026年11月20日。"
    assert st.sentences[1].spoken == "来源：成果转化处，发布日期：二零二六年十一月二十日。"
    assert texts[2:4] == ["11月19日，示例省科技厅召开推进会。", "厅长出席会议并讲话。"]
    assert st.sentences[2].paragraph == st.sentences[3].paragraph != st.sentences[4].paragraph
    assert "联系电话：零二七，八七六五四三二幺。" in [s.spoken for s in st.sentences]


def test_tables_are_read_row_by_row_with_headers() -> None:
    sentences = speech_text(sample_article()).sentences
    texts = [s.text for s in sentences]
    assert "表格：2026年1—10月技术合同成交情况。" in texts
    # one sentence per row, the rows counted, every value after its header
    assert "第1行：市州，东湖市；合同数（项），4200；成交额（亿元），512.3。" in texts
    assert "第2行：市州，南山市；成交额（亿元），218.6。" in texts  # an empty cell is skipped, not read as nothing
    spoken = [s.spoken for s in sentences]
    assert "第一行：市州，东湖市；合同数（项），四千二百；成交额（亿元），五百一十二点三。" in spoken


def test_a_bid_table_reads_as_the_issue_asks() -> None:
    html = """<table><thead><tr><th>单位名称</th><th>中标金额</th></tr></thead>
      <tbody><tr><td>某某公司</td><td>12万元</td></tr><tr><td>另一公司</td><td>9.5万元</td></tr></tbody></table>"""
    st = speech_text(Article(url="u", title="中标公告", content_html=html))
    spoken = [s.spoken for s in st.sentences]
    assert spoken[-2:] == ["第一行：单位名称，某某公司；中标金额，十二万元。", "第二行：单位名称，另一公司；中标金额，九点五万元。"]


def test_a_long_row_is_cut_between_cells_never_inside_one() -> None:
    cells = "".join(f"<td>第{i}项内容说明文字较长的一个单元格</td>" for i in range(6))
    heads = "".join(f"<th>列{i}</th>" for i in range(6))
    html = f"<table><tr>{heads}</tr><tr>{cells}</tr><tr>{cells}</tr></table>"
    rows = [s.text for s in speech_text(Article(url="u", content_html=html)).sentences if s.paragraph == 1]
    assert len(rows) > 1 and all(len(r) <= 80 for r in rows)
    assert all(r.endswith(("；", "。")) for r in rows)  # cut at the cells' separators


def test_table_with_colspan_header_rows_and_no_thead() -> None:
    html = """<table><tr><th rowspan="2">地区</th><th colspan="2">成交额</th></tr>
      <tr><th>今年</th><th>去年</th></tr><tr><td>东湖</td><td>5</td><td>4</td></tr></table>"""
    assert html_paragraphs(html) == ["表格。", "地区，东湖；成交额 今年，5；成交额 去年，4。"]


def test_headings_are_marked_and_announced() -> None:
    sentences = speech_text(sample_article()).sentences
    assert sentences[0].heading == 1 and sentences[0].spoken == "示例省科技厅召开二零二六年推进会"
    heading = next(s for s in sentences if s.text == "一、坚持需求导向")
    assert heading.heading == 2 and heading.spoken == "小标题：一、坚持需求导向"
    assert [s.heading for s in sentences].count(0) == len(sentences) - 2


@pytest.mark.parametrize("line", ["【打印本页】【关闭窗口】", "字体：大 中 小", "浏览次数：120", "分享到：微信 微博",
                                  "版权所有：示例省科学技术厅", "免责声明：本网站所载文章仅供参考。", "扫一扫在手机上打开"])
def test_page_furniture_is_never_read(line: str) -> None:
    html = f"<div><p>正文第一段。</p><p>{line}</p><div>{line}</div><p>正文第二段。</p></div>"
    st = speech_text(Article(url="u", title="标题", source="打印", content_html=html))
    assert [s.text for s in st.sentences] == ["标题", "正文第一段。", "正文第二段。"]


def test_furniture_words_inside_a_sentence_are_read() -> None:
    html = "<p>请打印本页并关闭窗口后提交。</p><p>大</p>"
    assert html_paragraphs(html) == ["请打印本页并关闭窗口后提交。"]


def test_images_are_announced_by_alt_text_and_lists_kept() -> None:
    texts = [s.text for s in speech_text(sample_article()).sentences]
    assert "图片：推进会现场，与会人员听取工作汇报。" in texts
    assert "推进会现场" not in texts  # the caption repeats the alt text: said once
    assert "图片：示意图。" in texts
    assert texts.index("正文中有一张插图。") < texts.index("图片：示意图。")
    assert "第一条" in texts and "第二条" in texts


def test_a_picture_whose_alt_only_says_picture_is_announced_once() -> None:
    st = speech_text(Article(url="u", title="通知", content_html='<div><p>正文。</p><img src="a.jpg" alt="图片"></div>'))
    assert [s.text for s in st.sentences][-1] == "图片。"


def test_attachments_are_listed_at_the_end_without_file_extensions() -> None:
    st = speech_text(sample_article(attachments=[Attachment("1. 工作要点.pdf", "https://x/a.pdf", "pdf"),
                                                 Attachment("2. 名单.xlsx", "https://x/b.xlsx", "xlsx")]))
    assert [s.text for s in st.sentences[-2:]] == ["附件：1. 工作要点", "2. 名单"]
    assert st.sentences[-2].spoken == "附件：一，工作要点"


def test_attachments_the_body_names_are_read_once() -> None:
    """Extraction keeps a document's 附件 lines in the body: the attachment list adds only the others."""
    html = "<div><p>请各单位认真填报。</p><p>附件：1.排查表.xlsx</p></div>"
    st = speech_text(Article(url="u", title="关于开展排查的通知", content_html=html,
                             attachments=[Attachment("1.排查表.xlsx", "https://x/a.xlsx", "xlsx"),
                                          Attachment("2.技术要求.pdf", "https://x/b.pdf", "pdf")]))
    texts = [s.text for s in st.sentences]
    assert sum("排查表" in t for t in texts) == 1
    assert texts[-1] == "附件：2.技术要求"
    both = speech_text(Article(url="u", title="通知", content_html=html,
                               attachments=[Attachment("1.排查表.xlsx", "https://x/a.xlsx", "xlsx")]))
    assert [s.text for s in both.sentences][-1] == "附件：1.排查表.xlsx"  # the body's own line, and nothing after


def test_text_is_used_when_there_is_no_html() -> None:
    st = speech_text(Article(url="u", title="标题", text="第一段。\n\n第二段有10个字。"))
    assert [s.spoken for s in st.sentences] == ["标题", "第一段。", "第二段有十个字。"]


def test_english_articles_are_left_to_the_english_voice() -> None:
    st = speech_text(Article(url="u", title="Annual report 2026", lang="en", source="Office",
                             published="2026-11-20", content_html="<p>Growth was 12.3% in 2025. It rose.</p>"))
    assert st.lang == "en"
    assert [s.spoken for s in st.sentences] == ["Annual report 2026", "Source: Office, Published: 2026-11-20.",
                                                "Growth was 12.3% in 2025.", "It rose."]


def test_runs_send_latin_words_to_the_english_voice() -> None:
    assert runs("示ICP备零五号，符合WTO规则。", "zh") == [("zh", "示"), ("en", "ICP"), ("zh", "备零五号，符合"),
                                                   ("en", "WTO"), ("zh", "规则。")]
    assert runs("Visit 北京 today.", "en") == [("en", "Visit"), ("zh", "北京"), ("en", "today.")]
    assert runs("。", "zh") == []


@pytest.mark.parametrize(("tag", "key"), [("zh-CN", "zh"), ("zh", "zh"), ("en-GB", "en"), ("yue-HK", "yue"),
                                          ("", "zh"), ("fr", "fr")])
def test_voice_lang(tag: str, key: str) -> None:
    assert voice_lang(tag) == key


def test_json_round_trip_and_digest_depend_on_the_words_only() -> None:
    st = speech_text(sample_article())
    again = SpeechText.from_json(st.to_json())
    assert again == st and again.digest() == st.digest()
    other = speech_text(sample_article(url="https://kjt.example.gov.cn/other.html"))
    assert other.digest() == st.digest()
    assert speech_text(sample_article(title="另一个标题")).digest() != st.digest()


def test_normalising_a_long_article_stays_fast() -> None:
    """speech_text normalises 20,000-character articles sentence by sentence: well under a second."""
    inputs = [text for _, text, _ in cases()]
    article = "\n".join("，".join(inputs[i:i + 4]) + "。" for i in range(0, len(inputs), 4))
    article = (article * (20000 // len(article) + 1))[:20000]
    start = time.perf_counter()
    for para in article.split("\n"):
        for sentence in split_sentences(para):
            normalise(sentence)
    assert time.perf_counter() - start < 1.0
