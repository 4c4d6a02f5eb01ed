"""Property tests over random and mutated HTML: every mode's pipeline never raises, its output parses, and
the shared checker finds no script, handler, javascript: URL, nor a link that is not proxied, external, a
fragment, mailto: or tel:."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from proxy.app import urlscheme
from proxy.config import DEFAULT_MODES
from tests.hostile.safety import findings
from transforms.context import MODES, Context
from transforms.pipeline import render

BASE = "https://www.example.gov.cn/col/art_1.html"
SEEDS = [p.read_text("utf-8").split("\n--\n", 1)[0] for p in sorted((Path(__file__).parent.parent / "data" / "xss").glob("*.test"))]
TAGS = ["p", "div", "a", "img", "script", "style", "svg", "math", "iframe", "object", "embed", "form", "input",
        "button", "base", "meta", "link", "table", "tr", "td", "template", "noscript", "frameset", "frame",
        "title", "body", "html", "head", "span", "h1", "ul", "li", "select", "textarea", "video", "source",
        "area", "map", "details", "mglyph", "mtext", "xmp", "plaintext", "iframe", "isindex"]
ATTRS = ["href", "src", "srcset", "action", "formaction", "onclick", "onerror", "onload", "style", "srcdoc",
         "data", "xlink:href", "http-equiv", "content", "rel", "class", "id", "title", "background", "ping"]
VALUES = ["javascript:alert(1)", " java\tscript:alert(1)", "&#106;avascript:alert(1)", "data:text/html,<b>",
          "//evil.example.com/", "/local/page.html", "https://www.gov.cn/", "http://127.0.0.1/", "#frag",
          "mailto:a@b.cn", "tel:123", "0;url=javascript:alert(1)", "background:url(javascript:alert(1))",
          "expression(alert(1))", "import", "stylesheet", "refresh", "x onerror=alert(1)", "\\\\evil.example.com",
          "vbscript:x", "https:evil.example.com", "正文", ""]


def context(mode: str) -> Context:
    return Context(url=BASE, mode=mode, proxy_url=urlscheme.proxied, asset_url=urlscheme.asset,
                   host_allowed=lambda h: h == "gov.cn" or h.endswith(".gov.cn"))


@st.composite
def element(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(f' {a}="{v}"' for a, v in draw(st.lists(st.tuples(st.sampled_from(ATTRS),
                                                                     st.sampled_from(VALUES)), max_size=3)))
    inner = draw(st.lists(st.one_of(st.sampled_from(["正文内容，", "text", "&lt;script&gt;", "<!--", "-->",
                                                     "</p>", "</html>", "\x00", "<"]),
                                    element(depth + 1) if depth < 4 else st.just("x")), max_size=4))
    close = draw(st.booleans())
    return f"<{tag}{attrs}>{''.join(inner)}" + (f"</{tag}>" if close else "")


@st.composite
def mutated_seed(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "splice"]))
        if op == "insert":
            text = text[:i] + draw(st.sampled_from(["<", ">", '"', "'", "=", "/", "\t", "\n", "\x00", "&#",
                                                    "<script>", "javascript:", "<svg>", "<math>"])) + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 8)):]
        else:
            other = draw(st.sampled_from(SEEDS))
            j = draw(st.integers(0, len(other)))
            text = text[:i] + other[j:j + draw(st.integers(1, 80))] + text[i:]
    return text


def check_all_modes(fragment: str) -> None:
    page = f"<html><head><title>标题</title></head><body><div id='zoom'>{fragment}</div></body></html>"
    for mode in MODES:
        out = render(page, context(mode), DEFAULT_MODES[mode]).body
        assert lxml_html.document_fromstring(out) is not None
        assert findings(out, original=BASE) == [], (mode, fragment)


FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(element(), min_size=1, max_size=5).map("".join))
def test_random_markup_is_always_safe(fragment: str) -> None:
    check_all_modes(fragment)


@FAST
@given(mutated_seed())
def test_mutated_vectors_are_always_safe(fragment: str) -> None:
    check_all_modes(fragment)


@FAST
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    for mode in MODES:
        out = render(text, context(mode), DEFAULT_MODES[mode]).body
        assert findings(out, original=BASE) == []
