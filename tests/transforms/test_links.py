"""Link rewriting golden cases: tests/data/rewrite/*.test hold input, a line `--`, and the expected output
(as in bleach's tests), for a page at https://kjt.example.gov.cn/art/1.html in elder mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from proxy.app import urlscheme
from transforms.context import Context
from transforms.links import absolutize, rewrite_tree

CASES = sorted((Path(__file__).resolve().parent.parent / "data" / "rewrite").glob("*.test"))
PAGE = "https://kjt.example.gov.cn/art/1.html"


def rewrite(fragment: str) -> str:
    doc = lxml_html.document_fromstring(f"<html><head></head><body><div id='x'>{fragment}</div></body></html>")
    absolutize(doc, PAGE)
    ctx = Context(url=PAGE, mode="elder", proxy_url=urlscheme.proxied, asset_url=urlscheme.asset,
                  host_allowed=lambda h: h == "gov.cn" or h.endswith(".gov.cn"))
    rewrite_tree(doc, ctx, styles=True)
    head = "".join(lxml_html.tostring(c, encoding="unicode") for c in doc.find("head"))
    div = doc.get_element_by_id("x")
    inner = (div.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in div)
    return (head + inner).strip()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_rewrite_golden(case: Path) -> None:
    source, expected = case.read_text(encoding="utf-8").split("\n--\n")
    assert rewrite(source.strip()) == expected.strip()


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 15


def test_base_href_is_honoured() -> None:
    doc = lxml_html.document_fromstring('<html><head><base href="https://other.example.gov.cn/d/"></head>'
                                        '<body><a href="p.html">x</a></body></html>')
    assert absolutize(doc, PAGE) == "https://other.example.gov.cn/d/"
    assert doc.find(".//a").get("href") == "https://other.example.gov.cn/d/p.html"


def test_javascript_base_href_ignored() -> None:
    doc = lxml_html.document_fromstring('<html><head><base href="javascript:alert(1)//"></head>'
                                        '<body><a href="p.html">x</a></body></html>')
    assert absolutize(doc, PAGE) == PAGE
