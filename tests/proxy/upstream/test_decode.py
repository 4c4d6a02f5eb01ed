"""Charset decoding: undeclared GB18030 bytes are read as GB18030 (issue 12), other encodings are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from charset_normalizer import from_bytes

from proxy.upstream.decode import decode, looks_gb18030, sniff

GOVSET = Path(__file__).resolve().parents[2] / "fixtures" / "govset"
NOTICE = "县领导检查春运安全工作。1月20日，县领导带队检查汽车站春运安全工作。"


def page(text: str) -> str:
    script = "<script>var speed=30;function Marquee(){if(a.offsetWidth-b.scrollLeft<=0)b.scrollLeft-=c.offsetWidth;}</script>" * 40
    return f"<html><head><title>{text[:10]}</title>{script}</head><body><p>{text}</p></body></html>"


def test_undeclared_gb18030_with_little_chinese_is_read_as_gb18030() -> None:
    raw = (GOVSET / "sa-07-gbk-undeclared-mostly-script.html").read_bytes()
    guessed = from_bytes(raw[:200_000]).best()
    assert guessed is not None and guessed.encoding != "gb18030"  # what detection alone would make of it
    assert sniff(raw) == "gb18030"
    assert "县领导检查春运安全工作" in decode(raw)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gb_bytes_without_declaration(encoding: str) -> None:
    assert decode(page(NOTICE).encode(encoding)).count(NOTICE) == 1


@pytest.mark.parametrize(("text", "encoding"), [
    ("中華人民共和國政府資訊公開條例，臺北市政府公告事項說明", "big5"),
    ("대한민국 정부 공식 누리집입니다 안녕하세요 반갑습니다", "euc-kr"),
    ("日本語のテキストです。東京都庁の公式サイトへようこそ", "shift_jis"),
])
def test_other_east_asian_encodings_are_not_taken_for_gb18030(text: str, encoding: str) -> None:
    assert not looks_gb18030(page(text).encode(encoding))


def test_declared_and_utf8_pages_are_unchanged() -> None:
    assert sniff(page(NOTICE).encode("utf-8")) == "utf-8"
    raw = page(NOTICE).replace("<head>", '<head><meta charset="gbk">').encode("gbk")
    assert sniff(raw) == "gb18030" and NOTICE in decode(raw)
