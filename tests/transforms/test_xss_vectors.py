"""XSS vectors as data files (tests/data/xss/*.test: input, a line `--`, the expected article fragment),
read by one parametrised test, bleach style. Each vector also goes through every mode's whole pipeline,
where the shared checker must find nothing executable.

Regenerate expected outputs (then review every diff by eye): XSS_REGEN=1 pytest tests/test_xss_vectors.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from proxy.app import urlscheme
from proxy.config import DEFAULT_MODES
from tests.hostile.safety import findings
from transforms.context import Context
from transforms.links import absolutize, rewrite_tree
from transforms.parse import parse_document, serialise
from transforms.pipeline import render
from transforms.sanitize import clean_fragment

VECTORS = sorted((Path(__file__).parent.parent / "data" / "xss").glob("*.test"))
BASE = "https://www.example.gov.cn/art/2026/11/20/art_1.html"


def context(mode: str = "elder") -> Context:
    return Context(url=BASE, mode=mode, proxy_url=urlscheme.proxied, asset_url=urlscheme.asset,
                   host_allowed=lambda h: h == "gov.cn" or h.endswith(".gov.cn"))


def read_vector(path: Path) -> tuple[str, str]:
    text = path.read_text("utf-8")
    given, _, expected = text.partition("\n--\n")
    return given, expected.strip()


def article_fragment(given: str) -> str:
    """The article path without extraction: parse, absolutise, sanitise, rewrite links."""
    tree = parse_document(given)
    absolutize(tree, BASE)
    body = tree.find("body")
    inner = (body.text or "") + "".join(serialise(c) for c in body) if body is not None else ""
    ctx = context()
    root = lxml_html.fragment_fromstring(clean_fragment(inner) or "<div></div>", create_parent="div")
    rewrite_tree(root, ctx)
    return lxml_html.tostring(root, encoding="unicode")


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_article_fragment(path: Path) -> None:
    given, expected = read_vector(path)
    got = article_fragment(given)
    if os.environ.get("XSS_REGEN"):
        path.write_text(f"{given}\n--\n{got}\n", encoding="utf-8")
        return
    assert got == expected
    assert findings(f"<html><body>{got}</body></html>") == []


@pytest.mark.parametrize("mode", ["read", "elder", "a11y", "text", "orig"])
@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_in_every_mode(path: Path, mode: str) -> None:
    given, _ = read_vector(path)
    page = f"<html><head><title>测试</title></head><body><div id='zoom'>{given}</div></body></html>"
    out = render(page, context(mode), DEFAULT_MODES[mode]).body
    assert findings(out, original=BASE) == [], out


@pytest.mark.parametrize("mode", ["read", "elder", "a11y", "text", "orig"])
def test_gluing_family_is_inert_in_every_mode(mode: str) -> None:
    """Markup split by what a sanitiser deletes, and CSS that aims at our routes or other hosts: nothing
    executable, no CSS URL outside /asset, no link to our settings route, nothing aimed at 127.0.0.1."""
    from tests.hostile.gluing import gluing_vectors

    vectors = gluing_vectors("https://www.example.gov.cn")
    assert len(vectors) > 250
    for page in vectors:
        out = render(page, context(mode), DEFAULT_MODES[mode]).body
        assert findings(out, original=BASE) == [], (page, out)
        assert "save=1" not in out and "//127.0.0.1" not in out, (page, out)
        for style in lxml_html.document_fromstring(out).xpath("//style/text() | //@style"):
            for url in re.findall(r"url\(([^)]*)\)", style):
                assert url.startswith("/asset?url=") or url.startswith("#"), (page, style)


@pytest.mark.parametrize("mode", ["read", "elder", "a11y", "text", "orig"])
def test_no_dom_clobbering_of_our_toolbar(mode: str) -> None:
    """A name that shadows `document`'s methods (<img name=getElementById>) or an id from our namespace
    (a11y-tb, a11y-strings: the toolbar's page address and its strings) would bend our script."""
    body = ("<div id='zoom'><h1>关于开展测试工作的通知</h1>"
            "<p id='a11y-strings'>{\"play\": \"假的\"}</p><div id='a11y-tb' data-base='/orig/https://x.gov.cn'>"
            "为进一步做好科技成果转化工作，现将有关事项通知如下，请各单位认真贯彻落实。</div>"
            "<img name='getElementById' src='/a.png' alt='图一'><form name='querySelector' action='/s'>"
            "<input name='q'></form><a name='top' id='A11Y-Help'>返回</a></div>")
    out = render(f"<html><head><title>测试</title></head><body>{body}</body></html>", context(mode),
                 DEFAULT_MODES[mode]).body
    doc = lxml_html.document_fromstring(out)
    for own in ("a11y-tb", "a11y-strings", "a11y-help"):
        found = doc.xpath("//*[translate(@id, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = $id]",
                          id=own)
        assert len(found) <= 1 and all("x.gov.cn" not in (el.get("data-base") or "") for el in found), (own, out)
    assert not doc.xpath("//img[@name] | //form[@name] | //iframe[@name] | //embed[@name] | //object[@name]")
    if mode == "orig":
        assert doc.xpath("//input[@name='q']") and doc.xpath("//a[@name='top']")  # what a form or anchor needs
