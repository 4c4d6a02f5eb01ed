"""The CSS sanitiser: golden cases (tests/data/css/*.test: a stylesheet, a line `--`, what survives, for a
sheet at https://kjt.example.gov.cn/art/1.css), and properties over arbitrary input."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.app import urlscheme
from transforms.context import Context
from transforms.css import property_allowed, sanitize_declarations, sanitize_stylesheet
from transforms.links import css_url_policy

CASES = sorted((Path(__file__).resolve().parent.parent / "data" / "css").glob("*.test"))
SHEET = "https://kjt.example.gov.cn/art/1.css"
CTX = Context(url=SHEET, mode="orig", proxy_url=urlscheme.proxied, asset_url=urlscheme.asset,
              host_allowed=lambda h: h.endswith(".gov.cn"))
POLICY = css_url_policy(CTX, SHEET)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_css_golden(case: Path) -> None:
    source, expected = case.read_text(encoding="utf-8").split("\n--\n")
    assert sanitize_stylesheet(source.strip(), POLICY) == expected.strip()


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 10


def test_style_attribute_with_form_feed_and_controls() -> None:
    """Form feed is CSS whitespace; a control character makes its declaration invalid, as in browsers."""
    assert sanitize_declarations("color:red;\x0cbackground:url(/x.png);\x0b", POLICY) == \
        "color:red;background:url(/asset?url=https%3A%2F%2Fkjt.example.gov.cn%2Fx.png)"
    assert sanitize_declarations("color:red;\x01background:url(/x.png)", POLICY) == "color:red"


CSS_ALPHABET = st.sampled_from(list("abcdeprsuxlimogt{}():;@/\\\"'<>!-_# \n\t.*0123456789%")
                               + ["url(", "expression(", "</style>", "@import ", "\\75 ", "-moz-binding:",
                                  "javascript:", "/settings?save=1", "<!--", "-->", "var(", "image-set("])


@settings(max_examples=300, deadline=None)
@given(st.lists(CSS_ALPHABET, max_size=60).map("".join))
def test_output_is_always_inert(css: str) -> None:
    sheet, attribute = sanitize_stylesheet(css, POLICY), sanitize_declarations(css, POLICY)
    assert "<" not in sheet + attribute  # nothing can end a <style> element
    rules = tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True)
    declarations = [d for r in rules if r.type == "qualified-rule"
                    for d in tinycss2.parse_declaration_list(r.content, skip_whitespace=True)]
    declarations += tinycss2.parse_declaration_list(attribute, skip_whitespace=True)
    assert not [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "import"]
    for d in declarations:
        assert d.type == "declaration" and property_allowed(d.lower_name), (css, sheet, attribute)
        for token in _walk(d.value):
            if token.type == "function":
                assert token.lower_name not in ("expression", "image-set"), (css, sheet, attribute)
                if token.lower_name == "url":
                    target = [a.value for a in token.arguments if a.type == "string"]
                    assert target and target[0].startswith(("/asset?url=http", "#", "data:image/")), css
            if token.type == "url":
                assert token.value.startswith(("/asset?url=http", "#", "data:image/")), (css, sheet)


def _walk(tokens):
    for t in tokens:
        yield t
        yield from _walk(getattr(t, "arguments", None) or getattr(t, "content", None) or [])
