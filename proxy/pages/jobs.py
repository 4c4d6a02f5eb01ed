"""Functions that run in the render pool's worker processes (module level, so they pickle)."""

from __future__ import annotations

from transforms.article import Article
from transforms.context import Context
from transforms.links import rewrite_stylesheet
from transforms.pipeline import Rendered, extract_article, render

from ..upstream.decode import decode


def render_page(body: bytes, content_type: str, ctx: Context, steps: list[str]) -> Rendered:
    return render(decode(body, content_type), ctx, steps)


def extract_page(body: bytes, content_type: str, ctx: Context, steps: list[str]) -> Article:
    return extract_article(decode(body, content_type), ctx, steps)


def sanitize_stylesheet(body: bytes, content_type: str, url: str, ctx: Context) -> str:
    return rewrite_stylesheet(decode_css(body, content_type), ctx, url)


def decode_css(body: bytes, content_type: str) -> str:
    """CSS names its charset in the header, a BOM or `@charset`; Chinese sites that name none are GB18030."""
    declared = content_type.lower().partition("charset=")[2].strip(" \"';")
    head = body[:128].decode("ascii", "ignore")
    if not declared and head.startswith('@charset "'):
        declared = head[10:].partition('"')[0]
    for charset in (declared, "utf-8-sig", "gb18030"):
        if not charset:
            continue
        try:
            return body.decode("gb18030" if charset in ("gb2312", "gbk") else charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")
