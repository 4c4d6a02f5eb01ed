"""The sentence splitter never cuts inside a token (time, date, number, ratio, phone number, address, Latin
word), cuts long sentences at clause punctuation first, and keeps every piece a substring of the written text
(the caption the toolbar looks for on the page), normalised on its own for the voice."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.article import Article
from transforms.speech.normalise import normalise
from transforms.speech.split import split_sentences
from transforms.speech.text import speech_text

FILLER = "各地区部门要加强组织领导完善工作机制推动政策落实确保取得实效群众办事更加便利"


def cut_points(text: str, pieces: list[str]) -> list[int]:
    """Where the pieces start and end in `text` (they are stripped substrings, in order)."""
    points, pos = [], 0
    for piece in pieces:
        start = text.index(piece, pos)
        points += [start, start + len(piece)]
        pos = start + len(piece)
    return points


def assert_no_cut_inside(text: str, pieces: list[str], tokens: list[str]) -> None:
    spans = []
    for token in tokens:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(token), text)]
    for point in cut_points(text, pieces):
        inside = [text[s:e] for s, e in spans if s < point < e]
        assert not inside, (point, inside, pieces)


@pytest.mark.parametrize("token", [
    "9:30—11:30", "14:00-17:00", "截止时间：17:00", "7.6:44.8:47.6", "比例为1∶3", "2024年5月10日", "2024-05-10",
    "1,040.5亿元", "5%-8%", "-5～3℃", "（0471）6945123", "0471-6945123", "+86 10 12345678", "138 1234 5678",
    "110、119、120", "kjt@hubei.gov.cn", "https://www.gov.cn/zwgk/?id=12&page=2!x", "airsuspensionsystem",
    "GB/T 37668-2019", "PM2.5", "二〇二四年",
])
def test_a_long_sentence_is_never_cut_inside_a_token(token: str) -> None:
    for lead in range(0, 40, 3):  # the token lands on every position around the limit
        text = FILLER[:lead] + token + FILLER + "。"
        pieces = split_sentences(text, limit=40)
        assert_no_cut_inside(text, pieces, [token])
        assert "".join(pieces) == text


def test_clause_punctuation_is_preferred_and_every_clause_fits() -> None:
    text = "申请人须于2024年5月10日至5月20日到政务服务中心窗口办理，逾期不予受理；办理时间为工作日上午9:00—12:00，" \
           "下午13:30—17:00，咨询电话：0471-6945123，投诉电话：12345。"
    pieces = split_sentences(text, limit=40)
    assert all(len(p) <= 40 for p in pieces), pieces
    assert all(p[-1] in "，；。" for p in pieces), pieces
    assert "".join(pieces) == text
    assert "办理时间为工作日上午9:00—12:00，下午13:30—17:00，" in pieces


def test_a_label_stays_with_its_value_and_a_number_list_together() -> None:
    text = "联系方式如下：值班电话：0471-6945123、6945124，应急求助请拨打110、119、120，各单位务必保持通信畅通。"
    pieces = split_sentences(text, limit=24)
    assert_no_cut_inside(text, pieces, ["值班电话：0471-6945123、6945124", "110、119、120"])


def test_a_web_address_question_mark_does_not_end_a_sentence() -> None:
    text = "详见https://www.gov.cn/zwgk/list?id=12&page=2页面。另见附件。"
    assert split_sentences(text) == ["详见https://www.gov.cn/zwgk/list?id=12&page=2页面。", "另见附件。"]


def test_a_token_longer_than_the_limit_stays_whole() -> None:
    url = "https://www.example.gov.cn/" + "a" * 60 + "/index.html"
    assert split_sentences(f"详见{url}", limit=20) == [f"详见{url}"]


def test_a_clause_with_no_punctuation_is_cut_between_characters_never_inside_a_number() -> None:
    text = "全市累计建成5G基站12000个新建城乡公共充电桩3500个改造老旧小区供水管网160公里新增城市绿地面积1.2平方公里"
    pieces = split_sentences(text, limit=20)
    assert "".join(pieces) == text and all(len(p) <= 20 for p in pieces), pieces
    assert_no_cut_inside(text, pieces, ["5G", "12000", "3500", "160", "1.2"])


def test_the_issue_example_time_range_is_whole_after_normalising() -> None:
    text = "为进一步做好我市全民健身场馆免费低收费开放工作方便群众就近参加体育锻炼现将场馆开放时间调整为每日14:00-17:00，请相互转告。"
    said = [normalise(p) for p in split_sentences(text, limit=60)]
    assert any("十四点至十七点" in s for s in said), said
    assert not any(re.search(r"[0-9:：]", s) for s in said), said


def test_speech_text_sentences_are_written_pieces_with_their_own_spoken_form() -> None:
    body = "<p>" + "，".join(["办理时间：9:30—11:30"] * 8) + "。</p><p>比例为7.6:44.8:47.6。</p>"
    st_ = speech_text(Article(url="u", title="标题", content_html=body))
    for s in st_.sentences:
        assert s.spoken == normalise(s.text)
        assert s.text in body or s.text == "标题"
    assert "办理时间：九点三十分至十一点三十分" in " ".join(s.spoken for s in st_.sentences)


# -- property: random government-like text, random limits ----------------------------------------------------

TOKENS = st.one_of(
    st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    st.builds(lambda h, m, h2, m2, d: f"{h}:{m:02d}{d}{h2}:{m2:02d}", st.integers(0, 23), st.integers(0, 59),
              st.integers(0, 23), st.integers(0, 59), st.sampled_from(["—", "-", "~", "～", "至"])),
    st.builds(lambda a, b, c: f"{a}:{b}:{c}", st.decimals(0, 100, places=1), st.decimals(0, 100, places=1),
              st.decimals(0, 100, places=1)),
    st.builds(lambda y, m, d: f"{y}年{m}月{d}日", st.integers(1990, 2030), st.integers(1, 12), st.integers(1, 28)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(1990, 2030), st.integers(1, 12), st.integers(1, 28)),
    st.builds(lambda n: f"{n:,}", st.integers(1000, 10**9)),
    st.builds(lambda a, b: f"{a}%-{b}%", st.integers(1, 50), st.integers(51, 99)),
    st.builds(lambda a: f"{a}℃", st.integers(-30, 40)),
    st.builds(lambda a, b: f"（0{a}）{b}", st.integers(100, 999), st.integers(1000000, 9999999)),
    st.builds(lambda a, b: f"0{a}-{b}", st.integers(100, 999), st.integers(1000000, 9999999)),
    st.builds(lambda b: f"+86 10 {b}", st.integers(10000000, 99999999)),
    st.builds(lambda a: f"138 {a // 10000:04d} {a % 10000:04d}", st.integers(0, 99999999)),
    st.just("110、119、120"),
    st.just("截止时间：17:00"),
    st.from_regex(r"[a-z]{2,8}@[a-z]{2,6}\.gov\.cn", fullmatch=True),
    st.from_regex(r"https://www\.[a-z]{2,6}\.gov\.cn/[a-z]{1,6}\?id=[0-9]{1,4}&p=[0-9]", fullmatch=True),
    st.from_regex(r"[A-Za-z]{6,24}", fullmatch=True),
    st.sampled_from(["GB/T 37668-2019", "PM2.5", "Wi-Fi", "COVID-19", "7.6:44.8:47.6", "1∶3", "5G", "C919"]),
)
GLUE = st.sampled_from(["，", "。", "；", "：", "、", "！", "？", " ", "（", "）", "“", "”"])
FILL = st.text(alphabet=FILLER, min_size=1, max_size=30)


@st.composite
def paragraphs(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts, tokens = [draw(FILL)], []
    for _ in range(draw(st.integers(1, 8))):
        token = draw(TOKENS)
        tokens.append(token)
        parts += [draw(st.lists(GLUE, max_size=1).map("".join)), token,
                  draw(st.lists(GLUE, max_size=1).map("".join)), draw(FILL)]
    return "".join(parts), tokens


@settings(max_examples=300, deadline=None)
@given(paragraphs(), st.integers(8, 80))
def test_no_split_ever_lands_inside_a_protected_token(para: tuple[str, list[str]], limit: int) -> None:
    text, tokens = para
    pieces = split_sentences(text, limit=limit)
    assert_no_cut_inside(text, pieces, tokens)
    assert re.sub(r"\W", "", "".join(pieces)) == re.sub(r"\W", "", text)  # only punctuation alone is dropped
