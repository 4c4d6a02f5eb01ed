"""Link rewriting golden cases: tests/data/rewrite/*.test hold input, a line `--`, and the expected output
(as in bleach's tests), for a page at https://kjt.example.gov.cn/art/1.html in elder mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from proxy.app import urlscheme
from transforms.context import Context
from transforms.links import URL_ATTRIBUTE_NAMES, URL_ATTRIBUTES, absolutize, rewrite_styles, rewrite_tree

CASES = sorted((Path(__file__).resolve().parent.parent / "data" / "rewrite").glob("*.test"))
PAGE = "https://kjt.example.gov.cn/art/1.html"


def rewrite(fragment: str) -> str:
    doc = lxml_html.document_fromstring(f"<html><head></head><body><div id='x'>{fragment}</div></body></html>")
    absolutize(doc, PAGE)
    ctx = Context(url=PAGE, mode="elder", proxy_url=urlscheme.proxied, asset_url=urlscheme.asset,
                  host_allowed=lambda h: h == "gov.cn" or h.endswith(".gov.cn"))
    rewrite_tree(doc, ctx)
    rewrite_styles(doc, ctx, PAGE)
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


EXPECTED_PREFIX = {"navigate": "/elder/https://kjt.example.gov.cn/art/", "asset": "/asset?url=https%3A%2F%2F",
                   "srcset": "/asset?url=https%3A%2F%2F", "stylesheet": "/asset?url=https%3A%2F%2F",
                   "refresh": "0;url=/elder/https://kjt.example.gov.cn/art/"}
VOID = {"img", "input", "source", "track", "link", "meta", "area", "br", "hr", "col", "embed"}


@pytest.mark.parametrize("tag,attr,kind", URL_ATTRIBUTES, ids=[f"{t}@{a}" for t, a, _ in URL_ATTRIBUTES])
def test_every_row_of_the_rewrite_table(tag: str, attr: str, kind: str) -> None:
    """Each row, on a page whose URL is relative (the shape that reached our own routes): rewritten to the
    proxy or removed, as the row says; never left relative to our origin, never pointing elsewhere."""
    element = "span" if tag == "*" else tag
    value = "0;url=next.html" if kind == "refresh" else "next.html"
    extra = ' http-equiv="refresh"' if element == "meta" else ' rel="stylesheet"' if element == "link" else ""
    markup = f'<{element}{extra} {attr}="{value}">' + ("" if element in VOID else f"x</{element}>")
    page = (f'<html><head></head><body {attr}="{value}"></body></html>' if element == "body" else
            f"<html><head></head><body><div id='x'>{markup}</div></body></html>")
    doc = lxml_html.document_fromstring(page)
    absolutize(doc, PAGE)
    ctx = Context(url=PAGE, mode="elder", proxy_url=urlscheme.proxied, asset_url=urlscheme.asset,
                  host_allowed=lambda h: h.endswith(".gov.cn"))
    rewrite_tree(doc, ctx)
    found = [el.get(attr) for el in doc.iter(element) if el.get(attr) is not None]
    if kind == "drop":
        assert found == []
    else:
        assert found and all(v.startswith(EXPECTED_PREFIX[kind]) for v in found), found


def test_every_url_attribute_is_in_the_table() -> None:
    """The attributes HTML and its legacy forms fetch or follow (after the WHATWG attribute index)."""
    spec = {"href", "src", "srcset", "action", "formaction", "cite", "longdesc", "poster", "background", "data",
            "codebase", "archive", "classid", "manifest", "ping", "icon", "profile", "lowsrc", "dynsrc",
            "xlink:href", "srcdoc", "imagesrcset"}
    assert spec <= URL_ATTRIBUTE_NAMES
